"""Role-based access control for wallet operations."""

from enum import Flag, auto


class Role(Flag):
    NONE = 0
    VIEWER = auto()
    SIGNER = auto()
    ADMIN = auto()


class AccessDenied(PermissionError):
    """Raised when an actor lacks a required role."""


class RoleManager:
    def __init__(self) -> None:
        self._grants: dict[str, Role] = {}

    def grant(self, actor: str, role: Role) -> None:
        self._grants[actor] = self._grants.get(actor, Role.NONE) | role

    def revoke(self, actor: str, role: Role) -> None:
        self._grants[actor] = self._grants.get(actor, Role.NONE) & ~role

    def roles(self, actor: str) -> Role:
        return self._grants.get(actor, Role.NONE)

    def has(self, actor: str, role: Role) -> bool:
        return role in self.roles(actor)

    def require(self, actor: str, role: Role) -> None:
        if not self.has(actor, role):
            raise AccessDenied(f"{actor} lacks role {role}")
