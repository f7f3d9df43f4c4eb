"""Turns raw RGB frames from the capture bridge into JPEG key frames (via Pillow)."""

import io
import threading
from pathlib import Path
from typing import Any

from PIL import Image


class VideoCapture:
    name = "video"

    def __init__(self, frame_dir: Path, max_width: int = 1280, quality: int = 70) -> None:
        self._frame_dir = frame_dir
        self._max_width = max_width
        self._quality = quality
        self._lock = threading.Lock()
        self._frames = 0
        self._bytes = 0

    def submit(self, rgb: bytes, width: int, height: int) -> Path:
        image = Image.frombytes("RGB", (width, height), rgb)
        if width > self._max_width:
            image = image.resize((self._max_width, height * self._max_width // width))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=self._quality)
        with self._lock:
            self._frame_dir.mkdir(parents=True, exist_ok=True)
            path = self._frame_dir / f"frame-{self._frames:08d}.jpg"
            path.write_bytes(buffer.getvalue())
            self._frames += 1
            self._bytes += buffer.tell()
        return path

    def sample(self) -> dict[str, Any] | None:
        with self._lock:
            if not self._frames:
                return None
            return {"frames": self._frames, "bytes": self._bytes}
