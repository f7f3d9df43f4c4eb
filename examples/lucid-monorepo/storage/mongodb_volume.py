"""Capacity tracking and collection setup for the MongoDB data volume."""

from dataclasses import dataclass
from typing import Any

from pymongo import MongoClient
from pymongo.database import Database

Document = dict[str, Any]


@dataclass(frozen=True)
class VolumeConfig:
    uri: str
    database: str = "lucid"
    capacity_bytes: int = 50 * 1024**3
    warn_ratio: float = 0.8


@dataclass(frozen=True)
class VolumeUsage:
    used_bytes: int
    capacity_bytes: int

    @property
    def ratio(self) -> float:
        return self.used_bytes / self.capacity_bytes if self.capacity_bytes else 1.0


class MongoDBVolume:
    def __init__(self, config: VolumeConfig, client: MongoClient[Document] | None = None) -> None:
        self.config = config
        self._client: MongoClient[Document] = client or MongoClient(
            config.uri, serverSelectionTimeoutMS=5000
        )
        self._db: Database[Document] = self._client[config.database]

    def usage(self) -> VolumeUsage:
        stats = self._db.command("dbStats")
        used = int(stats.get("storageSize", 0)) + int(stats.get("indexSize", 0))
        return VolumeUsage(used_bytes=used, capacity_bytes=self.config.capacity_bytes)

    def needs_attention(self) -> bool:
        return self.usage().ratio >= self.config.warn_ratio

    def ensure_collections(self, names: list[str]) -> list[str]:
        existing = set(self._db.list_collection_names())
        created = [name for name in names if name not in existing]
        for name in created:
            self._db.create_collection(name)
        return created

    def close(self) -> None:
        self._client.close()
