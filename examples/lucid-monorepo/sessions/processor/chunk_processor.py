"""Compress, seal and account for each chunk of a session."""

import hashlib

from compressor import Compressor
from encryption import ChunkCipher
from merkle_builder import StreamingMerkleBuilder
from session_manifest import ChunkEntry, SessionManifest


class ChunkProcessor:
    def __init__(
        self,
        session_id: str,
        cipher: ChunkCipher,
        compressor: Compressor,
        merkle: StreamingMerkleBuilder,
    ) -> None:
        self.session_id = session_id
        self._cipher = cipher
        self._compressor = compressor
        self._merkle = merkle
        self.manifest = SessionManifest(session_id=session_id)

    def process(self, data: bytes) -> bytes:
        index = len(self.manifest.chunks)
        packed = self._compressor.compress(data)
        sealed = self._cipher.seal(packed, f"{self.session_id}:{index}".encode())
        digest = hashlib.sha256(sealed).digest()
        self._merkle.add(digest)
        self.manifest.add(
            ChunkEntry(index=index, size=len(data), stored_size=len(sealed), digest=digest.hex())
        )
        return sealed

    def finish(self) -> SessionManifest:
        self.manifest.merkle_root = self._merkle.root().hex()
        return self.manifest
