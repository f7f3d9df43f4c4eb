"""Rotates signing keys that are older than the configured maximum age."""

import time
from dataclasses import dataclass, field

from wallet.keys import generate_keypair
from wallet.walletd.keystore_manager import KeystoreManager


@dataclass
class KeyRotationPolicy:
    max_age_seconds: float = 30 * 24 * 3600
    created_at: dict[str, float] = field(default_factory=dict)

    def track(self, key_id: str, created: float | None = None) -> None:
        self.created_at[key_id] = time.time() if created is None else created

    def due(self, now: float | None = None) -> list[str]:
        now = time.time() if now is None else now
        return sorted(k for k, t in self.created_at.items() if now - t >= self.max_age_seconds)


def rotate_due_keys(keystore: KeystoreManager, policy: KeyRotationPolicy) -> list[str]:
    """Replace every due key with a fresh one under the same id; return the rotated ids."""
    rotated: list[str] = []
    for key_id in policy.due():
        keystore.store(generate_keypair(key_id), replace=True)
        policy.track(key_id)
        rotated.append(key_id)
    return rotated
