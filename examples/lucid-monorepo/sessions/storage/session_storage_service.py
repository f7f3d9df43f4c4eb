"""Stores whole sessions: chunk bytes in the chunk store, metadata in MongoDB."""

from collections.abc import Iterable, Iterator

from chunk_store import ChunkStore
from session_storage import SessionStorage


class SessionNotFound(LookupError):
    """Raised when no metadata exists for a session."""


class SessionStorageService:
    def __init__(self, chunks: ChunkStore, sessions: SessionStorage) -> None:
        self._chunks = chunks
        self._sessions = sessions

    def store(self, session_id: str, chunks: Iterable[bytes], merkle_root: str) -> list[str]:
        digests = [self._chunks.put(chunk) for chunk in chunks]
        self._sessions.save(session_id, digests, merkle_root)
        return digests

    def _digests(self, session_id: str) -> list[str]:
        document = self._sessions.load(session_id)
        if document is None:
            raise SessionNotFound(session_id)
        return list(document["chunks"])

    def read(self, session_id: str) -> Iterator[bytes]:
        for digest in self._digests(session_id):
            yield self._chunks.get(digest)

    def missing_chunks(self, session_id: str) -> list[str]:
        return [d for d in self._digests(session_id) if not self._chunks.has(d)]

    def purge(self, session_id: str) -> int:
        removed = sum(self._chunks.delete(d) for d in self._digests(session_id))
        self._sessions.delete(session_id)
        return removed
