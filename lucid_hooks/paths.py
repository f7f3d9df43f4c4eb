"""Repo-relative paths: arithmetic, command-line arguments, display.

Every path a hook handles is relative to the repository root and uses
``/``; this module converts between that form and the file system.
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence


def parent_folder(path: str) -> str:
    """The folder of a repo-relative path; ``""`` is the repository root."""
    return path.rpartition("/")[0]


def ancestors(folder: str) -> Iterator[str]:
    """``a/b/c`` yields ``a/b/c``, ``a/b``, ``a`` (never the root)."""
    while folder:
        yield folder
        folder = parent_folder(folder)


def join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


class PathArgs(NamedTuple):
    """The paths of a command line, sorted out relative to the repo root."""

    files: list[str]
    folders: list[str]
    missing: list[str]  # as given, with the repo-relative form
    missing_relative: list[str]
    outside: list[str]


def normalize_paths(args: Sequence[str], root: str, cwd: str) -> PathArgs:
    """Normalise argv paths to unique repo-relative ``/`` paths.

    Symlinks are kept as the paths they are (never resolved), so a link to a
    folder is a file here, as git sees it.
    """
    result = PathArgs([], [], [], [], [])
    seen: set[str] = set()
    at_root = os.path.normcase(cwd) == os.path.normcase(root)
    for arg in args:
        relative = _relative(arg, root, cwd, at_root)
        if relative is None:
            result.outside.append(arg)
            continue
        if relative in seen:
            continue
        seen.add(relative)
        try:
            mode = os.lstat(os.path.join(root, relative) if relative else root).st_mode
        except OSError:
            result.missing.append(arg)
            result.missing_relative.append(relative)
            continue
        (result.folders if stat.S_ISDIR(mode) else result.files).append(relative)
    result.files.sort()
    result.folders.sort()
    return result


def _relative(arg: str, root: str, cwd: str, at_root: bool) -> str | None:
    """``arg`` relative to the root with ``/``; None when it is outside."""
    if at_root and not os.path.isabs(arg):
        # pre-commit runs hooks at the root: skip relpath, the costly part.
        relative = os.path.normpath(arg)
    else:
        relative = os.path.relpath(os.path.normpath(os.path.join(cwd, arg)), root)
    if relative == os.curdir:
        return ""
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    return relative.replace(os.sep, "/") if os.sep != "/" else relative


def path_selector(files: Iterable[str], folders: Iterable[str]) -> Callable[[str], bool]:
    """Whether a path was given: one of `files`, or below one of `folders`
    (`""`, the root, holds everything)."""
    wanted = frozenset(files)
    folders = tuple(folders)
    if "" in folders:
        return lambda path: True
    if not folders:
        return wanted.__contains__  # no Python frame per call: hooks ask it of every file
    prefixes = tuple(folder + "/" for folder in folders)
    return lambda path: path in wanted or path.startswith(prefixes)


_CONTROL_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def display_path(text: str) -> str:
    """A path (or a message holding paths) safe to print on one line.

    Characters that are not printable (controls, line and paragraph
    separators) become escapes, and bytes that were not UTF-8 (held as
    surrogates by `os.fsdecode`) become `\\xNN`; everything else, non-ASCII
    letters included, stays as it is.
    """
    if text.isprintable():
        return text
    return escape_unprintable(text, _CONTROL_ESCAPES)


def escape_unprintable(text: str, escapes: Mapping[str, str]) -> str:
    """``text`` with the characters in ``escapes`` replaced by their escape,
    and every other unprintable character by ``\\xNN``, ``\\uNNNN`` or
    ``\\UNNNNNNNN`` (a surrogate from `os.fsdecode` by the byte it stands for)."""
    out = []
    for char in text:
        if char in escapes:
            out.append(escapes[char])
        elif char == " " or char.isprintable():
            out.append(char)
        else:
            out.append(_escape(ord(char)))
    return "".join(out)


def _escape(point: int) -> str:
    if 0xDC80 <= point <= 0xDCFF:
        return f"\\x{point - 0xDC00:02x}"
    if point <= 0xFF:
        return f"\\x{point:02x}"
    if point <= 0xFFFF:
        return f"\\u{point:04x}"
    return f"\\U{point:08x}"
