"""In-memory keystore with optional export to an encrypted software vault."""

import threading

from wallet.keys import KeyPair


class KeyNotFound(KeyError):
    """Raised when a key id is not in the keystore."""


class KeystoreManager:
    def __init__(self) -> None:
        self._keys: dict[str, KeyPair] = {}
        self._lock = threading.Lock()

    def store(self, pair: KeyPair, *, replace: bool = False) -> None:
        with self._lock:
            if pair.key_id in self._keys and not replace:
                raise ValueError(f"key {pair.key_id!r} already exists")
            self._keys[pair.key_id] = pair

    def load(self, key_id: str) -> KeyPair:
        with self._lock:
            try:
                return self._keys[key_id]
            except KeyError:
                raise KeyNotFound(key_id) from None

    def remove(self, key_id: str) -> None:
        with self._lock:
            self._keys.pop(key_id, None)

    def key_ids(self) -> list[str]:
        with self._lock:
            return sorted(self._keys)
