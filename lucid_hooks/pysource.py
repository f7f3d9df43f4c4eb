"""Facts about Python source files that need their bytes but never their
execution: whether a file is a script rather than a module, and the
normalised forms that copies of the same code share."""

from __future__ import annotations

import re
from itertools import chain
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Sequence
    from tokenize import TokenInfo

# PEP 723 blocks sit at the top of real scripts; a file whose first MiB holds
# none is generated code or data, not a script.
SCRIPT_SCAN_LIMIT = 1 << 20

_BOM = b"\xef\xbb\xbf"
_BLANKS = b" \t\r\f\v"
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


# A string literal or a comment, found where tokenize finds them (a `#` in a
# string is text, and so is a quote in a comment). Unrolled, and without the
# prefix letters, which would stop the search at every `r`, `b`, `u` and `f`.
_STRING = (
    rb'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'
    rb"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"
    # A backslash before CRLF continues a one-line string as one before LF does.
    rb'|"[^"\\\n]*(?:\\(?:\r\n|.)[^"\\\n]*)*"'
    rb"|'[^'\\\n]*(?:\\(?:\r\n|.)[^'\\\n]*)*'"
)
_LEXEME = re.compile(rb"(#[^\n]*|" + _STRING + rb")", re.DOTALL)
_PREFIX_LETTERS = frozenset(b"rRbBuUfFtT")
_FORMATTED_PREFIX = frozenset(b"fFtT")
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
# The last byte of the code before a string that may be a docstring or have a prefix.
_LOOK_AFTER = frozenset({b"", b"\n", b" ", b"\t", *(bytes((letter,)) for letter in b"rRbBuUfFtT")})


class Skeleton(NamedTuple):
    """A module's bytes without blanks (line breaks kept), line
    continuations and comments, in two forms.

    ``code`` holds no string literal at all: modules with the same tokens
    apart from docstrings have the same ``code`` once its line breaks are
    dropped, however they are wrapped, so it is a key that misses no copy;
    ``exact`` is False when an f-string nests its own quotes (Python 3.12,
    PEP 701), which no regular expression can follow: the key must then come
    from the module's tokens.
    ``lines`` keeps every string but the docstrings (a string alone on its
    lines, first in the file or after a line that ends with ``:``): the
    lines near duplicates are measured by.
    """

    code: bytes
    lines: bytes
    exact: bool


def skeleton(data: bytes) -> Skeleton:
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    # Code, then the comment or string after it, in turn.
    pieces = _LEXEME.split(data)
    code = pieces[::2]
    kept = [b"" if lexeme[:1] == b"#" else lexeme for lexeme in pieces[1::2]]
    lines_code = list(code)
    exact = True
    # Only a string after a prefix letter or at the start of a line needs a look.
    for place in [
        place
        for place, (text, lexeme) in enumerate(zip(code, kept))
        if lexeme and text[-1:] in _LOOK_AFTER
    ]:
        text = code[place]
        prefix = _prefix_size(text) if text and text[-1] in _PREFIX_LETTERS else 0
        if prefix:
            code[place] = text[:-prefix]
            exact = exact and not _nests_quotes(text[-prefix:], kept[place])
        if _is_docstring(pieces, 2 * place + 1, prefix):
            kept[place] = b""
            lines_code[place] = code[place]
    kept.append(b"")
    lines = b"".join(chain.from_iterable(zip(lines_code, kept)))
    return Skeleton(_squeeze(b"".join(code)), _squeeze(lines), exact)


def _nests_quotes(prefix: bytes, lexeme: bytes) -> bool:
    """An f-string (or t-string) that ends inside a replacement field: the
    regular expression stopped at a quote nested in it."""
    if not _FORMATTED_PREFIX.intersection(prefix):
        return False
    fields = lexeme.replace(b"{{", b"").replace(b"}}", b"")
    return fields.count(b"{") > fields.count(b"}")


def _squeeze(text: bytes) -> bytes:
    return text.translate(None, _BLANKS).replace(b"\\\n", b"")


