"""Session recorder: polls its monitors and appends their samples to a JSON-lines log."""

import json
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol


class Monitor(Protocol):
    name: str

    def sample(self) -> dict[str, Any] | None: ...


class SessionRecorder:
    def __init__(
        self,
        session_id: str,
        output_dir: Path,
        monitors: Sequence[Monitor],
        interval: float = 1.0,
    ) -> None:
        self.session_id = session_id
        self.path = output_dir / f"{session_id}.jsonl"
        self._monitors = list(monitors)
        self._interval = interval
        self._stop = threading.Event()
        self.events_written = 0

    def record_once(self) -> int:
        # One line per monitor that has something to report.
        written = 0
        with self.path.open("a", encoding="utf-8") as log:
            for monitor in self._monitors:
                sample = monitor.sample()
                if sample is None:
                    continue
                event = {"ts": time.time(), "session": self.session_id, "source": monitor.name}
                event.update(sample)
                log.write(json.dumps(event, sort_keys=True) + "\n")
                written += 1
        self.events_written += written
        return written

    def run(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while not self._stop.is_set():
            self.record_once()
            self._stop.wait(self._interval)

    def stop(self) -> None:
        self._stop.set()
