"""Session API domain layer: request models, token checks and the session registry."""

import time
import uuid
from distutils.util import strtobool

import jwt
from pydantic import BaseModel, Field


class SessionCreate(BaseModel):
    target_host: str = Field(min_length=1, max_length=253)
    record_video: bool = True
    max_duration_s: int = Field(default=3600, ge=60, le=86_400)


class Session(BaseModel):
    session_id: str
    owner: str
    target_host: str
    record_video: bool
    created_at: float
    status: str = "active"


class SessionAPI:
    def __init__(
        self, jwt_secret: str, audience: str = "lucid-sessions", verify: str = "yes"
    ) -> None:
        self._secret = jwt_secret
        self._audience = audience
        self._verify = bool(strtobool(verify))
        self._sessions: dict[str, Session] = {}

    def authenticate(self, token: str) -> str:
        claims = jwt.decode(token, self._secret, algorithms=["HS256"], audience=self._audience)
        return str(claims["sub"])

    def create(self, owner: str, request: SessionCreate) -> Session:
        session = Session(
            session_id=uuid.uuid4().hex,
            owner=owner,
            target_host=request.target_host,
            record_video=request.record_video,
            created_at=time.time(),
        )
        self._sessions[session.session_id] = session
        return session

    def get(self, session_id: str) -> Session | None:
        return self._sessions.get(session_id)

    def list_for(self, owner: str) -> list[Session]:
        return [s for s in self._sessions.values() if s.owner == owner]

    def close(self, session_id: str) -> Session:
        session = self._sessions[session_id]
        session.status = "closed"
        return session
