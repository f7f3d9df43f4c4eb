"""Validates signing payloads against a YAML policy."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class PolicyViolation(ValueError):
    """Raised when a payload breaks the signing policy."""


@dataclass
class PolicyValidator:
    required_fields: set[str] = field(default_factory=lambda: {"session_id", "root"})
    max_payload_fields: int = 16
    forbidden_fields: set[str] = field(default_factory=lambda: {"private_key", "seed"})

    @classmethod
    def from_file(cls, path: str | Path) -> "PolicyValidator":
        data: dict[str, Any] = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return cls(
            required_fields=set(data.get("required_fields", ["session_id", "root"])),
            max_payload_fields=int(data.get("max_payload_fields", 16)),
            forbidden_fields=set(data.get("forbidden_fields", ["private_key", "seed"])),
        )

    def validate(self, payload: dict[str, object]) -> None:
        missing = self.required_fields - payload.keys()
        if missing:
            raise PolicyViolation(f"missing fields: {sorted(missing)}")
        leaked = self.forbidden_fields & payload.keys()
        if leaked:
            raise PolicyViolation(f"forbidden fields: {sorted(leaked)}")
        if len(payload) > self.max_payload_fields:
            raise PolicyViolation("payload has too many fields")
