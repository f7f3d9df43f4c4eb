"""Tracks which window has focus, as reported by the desktop bridge."""

import threading
import time
from typing import Any


class WindowFocusMonitor:
    name = "focus"

    def __init__(self, redact: frozenset[str] = frozenset({"password", "keychain"})) -> None:
        self._redact = redact
        self._lock = threading.Lock()
        self._current: str | None = None
        self._since = time.monotonic()
        self._switches = 0

    def _clean(self, title: str) -> str:
        lowered = title.lower()
        return "[redacted]" if any(word in lowered for word in self._redact) else title[:200]

    def focus(self, title: str) -> None:
        with self._lock:
            cleaned = self._clean(title)
            if cleaned != self._current:
                self._current = cleaned
                self._since = time.monotonic()
                self._switches += 1

    def sample(self) -> dict[str, Any] | None:
        with self._lock:
            if self._current is None:
                return None
            result = {
                "window": self._current,
                "focused_for": round(time.monotonic() - self._since, 3),
                "switches": self._switches,
            }
            self._switches = 0
        return result
