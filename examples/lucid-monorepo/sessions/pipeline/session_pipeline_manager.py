"""Runs sessions through the pipeline and tracks each one's state."""

from typing import Any

from pipeline_manager import PipelineManager, StageFailed
from state_machine import SessionState, StateMachine


class SessionPipelineManager:
    def __init__(self, pipeline: PipelineManager, max_attempts: int = 3) -> None:
        self._pipeline = pipeline
        self._max_attempts = max_attempts
        self._machines: dict[str, StateMachine] = {}
        self._attempts: dict[str, int] = {}
        self.results: dict[str, dict[str, Any]] = {}

    def state(self, session_id: str) -> SessionState:
        return self._machines.setdefault(session_id, StateMachine()).state

    def submit(self, session_id: str, context: dict[str, Any]) -> SessionState:
        machine = self._machines.setdefault(session_id, StateMachine())
        if machine.state is SessionState.FAILED:
            machine.advance(SessionState.QUEUED)
        machine.advance(SessionState.RUNNING)
        self._attempts[session_id] = self._attempts.get(session_id, 0) + 1
        try:
            self.results[session_id] = self._pipeline.run({"session_id": session_id, **context})
        except StageFailed:
            retry = self._attempts[session_id] < self._max_attempts
            machine.advance(SessionState.QUEUED if retry else SessionState.FAILED)
        else:
            machine.advance(SessionState.COMPLETED)
        return machine.state

    def pending(self) -> list[str]:
        return sorted(s for s, m in self._machines.items() if m.state is SessionState.QUEUED)
