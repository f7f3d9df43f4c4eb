"""Facts about Python source files that need their bytes but never their
execution: whether a file is a script rather than a module, and the
normalised forms that copies of the same code share."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from tokenize import TokenInfo

# PEP 723 blocks sit at the top of real scripts; a file whose first MiB holds
# none is generated code or data, not a script.
SCRIPT_SCAN_LIMIT = 1 << 20

_BOM = b"\xef\xbb\xbf"
_BLANKS = b" \t\r\f\v"
_COMMENT = re.compile(rb"#[^\n]*")
# First tokens of the statements an `__init__.py` of pure boilerplate has.
_BOILERPLATE_STARTS = frozenset({"import", "from", "try", "except", "else", "finally", "pass"})
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


def skeleton(data: bytes) -> bytes:
    """The bytes without blanks (line breaks kept), line continuations, or
    anything from ``#`` to the end of its line.

    Files with the same tokens have the same skeleton, except in the rare
    case of a ``#`` inside a string followed by differently wrapped lines.
    """
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    text = data.translate(None, _BLANKS)
    if b"#" in text:
        text = _COMMENT.sub(b"", text)
    return text.replace(b"\\\n", b"")


def token_analysis(data: bytes, *, is_init: bool) -> tuple[tuple[str, str | bytes], bool]:
    """The file's tokens without comments, blank lines and indentation
    widths, and whether it has code that counts: a file of only docstrings,
    ``pass`` and ``...`` does not, nor an ``__init__.py`` of only imports,
    dunder assignments and ``try``/``except`` around them.

    A file that does not tokenize (Python 2, a syntax error, bad bytes, a
    NUL byte) is compared by its lines instead, with comment lines, blank
    lines and runs of blanks inside a line set aside, and always counts.
    """
    import io
    import tokenize

    try:
        tokens = list(tokenize.tokenize(io.BytesIO(data).readline))
    except Exception:  # tokenize raises many kinds; each means "not Python 3 source"
        return ("lines", _line_form(data)), True
    skipped = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
    parts: list[str] = []
    statements: list[list[TokenInfo]] = [[]]
    for token in tokens:
        kind = token.type
        if kind in skipped or (kind == tokenize.ERRORTOKEN and token.string.isspace()):
            # Up to 3.11 the blanks around a character tokenize cannot
            # place (a Python 2 backtick) come out as error tokens.
            continue
        if kind == tokenize.NEWLINE:
            parts.append("\n")
            statements.append([])
        elif kind == tokenize.INDENT:
            parts.append("<indent>")
        elif kind == tokenize.DEDENT:
            parts.append("<dedent>")
        else:
            parts.append(token.string)
            statements[-1].append(token)
    counts = any(
        not _is_filler(statement) and not (is_init and _is_boilerplate(statement))
        for statement in statements
        if statement
    )
    return ("tokens", " ".join(parts)), counts


def _is_filler(statement: Sequence[TokenInfo]) -> bool:
    """A docstring, ``pass`` or ``...`` statement."""
    from token import STRING

    if all(token.type == STRING for token in statement):
        return True
    return len(statement) == 1 and statement[0].string in ("pass", "...")


def _is_boilerplate(statement: Sequence[TokenInfo]) -> bool:
    """An import, a ``try``/``except`` line, or an assignment to a dunder name."""
    first = statement[0].string
    if first in _BOILERPLATE_STARTS:
        return True
    return (
        len(statement) > 1
        and first.startswith("__")
        and first.endswith("__")
        and statement[1].string in ("=", ":", "+=")
    )


def _line_form(data: bytes) -> bytes:
    kept = []
    for line in data.split(b"\n"):
        words = line.split()
        if words and not words[0].startswith(b"#"):
            indent = line[: len(line) - len(line.lstrip())]
            kept.append(indent + b" ".join(words))
    return b"\n".join(kept)
