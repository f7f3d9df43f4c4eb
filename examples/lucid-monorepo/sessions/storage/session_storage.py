"""Session metadata in MongoDB: which chunks make up a session, and its Merkle root."""

from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, MongoClient
from pymongo.collection import Collection

from storage.mongodb_volume import VolumeConfig

Document = dict[str, Any]


class SessionStorage:
    def __init__(self, collection: Collection[Document]) -> None:
        self._collection = collection

    @classmethod
    def connect(cls, uri: str, database: str = "lucid") -> "SessionStorage":
        client: MongoClient[Document] = MongoClient(uri, serverSelectionTimeoutMS=5000)
        return cls(client[database]["sessions"])

    @classmethod
    def on_volume(cls, volume: VolumeConfig) -> "SessionStorage":
        return cls.connect(volume.uri, volume.database)

    def ensure_indexes(self) -> None:
        self._collection.create_index([("session_id", ASCENDING)], unique=True)
        self._collection.create_index([("stored_at", ASCENDING)])

    def save(self, session_id: str, chunk_digests: list[str], merkle_root: str) -> None:
        document = {
            "session_id": session_id,
            "chunks": chunk_digests,
            "merkle_root": merkle_root,
            "stored_at": datetime.now(UTC),
        }
        self._collection.replace_one({"session_id": session_id}, document, upsert=True)

    def load(self, session_id: str) -> dict[str, Any] | None:
        return self._collection.find_one({"session_id": session_id}, {"_id": False})

    def delete(self, session_id: str) -> bool:
        return self._collection.delete_one({"session_id": session_id}).deleted_count == 1
