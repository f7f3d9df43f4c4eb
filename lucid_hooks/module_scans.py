"""The import scan of a repository file, made once per content.

Both check-entry-point-imports and check-init-files read what a module
imports; the scan (`imports.scan`) is kept in the disk cache under one
namespace, by the file's content, so either hook reuses what the other made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from lucid_hooks.imports import ModuleScan
    from lucid_hooks.snapshot import Snapshot

SCAN_NAMESPACE = "import-scan-2"
# Files larger than this are not read for imports (generated data, vendored blobs).
SOURCE_LIMIT = 4 << 20


def module_scan(
    snapshot: Snapshot, path: str, read: Callable[[bytes], object] | None = None
) -> ModuleScan | None:
    """The scan of a regular file of at most SOURCE_LIMIT bytes (None for
    any other); ``read`` is given the bytes when they are scanned (not when
    the disk cache had the scan). Raises OSError when the file cannot be
    read."""
    from lucid_hooks import imports

    def scan(data: bytes) -> ModuleScan:
        if read is not None:
            read(data)
        return imports.scan(data)

    return snapshot.derived(
        SCAN_NAMESPACE, path, SOURCE_LIMIT, scan, imports.encode, imports.decode
    )
