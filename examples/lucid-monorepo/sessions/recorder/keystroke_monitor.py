"""Counts keystrokes fed by the input bridge; never stores what was typed."""

import threading
from typing import Any

SPECIAL_KEYS = frozenset({"enter", "tab", "backspace", "escape", "ctrl", "alt", "meta"})


class KeystrokeMonitor:
    name = "keystrokes"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys = 0
        self._special = 0

    def feed(self, key: str) -> None:
        with self._lock:
            self._keys += 1
            if key.lower() in SPECIAL_KEYS:
                self._special += 1

    def sample(self) -> dict[str, Any] | None:
        with self._lock:
            if not self._keys:
                return None
            result = {"keys": self._keys, "special": self._special}
            self._keys = self._special = 0
        return result
