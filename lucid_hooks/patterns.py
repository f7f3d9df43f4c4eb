"""The path patterns of a Docker build: COPY's wildcards, ``.dockerignore``
lines, and ``COPY --parents`` / ``--exclude`` patterns.

- COPY and ADD sources are Go ``filepath.Match`` patterns, matched one path
  component at a time (tonistiigi/fsutil ``resolveWildcards``): ``*`` and
  ``?`` stay within a name, ``[...]`` / ``[^...]`` are character classes,
  ``\\`` escapes; ``**`` is just ``*``.
- ``.dockerignore`` files are read as moby/patternmatcher's
  ``ignorefile.ReadAll`` reads them (a UTF-8 BOM dropped, ``#`` lines
  skipped, each line trimmed and cleaned with Go's ``filepath.Clean``, a
  leading ``/`` dropped, ``!`` kept) and matched as its
  ``MatchesOrParentMatches`` matches: ``**`` spans folders, a pattern that
  matches a folder matches everything below it, ``!`` re-includes, and the
  last pattern that matches decides.
- ``COPY --parents`` and ``--exclude`` patterns are patternmatcher patterns
  too, matched against the path below the copied folder (for a wildcard
  match, its name), as BuildKit's documented examples behave.

Patterns are compiled once per matcher, into one regular expression each
(and one for all inclusions, which most paths fail at once), so filtering a
context of thousands of files costs a few milliseconds.
"""

from __future__ import annotations

import re
import warnings
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterable

# Characters moby/patternmatcher escapes in its regular expressions.
_ESCAPED = frozenset(".+()|{}$")
_EXACT, _PREFIX, _SUFFIX, _REGEX = range(4)


def go_clean(path: str) -> str:
    """Go's ``path.Clean``: one ``/`` between names, no ``.``, ``..``
    resolved where it can be (never above ``/``), no trailing ``/``."""
    trimmed = path.rstrip("/") if len(path) > 1 else path
    probe = trimmed if trimmed.startswith("/") else "/" + trimmed
    if trimmed and "//" not in probe and "/." not in probe:
        return trimmed  # clean but for trailing `/` (the usual): no empty name, no `.` one
    rooted = path.startswith("/")
    names = [name for name in path.split("/") if name not in ("", ".")]
    if ".." in names:
        kept: list[str] = []
        for name in names:
            if name != "..":
                kept.append(name)
            elif kept and kept[-1] != "..":
                kept.pop()
            elif not rooted:
                kept.append(name)
        names = kept
    cleaned = "/".join(names)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


def has_wildcards(path: str) -> bool:
    """Whether a COPY source is a pattern (fsutil's ``containsWildcards``)."""
    if "\\" not in path:  # nothing escaped (the usual): any of the three is one
        return "*" in path or "?" in path or "[" in path
    position = 0
    while position < len(path):
        char = path[position]
        if char == "\\":
            position += 2
            continue
        if char in "*?[":
            return True
        position += 1
    return False


def literal_folder(pattern: str) -> str:
    """The leading names of a ``/``-separated pattern that match only
    themselves (no wildcard, no escape), joined: the folder every path the
    pattern matches is below (``""``: no such name)."""
    literal: list[str] = []
    for name in pattern.split("/")[:-1]:
        if any(char in name for char in "*?[\\"):
            break
        literal.append(name)
    return "/".join(literal)


def glob_regex(pattern: str) -> re.Pattern[str] | None:
    """A Go ``filepath.Match`` pattern over a ``/``-separated path as a
    regular expression for ``fullmatch``; None for a pattern Go rejects
    (``ErrBadPattern``). Classes never match ``/``: fsutil matches each
    component on its own."""
    out: list[str] = []
    position = 0
    while position < len(pattern):
        char = pattern[position]
        position += 1
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            bracket = _go_class(pattern, position)
            if bracket is None:
                return None
            out.append(bracket[0])
            position = bracket[1]
        elif char == "\\":
            if position == len(pattern):
                return None
            out.append(re.escape(pattern[position]))
            position += 1
        else:
            out.append(re.escape(char))
    return re.compile("".join(out), re.DOTALL)


