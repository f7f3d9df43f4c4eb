"""Session storage service entry point: ``python main.py`` from sessions/storage."""

import logging
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

from chunk_store import ChunkStore
from session_storage import SessionStorage
from session_storage_service import SessionStorageService

log = logging.getLogger("lucid.sessions.storage")


def main() -> int:
    logging.basicConfig(level=logging.INFO)
    chunk_root = Path(os.environ.get("LUCID_CHUNK_ROOT", Path(tempfile.gettempdir()) / "chunks"))
    sessions = SessionStorage.connect(
        os.environ.get("LUCID_MONGO_URI", "mongodb://mongo:27017"),
        os.environ.get("LUCID_MONGO_DB", "lucid"),
    )
    sessions.ensure_indexes()
    service = SessionStorageService(ChunkStore(chunk_root), sessions)
    log.info("session storage ready, chunks under %s", chunk_root)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    audit = [s for s in os.environ.get("LUCID_AUDIT_SESSIONS", "").split(",") if s]
    while not stop.wait(300.0):
        for session_id in audit:
            missing = service.missing_chunks(session_id)
            if missing:
                log.warning("session %s is missing %d chunks", session_id, len(missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
