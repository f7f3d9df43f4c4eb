"""The imports of a Python module, found in its bytes without running it,
fast enough for every module a service entry point reaches.

`scan` lists a module's import statements and its literal dynamic imports
(``importlib.import_module("a.b")``, ``__import__("a")``), each with the
blocks it runs under (a ``try`` that catches import errors, a function or
lambda body, a branch, the ``__main__`` block; nothing under ``if
TYPE_CHECKING:``), the names a ``from module import NAME`` could find in it,
and whether those names are open-ended (whether the file compiles is for
`syntax`). `encode` and `decode` carry a scan through the disk cache.

How: `ast.parse` costs too much, so the scan reads lines. It looks only where
the word ``import`` occurs (and ``__main__``), outside triple-quoted strings
(docstrings hold examples), and works out each statement's blocks from
indentation: a block's header is the nearest line above with less
indentation that starts a logical line. Such a line starts with a compound
keyword; only ``if``, ``else``, ``for``, ``async``, ``match`` and ``case``
can also continue an expression, and a header line of those that holds no
string or ``lambda``, balances its brackets and ends with a colon cannot
(the conditional expression would lack its ``else``). Other lines are
checked by their bracket depth, counted in C (strings and comments dropped
by one substitution) from the nearest line start counted before. Whatever
leaves a doubt (a lambda in a header, an f-string nesting its own quotes,
a ``__main__`` test or a dynamic import's argument spelled oddly, a call
that may sit in a lambda's body) sends the file to `ast` instead, if it
parses: for a file that parses, the records are `ast`'s, whichever way they
were found. On real code a doubt is rare (3 files of the 15,300 of the standard
library and installed packages measured).

A file that does not parse is scanned all the same: every import statement
outside a string is reported, with its blocks as far as its lines tell
(after an unclosed bracket too; a line starting with a statement word
closes what was left open); one inside an unterminated triple-quoted string
is not. Bytes that are not UTF-8 (or the declared encoding) are read with
replacement characters; NUL bytes, huge lines, deep nesting are only text.

Limits, on files that parse:
* ``col`` counts characters (a tab is one), not UTF-8 bytes as `ast` does.
* A relative dynamic import (``import_module(".a", "pkg")``) is left out: it
  resolves against an argument the scan does not evaluate. So is
  ``import_module`` called by another name, and the ``level`` of
  ``__import__`` is not read.
* Comprehensions and generators are not blocks: an import in a generator
  expression is not ``deferred``. A compound statement's header runs with
  the statement (``for m in __import__("a").b:`` is not ``conditional``),
  but the headers of ``elif``, ``except`` and ``case`` are conditional.
* ``bound`` over-approximates: every name in a binding position (targets of
  assignments, ``for``, ``with``/``except``/``import``/``case`` ``as``,
  ``:=``, augmented and annotated assignments, ``def``, ``class``, match
  captures, ``__all__``'s strings) outside the bodies of the functions and
  classes defined at column 0, and also in them when the module has a
  ``global`` statement; with the other names on those lines (keyword
  arguments, annotations), in comments and one-line strings. A target list
  in brackets over several lines counts from its closing bracket's line;
  a walrus in a default value on a continued ``def`` line is missed.
* ``open_names`` is set by a star import, a ``__getattr__`` bound at module
  level, and any ``globals(``, ``vars()``, ``exec(`` or
  ``sys.modules[__name__`` anywhere.
* A line that starts with ``match`` or ``case`` and holds a colon outside
  brackets is taken for a ``match`` statement or a ``case`` clause
  (``case[x]: int = 1`` would be misread).
"""

from __future__ import annotations

import keyword
import re
from bisect import bisect_right, insort
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Any


class Import(NamedTuple):
    """One imported module, where it is imported and what guards it."""

    line: int  # 1-based, where the statement or the call starts
    col: int  # 1-based, in characters
    module: str  # dotted; "" for `from . import x`
    level: int  # leading dots
    names: tuple[str, ...]  # from-imports only; ("*",) for a star
    optional: bool  # in a `try` body whose handlers catch import errors
    deferred: bool  # in a function or lambda body
    conditional: bool  # under if/elif/else/for/while/match, in a handler or try-else
    main_only: bool  # in an `if __name__ == "__main__":` body
    dynamic: bool  # importlib.import_module("...") or __import__("...")


class ModuleScan(NamedTuple):
    """What the imports check needs of one module."""

    imports: tuple[Import, ...]
    bound: frozenset[str]  # names a `from module import NAME` may find (a superset)
    open_names: bool  # any name may exist: star import, module __getattr__, globals()...
    main_block: bool  # an `if __name__ == "__main__":` outside functions and classes


# What the import-level part of the scan found.
class _Found(NamedTuple):
    imports: tuple[Import, ...]
    bindings: frozenset[str]  # the names all import statements bind, skipped ones too
    star: bool
    main_block: bool
    certain: bool


# --- public --------------------------------------------------------------------------------

# The layout of `encode`'s tuples; a new layout gets a new tag.
_ENCODING = "imports-2"


def scan(data: bytes) -> ModuleScan:
    """The imports of one module's bytes and the names it binds; never raises."""
    text = source_text(data)
    source = _Source(text)
    found = source.scan()
    if not found.certain:
        found = _ast_found(text) or found
    bound = _bound_names(source) | found.bindings
    open_names = found.star or "__getattr__" in bound or _names_open(text)
    return ModuleScan(found.imports, bound, open_names, found.main_block)


