"""Passphrase-encrypted storage of raw private keys (scrypt + AES-GCM)."""

import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from wallet.keys import KeyPair, keypair_from_bytes

SALT_SIZE = 16
NONCE_SIZE = 12


def _derive(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode())


class SoftwareVault:
    def __init__(self, passphrase: str) -> None:
        if len(passphrase) < 12:
            raise ValueError("passphrase must be at least 12 characters")
        self._passphrase = passphrase

    def seal(self, pair: KeyPair) -> bytes:
        salt = os.urandom(SALT_SIZE)
        nonce = os.urandom(NONCE_SIZE)
        aead = AESGCM(_derive(self._passphrase, salt))
        return salt + nonce + aead.encrypt(nonce, pair.private_bytes(), pair.key_id.encode())

    def unseal(self, key_id: str, blob: bytes) -> KeyPair:
        salt = blob[:SALT_SIZE]
        nonce = blob[SALT_SIZE : SALT_SIZE + NONCE_SIZE]
        aead = AESGCM(_derive(self._passphrase, salt))
        raw = aead.decrypt(nonce, blob[SALT_SIZE + NONCE_SIZE :], key_id.encode())
        return keypair_from_bytes(key_id, raw)
