"""Manifest describing a processed session: its chunks and their Merkle root."""

from datetime import UTC, datetime

from pydantic import BaseModel, Field


class ChunkEntry(BaseModel):
    index: int = Field(ge=0)
    size: int = Field(ge=0)
    stored_size: int = Field(ge=0)
    digest: str = Field(pattern=r"^[0-9a-f]{64}$")


class SessionManifest(BaseModel):
    session_id: str
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    compression: str = "zstd"
    cipher: str = "aes-256-gcm"
    chunks: list[ChunkEntry] = Field(default_factory=list)
    merkle_root: str | None = None

    def add(self, entry: ChunkEntry) -> None:
        if entry.index != len(self.chunks):
            raise ValueError(f"expected chunk {len(self.chunks)}, got {entry.index}")
        self.chunks.append(entry)

    @property
    def total_size(self) -> int:
        return sum(chunk.size for chunk in self.chunks)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)