def source_text(data: bytes) -> str:
    """The module's text as Python reads it: without a BOM, in its declared
    encoding (UTF-8 otherwise, bad bytes replaced), with every line break
    made ``\\n`` (``\\r\\n`` and a lone ``\\r`` both end a line for Python)."""
    encoding = "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    else:
        encoding = _declared_encoding(data) or encoding
    try:
        text = data.decode(encoding, "replace")
    except (LookupError, ValueError):  # an unknown codec, one that makes no text or fails
        text = data.decode("utf-8", "replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def encode(scan: ModuleScan) -> tuple[object, ...]:
    """The scan as builtin data for the disk cache."""
    return (
        _ENCODING,
        tuple(tuple(record) for record in scan.imports),
        frozenset(scan.bound),
        scan.open_names,
        scan.main_block,
    )


def decode(value: object) -> ModuleScan | None:
    """The scan `encode` made, None for anything else (an older layout,
    damaged data); never raises."""
    if type(value) is not tuple or len(value) != 5 or value[0] != _ENCODING:
        return None
    _, records, bound, open_names, main_block = value
    imports = _decode_imports(records)
    if imports is None or type(open_names) is not bool or type(main_block) is not bool:
        return None
    if type(bound) is not frozenset or not all(type(name) is str for name in bound):
        return None
    return ModuleScan(imports, bound, open_names, main_block)


_IMPORT_TYPES = (int, int, str, int, tuple, bool, bool, bool, bool, bool)


def _decode_imports(records: object) -> tuple[Import, ...] | None:
    if type(records) is not tuple:
        return None
    for record in records:
        if not _is_record(record, _IMPORT_TYPES):
            return None
        if not all(type(name) is str for name in record[4]):
            return None
    return tuple(Import(*record) for record in records)


def _is_record(value: object, types: tuple[type, ...]) -> bool:
    """A plain tuple of exactly these types (an int field takes no bool)."""
    return (
        type(value) is tuple
        and len(value) == len(types)
        and all(type(item) is kind for item, kind in zip(value, types))
    )


def _always(match: re.Match[str] | None) -> re.Match[str]:
    """A match of a pattern that matches anywhere (it may match nothing)."""
    assert match is not None
    return match


# PEP 263: a coding comment on the first line, or on the second below a comment or blank line.
_CODING = re.compile(rb"[ \t\f]*#[^\r\n]*?coding[:=][ \t]*([-\w.]+)")
_BLANK_OR_COMMENT = re.compile(rb"[ \t\f]*(?:#[^\r\n]*)?\r?$")


def _declared_encoding(data: bytes) -> str | None:
    first_end = data.find(b"\n")
    second_end = data.find(b"\n", first_end + 1) if first_end >= 0 else -1
    if b"coding" not in data[: None if second_end < 0 else second_end]:
        return None
    first = data if first_end < 0 else data[:first_end]
    found = _CODING.match(first)
    if found is None and first_end >= 0 and _BLANK_OR_COMMENT.match(first):
        found = _CODING.match(data[first_end + 1 : None if second_end < 0 else second_end])
    return None if found is None else found.group(1).decode("ascii")


# --- triple-quoted strings -----------------------------------------------------------------


class _Spans(NamedTuple):
    """The triple-quoted strings of a text, as sorted ``(start, end)`` pairs;
    ``certain`` is False when a quote could not be placed by its line."""

    spans: list[tuple[int, int]]
    starts: list[int]
    certain: bool


def _triple_spans(text: str) -> _Spans:
    """Pairs each opening triple quote that is code with its closing one;
    an unclosed one runs to the end of the text."""
    spans: list[tuple[int, int]] = []
    certain = True
    floor = 0  # code starts here (the end of the last string or comment passed)
    triples = _Triples(text)
    opening = triples.after(0)
    while opening >= 0:
        line_start = text.rfind("\n", 0, opening) + 1
        start = max(line_start, floor)
        if _QUOTE_OR_HASH.search(text, start, opening) or (
            start == line_start and _continues_line_above(text, line_start)
        ):  # only then may it be in a comment or a one-line string
            place = _place_on_line(text, floor, opening)
            certain = certain and place.certain
            if place.skip_to >= 0:  # not an opening
                floor = place.skip_to
                opening = triples.after(floor)
                continue
        body = _STRING_BODIES[text[opening]].match(text, opening + 3)
        end = len(text) if body is None else body.end()
        spans.append((opening, end))
        floor = end
        opening = triples.after(end)
    return _Spans(spans, [start for start, _ in spans], certain)


class _Triples:
    """The next triple quote of either kind. A kind is searched for again
    only once passed: searching for a kind the text lacks from every string
    would run to the end of the text each time."""

    def __init__(self, text: str) -> None:
        self.text = text
        none = len(text)  # "there is none left"
        self.double = text.find('"""')
        self.double = none if self.double < 0 else self.double
        self.single = text.find("'''")
        self.single = none if self.single < 0 else self.single

    def after(self, start: int) -> int:
        """The first triple quote at or after ``start``, -1 if none."""
        text, none = self.text, len(self.text)
        if self.double < start:
            found = text.find('"""', start)
            self.double = none if found < 0 else found
        if self.single < start:
            found = text.find("'''", start)
            self.single = none if found < 0 else found
        nearest = min(self.double, self.single)
        return -1 if nearest == none else nearest


# What follows an opening triple quote, up to and with the closing one.
_STRING_BODIES = {
    '"': re.compile(r'[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""', re.DOTALL),
    "'": re.compile(r"[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''", re.DOTALL),
}


class _Place(NamedTuple):
    skip_to: int  # -1 if the quote is code, else where code resumes after what holds it
    certain: bool


_QUOTE_OR_HASH = re.compile(r"[#'\"]")


def _place_on_line(text: str, floor: int, position: int) -> _Place:
    """Whether the triple quote at ``position`` is code, from the quotes and
    ``#`` signs before it on its line and the lines its line continues (a
    line not continued starts as code: a one-line string cannot hold a line
    break, and ``floor`` is past the last triple-quoted one)."""
    start = _continued_start(text, _line_start(text, position), floor)
    certain = start >= 0
    start = max(start, floor)
    while True:
        mark = _QUOTE_OR_HASH.search(text, start, position)
        if mark is None:
            return _Place(-1, certain)
        if mark.group() == "#":
            comment_end = _line_end(text, mark.start())
            if comment_end < position:
                start = comment_end
                continue
            return _Place(comment_end, certain)
        token = _LEX.match(text, mark.start())
        if token is None or token.lastgroup != "string":
            return _Place(-1, False)  # an unterminated quote: the line is not Python
        certain = certain and not _nests_quotes(text, token.start(), token.group())
        if token.end() > position:
            return _Place(token.end(), certain)
        start = token.end()


_CONTINUED_LINES = 100  # followed up through backslashes, at most


def _continued_start(text: str, line_start: int, floor: int) -> int:
    """The start of the first of the lines that ``line_start``'s line
    continues through backslashes (itself if none, never before ``floor``);
    -1 if there are too many to follow."""
    for _ in range(_CONTINUED_LINES):
        if line_start <= floor or not _continues_line_above(text, line_start):
            return line_start
        line_start = _line_start(text, line_start - 2)
    return -1


def _continues_line_above(text: str, line_start: int) -> bool:
    return line_start >= 2 and text[line_start - 2] == "\\"


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end


_FORMATTED = frozenset("fFtT")


def _nests_quotes(text: str, start: int, string: str) -> bool:
    """An f-string (or t-string) whose lexed end falls inside a replacement
    field: Python 3.12 (PEP 701) lets it nest its own quotes, which a
    regular expression cannot follow."""
    prefix = text[max(start - 2, 0) : start]
    if not _FORMATTED.intersection(prefix):
        return False
    fields = string.replace("{{", "").replace("}}", "")
    return fields.count("{") > fields.count("}")


# --- lexing logical lines ------------------------------------------------------------------

_LEX = re.compile(
    r"(?P<comment>\#[^\n]*)"
    r'|(?P<string>"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'
    r"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
    r"|'[^'\\\n]*(?:\\.[^'\\\n]*)*')"
    r"|(?P<bad>\"\"\"|'''|[\"'])"
    r"|(?P<open>[(\[{])|(?P<close>[)\]}])"
    r"|(?P<continuation>\\\n)|(?P<newline>\n)|(?P<semicolon>;)|(?P<colon>:=?)"
    r"|(?P<lambda>(?<![\w.])lambda(?!\w))",
    re.DOTALL,
)
_BLANKS = re.compile(r"[ \t\f]*")
_FIRST_WORD = re.compile(r"[ \t\f]*([^\W\d]\w*)")
_KEYWORD = re.compile(
    r"[ \t\f]*(async[ \t\f]+)?"
    r"(if|elif|else|for|while|try|except|finally|with|def|class|match|case)(?!\w)"
)
# A soft keyword followed by these is a name (`match = ...`, `case.x`, `match += 1`).
_SOFT_AS_NAME = re.compile(r"[ \t\f]*(?:[-+*/%@&|^<>]*=|[.:,;)\]}#\n]|$)")
# Words that only ever start a statement: a line starting with one starts a logical line.
_STATEMENT_WORDS = frozenset(
    [
        "def",
        "class",
        "try",
        "while",
        "with",
        "elif",
        "except",
        "finally",
        "import",
        "return",
        "pass",
        "raise",
        "del",
        "global",
        "nonlocal",
        "assert",
        "break",
        "continue",
    ]
)
# Compound keywords that may also continue an expression on a line of their own.
_EXPRESSION_WORDS = frozenset({"if", "else", "for", "match", "case"})


class _Logical(NamedTuple):
    """A logical line, lexed: where it starts and ends (its newline), the
    compound keyword it starts with ("" if none), the position after its
    header colon (-1), where its simple statements start, the strings and
    comments in it (flat start, end pairs), the positions of its lambdas, and
    whether something in it defeats reading it by lines (``odd``)."""

    begin: int
    indent: int
    end: int
    keyword: str
    colon: int
    statements: tuple[int, ...]
    skipped: tuple[int, ...]
    lambdas: tuple[int, ...]
    odd: bool


class _LineState:
    """What lexing a logical line has found so far."""

    __slots__ = ("colon", "depth", "inner", "keyword", "lambdas", "odd", "skipped", "statements")

    def __init__(self, keyword: str, begin: int) -> None:
        self.keyword = keyword
        self.depth = 0
        self.colon = -1
        self.statements = [begin]
        self.skipped: list[int] = []
        self.lambdas: list[int] = []
        self.inner: list[int] = []  # the physical line starts inside it
        self.odd = False

    def punctuation(self, kind: str, token: re.Match[str]) -> None:
        if kind == "open":
            self.depth += 1
        elif kind == "close":
            self.odd = self.odd or self.depth == 0  # it began inside brackets
            self.depth = max(self.depth - 1, 0)
        elif self.depth:
            return
        elif kind == "semicolon":
            self.statements.append(token.end())
        elif kind == "colon" and self.keyword and self.colon < 0 and token.group() == ":":
            self.colon = token.end()
            self.statements.append(self.colon)


def _lex_line(text: str, begin: int) -> tuple[_Logical, list[int]]:
    """The logical line starting at ``begin`` (code, outside brackets), and
    the starts of the physical lines after its first. A line starting with
    a statement word inside brackets ends it: the brackets never closed."""
    keyword = _compound_keyword(text, begin)
    state = _LineState(keyword, _always(_BLANKS.match(text, begin)).end())
    position = begin
    while True:
        token = _LEX.search(text, position)
        if token is None:
            return _finish(text, begin, len(text), state), state.inner
        kind, position = token.lastgroup or "", token.end()
        if kind in ("comment", "string", "bad"):
            position = _skip(text, token, state)
        elif kind == "newline" or kind == "continuation":
            if kind == "newline" and (state.depth == 0 or _starts_statement(text, position)):
                state.odd = state.odd or state.depth > 0
                return _finish(text, begin, token.start(), state), state.inner
            state.inner.append(position)
        elif kind == "lambda":
            state.lambdas.append(token.start())
            state.odd = state.odd or (not state.depth and bool(keyword) and state.colon < 0)
        else:
            state.punctuation(kind, token)


def _skip(text: str, token: re.Match[str], state: _LineState) -> int:
    """Records a string or comment; where lexing goes on. An unterminated
    quote spoils the line: the rest of its physical line is taken as string."""
    end = token.end()
    if token.lastgroup == "bad":
        state.odd = True
        end = _line_end(text, end)
    elif token.lastgroup == "string":
        state.odd = state.odd or _nests_quotes(text, token.start(), token.group())
    state.skipped += (token.start(), end)
    return end


def _starts_statement(text: str, position: int) -> bool:
    word = _FIRST_WORD.match(text, position)
    return word is not None and word.group(1) in _STATEMENT_WORDS


def _finish(text: str, begin: int, end: int, state: _LineState) -> _Logical:
    keyword = state.keyword
    if keyword in ("match", "case") and state.colon < 0:
        keyword = ""  # a name: soft keywords head a block only with a colon
    return _Logical(
        begin,
        _indent_width(text, begin),
        end,
        keyword,
        state.colon if keyword else -1,
        tuple(state.statements),
        tuple(state.skipped),
        tuple(state.lambdas),
        state.odd,
    )


def _compound_keyword(text: str, begin: int) -> str:
    found = _KEYWORD.match(text, begin)
    if found is None:
        return ""
    keyword = found.group(2)
    if keyword in ("match", "case") and _SOFT_AS_NAME.match(text, found.end()):
        return ""
    return keyword


def _indent_width(text: str, line_start: int) -> int:
    """Indentation as Python measures it: tabs to the next multiple of 8, a
    form feed resets the count."""
    blank = _always(_BLANKS.match(text, line_start)).group()
    if "\t" not in blank and "\f" not in blank:
        return len(blank)
    width = 0
    for character in blank:
        if character == "\t":  # noqa: SIM108 (a nested ternary would hide the three cases)
            width = width // 8 * 8 + 8
        else:
            width = width + 1 if character == " " else 0
    return width


def _in_skipped(line: _Logical, position: int) -> bool:
    """Whether ``position`` is in one of the line's strings or comments."""
    index = bisect_right(line.skipped, position)
    return index % 2 == 1


def _statement_start(line: _Logical, position: int) -> int:
    return line.statements[bisect_right(line.statements, position) - 1]


# --- the blocks around a line --------------------------------------------------------------


class _Header(NamedTuple):
    """A block's header: ``kind`` says what its body's statements inherit:
    "def", "class", "try", "skip" (``if TYPE_CHECKING``), "main", "cond"
    (branches, loops, handlers), "plain" (``with``, ``finally``)."""

    kind: str
    line_start: int
    indent: int


class _Flags(NamedTuple):
    skip: bool
    optional: bool
    deferred: bool
    conditional: bool
    main_only: bool
    in_scope: bool  # inside a function or class body


def _record(
    place: tuple[int, int],
    module: str,
    level: int,
    names: tuple[str, ...],
    flags: _Flags,
    dynamic: bool,
) -> Import:
    """An import at (line, column), under the blocks ``flags`` say."""
    line, column = place
    return Import(
        line,
        column,
        module,
        level,
        names,
        flags.optional,
        flags.deferred,
        flags.conditional,
        flags.main_only,
        dynamic,
    )


_TOP = _Flags(False, False, False, False, False, False)
_STEPPED_LINES = 24  # looked at one by one above a line before a search skips them
_CONDITIONAL_WORDS = frozenset({"else", "for", "while", "except", "match", "case"})
_HEADER_KINDS = {"def": "def", "class": "class", "try": "try", "with": "plain", "finally": "plain"}
_CATCHING = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_TYPE_CHECKING = frozenset({"TYPE_CHECKING", "typing.TYPE_CHECKING"})
_MAIN_TESTS = frozenset(
    {
        '__name__=="__main__"',
        "__name__=='__main__'",
        '"__main__"==__name__',
        "'__main__'==__name__",
    }
)
# `__name__` compared with something holding `__main__`, as the whole test.
_MAIN_LIKE = re.compile(
    r"__name__==[rRuUbBfF]*[\"'][^=]*__main__[^=]*[\"']"
    r"|[rRuUbBfF]*[\"'][^=]*__main__[^=]*[\"']==__name__"
)
# A header line the test of `if __name__ == "__main__"` (either way round) fills:
# it would not parse inside brackets, so it starts a logical line.
_MAIN_LINE = re.compile(
    r"[ \t\f]*(?:el)?if[ \t\f]*\(?[ \t\f]*(?:__name__[ \t\f]*==[ \t\f]*([\"'])__main__\1"
    r"|([\"'])__main__\2[ \t\f]*==[ \t\f]*__name__)[ \t\f]*\)?[ \t\f]*:"
)
# `except` and what it catches up to its colon, when that is names only.
_SIMPLE_HANDLER = re.compile(r"[ \t\f]*except[ \t\f]*\*?([\w., \t\f()]*):")
_ELSE = re.compile(r"[ \t\f]*else[ \t\f]*:")
_ELSE_WORD = re.compile(r"\belse\b")
_CONDITION_NOISE = re.compile(r"#[^\n]*|\\\n|[\s()]")
_HANDLER_NAME = re.compile(r"\bas[ \t\f]+[^\W\d]\w*[ \t\f]*$")
_HANDLER_TYPES = re.compile(r"[\w.,()\s]*")
_CALLED = re.compile(r"\w[ \t\f]*\(")
_DOTTED_NAMES = re.compile(r"[\w.]+")


# --- one module ----------------------------------------------------------------------------


class _Source:
    """One module's text and what has been learnt of its lines (per scan)."""

    def __init__(self, text: str) -> None:
        self.text = text
        spans = _triple_spans(text)
        self.spans, self.span_starts = spans.spans, spans.starts
        self.certain = spans.certain
        self.depths = _Depths(text)
        self.lines: dict[int, _Logical] = {}  # lexed logical lines by start
        self.inner: dict[int, int] = {}  # physical line start -> its logical line's start
        self.parents: dict[int, _Header | None] = {}  # by the line start of what they hold
        self.catches: dict[int, bool] = {}
        self.clauses: dict[int, list[int]] | None = None
        self.reversed: str | None = None
        self.physical: dict[int, _Logical] = {}  # lexed from a physical line's start

    def scan(self) -> _Found:
        statements = _Statements(self)
        for position in _words(self.text, _IMPORT_WORD):
            if self.span_at(position) < 0:
                statements.add(position)
        main_tests = _words(self.text, _MAIN_WORD) if "__main__" in self.text else []
        main_block = any(self.is_main_test(at) for at in main_tests)
        return statements.found(main_block, self.certain and self.depths.certain)

    def doubt(self) -> None:
        self.certain = False

    # Lines.

    def span_at(self, position: int) -> int:
        """The start of the triple-quoted string holding ``position``
        (after its opening quote), -1 if none."""
        index = bisect_right(self.span_starts, position) - 1
        if index < 0:
            return -1
        start, end = self.spans[index]
        return start if start < position < end else -1

    def line(self, begin: int) -> _Logical:
        """The logical line starting at ``begin``, lexed once."""
        found = self.lines.get(begin)
        if found is None:
            found, inner = _lex_line(self.text, begin)
            self.lines[begin] = found
            self.inner.update(dict.fromkeys(inner, begin))
        return found

    def logical_at(self, position: int) -> _Logical:
        """The logical line holding ``position``, lexed from the nearest line
        start above that starts one."""
        text = self.text
        begin = _line_start(text, position)
        while begin > 0 and not self.starts_logical_line(begin):
            if begin in self.inner:
                begin = self.inner[begin]
                break
            span = self.span_at(begin)
            begin = _line_start(text, span if span >= 0 else begin - 1)
        while True:
            found = self.line(begin)
            if found.end >= position or found.end >= len(text):
                return found
            begin = found.end + 1

    def starts_logical_line(self, line_start: int) -> bool:
        """Whether a logical line starts at ``line_start``: outside strings,
        brackets and backslash continuations."""
        if line_start in self.lines or line_start in self.depths.starts:
            return True
        if line_start in self.inner or self.span_at(line_start) >= 0:
            return False
        text = self.text
        if _continues_line_above(text, line_start):
            place = _place_on_line(text, self.span_end_before(line_start), line_start - 2)
            if not place.certain:
                self.doubt()
            if place.skip_to < 0 or place.skip_to >= line_start:
                return False  # a backslash in code, or in a string it continues
        elif _starts_statement(text, line_start):
            self.depths.mark(line_start)  # no bracket holds such a line (and none is left open)
            return True
        self.mark_statement_above(line_start)
        return self.depths.at(line_start) <= 0

    def mark_statement_above(self, line_start: int) -> None:
        """Marks the nearest of the few lines above that starts with a
        statement word, so that the depth is counted over a few lines, not
        from the last import at the top of the file."""
        text = self.text
        for _ in range(_STEPPED_LINES):
            if line_start <= 0 or line_start in self.depths.depth:
                return
            line_start = _line_start(text, line_start - 1)
            if self.span_at(line_start) >= 0:
                return
            if _starts_statement(text, line_start) and not _continues_line_above(text, line_start):
                self.depths.mark(line_start)
                return

    def in_string_or_comment(self, position: int) -> bool:
        """Whether ``position`` is in a one-line string or a comment, by its
        physical line lexed from its start (once: many imports may share a
        line), or by the lines it continues."""
        text = self.text
        line_start = _line_start(text, position)
        if _continues_line_above(text, line_start) or self.span_at(line_start) >= 0:
            place = _place_on_line(text, self.span_end_before(position), position)
            if not place.certain:
                self.doubt()
            return place.skip_to >= 0
        physical = self.physical.get(line_start)
        if physical is None:
            physical = self.physical[line_start] = _lex_line(text, line_start)[0]
        return _in_skipped(physical, position)

    def span_end_at(self, position: int) -> int:
        """The end of the triple-quoted string holding ``position``."""
        return self.spans[bisect_right(self.span_starts, position) - 1][1]

    def span_end_before(self, position: int) -> int:
        """The end of the last triple-quoted string before ``position``, 0 if none."""
        index = bisect_right(self.span_starts, position) - 1
        return 0 if index < 0 else min(self.spans[index][1], position)

    # Blocks.

    def flags(self, line: _Logical, position: int) -> _Flags:
        """What the statement or call at ``position`` in ``line`` runs under."""
        headers = list(self.ancestors(line.begin, line.indent))
        if line.keyword and 0 <= line.colon <= position:
            headers.insert(0, self.header_of(line))
        elif line.keyword in ("elif", "except", "case"):
            headers.insert(0, _Header("cond", line.begin, line.indent))  # in its header
        return self.combine(headers)

    def combine(self, headers: Iterable[_Header]) -> _Flags:
        skip = optional = deferred = conditional = main_only = in_scope = False
        for header in headers:  # innermost first
            kind = header.kind
            skip = skip or kind == "skip"
            if kind == "try" and not deferred and not optional:
                optional = self.try_catches(header.line_start)
            deferred = deferred or kind == "def"
            in_scope = in_scope or kind in ("def", "class")
            conditional = conditional or kind in ("cond", "main")
            main_only = main_only or kind == "main"
        return _Flags(skip, optional, deferred, conditional, main_only, in_scope)

    def ancestors(self, line_start: int, indent: int) -> Iterator[_Header]:
        while indent > 0:
            header = self.parent(line_start, indent)
            if header is None:
                return
            yield header
            line_start, indent = header.line_start, header.indent

    def parent(self, line_start: int, indent: int) -> _Header | None:
        """The header of the block holding the logical line at
        ``line_start`` (indented by ``indent``): the nearest line above with
        less indentation that starts a logical line. Other lines with less
        indentation are continuations or strings; siblings share a parent."""
        if line_start in self.parents:
            return self.parents[line_start]
        found: _Header | None = None
        above = line_start
        for _ in range(_STEPPED_LINES):  # near: line by line, a sibling ends the walk
            if above <= 0:
                break
            above = _line_start(self.text, above - 1)
            if self.text.startswith(" " * indent, above):
                if above in self.parents and _indent_width(self.text, above) == indent:
                    found = self.parents[above]
                    break
                continue
            found = self.header_above(above, indent)
            if found is not None:
                break
        else:
            found = self.far_parent(above, indent)
        self.parents[line_start] = found
        return found

    def far_parent(self, line_start: int, indent: int) -> _Header | None:
        """`parent` past its first lines: the lines indented by ``indent``
        spaces or more are skipped in C, by a search of the text reversed."""
        found = None
        while found is None and line_start > 0:
            line_start = self.shallower_above(line_start, indent)
            if line_start >= 0:
                found = self.header_above(line_start, indent)
        return found

    def shallower_above(self, line_start: int, indent: int) -> int:
        """The nearest line start above ``line_start`` whose line does not
        start with ``indent`` spaces and is not empty, -1 if none."""
        if self.reversed is None:
            self.reversed = self.text[::-1]
        size = len(self.text)
        # A line start s is the character after a newline at size - s in the
        # reversed text; the line's first characters come before it there.
        pattern = re.compile(rf"\n(?<!\n\n)(?<! {{{indent}}}\n)")
        newline = pattern.search(self.reversed, size - line_start + 1)
        if newline is not None:
            return size - newline.start()
        first = self.text[:1]
        return 0 if first not in ("", "\n") and not self.text.startswith(" " * indent) else -1

    def header_above(self, line_start: int, indent: int) -> _Header | None:
        text = self.text
        first = _always(_BLANKS.match(text, line_start)).end()
        if first >= len(text) or text[first] in "#\n":
            return None  # blank or a comment
        if first - line_start >= indent and text.find("\f", line_start, first) < 0:
            return None  # indented enough (a tab only adds width; a form feed resets it)
        keyword = _KEYWORD.match(text, line_start)
        if keyword is None or _indent_width(text, line_start) >= indent:
            return None
        if self.span_at(line_start) >= 0:
            return None
        word, width = keyword.group(2), _indent_width(text, line_start)
        if _MAIN_LINE.match(text, line_start) and not _continues_line_above(text, line_start):
            return _Header("main", line_start, width)
        test = _plain_header(text, keyword)
        if (
            test is None
            and (
                keyword.group(1)
                or word in _EXPRESSION_WORDS
                or _continues_line_above(text, line_start)
            )
            and not self.starts_logical_line(line_start)
        ):
            return None
        if word in ("if", "elif") and test is not None:
            return _Header(_test_kind(test), line_start, width)
        if word in ("if", "elif", "match", "case"):  # the test, or whether a soft keyword
            line = self.line(line_start)
            return self.header_of(line) if line.keyword else None
        return _Header(_keyword_kind(word), line_start, width)

    def header_of(self, line: _Logical) -> _Header:
        """The header a lexed logical line starts with."""
        if line.odd:
            self.doubt()
        keyword = line.keyword
        kind = self.condition_kind(line) if keyword in ("if", "elif") else _keyword_kind(keyword)
        return _Header(kind, line.begin, line.indent)

    def condition_kind(self, line: _Logical) -> str:
        start = _KEYWORD.match(self.text, line.begin)
        end = line.colon - 1 if line.colon > 0 else line.end
        test = _CONDITION_NOISE.sub("", self.text[start.end() if start else line.begin : end])
        kind = _test_kind(test)
        if kind == "cond" and _MAIN_LIKE.fullmatch(test):
            self.doubt()  # another spelling `ast` might find equal
        return kind

    def is_main_test(self, position: int) -> bool:
        """Whether ``__main__`` at ``position`` is in the test of an
        ``if __name__ == "__main__":`` outside functions and classes."""
        if self.span_at(position) >= 0:
            return False
        text = self.text
        line_start = _line_start(text, position)
        if _MAIN_LINE.match(text, line_start) and not _continues_line_above(text, line_start):
            # In brackets, such a line would not parse: it starts a logical line.
            width = _indent_width(text, line_start)
            return not width or not self.combine(self.ancestors(line_start, width)).in_scope
        line = self.logical_at(position)
        if line.keyword not in ("if", "elif") or not (line.colon < 0 or position < line.colon):
            return False
        if self.condition_kind(line) != "main":
            return False
        return not self.combine(self.ancestors(line.begin, line.indent)).in_scope

    # Handlers.

    def try_catches(self, try_start: int) -> bool:
        """Whether a handler of the ``try`` at ``try_start`` catches import errors."""
        if try_start not in self.catches:
            handlers = self.near_handlers(try_start)
            if handlers is None:
                handlers = self.try_clauses().get(try_start, [])
            self.catches[try_start] = any(self.handler_catches(start) for start in handlers)
        return self.catches[try_start]

    def near_handlers(self, try_start: int) -> list[int] | None:
        """The handlers of the ``try`` at ``try_start`` if they end within a
        few lines, else None: the ``except`` lines at its indentation, up
        to the first other line that starts a logical line there or less
        indented (``else:``, ``finally``, a statement). Before the first
        clause, such lines are continuations: in valid code, a ``try`` body
        ends with its first clause."""
        text, indent = self.text, _indent_width(self.text, try_start)
        handlers: list[int] = []
        line_start = try_start
        for _ in range(_STEPPED_LINES * 4):
            line_start = text.find("\n", line_start) + 1
            if not line_start:
                return handlers
            if text.startswith(" " * (indent + 1), line_start):
                continue
            word = _FIRST_WORD.match(text, line_start)
            width = _indent_width(text, line_start)
            if word is None or width > indent or self.span_at(line_start) >= 0:
                continue
            word_text = word.group(1)
            if width == indent and word_text == "except":
                handlers.append(line_start)
            elif handlers and (
                _ELSE.match(text, line_start)
                or word_text in _STATEMENT_WORDS
                or self.starts_logical_line(line_start)
            ):
                return handlers  # the handlers are over: another clause or statement
            elif not handlers and width == indent and word_text == "finally":
                return handlers
        return None

    def handler_catches(self, line_start: int) -> bool:
        simple = _SIMPLE_HANDLER.match(self.text, line_start)
        if simple is not None and not _continues_line_above(self.text, line_start):
            caught = _HANDLER_NAME.sub("", simple.group(1).strip(" \t\f"))
            names = _DOTTED_NAMES.findall(caught)
            return not names or any(name.rpartition(".")[2] in _CATCHING for name in names)
        line = self.line(line_start)
        if line.odd:
            self.doubt()
        keyword = _KEYWORD.match(self.text, line_start)
        end = line.colon - 1 if line.colon > 0 else line.end
        caught = self.text[keyword.end() if keyword else line_start : end].lstrip(" \t\f*")
        caught = _HANDLER_NAME.sub("", _CONDITION_NOISE.sub(" ", caught).strip())
        if not caught:
            return True  # a bare `except:`
        if not _HANDLER_TYPES.fullmatch(caught) or _CALLED.search(caught):
            self.doubt()  # an expression: `ast` can tell what it names
            return False
        names = _DOTTED_NAMES.findall(caught)
        return any(name.rpartition(".")[2] in _CATCHING for name in names)

    def try_clauses(self) -> dict[int, list[int]]:
        """The handlers of every ``try``, by the start of its line: an
        ``except`` at a ``try``'s indentation is its handler until another
        ``try`` or a ``finally`` at that indentation."""
        if self.clauses is None:
            self.clauses = {}
            open_tries: list[tuple[int, int]] = []  # (indent, line start)
            for word, line_start, indent in self.clause_lines():
                while open_tries and open_tries[-1][0] > indent:
                    open_tries.pop()
                same = bool(open_tries) and open_tries[-1][0] == indent
                if word == "try":
                    del open_tries[len(open_tries) - same :]
                    open_tries.append((indent, line_start))
                    self.clauses[line_start] = []
                elif same and word == "except":
                    self.clauses[open_tries[-1][1]].append(line_start)
                elif same:
                    open_tries.pop()
        return self.clauses

    def clause_lines(self) -> list[tuple[str, int, int]]:
        text = self.text
        found = []
        for word in ("try", "except", "finally"):
            for position in _words(text, _CLAUSE_WORDS[word]):
                line_start = _line_start(text, position)
                if text[line_start:position].strip(" \t\f") or self.span_at(position) >= 0:
                    continue
                if not _word_break(text, position + len(word)):
                    continue
                found.append((position, word, line_start, _indent_width(text, line_start)))
        found.sort()
        return [(word, line_start, indent) for _, word, line_start, indent in found]


# Strings and comments, as tokenize finds them (a prefix letter is code to them).
_NOT_CODE = re.compile(
    r"#[^\n]*"
    r'|"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'
    r"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
    r"|'[^'\\\n]*(?:\\.[^'\\\n]*)*'",
    re.DOTALL,
)
# An f-string holding its own quote in a replacement field (PEP 701): the
# pattern above would end it there.
_NESTING_FORMAT = re.compile(
    r"""[fFtT](?<![\w'"][fFtT])[rR]?(?:"[^"\n]*\{[^}"\n]*"|'[^'\n]*\{[^}'\n]*')"""
)


class _Depths:
    """The bracket depth at line starts outside strings, counted in C (the
    strings and comments dropped by one substitution) from the nearest line
    start counted before, on either side: walks up a file count each line
    once, and a far header costs one pass over the text, not a lexer's."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.points = [0]
        self.depth = {0: 0}
        self.starts: set[int] = set()  # known to start logical lines
        self.certain = True

    def mark(self, line_start: int) -> None:
        """A line start that surely starts a logical line: depth 0."""
        if line_start not in self.depth:
            insort(self.points, line_start)
        self.depth[line_start] = 0
        self.starts.add(line_start)

    def at(self, line_start: int) -> int:
        if line_start in self.depth:
            return self.depth[line_start]
        index = bisect_right(self.points, line_start)
        below = self.points[index - 1]
        above = self.points[index] if index < len(self.points) else -1
        if above >= 0 and above - line_start < line_start - below:
            depth = self.depth[above] - self.net(line_start, above)
        else:
            depth = self.depth[below] + self.net(below, line_start)
        insort(self.points, line_start)
        self.depth[line_start] = depth
        return depth

    def net(self, start: int, end: int) -> int:
        """Opening brackets less closing ones in the code between."""
        segment = self.text[start:end]
        self.certain = self.certain and _NESTING_FORMAT.search(segment) is None
        code = _NOT_CODE.sub("", segment)
        opened = code.count("(") + code.count("[") + code.count("{")
        return opened - code.count(")") - code.count("]") - code.count("}")


def _plain_header(text: str, keyword: re.Match[str]) -> str | None:
    """What follows the keyword on a header line that could not parse
    inside brackets, up to its colon; None if it might. Such a line holds
    no string or ``lambda``, balances its brackets and ends with a colon:
    a continuation line that starts with ``if``, ``else`` or ``for`` and
    ends so would be a conditional expression without its ``else`` (or with
    ``else:``), or a comprehension with a colon. (An ``if ... else`` line
    ending in a colon may be a dictionary's key: not plain.)"""
    start = keyword.end()
    line = text[start : _line_end(text, start)]
    if "'" in line or '"' in line or "lambda" in line or keyword.group(2) in ("match", "case"):
        return None
    code = line.partition("#")[0].rstrip(" \t\f")
    if not code.endswith(":") or not _balanced(code):
        return None
    if keyword.group(2) == "if" and _ELSE_WORD.search(code):
        return None
    return code[:-1]


def _balanced(code: str) -> bool:
    """As many opening brackets as closing ones, of each kind."""
    return all(code.count(opening) == code.count(closing) for opening, closing in _PAIRS)


_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"))


def _test_kind(test: str) -> str:
    """ "skip" (``TYPE_CHECKING``), "main" or "cond" for an ``if`` test."""
    test = _CONDITION_NOISE.sub("", test)
    if test in _TYPE_CHECKING:
        return "skip"
    return "main" if test in _MAIN_TESTS else "cond"


def _keyword_kind(keyword: str) -> str:
    if keyword in _HEADER_KINDS:
        return _HEADER_KINDS[keyword]
    return "cond" if keyword in _CONDITIONAL_WORDS else "plain"


_INDENTATION = frozenset(" \t\f")


def _skip_blanks(text: str, position: int) -> int:
    """The position after the blanks at ``position``."""
    blanks = _BLANKS.match(text, position)
    return position if blanks is None else blanks.end()


def _line_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


def _words(text: str, word: re.Pattern[str]) -> list[int]:
    """The positions of a word in ``text`` (found in C: a regular
    expression starting with a literal is searched for fast)."""
    return [found.start() for found in word.finditer(text)]


_IMPORT_WORD, _MAIN_WORD = re.compile("import"), re.compile("__main__")
_CLAUSE_WORDS = {word: re.compile(word) for word in ("try", "except", "finally")}


# --- import statements ---------------------------------------------------------------------

_B = r"(?:[ \t\f]|\\\n)"  # a blank inside a statement
# Identifier characters, any character beyond ASCII among them: `\w` leaves
# out combining marks that names may hold (the names found are checked).
_NAME_CHAR = r"[^\x00-/:-@\[-^`{-\x7f]"
_NAME = rf"[^\x00-@\[-^`{{-\x7f]{_NAME_CHAR}*"
_DOTTED = rf"{_NAME}(?:{_B}*\.{_B}*{_NAME})*"
_STATEMENT_BLANKS = re.compile(rf"{_B}*")
_FROM = re.compile(rf"from(?=[ \t\f.\\]){_B}*((?:\.{_B}*)*)((?:{_DOTTED})?){_B}*import(?!\w)")
_FROM_PREFIX = re.compile(rf"[ \t\f]*from(?=[ \t\f.\\]){_B}*(?:\.{_B}*)*(?:{_DOTTED})?{_B}*")
_REST = re.compile(r"(?:[^\n\\;#(]|\\\n|\\)*")
_PARENTHESES = re.compile(rf"{_B}*\(([^()#\\'\";=]*(?:(?:#[^\n]*|\\\n)[^()#\\'\";=]*)*)")
_MODULE_ITEM = re.compile(rf"\s*({_DOTTED})(?:\s+as\s+({_NAME}))?\s*")
_NAME_ITEM = re.compile(rf"\s*({_NAME})(?:\s+as\s+({_NAME}))?\s*")
_NOISE = re.compile(r"(?:#[^\n]*|\\\n|\s)+")
# A list of plain names (no `as`): most from-imports.
_PLAIN_NAMES = re.compile(rf" ?{_NAME}(?: ?, ?{_NAME})* ?,? ?")
# After `(`, where no simple literal then `,` or `)` was found: a string that
# `ast` may still read as one constant (implicit concatenation, an escape,
# triple quotes), or a comment or continuation before the argument.
_ODD_ARGUMENT = re.compile(
    r"[rRuU]?(?:(['\"])[^'\"\\\n]*\1\s*(?:[rRbBuUfFtT]{0,2}['\"]|\\|#)|['\"][^'\"\n]*\\)"
    r"|[rRbBuUfFtT]{0,2}(?:'''|\"\"\")|#|\\"
)
# A one-line import statement in its usual spelling, ASCII names only.
_SIMPLE_BODY = (
    r"(?P<import>import) (?P<names>\*|\w+(?:\.\w+)*(?: as \w+)?(?:, \w+(?:\.\w+)*(?: as \w+)?)*"
    r"|\([\w\s,]*\))"
    r"[ \t]*(?:#[^\n]*)?(?=\n|$)"
)
_SIMPLE = re.compile(rf"(?:from (?P<dots>\.*)(?P<module>[\w.]*) )?{_SIMPLE_BODY}")
_DYNAMIC = re.compile(
    r"(?:importlib[ \t\f]*\.[ \t\f]*import_module|__import__)[ \t\f]*\(\s*"
    r"(?:([rRuU]?)(['\"])([^'\"\\\n]*)\2\s*[,)])?"
)


class _Statement(NamedTuple):
    position: int
    modules: list[tuple[str, int, tuple[str, ...]]]  # (module, level, names)
    bindings: list[str]


class _Statements:
    """Collects the import statements and calls of one module."""

    def __init__(self, source: _Source) -> None:
        self.source = source
        self.text = source.text
        self.records: list[Import] = []
        self.bindings: set[str] = set()
        self.star = False
        self.line = 1  # the line of `counted`: lines are counted once, from the start
        self.counted = 0

    def add(self, position: int) -> None:
        """Looks at one occurrence of the word ``import``."""
        text = self.text
        before, after = text[position - 1 : position], text[position + 6 : position + 7]
        if before == after == "_" and text[position - 2 : position + 8] == "__import__":
            self.add_call(position - 2)
        elif after == "_" and text.startswith("import_module", position):
            self.add_call(position)
        elif not _word_char(before) and not _word_char(after):
            self.add_statement(position)

    def add_statement(self, position: int) -> None:
        text = self.text
        line_start = text.rfind("\n", 0, position) + 1
        start = line_start
        if text[line_start : line_start + 1] in _INDENTATION:
            start = _skip_blanks(text, line_start)
        if (start == position or text.startswith("from ", start)) and not (
            _continues_line_above(text, line_start)
        ):
            simple = _SIMPLE.match(text, start)
            if (
                simple is not None
                and simple.start("import") == position
                and simple.group().isascii()
            ):
                self.add_simple(simple, line_start, start)
                return
        prefix = text[line_start:position]
        if not _continues_line_above(text, line_start) and (
            not prefix.strip(" \t\f") or _FROM_PREFIX.fullmatch(prefix)
        ):
            start = _skip_blanks(text, line_start)
            statement = _parse_statement(text, start)
            if statement is not None:  # at a line's start: no header before it on its line
                self.keep(statement, self.line_flags(line_start, start))
            return
        self.add_inside_line(position)

    def line_flags(self, line_start: int, start: int) -> _Flags:
        """The flags of a statement starting its line (which starts a logical line)."""
        self.source.depths.mark(line_start)
        if start == line_start:
            return _TOP  # at column 0: in no block
        source = self.source
        return source.combine(source.ancestors(line_start, _indent_width(self.text, line_start)))

    def add_simple(self, simple: re.Match[str], line_start: int, start: int) -> None:
        """A one-line import statement of plain ASCII names alone on its
        line, or a from-import of such names in parentheses (no comments)."""
        flags = self.line_flags(line_start, start)
        dots, module, listed = simple.group("dots", "module", "names")
        if module is None:
            for item in listed.split(", "):
                module, _, alias = item.partition(" as ")
                self.bindings.add(alias or module.partition(".")[0])
                self.add_record(start, line_start, module, 0, (), flags)
            return
        if listed[0] == "(":
            listed = ", ".join(
                " ".join(item.split()) for item in listed[1:-1].split(",") if item.strip()
            )
        if " as " in listed:
            pairs = [item.partition(" as ") for item in listed.split(", ")]
            names = tuple([name for name, _, _ in pairs])
            self.bindings.update([alias or name for name, _, alias in pairs])
        else:
            names = tuple(listed.split(", "))
            self.star = self.star or listed == "*"
            self.bindings.update(names)
        if module != "__future__":
            self.add_record(start, line_start, module, len(dots), names, flags)

    def add_inside_line(self, position: int) -> None:
        """An ``import`` after other code on its line: after ``;`` or a
        header's colon, in a string or comment, or not Python."""
        if self.source.in_string_or_comment(position):
            return  # its own line tells, whatever brackets are open
        line = self.source.logical_at(position)
        if _in_skipped(line, position):
            return
        text = self.source.text
        start = _always(_STATEMENT_BLANKS.match(text, _statement_start(line, position))).end()
        statement = _parse_statement(text, start) if _owns(text, start, position) else None
        if statement is None or line.odd:
            self.source.doubt()  # not Python, or a line the lexer may have misread
        if statement is not None:
            self.keep(statement, self.source.flags(line, start))

    def add_call(self, position: int) -> None:
        text, source = self.source.text, self.source
        start = _callee_start(text, position)
        if start < 0 or source.span_at(start) >= 0 or not _plain_callee(text, start):
            if text[:position].rstrip(" \t\f").endswith(")."):
                source.doubt()  # `(importlib).import_module(...)`: `ast` sees the name
            return
        call = _DYNAMIC.match(text, start)
        if call is None:
            return  # not called: `__import__` handed on, say
        line = source.logical_at(start)
        if _in_skipped(line, start):
            return
        if _code_before(text, line, start) == ".":
            source.doubt()  # an attribute on a line above, inside brackets
        if call.group(2) is None:
            if _ODD_ARGUMENT.match(text, call.end()):
                source.doubt()  # a string `ast` may read as one constant
            return
        if line.lambdas and line.lambdas[0] < call.start():
            self.source.doubt()  # maybe in a lambda's body
        module = call.group(3)
        if module and not module.startswith("."):
            flags = self.source.flags(line, call.start())
            line_start = _line_start(self.text, call.start())
            self.add_record(call.start(), line_start, module, 0, (), flags, dynamic=True)

    def keep(self, statement: _Statement, flags: _Flags) -> None:
        self.bindings.update(statement.bindings)
        line_start = _line_start(self.text, statement.position)
        for module, level, names in statement.modules:
            self.star = self.star or names == ("*",)
            if module != "__future__" or not names:  # `from __future__` is no import
                self.add_record(statement.position, line_start, module, level, names, flags)

    def add_record(
        self,
        position: int,
        line_start: int,
        module: str,
        level: int,
        names: tuple[str, ...],
        flags: _Flags,
        dynamic: bool = False,
    ) -> None:
        if flags.skip:
            return
        text = self.text
        if position >= self.counted:
            self.line += text.count("\n", self.counted, position)
        else:
            self.line -= text.count("\n", position, self.counted)
        self.counted = position
        column = position - line_start + 1
        self.records.append(_record((self.line, column), module, level, names, flags, dynamic))

    def found(self, main_block: bool, certain: bool) -> _Found:
        imports = tuple(sorted(self.records, key=_place))
        return _Found(imports, frozenset(self.bindings), self.star, main_block, certain)


def _word_char(character: str) -> bool:
    return bool(character) and (character.isalnum() or character == "_")


def _callee_start(text: str, position: int) -> int:
    """Where the callee starts: ``__import__`` itself, ``importlib`` before
    ``.import_module``; -1 for another ``import_module``."""
    if not text.startswith("import_module", position):
        return position
    dot = len(text[:position].rstrip(" \t\f")) - 1
    if dot < 0 or text[dot] != ".":
        return -1
    owner = text[:dot].rstrip(" \t\f")
    return len(owner) - 9 if owner.endswith("importlib") else -1


def _plain_callee(text: str, start: int) -> bool:
    """The callee is the name itself, not an attribute of something else
    (a dot before it, on its line or the line it continues)."""
    if _word_char(text[start - 1 : start]):
        return False
    before = text[:start].rstrip(" \t\f")
    while before.endswith("\\\n"):
        before = before[:-2].rstrip(" \t\f")
    return not before.endswith(".")


def _code_before(text: str, line: _Logical, position: int) -> str:
    """The last character of code in ``line`` before ``position`` (a
    position in code), past blanks, line breaks, strings and comments; ""
    if none. Only the pieces of code back to it are looked at."""
    skipped = line.skipped
    index = bisect_right(skipped, position)  # even: between strings and comments
    while True:
        piece_start = skipped[index - 1] if index else line.begin
        code = text[piece_start:position].rstrip(" \t\f\n\\")
        if code or not index:
            return code[-1:]
        index, position = index - 2, skipped[index - 2]


def _owns(text: str, start: int, position: int) -> bool:
    """Whether the statement at ``start`` has the ``import`` word at ``position``."""
    if start == position:
        return True
    head = _FROM.match(text, start)
    return head is not None and head.end() == position + 6


def _place(record: Import) -> tuple[int, int]:
    return record.line, record.col


def _parse_statement(text: str, start: int) -> _Statement | None:
    """The import statement at ``start``, None if there is none (another
    statement, or one too broken to read)."""
    if text.startswith("import", start):
        items = _always(_REST.match(text, start + 6)).group()
        return _module_items(start, items) if _word_break(text, start + 6) else None
    head = _FROM.match(text, start)
    if head is None:
        return None
    dots, module = head.group(1), _normalized([_NOISE.sub("", head.group(2))])[0]
    rest = head.end()
    parenthesized = _PARENTHESES.match(text, rest)
    items = parenthesized.group(1) if parenthesized else _always(_REST.match(text, rest)).group()
    names, bindings = _name_items(items)
    if not names:
        return None
    return _Statement(start, [(module, dots.count("."), tuple(names))], bindings)


def _word_break(text: str, position: int) -> bool:
    return not _word_char(text[position : position + 1])


def _module_items(start: int, items: str) -> _Statement | None:
    modules: list[tuple[str, int, tuple[str, ...]]] = []
    bindings: list[str] = []
    for item in items.replace("\\\n", " ").split(","):
        parsed = _MODULE_ITEM.fullmatch(item)
        if parsed is None:
            continue
        module, alias = _NOISE.sub("", parsed.group(1)), parsed.group(2)
        module = module if module.isascii() else _nfkc(module)
        modules.append((module, 0, ()))
        bindings.append(_normalized([alias])[0] if alias else module.partition(".")[0])
    return _Statement(start, modules, bindings) if modules else None


def _name_items(items: str) -> tuple[list[str], list[str]]:
    """The names of ``from m import a, b as c`` and the names bound."""
    items = _NOISE.sub(" ", items)
    if items.strip() == "*":
        return ["*"], []
    if items.isascii() and _PLAIN_NAMES.fullmatch(items) and " as " not in items:
        names = [name for name in items.replace(" ", "").split(",") if name]
        return names, names
    names, bindings = [], []
    for item in items.split(","):
        parsed = _NAME_ITEM.fullmatch(item)
        if parsed is not None:
            name, alias = _normalized([parsed.group(1), parsed.group(2) or parsed.group(1)])
            names.append(name)
            bindings.append(alias)
    return names, bindings


# --- names ---------------------------------------------------------------------------------

_KEYWORDS = frozenset(keyword.kwlist)
# Words that may bind names no statement shows, and what must follow each.
_OPEN_SIGNS = {
    "globals": re.compile(r"globals[ \t\f]*\("),
    "vars": re.compile(r"vars[ \t\f]*\([ \t\f]*\)"),
    "exec": re.compile(r"exec[ \t\f]*\("),
    "sys.modules": re.compile(r"sys[ \t\f]*\.[ \t\f]*modules[ \t\f]*\[[ \t\f]*__name__"),
}
# Every ASCII character that is neither in a name nor a dot, made a blank.
_NOT_NAME = {code: " " for code in range(128) if not (chr(code).isalnum() or chr(code) in "_.")}
_TOP_LINE = re.compile(r"\n(?![ \t\f\n#])")  # a line starting with code at column 0
_DEFINITION_NAME = re.compile(rf"[ \t\f]*(?:async[ \t\f]+)?(?:def|class)[ \t\f]+{_NAME}")
_GLOBAL = re.compile(r"global[ \t\f]")


def _bound_names(source: _Source) -> frozenset[str]:
    """Every name in a binding position outside the functions and classes
    defined at column 0 (see the module's docstring: a superset)."""
    code = _module_code(source)
    reversed_code = code[::-1]
    pieces = _REVERSED_TARGETS.findall(reversed_code) if "=" in code else []
    forward = _FOR_TARGETS.findall(code) if "for" in code else []
    if " as" in code:
        forward += _AS_TARGETS.findall(code)
    if ")" in code or "]" in code:
        forward += _bracketed_targets(code, reversed_code)
    for rule, word in zip(_DEFINED, ("def", "class")):
        if word in code:
            forward += rule.findall(code)
    if "case" in code:
        forward += _cases(code)
    if "__all__" in code:
        forward += [" ".join(_STRING_CONTENT.findall(listed)) for listed in _ALL.findall(code)]
    # One split of all the pieces joined: a search per piece would cost more than the rest.
    names = _words_of("\n".join(set(pieces))[::-1] + "\n" + "\n".join(forward))
    return frozenset(name for name in _normalized(names) if name.isidentifier()) - _KEYWORDS


# In the text reversed: the target list before `=` (or `+=`, `:=`...; not
# `==`, `<=`, `>=`, `!=`), back to the line's start, `;` or an earlier `=`.
_REVERSED_TARGETS = re.compile(
    r"=(?<!==)(?:<<|>>|\*\*|//|[-+*/%@&|^:]|(?![=<>!]))([^=\n;#<>!]*(?:\n\\[^=\n;#<>!]*)*)"
)
# In the text reversed: a closing bracket before `=`, and the rest of its line.
_REVERSED_CLOSED = re.compile(r"=[ \t\f]*[)\]]([^\n]*)")
_BRACKETED_LINES = 200  # looked at above a target's closing bracket, at most
_FOR_TARGETS = re.compile(r"for[\s(\[]([\w\s,*()\[\].\\]{0,300}?)[\s)\]]in(?!\w)")
_AS_TARGETS = re.compile(r" as[ \t\f]+(\([^()]*\)|\[[^\[\]]*\]|\w+)")
# Two searches: an alternation of words is not searched for as fast as a word.
_DEFINED = (re.compile(rf"def[ \t\f]+({_NAME})"), re.compile(rf"class[ \t\f]+({_NAME})"))
_CASE = re.compile(r"case[ \t\f(\[{]([^\n]*)")
_ALL = re.compile(
    r"__all__[ \t\f]*(?::[^=\n]*)?(?:\+?=|\.extend\(|\.append\()[ \t\f]*\\?\s*[(\[]?"
    r"((?:\s|#[^\n]*|\"[^\"\\\n]*\"|'[^'\\\n]*'|,)*)"
)
_STRING_CONTENT = re.compile(r"[\"']([^\"'\n]*)[\"']")


def _bracketed_targets(code: str, reversed_code: str) -> list[str]:
    """The lines of targets and annotations in brackets over several lines
    (``(a,\n b) = ...``, ``x: Literal[\n...\n] = ...``): from a closing
    bracket before ``=`` that its own line does not open, up the lines until
    the brackets balance (counted naively: a bracket in a comment or string
    counts too)."""
    found = []
    for match in _REVERSED_CLOSED.finditer(reversed_code):
        if _unbalanced(match.group(1)[::-1] + ")") <= 0:
            continue
        end = len(code) - match.start()
        start = _line_start(code, end)
        balance, lines = _unbalanced(code[start:end]), 0
        while balance > 0 and start > 0 and lines < _BRACKETED_LINES:
            above = _line_start(code, start - 1)
            balance += _unbalanced(code[above:start])
            start, lines = above, lines + 1
        found.append(code[start:end])
    return found


def _unbalanced(text: str) -> int:
    """Closing brackets less opening ones."""
    closing = text.count(")") + text.count("]")
    return closing - text.count("(") - text.count("[")


def _cases(code: str) -> list[str]:
    """The patterns of ``case`` clauses (which bind the names they hold)."""
    found = []
    for match in _CASE.finditer(code):
        if not code[_line_start(code, match.start()) : match.start()].strip(" \t\f"):
            found.append(match.group(1))
    return found


def _module_code(source: _Source) -> str:
    """The module's text without its triple-quoted strings (f-strings kept:
    a field may bind a name with ``:=``) and what follows the name of each
    function and class defined at column 0, up to the next line with code
    at column 0: a name bound there is not the module's, unless a
    ``global`` statement makes it so (then they are all kept)."""
    text = source.text
    cuts = [span for span in source.spans if not _formatted(text, span[0])]
    if not ("global" in text and _has_global_statement(text)):
        cuts += _top_bodies(source)
    return _cut(text, cuts)


def _top_bodies(source: _Source) -> list[tuple[int, int]]:
    """The headers and bodies of the definitions at column 0, from the end
    of their names (a definition's line ends the body above it)."""
    text, bodies = source.text, []
    starts = [match.start() + 1 for match in _TOP_DEFINITION.finditer(text)]
    if _DEFINITION_NAME.match(text):
        starts.insert(0, 0)
    for start in starts:
        if source.span_at(start) >= 0:
            continue  # a line of a docstring
        named = _DEFINITION_NAME.match(text, start)
        name_end = _line_end(text, start) if named is None else named.end()
        following = _TOP_LINE.search(text, name_end)
        bodies.append((name_end, len(text) if following is None else following.start()))
    return bodies


_TOP_DEFINITION = re.compile(r"\n(?:async[ \t\f]+)?(?:def|class)[ \t\f]")


def _formatted(text: str, start: int) -> bool:
    """Whether the string opening at ``start`` is an f-string (or t-string)."""
    return bool(_FORMATTED.intersection(text[max(start - 2, 0) : start]))


def _cut(text: str, cuts: list[tuple[int, int]]) -> str:
    """The text without the spans ``cuts`` (which may overlap)."""
    kept, last = [], 0
    for start, end in sorted(cuts):
        if start > last:
            kept.append(text[last:start])
        last = max(last, end)
    kept.append(text[last:])
    return " ".join(kept)


def _has_global_statement(code: str) -> bool:
    for match in _GLOBAL.finditer(code):
        line_start = _line_start(code, match.start())
        before = code[line_start : match.start()].strip(" \t\f")
        if not before or before.endswith((":", ";")):
            return True
    return False


def _words_of(text: str) -> set[str]:
    """The names in ``text`` but those after a dot (attributes). In C: one
    translation and a split, then a look at each distinct word only."""
    words = set(text.translate(_NOT_NAME).split())
    dotted = {word for word in words if "." in word}
    words.difference_update(dotted)
    words.update(word.partition(".")[0] for word in dotted)
    return words


def _normalized(names: Iterable[str]) -> list[str]:
    """Names as Python stores them: NFKC-normalized (PEP 3131)."""
    return [name if name.isascii() else _nfkc(name) for name in names]


def _nfkc(name: str) -> str:
    from unicodedata import normalize

    return normalize("NFKC", name)


def _names_open(text: str) -> bool:
    """Whether names may come from elsewhere than a binding: ``globals()``,
    ``vars()``, ``exec``, the module object itself (anywhere, even in a
    function or a string: over-approximated, like ``bound``). A module-level
    ``__getattr__`` is in the bound names."""
    return any(word in text and sign.search(text) for word, sign in _OPEN_SIGNS.items())


# --- the exact method: ast -----------------------------------------------------------------


def _ast_found(text: str) -> _Found | None:
    """The imports as `ast` finds them; None if the text does not parse."""
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes warn from 3.12
            tree = ast.parse(text)
        dynamic = "__import__" in text or "import_module" in text
        walk = _AstWalk(ast, text.split("\n"), dynamic)
        walk.body(tree.body, _TOP)
    except (SyntaxError, ValueError, OverflowError, RecursionError, MemoryError):
        return None
    walk.records.sort(key=_place)
    return _Found(tuple(walk.records), frozenset(walk.bindings), walk.star, walk.main, True)


# The fields that hold statements (or handlers and cases, which hold them).
_AST_BLOCKS = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})


