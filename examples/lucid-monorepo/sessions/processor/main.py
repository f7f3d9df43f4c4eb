"""Session processor service entry point: ``python main.py`` from sessions/processor."""

import logging
import os
import sys
import tempfile
from pathlib import Path

from chunk_processor import ChunkProcessor
from compressor import Compressor
from encryption import ChunkCipher
from merkle_builder import StreamingMerkleBuilder
from session_manifest import SessionManifest

log = logging.getLogger("lucid.sessions.processor")
CHUNK_SIZE = 4 * 1024 * 1024


def write_manifest(manifest: SessionManifest, out_dir: Path) -> Path:
    path = out_dir / f"{manifest.session_id}.manifest.json"
    path.write_text(manifest.to_json(), encoding="utf-8")
    return path


def process_file(source: Path, out_dir: Path, cipher: ChunkCipher, level: int) -> Path:
    processor = ChunkProcessor(source.stem, cipher, Compressor(level), StreamingMerkleBuilder())
    with source.open("rb") as raw:
        while block := raw.read(CHUNK_SIZE):
            sealed = processor.process(block)
            index = len(processor.manifest.chunks) - 1
            (out_dir / f"{source.stem}.{index:06d}.chunk").write_bytes(sealed)
    return write_manifest(processor.finish(), out_dir)


def main() -> int:
    logging.basicConfig(level=logging.INFO)
    key = os.environ.get("LUCID_CHUNK_KEY")
    if not key:
        log.error("LUCID_CHUNK_KEY (64 hex digits) is not set")
        return 2
    tmp = Path(tempfile.gettempdir())
    in_dir = Path(os.environ.get("LUCID_PROCESSOR_IN", tmp / "lucid-in"))
    out_dir = Path(os.environ.get("LUCID_PROCESSOR_OUT", tmp / "lucid-out"))
    out_dir.mkdir(parents=True, exist_ok=True)
    cipher = ChunkCipher.from_hex(key)
    level = int(os.environ.get("LUCID_ZSTD_LEVEL", "10"))
    for source in sorted(in_dir.glob("*.rec")):
        log.info("processed %s -> %s", source.name, process_file(source, out_dir, cipher, level))
    return 0


if __name__ == "__main__":
    sys.exit(main())
