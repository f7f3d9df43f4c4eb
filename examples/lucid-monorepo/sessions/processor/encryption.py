"""AES-256-GCM sealing of processed chunks with random, prefixed nonces."""

import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_SIZE = 12


class ChunkCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("AES-256 key must be 32 bytes")
        self._aead = AESGCM(key)

    @classmethod
    def from_hex(cls, hex_key: str) -> "ChunkCipher":
        return cls(bytes.fromhex(hex_key))

    def seal(self, payload: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_SIZE)
        return nonce + self._aead.encrypt(nonce, payload, aad)

    def open(self, blob: bytes, aad: bytes) -> bytes:
        if len(blob) <= NONCE_SIZE:
            raise ValueError("sealed blob is too short")
        return self._aead.decrypt(blob[:NONCE_SIZE], blob[NONCE_SIZE:], aad)
