"""User accounts with salted PBKDF2 password hashes (standard library only)."""

import hashlib
import hmac
import os
from dataclasses import dataclass, field

ITERATIONS = 600_000


def _hash_password(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, ITERATIONS)


@dataclass
class User:
    username: str
    salt: bytes = field(repr=False)
    password_hash: bytes = field(repr=False)
    roles: set[str] = field(default_factory=set)
    active: bool = True


class UserManager:
    def __init__(self) -> None:
        self._users: dict[str, User] = {}

    def create(self, username: str, password: str, roles: set[str] | None = None) -> User:
        if username in self._users:
            raise ValueError(f"user {username!r} already exists")
        if len(password) < 12:
            raise ValueError("password must be at least 12 characters")
        salt = os.urandom(16)
        user = User(username, salt, _hash_password(password, salt), set(roles or ()))
        self._users[username] = user
        return user

    def authenticate(self, username: str, password: str) -> User | None:
        user = self._users.get(username)
        if user is None or not user.active:
            return None
        if not hmac.compare_digest(user.password_hash, _hash_password(password, user.salt)):
            return None
        return user

    def deactivate(self, username: str) -> None:
        self._users[username].active = False

    def list_users(self) -> list[str]:
        return sorted(self._users)