def _go_class(pattern: str, position: int) -> tuple[str, int] | None:
    """The class starting after ``[`` at ``position``, and where it ends."""
    negated = pattern.startswith("^", position)
    position += negated
    ranges: list[str] = []
    while True:
        if pattern.startswith("]", position) and ranges:
            body = "".join(ranges)
            return ("[^/" + body + "]" if negated else "(?!/)[" + body + "]"), position + 1
        low = _class_char(pattern, position)
        if low is None:
            return None
        position = low[1]
        piece = re.escape(low[0])
        if pattern.startswith("-", position):
            high = _class_char(pattern, position + 1)
            if high is None:
                return None
            piece += "-" + re.escape(high[0])
            position = high[1]
        ranges.append(piece)


def _class_char(pattern: str, position: int) -> tuple[str, int] | None:
    """Go's ``getEsc``: one (possibly escaped) character of a class."""
    char = pattern[position : position + 1]
    if char in ("", "-", "]"):
        return None
    if char == "\\":
        position += 1
        char = pattern[position : position + 1]
        if not char:
            return None
    position += 1
    if position >= len(pattern):
        return None  # a class must be closed
    return char, position


class IgnorePattern(NamedTuple):
    """One pattern of an ignore list: cleaned, with the 1-based line it is on."""

    pattern: str
    exclusion: bool
    line: int


def read_ignore_file(data: bytes) -> tuple[list[IgnorePattern], list[str]]:
    """The patterns of a ``.dockerignore`` file, and the problems BuildKit
    would stop at (an invalid pattern), as ``line N: message`` strings."""
    text = data.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = [(number, line) for number, line in enumerate(text.split("\n"), start=1)]
    return parse_patterns((line.rstrip("\r"), number) for number, line in lines)


def parse_patterns(lines: Iterable[tuple[str, int]]) -> tuple[list[IgnorePattern], list[str]]:
    """Patterns from ``(text, line)`` pairs, read as ``ignorefile.ReadAll``
    and ``patternmatcher.New`` read them."""
    patterns: list[IgnorePattern] = []
    problems: list[str] = []
    for text, number in lines:
        if text.startswith("#"):
            continue
        pattern = _cleaned_line(text)
        if pattern is None:
            continue
        exclusion = pattern.startswith("!")
        if exclusion:
            pattern = pattern[1:]
        if not pattern:
            problems.append(f'line {number}: illegal exclusion pattern: "!"')
        elif _compile(pattern) is None:
            problems.append(f"line {number}: syntax error in pattern {pattern!r}")
        else:
            patterns.append(IgnorePattern(pattern, exclusion, number))
    return patterns, problems


def _cleaned_line(text: str) -> str | None:
    """A line as ReadAll then New leave it (None: nothing on it). Both trim
    Go's whitespace; New cleans the whole line, ``!`` included."""
    pattern = text.strip(" \t\n\v\f\r\x85\xa0")
    if not pattern:
        return None
    invert = pattern.startswith("!")
    if invert:
        pattern = pattern[1:].strip(" \t\n\v\f\r\x85\xa0")
    if pattern:
        pattern = go_clean(pattern)
        if len(pattern) > 1 and pattern.startswith("/"):
            pattern = pattern[1:]
    return go_clean("!" + pattern) if invert else go_clean(pattern)


# What follows a pattern for it to match a path below what it names too.
_BELOW = "(?s:/.*)?"


