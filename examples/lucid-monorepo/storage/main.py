"""Storage service entry point. Run from the repository root: ``python -m storage.main``."""

import logging
import os
import signal
import sys
import threading

from storage.mongodb_volume import MongoDBVolume, VolumeConfig

log = logging.getLogger("lucid.storage")

COLLECTIONS = ["sessions", "chunks", "anchors"]


def main() -> int:
    logging.basicConfig(level=os.environ.get("LUCID_LOG_LEVEL", "INFO"))
    config = VolumeConfig(
        uri=os.environ.get("LUCID_MONGO_URI", "mongodb://mongo:27017"),
        database=os.environ.get("LUCID_MONGO_DB", "lucid"),
        capacity_bytes=int(os.environ.get("LUCID_VOLUME_BYTES", str(50 * 1024**3))),
    )
    volume = MongoDBVolume(config)
    created = volume.ensure_collections(COLLECTIONS)
    log.info("collections ready (created: %s)", ", ".join(created) or "none")

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        while not stop.wait(60.0):
            usage = volume.usage()
            level = logging.WARNING if volume.needs_attention() else logging.INFO
            log.log(level, "volume at %.1f%% of capacity", usage.ratio * 100)
    finally:
        volume.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
