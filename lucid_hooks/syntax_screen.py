"""A fast screen for modules that may not compile.

Compiling a module costs as much as parsing it with `ast` (about 3 MB/s), far
more than the rest of following the imports of a whole repository. So a
module the last commit already holds is compiled only when this screen finds
what breaks committed code in practice: a merge-conflict marker, Python 2
syntax (``print "x"``, ``except E, e:``, ``exec "..."``, ``raise E, "m"``,
backticks at the start of a statement), a template tag
(``{% ... %}`` or ``{# ... #}`` at the start of a line), a NUL byte, text that is not UTF-8,
an odd number of triple quotes, unbalanced brackets, or indentation that mixes
tabs and spaces. Modules that differ from the last commit are always compiled.
A false alarm only costs a compile; what the screen cannot see (a typo in an
unchanged, otherwise plausible file) goes unreported until the file changes.
"""

from __future__ import annotations

import re

# Each sign: a word it cannot be without, found in C, then the pattern the
# line holding it must match from its start (a regex searching the whole text
# would try every position of it).
_SIGNS = (
    (b"<<<<<<<", rb"<<<<<<<(?:[ \t]|\r?$)"),  # a merge conflict
    (b">>>>>>>", rb">>>>>>>(?:[ \t]|\r?$)"),
    (b"print", rb"[ \t]*print(?:[ \t]+[\"'\w]|[ \t]*>>)"),  # print as a statement
    (b"exec", rb"[ \t]*exec[ \t]+[\"'\w]"),
    (b"except", rb"[ \t]*except[ \t]+[\w.]+[ \t]*,[ \t]*\w+[ \t]*:"),  # except E, e:
    (b"raise", rb"[ \t]*raise[ \t]+[\w.]+[ \t]*,"),  # raise E, "message"
    (b"`", rb"[ \t]*`"),
    (b"{%", rb"[ \t]*\{%"),  # a template tag
    (b"{#", rb"[ \t]*\{#"),
)
_LINES = tuple((word, re.compile(pattern, re.MULTILINE)) for word, pattern in _SIGNS)
_BRACKETS = ((b"(", b")"), (b"[", b"]"), (b"{", b"}"))


def may_not_compile(data: bytes) -> bool:
    """Whether ``data`` shows a sign of not compiling (see the module)."""
    if b"\0" in data or any(_has_line(data, word, line) for word, line in _LINES):
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True  # a coding declaration may make it fine: compile decides
    if data.count(b'"""') % 2 or data.count(b"'''") % 2:
        return True
    if any(data.count(opening) != data.count(closing) for opening, closing in _BRACKETS):
        return True
    tabs = data.startswith(b"\t") or b"\n\t" in data
    return tabs and (data.startswith(b" ") or b"\n " in data)


def _has_line(data: bytes, word: bytes, line: re.Pattern[bytes]) -> bool:
    """Whether a line holding ``word`` matches ``line`` from its start."""
    position = data.find(word)
    while position >= 0:
        start = data.rfind(b"\n", 0, position) + 1
        if line.match(data, start):
            return True
        end = data.find(b"\n", position)
        position = -1 if end < 0 else data.find(word, end)
    return False
