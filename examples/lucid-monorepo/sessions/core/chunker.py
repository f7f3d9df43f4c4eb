"""Splits a session byte stream into fixed-size, indexed chunks."""

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024


@dataclass(frozen=True)
class Chunk:
    session_id: str
    index: int
    data: bytes

    @property
    def digest(self) -> bytes:
        return hashlib.sha256(self.data).digest()


class Chunker:
    def __init__(self, session_id: str, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        if chunk_size <= 0:
            raise ValueError("chunk_size must be positive")
        self.session_id = session_id
        self.chunk_size = chunk_size

    def split(self, stream: Iterable[bytes]) -> Iterator[Chunk]:
        buffer = bytearray()
        index = 0
        for block in stream:
            buffer.extend(block)
            while len(buffer) >= self.chunk_size:
                yield Chunk(self.session_id, index, bytes(buffer[: self.chunk_size]))
                del buffer[: self.chunk_size]
                index += 1
        if buffer:
            yield Chunk(self.session_id, index, bytes(buffer))
