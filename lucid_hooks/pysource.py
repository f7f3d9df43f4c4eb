"""Facts about Python source files that need their bytes but never their
execution: whether a file is a script rather than a module."""

from __future__ import annotations

import re

# PEP 723 blocks sit at the top of real scripts; a file whose first MiB holds
# none is generated code or data, not a script.
SCRIPT_SCAN_LIMIT = 1 << 20

_BOM = b"\xef\xbb\xbf"
_PEP723_OPEN = re.compile(rb"^# /// script[ \t]*\r?$", re.MULTILINE)
_PEP723_CLOSE = re.compile(rb"^# ///[ \t]*\r?$", re.MULTILINE)


def is_script_source(data: bytes) -> bool:
    """A shebang line or a PEP 723 ``# /// script`` block marks a script."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if data.startswith(b"#!"):
        return True
    opening = _PEP723_OPEN.search(data)
    return opening is not None and _PEP723_CLOSE.search(data, opening.end()) is not None


def read_head(path: str, limit: int = SCRIPT_SCAN_LIMIT) -> bytes:
    """The first ``limit`` bytes of a file; raises OSError like ``open``."""
    with open(path, "rb") as file:
        return file.read(limit)


def is_script_file(path: str) -> bool:
    return is_script_source(read_head(path))
