"""Role policy loaded from YAML: which actors may perform which session actions."""

from pathlib import Path

import yaml


class PolicyDenied(PermissionError):
    """Raised when an actor is not allowed an action."""


class PolicyEnforcer:
    WILDCARD = "*"

    def __init__(self, rules: dict[str, set[str]]) -> None:
        self._rules = {actor: set(actions) for actor, actions in rules.items()}

    @classmethod
    def from_file(cls, path: str | Path) -> "PolicyEnforcer":
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return cls({str(actor): set(actions) for actor, actions in data.get("actors", {}).items()})

    def allowed(self, actor: str, action: str) -> bool:
        actions = self._rules.get(actor, set()) | self._rules.get(self.WILDCARD, set())
        return action in actions or self.WILDCARD in actions

    def require(self, actor: str, action: str) -> None:
        if not self.allowed(actor, action):
            raise PolicyDenied(f"{actor} may not {action}")
