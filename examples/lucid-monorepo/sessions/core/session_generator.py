"""Creates session identities and per-session encryption keys."""

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True)
class SessionDescriptor:
    session_id: str
    owner: str
    session_key: bytes = field(repr=False)
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class SessionGenerator:
    def __init__(self, key_bytes: int = 32) -> None:
        if key_bytes not in (16, 24, 32):
            raise ValueError("key_bytes must be 16, 24 or 32")
        self._key_bytes = key_bytes
        self.issued = 0

    def new(self, owner: str) -> SessionDescriptor:
        if not owner:
            raise ValueError("owner must not be empty")
        self.issued += 1
        return SessionDescriptor(
            session_id=uuid.uuid4().hex,
            owner=owner,
            session_key=secrets.token_bytes(self._key_bytes),
        )