class _AstWalk:
    """A walk of the statements carrying what each runs under; into
    expressions only when the text has a dynamic import to find."""

    def __init__(self, ast: Any, lines: list[str], dynamic: bool) -> None:
        self.ast = ast
        self.lines = lines
        self.dynamic = dynamic
        self.records: list[Import] = []
        self.bindings: set[str] = set()
        self.star = False
        self.main = False

    def body(self, statements: Iterable[Any], flags: _Flags | None) -> None:
        if flags is not None:  # None: a body that never runs
            for statement in statements:
                self.statement(statement, flags)

    def statement(self, node: Any, flags: _Flags) -> None:
        kind = type(node).__name__
        if kind in ("Import", "ImportFrom"):
            self.imported(node, flags)
            return
        if self.dynamic:
            self.calls(node, flags)
        if kind in ("FunctionDef", "AsyncFunctionDef"):
            self.body(node.body, flags._replace(optional=False, deferred=True, in_scope=True))
        elif kind == "ClassDef":
            self.body(node.body, flags._replace(in_scope=True))
        elif kind == "If":
            self.body(node.body, self.if_body(node, flags))
            self.body(node.orelse, flags._replace(conditional=True))
        elif kind in ("For", "AsyncFor", "While"):
            self.body(node.body + node.orelse, flags._replace(conditional=True))
        elif kind in ("With", "AsyncWith"):
            self.body(node.body, flags)
        elif kind in ("Try", "TryStar"):
            self.tried(node, flags)
        elif kind == "Match":
            for case in node.cases:
                self.clause(case, case.guard, flags._replace(conditional=True))

    def tried(self, node: Any, flags: _Flags) -> None:
        self.body(node.body, flags._replace(optional=flags.optional or _ast_catches(node)))
        for handler in node.handlers:
            self.clause(handler, handler.type, flags._replace(conditional=True))
        self.body(node.orelse, flags._replace(conditional=True))
        self.body(node.finalbody, flags)

    def clause(self, node: Any, expression: Any, flags: _Flags) -> None:
        """A handler or a case: its type or guard, then its body."""
        if self.dynamic and expression is not None:
            self.expression(expression, flags)
        self.body(node.body, flags)

    def if_body(self, node: Any, flags: _Flags) -> _Flags | None:
        test = _ast_test(node.test)
        if test == "skip":
            return None
        if test == "main":
            self.main = self.main or not flags.in_scope
            return flags._replace(conditional=True, main_only=True)
        return flags._replace(conditional=True)

    def imported(self, node: Any, flags: _Flags) -> None:
        for alias in node.names:
            if alias.name == "*":
                self.star = True
            else:
                self.bindings.add(alias.asname or alias.name.partition(".")[0])
        if type(node).__name__ == "Import":
            for alias in node.names:
                self.add(node, alias.name, 0, (), flags)
        elif node.module != "__future__" or node.level:
            names = tuple(alias.name for alias in node.names)
            self.add(node, node.module or "", node.level, names, flags)

    def calls(self, node: Any, flags: _Flags) -> None:
        """The dynamic imports in a statement's own expressions."""
        for field, value in self.ast.iter_fields(node):
            if field not in _AST_BLOCKS:
                for child in value if isinstance(value, list) else [value]:
                    if isinstance(child, self.ast.AST):
                        self.expression(child, flags)

    def expression(self, node: Any, flags: _Flags) -> None:
        in_lambdas: set[int] = set()
        for inner in self.ast.walk(node):  # breadth first: a lambda before its body
            kind = type(inner).__name__
            if kind == "Lambda":
                in_lambdas.update(map(id, self.ast.walk(inner.body)))
            elif kind == "Call" and _ast_dynamic(inner):
                deferred = flags._replace(optional=False, deferred=True)
                called = deferred if id(inner) in in_lambdas else flags
                self.add(inner, _ast_dynamic(inner), 0, (), called, dynamic=True)

    def add(
        self,
        node: Any,
        module: str,
        level: int,
        names: tuple[str, ...],
        flags: _Flags,
        dynamic: bool = False,
    ) -> None:
        line = self.lines[node.lineno - 1]
        col = node.col_offset if line.isascii() else _characters(line, node.col_offset)
        self.records.append(_record((node.lineno, col + 1), module, level, names, flags, dynamic))


