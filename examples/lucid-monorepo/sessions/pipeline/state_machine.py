"""Per-session state machine for the processing pipeline."""

import time
from dataclasses import dataclass, field
from enum import StrEnum


class SessionState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


TRANSITIONS: dict[SessionState, frozenset[SessionState]] = {
    SessionState.QUEUED: frozenset({SessionState.RUNNING}),
    SessionState.RUNNING: frozenset(
        {SessionState.COMPLETED, SessionState.FAILED, SessionState.QUEUED}
    ),
    SessionState.COMPLETED: frozenset(),
    SessionState.FAILED: frozenset({SessionState.QUEUED}),
}


class InvalidTransition(RuntimeError):
    """Raised on a transition the table does not allow."""


@dataclass
class StateMachine:
    state: SessionState = SessionState.QUEUED
    history: list[tuple[SessionState, float]] = field(default_factory=list)

    def can(self, target: SessionState) -> bool:
        return target in TRANSITIONS[self.state]

    def advance(self, target: SessionState) -> None:
        if not self.can(target):
            raise InvalidTransition(f"{self.state.value} -> {target.value}")
        self.history.append((self.state, time.time()))
        self.state = target

    @property
    def terminal(self) -> bool:
        return not TRANSITIONS[self.state]
