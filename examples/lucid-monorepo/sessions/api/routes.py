"""HTTP routes of the session API."""

from typing import Annotated

import jwt
from fastapi import APIRouter, Depends, Header, HTTPException, status

from session_api import Session, SessionAPI, SessionCreate

router = APIRouter(prefix="/sessions", tags=["sessions"])
_api: SessionAPI | None = None


def bind(api: SessionAPI) -> None:
    global _api
    _api = api


def get_api() -> SessionAPI:
    if _api is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "API not initialised")
    return _api


Api = Annotated[SessionAPI, Depends(get_api)]


def current_user(authorization: Annotated[str, Header()], api: Api) -> str:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "bearer token required")
    try:
        return api.authenticate(token)
    except jwt.PyJWTError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from exc


User = Annotated[str, Depends(current_user)]


@router.get("", response_model=list[Session])
def list_sessions(user: User, api: Api) -> list[Session]:
    return api.list_for(user)


@router.post("", response_model=Session, status_code=status.HTTP_201_CREATED)
def create_session(body: SessionCreate, user: User, api: Api) -> Session:
    return api.create(user, body)


@router.delete("/{session_id}", response_model=Session)
def close_session(session_id: str, user: User, api: Api) -> Session:
    session = api.get(session_id)
    if session is None or session.owner != user:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such session")
    return api.close(session_id)