def _characters(line: str, offset: int) -> int:
    """The characters in the first ``offset`` UTF-8 bytes of ``line``."""
    return len(line.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "replace"))


def _ast_test(test: Any) -> str:
    """ "skip" for ``TYPE_CHECKING``, "main" for the ``__main__`` test, else ""."""
    kind = type(test).__name__
    if kind == "Name" and test.id == "TYPE_CHECKING":
        return "skip"
    if kind == "Attribute" and test.attr == "TYPE_CHECKING":
        value = test.value
        if type(value).__name__ == "Name" and value.id == "typing":
            return "skip"
    if kind != "Compare" or len(test.ops) != 1 or type(test.ops[0]).__name__ != "Eq":
        return ""
    left, right = test.left, test.comparators[0]
    if (_ast_is_name(left) and _ast_is_main(right)) or (
        _ast_is_main(left) and _ast_is_name(right)
    ):
        return "main"
    return ""


def _ast_is_name(node: Any) -> bool:
    return type(node).__name__ == "Name" and node.id == "__name__"


def _ast_is_main(node: Any) -> bool:
    return type(node).__name__ == "Constant" and node.value == "__main__"


def _ast_catches(node: Any) -> bool:
    return any(_ast_caught(handler.type) for handler in node.handlers)


def _ast_caught(caught: Any) -> bool:
    if caught is None:
        return True
    kind = type(caught).__name__
    if kind == "Tuple":
        return any(_ast_caught(element) for element in caught.elts)
    if kind == "Name":
        return caught.id in _CATCHING
    return kind == "Attribute" and caught.attr in _CATCHING


def _ast_dynamic(node: Any) -> str:
    """The module of ``importlib.import_module("m")`` or ``__import__("m")``, else ""."""
    function = node.func
    kind = type(function).__name__
    named = kind == "Name" and function.id == "__import__"
    if kind == "Attribute" and function.attr == "import_module":
        value = function.value
        named = type(value).__name__ == "Name" and value.id == "importlib"
    if not named or not node.args or type(node.args[0]).__name__ != "Constant":
        return ""
    module = node.args[0].value
    return module if type(module) is str and module and not module.startswith(".") else ""