def _compile(pattern: str) -> re.Pattern[str] | None:
    """patternmatcher's ``Pattern.compile`` (an exact name, a ``x/**``
    prefix, a ``**/x`` suffix, or a regular expression) as one regular
    expression matching the paths the pattern or one of their folders
    matches (patternmatcher tries each parent in turn); None for a pattern
    patternmatcher refuses."""
    parts: list[str] = []
    kind = _EXACT
    position, index = 0, 0
    while position < len(pattern):
        char = pattern[position]
        position += 1
        if char == "*" and pattern.startswith("*", position):
            position += 1
            if pattern.startswith("/", position):
                position += 1
            if position == len(pattern):
                kind, piece = (_PREFIX, "") if kind == _EXACT else (_REGEX, ".*")
            else:
                kind, piece = _REGEX, "(?:.*/)?"
            parts.append(piece)
            if index == 0:
                kind = _SUFFIX
        elif char in "*?":
            parts.append("[^/]*" if char == "*" else "[^/]")
            kind = _REGEX
        elif char in _ESCAPED:
            parts.append("\\" + char)
        elif char == "\\":
            if position < len(pattern):
                parts.append("\\" + pattern[position])
                position += 1
                kind = _REGEX
            else:
                parts.append("\\\\")
        elif char in "[]":
            parts.append(char)
            kind = _REGEX
        else:
            parts.append(char)  # `^` too: patternmatcher writes it as it is
        index += 1
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Python's "possible nested set" on `[[`
            return re.compile(_expression(kind, pattern, "".join(parts)))
    except re.error:
        return None


def _expression(kind: int, pattern: str, regex: str) -> str:
    if kind == _EXACT:
        return re.escape(pattern) + _BELOW
    if kind == _PREFIX:
        return re.escape(pattern[:-2]) + "(?s:.*)"
    if kind == _SUFFIX:
        # HasSuffix of the path or a folder; `**/x` also matches `x` itself.
        suffix = pattern[2:]
        anywhere = "(?s:.*)" + re.escape(suffix)
        if suffix.startswith("/"):
            anywhere = f"(?:{anywhere}|{re.escape(suffix[1:])})"
        return anywhere + _BELOW
    return f"(?:{regex}){_BELOW}"


class PatternMatcher:
    """moby/patternmatcher's ``PatternMatcher`` over ``/``-separated paths."""

    __slots__ = ("_any", "_compiled", "patterns")

    def __init__(self, patterns: Iterable[IgnorePattern]) -> None:
        self.patterns = tuple(patterns)
        compiled = [(p, _compile(p.pattern)) for p in self.patterns]
        self._compiled = [(p, regex) for p, regex in compiled if regex is not None]
        # Only an inclusion can exclude a path: when none matches, none
        # needs a look of its own (most paths of a context).
        inclusions = [regex.pattern for p, regex in self._compiled if not p.exclusion]
        self._any = re.compile("|".join(f"(?:{r})" for r in inclusions)) if inclusions else None

    def __bool__(self) -> bool:
        return self._any is not None

    def deciding(self, path: str) -> IgnorePattern | None:
        """The pattern that excludes ``path``, or None when it is not
        excluded (``MatchesOrParentMatches``: patterns of the path or of
        one of its folders, in order, an exclusion undoing an earlier
        match; the deciding one is the inclusion that matched last)."""
        if self._any is None or self._any.fullmatch(path) is None:
            return None
        matched: IgnorePattern | None = None
        for pattern, regex in self._compiled:
            # As patternmatcher: an inclusion is skipped once matched, an
            # exclusion until then.
            if pattern.exclusion != (matched is not None):
                continue
            if regex.fullmatch(path) is not None:
                matched = None if pattern.exclusion else pattern
        return matched

    def excludes(self, path: str) -> bool:
        return self.deciding(path) is not None


def matcher(patterns: Iterable[str]) -> PatternMatcher:
    """A matcher for patterns given as strings (``--exclude``, ``--parents``),
    cleaned as patternmatcher cleans them; invalid ones are left out."""
    lines = ((pattern, 0) for pattern in patterns)
    return PatternMatcher(parse_patterns(lines)[0])
