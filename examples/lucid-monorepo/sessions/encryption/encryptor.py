"""ChaCha20-Poly1305 chunk encryption with an HKDF-derived key and index-bound nonces."""

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_SIZE = 12
KDF_INFO = b"lucid-session-chunks-v1"


class SessionEncryptor:
    """One instance per session key; a chunk index must never be encrypted twice."""

    def __init__(self, session_key: bytes) -> None:
        if len(session_key) < 16:
            raise ValueError("session key must be at least 16 bytes")
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KDF_INFO).derive(
            session_key
        )
        self._aead = ChaCha20Poly1305(key)

    @staticmethod
    def _nonce(index: int) -> bytes:
        if index < 0:
            raise ValueError("chunk index must be non-negative")
        return index.to_bytes(NONCE_SIZE, "big")

    def encrypt(self, index: int, data: bytes, associated: bytes = b"") -> bytes:
        return self._aead.encrypt(self._nonce(index), data, associated)

    def decrypt(self, index: int, sealed: bytes, associated: bytes = b"") -> bytes:
        return self._aead.decrypt(self._nonce(index), sealed, associated)
