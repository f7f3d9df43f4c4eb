"""Shell words, as ``shlex`` reads them in POSIX mode, in linear time.

``shlex`` grows each token one character at a time on an attribute, which
copies the token each time: a 1 MB word of a ``RUN`` line took it 20 s.
This reader keeps ``shlex``'s rules (tested against it): blanks split words,
single quotes hold everything, double quotes let a backslash escape only
``"`` and ``\\``, a backslash outside quotes takes the next character as it
is, ``#`` at the start of a word comments out the rest of the line, and
with ``operators`` a run of ``();<>|&`` is a word of its own.
"""

from __future__ import annotations

import re

OPERATOR_CHARS = "();<>|&"
_BLANKS = " \t\r\n"
# A run of characters with nothing special in them, read at once.
_PLAIN = re.compile(r"[^ \t\r\n'\"\\#();<>|&]+")
_OPERATORS = re.compile(r"[();<>|&]+")


def split_words(text: str, *, comments: bool = True, operators: bool = False) -> list[str]:
    """The words of ``text``; ValueError for a quote or escape left open."""
    words: list[str] = []
    word: list[str] | None = None  # None: between words
    index, end = 0, len(text)
    while index < end:
        char = text[index]
        plain = _PLAIN.match(text, index)
        if plain is not None:
            word = _extended(word, plain.group())
            index = plain.end()
        elif char in _BLANKS:
            _ended(words, word)
            word = None
            index += 1
        elif char == "#" and word is None and comments:
            newline = text.find("\n", index)
            index = end if newline < 0 else newline
        elif char in OPERATOR_CHARS and operators:
            _ended(words, word)
            word = None
            run = _OPERATORS.match(text, index)
            assert run is not None
            words.append(run.group())
            index = run.end()
        else:
            piece, index = _quoted(text, index)
            word = _extended(word, piece)
    _ended(words, word)
    return words


def _extended(word: list[str] | None, piece: str) -> list[str]:
    if word is None:
        return [piece]
    word.append(piece)
    return word


def _ended(words: list[str], word: list[str] | None) -> None:
    if word is not None:
        words.append("".join(word))


def _quoted(text: str, index: int) -> tuple[str, int]:
    """The text of the quote, escape or lone special character at
    ``index``, and where the rest starts."""
    char = text[index]
    if char == "'":
        close = text.find("'", index + 1)
        if close < 0:
            raise ValueError("No closing quotation")
        return text[index + 1 : close], close + 1
    if char == "\\":
        if index + 1 >= len(text):
            raise ValueError("No escaped character")
        return text[index + 1], index + 2
    if char == '"':
        return _double_quoted(text, index + 1)
    return char, index + 1  # `#` inside a word, or an operator character kept in words


def _double_quoted(text: str, index: int) -> tuple[str, int]:
    parts = []
    while True:
        close = _DOUBLE_QUOTED_END.search(text, index)
        if close is None:
            raise ValueError("No closing quotation")
        parts.append(text[index : close.start()])
        if close.group() == '"':
            return "".join(parts), close.end()
        escaped = text[close.end() : close.end() + 1]
        if not escaped:
            raise ValueError("No closing quotation")
        parts.append(escaped if escaped in '"\\' else "\\" + escaped)
        index = close.end() + 1


_DOUBLE_QUOTED_END = re.compile(r'["\\]')
