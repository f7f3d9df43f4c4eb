"""The only ways a hook writes: create an empty file exclusively, append
lines to a file under a lock, or replace the bytes of a file that still
holds exactly what the hook read. None follows a symlink or leaves the
repository, and each is idempotent.
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


class UnsafePathError(OSError):
    """A write that would go through a symlink or leave the repository."""


_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


def create_empty_file(root: str, path: str) -> bool:
    """Create the empty file ``root/path`` exclusively.

    Returns False when the file already exists (another process won a race,
    or it was there all along). Every folder on the way is opened without
    following symlinks, so nothing is written through a link or outside the
    repository; a link in the way raises UnsafePathError.
    """
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise UnsafePathError(f"not a plain repo-relative path: {path!r}")
    folder_fd = _open_folders(root, parts[:-1], path)
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW
        try:
            file_fd = os.open(parts[-1], flags, 0o666, dir_fd=folder_fd)
        except FileExistsError:
            return False
        os.close(file_fd)
        return True
    finally:
        os.close(folder_fd)


class ChangedFileError(OSError):
    """The file no longer holds the bytes the fix was made from."""


def replace_unchanged(root: str, path: str, expected: bytes, new: bytes) -> None:
    """Write ``new`` over the regular file ``root/path`` if it holds exactly
    ``expected`` (ChangedFileError otherwise), in place and under a lock, so
    its mode and owner stay. Every folder on the way and the file itself are
    opened without following symlinks, and a file with more than one hard
    link (another name may be outside the repository) is not written
    (UnsafePathError)."""
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise UnsafePathError(f"not a plain repo-relative path: {path!r}")
    folder_fd = _open_folders(root, parts[:-1], path)
    try:
        fd = _open_file_in(folder_fd, parts[-1], path)
    finally:
        os.close(folder_fd)
    try:
        _lock(fd)
        if read_all(fd) != expected:
            raise ChangedFileError(f"{parts[-1]} changed since it was read; run the hook again")
        _write_all(fd, new)
        os.ftruncate(fd, len(new))
    finally:
        os.close(fd)


def _open_file_in(folder_fd: int, name: str, path: str) -> int:
    flags = os.O_RDWR | _NO_FOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(name, flags, dir_fd=folder_fd)
    except OSError as error:
        if stat.S_ISLNK(os.lstat(name, dir_fd=folder_fd).st_mode):
            raise UnsafePathError(f"{path} is a symlink; not writing through it") from error
        raise
    status = os.fstat(fd)
    if not stat.S_ISREG(status.st_mode):
        os.close(fd)
        raise OSError(f"{name} is not a regular file")
    if status.st_nlink > 1:
        os.close(fd)
        raise UnsafePathError(f"{path} has other hard links; not writing through them")
    return fd


def _write_all(fd: int, data: bytes) -> None:
    offset = 0
    while offset < len(data):
        offset += os.pwrite(fd, data[offset:], offset)


def _open_folders(root: str, parts: Sequence[str], path: str) -> int:
    """A descriptor of ``root/parts...``, each step opened without following a link."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NO_FOLLOW
    folder_fd = os.open(root, flags)
    for depth, part in enumerate(parts, start=1):
        try:
            next_fd = os.open(part, flags, dir_fd=folder_fd)
        except OSError as error:
            os.close(folder_fd)
            if os.path.islink(os.path.join(root, *parts[:depth])):
                raise UnsafePathError(f"{path}: a folder on the way is a symlink") from error
            raise
        os.close(folder_fd)
        folder_fd = next_fd
    return folder_fd


def append_missing_lines(path: str, lines: Sequence[str]) -> list[str]:
    """Append to ``path`` those of ``lines`` it lacks; return the ones written.

    Parallel hook runs may append at the same moment: the file is opened in
    append mode and locked, and re-read under the lock, so each line is
    written once. The user's lines are never rewritten; a missing final
    newline is added first, and CRLF files get CRLF lines. Lines compare as
    git compares ``.gitignore`` lines (trailing blanks dropped, a BOM skipped).
    """
    fd = open_regular_file(path, os.O_RDWR | os.O_APPEND | os.O_CREAT)
    try:
        _lock(fd)
        existing = read_all(fd)
        present = text_lines(existing)
        missing = [line for line in dict.fromkeys(lines) if line not in present]
        if not missing:
            return []
        newline = b"\r\n" if b"\r\n" in existing else b"\n"
        data = b"".join(line.encode("utf-8", "surrogateescape") + newline for line in missing)
        if existing and not existing.endswith(b"\n"):
            data = newline + data
        while data:
            written = os.write(fd, data)
            data = data[written:]
        return missing
    finally:
        os.close(fd)  # also releases the lock


def text_lines(data: bytes) -> set[str]:
    """The lines of a text file with trailing blanks dropped and a leading BOM skipped."""
    text = data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    return {line.rstrip(" \t\r") for line in text.split("\n")}


def open_regular_file(path: str, flags: int) -> int:
    """Open ``path`` without following a symlink (UnsafePathError if it is
    one), and only if it is a regular file (a FIFO would block forever); for
    writing, only if it has no other hard link (UnsafePathError)."""
    for name in ("O_NOFOLLOW", "O_NONBLOCK", "O_BINARY"):
        flags |= getattr(os, name, 0)
    if not _NO_FOLLOW and os.path.islink(path):
        raise UnsafePathError(_symlink_refusal(path))
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as error:
        if os.path.islink(path):
            raise UnsafePathError(_symlink_refusal(path)) from error
        raise
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(f"{os.path.basename(path)} is not a regular file")
        if status.st_nlink > 1 and flags & (os.O_WRONLY | os.O_RDWR):
            # A hard link may be a file outside the repository.
            raise UnsafePathError(
                f"{os.path.basename(path)} has other hard links; not writing through them"
            )
    except BaseException:
        os.close(fd)
        raise
    return fd


def _symlink_refusal(path: str) -> str:
    name = os.path.basename(path)
    return f"{name} is a symlink; not writing through it (add the patterns to its target by hand)"


def read_all(fd: int) -> bytes:
    """Everything in an open file, from its start."""
    chunks: list[bytes] = []
    offset = 0
    while True:
        chunk = os.pread(fd, 1 << 16, offset) if hasattr(os, "pread") else os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the re-read keeps the race window small
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:  # pragma: no cover - a file system without locks: same as above
        return
