"""Globs over repo-relative paths, written like `.gitignore` lines.

A pattern without `/` matches a name at any depth, one with `/` (or a
leading `./`) is anchored at the root; `**` spans folders, `*` and `?` stay
within one name, and a pattern that matches a folder covers everything below
it.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

# Folders no hook ever looks into, whatever the configuration says; the same
# spirit as ruff's default `exclude`.
DEFAULT_EXCLUDES = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pytest_cache",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pypackages__",
    "_build",
    "buck-out",
    "node_modules",
    "site-packages",
    "venv",
)


# Cached: every hook translates the same defaults and configured globs, some
# of them more than once (validation, then matching).
@functools.cache
def translate_glob(pattern: str) -> str:
    """A glob as a regular expression over repo-relative paths."""
    anchored = pattern.startswith("./") or "/" in pattern.rstrip("/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    pattern = pattern.strip("/")
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            out.append(_bracket(pattern[i + 1 : end]))
            i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    return prefix + "".join(out) + "(?:/.*)?"


def _bracket(body: str) -> str:
    body = body.replace("\\", "\\\\")
    # Literal in a glob; in a regular expression `[` may open a nested set
    # and a doubled `&`, `~` or `|` a set operation (re warns of both).
    body = re.sub(r"([\[&~|])", r"\\\1", body)
    # As in .gitignore, a bracket expression never matches "/".
    body = "^/" + body[1:] if body.startswith(("!", "^")) else body.replace("/", "")
    return "[" + body + "]" if body else "(?!)"


class GlobSet:
    """A set of globs compiled into one regular expression."""

    __slots__ = ("_names", "_regex", "patterns")

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(p for p in patterns if p.strip("/"))
        # A bare name (`.venv`, `node_modules/`) matches a path exactly when
        # one of its parts is that name: a set lookup per part, where the
        # regular expression would try every name at every `/` of the path.
        names = {p.strip("/") for p in self.patterns if _is_bare_name(p)}
        self._names = frozenset(names)
        others = [p for p in self.patterns if p.strip("/") not in names]
        self._regex: re.Pattern[str] | None = None
        if others:
            alternatives = "|".join(translate_glob(p) for p in others)
            self._regex = re.compile(alternatives, re.DOTALL)

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def matches(self, path: str) -> bool:
        """Whether ``path`` or one of its folders matches a pattern."""
        if self._names and not self._names.isdisjoint(path.split("/")):
            return True
        return self._regex is not None and self._regex.fullmatch(path) is not None

    def unmatched(self, paths: list[str]) -> list[str]:
        """The paths that no pattern matches, in their order."""
        if not self.patterns:
            return list(paths)
        if self._regex is None:
            # Bare names only (the default excludes): when none of them
            # occurs anywhere in the listing, no path needs a look of its own.
            listing = "\0".join(paths)
            if not any(name in listing for name in self._names):
                return list(paths)
        return [path for path in paths if not self.matches(path)]


def _is_bare_name(pattern: str) -> bool:
    """A pattern that is one name, with no glob character and no `/` but a
    trailing one (which `translate_glob` ignores too)."""
    name = pattern.rstrip("/")
    return bool(name) and "/" not in name and not any(char in name for char in "*?[\\")


def check_glob(pattern: str) -> str | None:
    """Why ``pattern`` is not a usable glob, or None when it is."""
    if not pattern.strip("/"):
        return "an empty glob matches nothing"
    try:
        re.compile(translate_glob(pattern))
    except re.error as error:
        return f"invalid glob: {error}"
    return None


def check_ignore_glob(pattern: str) -> str | None:
    """Why ``pattern`` cannot also be a ``.gitignore`` line meaning the same,
    or None when it can (check-cache-artifacts writes its patterns there)."""
    problem = check_glob(pattern)
    if problem:
        return problem
    if not pattern.isprintable() or "\\" in pattern:
        return "control characters and backslashes cannot be written to .gitignore"
    if pattern.startswith(("!", "#")):
        return "a leading `!` or `#` means something else in .gitignore"
    if pattern.startswith("./"):
        return "write it without the leading `./`, as .gitignore does"
    if pattern != pattern.rstrip():
        return "git drops trailing whitespace from .gitignore lines"
    return None