def _prefix_size(text: bytes) -> int:
    """How many letters of a string prefix (``r``, ``rb``, ``f``...) end ``text``."""
    size = 1 if len(text) < 2 or text[-2] not in _PREFIX_LETTERS else 2
    if len(text) > size and text[-size - 1] in _WORD_BYTES:
        return 0  # the end of a name, not a prefix (or an odd one: `xr"..."`)
    return size


def _is_docstring(pieces: Sequence[bytes], index: int, prefix: int) -> bool:
    """Whether the string ``pieces[index]`` is alone on its lines, and
    first in the file or right after a line that ends with ``:``."""
    before = pieces[index - 1]
    before = before[: len(before) - prefix]
    line_start = before.rfind(b"\n")
    if (line_start < 0 and index > 1) or before[line_start + 1 :].strip(_BLANKS):
        return False
    after = pieces[index + 1]
    end_of_line = after.find(b"\n")
    if after[: None if end_of_line < 0 else end_of_line].strip(_BLANKS):
        return False
    previous = _code_before(pieces, index - 1, before)
    return not previous or previous.endswith(b":")


def _code_before(pieces: Sequence[bytes], position: int, text: bytes) -> bytes:
    """The code up to the end of the last line with code before
    ``pieces[position]`` (whose text is ``text``), past comments and blank
    lines; a string if one ends that line."""
    while True:
        code = text.rstrip(_BLANKS + b"\n")
        if code or position == 0:
            return code
        lexeme = pieces[position - 1]
        if lexeme[:1] != b"#":
            return lexeme
        position -= 2
        text = pieces[position]


class TokenForm(NamedTuple):
    """The tokens of a module without comments, blank lines and indentation
    widths (``kind`` "tokens"), or for a file that does not tokenize its
    lines without blanks and comment lines (``kind`` "lines")."""

    kind: str
    code: str | bytes  # without the statements that are only a string (docstrings)
    full: str | bytes  # with them
    counts: bool  # has code other than docstrings, imports and boilerplate


def token_analysis(data: bytes) -> TokenForm:
    """The module's forms, and whether it has code that counts: a file of
    only docstrings, ``pass``, ``...``, imports, dunder assignments
    (``__all__``) and ``try``/``except`` around them does not.

    A file that does not tokenize (Python 2, a syntax error, bad bytes, a
    NUL byte) is compared by its lines instead, and always counts.
    """
    import io
    import tokenize

    try:
        tokens = list(tokenize.tokenize(io.BytesIO(data).readline))
    except Exception:  # tokenize raises many kinds; each means "not Python 3 source"
        lines = _line_form(data)
        return TokenForm("lines", lines, lines, True)
    skipped = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
    code: list[str] = []
    full: list[str] = []
    statement: list[TokenInfo] = []
    counts = False
    for token in tokens:
        kind = token.type
        if kind in skipped or (kind == tokenize.ERRORTOKEN and token.string.isspace()):
            # Up to 3.11 the blanks around a character tokenize cannot
            # place (a Python 2 backtick) come out as error tokens.
            continue
        if kind in (tokenize.INDENT, tokenize.DEDENT):
            marker = "<indent>" if kind == tokenize.INDENT else "<dedent>"
            code.append(marker)
            full.append(marker)
        elif kind != tokenize.NEWLINE:
            statement.append(token)
        else:
            counts = _add_statement(statement, code, full) or counts
            statement = []
    if statement:  # a last statement with no NEWLINE token (3.9 at the end of some files)
        counts = _add_statement(statement, code, full) or counts
    return TokenForm("tokens", " ".join(code), " ".join(full), counts)


def _add_statement(statement: Sequence[TokenInfo], code: list[str], full: list[str]) -> bool:
    """Adds a statement's tokens to the forms (a string alone to ``full``
    only); whether it is code that counts."""
    from token import STRING

    words = [token.string for token in statement]
    full.extend(words)
    full.append("\n")
    if all(token.type == STRING for token in statement):
        return False
    code.extend(words)
    code.append("\n")
    return not (_is_filler(statement) or _is_boilerplate(statement))


def _is_filler(statement: Sequence[TokenInfo]) -> bool:
    """A ``pass`` or ``...`` statement (a string alone never gets here)."""
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
