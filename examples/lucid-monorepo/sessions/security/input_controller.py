"""Filters the input events a viewer may send into a live session."""

from dataclasses import dataclass, field
from enum import StrEnum


class InputKind(StrEnum):
    KEY = "key"
    MOUSE = "mouse"
    CLIPBOARD = "clipboard"
    FILE_TRANSFER = "file_transfer"


@dataclass(frozen=True)
class InputEvent:
    kind: InputKind
    payload: str = ""


@dataclass
class InputController:
    allowed: set[InputKind] = field(default_factory=lambda: {InputKind.KEY, InputKind.MOUSE})
    blocked_keys: set[str] = field(default_factory=lambda: {"ctrl+alt+delete"})
    max_clipboard_chars: int = 4096
    rejected: int = 0

    def permit(self, event: InputEvent) -> bool:
        ok = event.kind in self.allowed
        if ok and event.kind is InputKind.KEY:
            ok = event.payload.lower() not in self.blocked_keys
        if ok and event.kind is InputKind.CLIPBOARD:
            ok = len(event.payload) <= self.max_clipboard_chars
        if not ok:
            self.rejected += 1
        return ok

    def filter(self, events: list[InputEvent]) -> list[InputEvent]:
        return [event for event in events if self.permit(event)]
