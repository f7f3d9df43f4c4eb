"""The imports of a Python module, found in its bytes without running it,
fast enough for every module a service entry point reaches.

`scan` lists a module's import statements and its literal dynamic imports
(``importlib.import_module("a.b")``, ``__import__("a")``), each with the
blocks it runs under (a ``try`` that catches import errors, a function body,
a branch, the ``__main__`` block), the names a ``from module import NAME``
could find in it, and whether its names are open-ended. `syntax_problem`
says whether the file compiles at all (slower: only for the files that are
reached). `encode` and `decode` carry a scan through the disk cache.

How: `ast.parse` costs ten times too much, so the scan reads lines. It looks
only at the places where the word ``import`` occurs, outside the spans of
triple-quoted strings (docstrings hold examples), and works out each
statement's blocks from indentation: the header of a block is the nearest
line above with less indentation that begins a logical line. Only a header
starting with a word that can also continue an expression (``if``,
``else``, ``for``, ``async``, ``match``, ``case``) needs to be shown to
begin one; that is done by lexing forward from the nearest line that must
begin one (``def``, ``return``, ``import``...). Where the lines leave a
doubt (a lambda in a header, an f-string nesting its own quotes, a triple
quote after a backslash-continued line, a ``__main__`` test written oddly),
the file is read with `ast` instead, if it parses: what the scan returns
for a file that parses is what `ast` says, whichever way it was found.

A file that does not parse is scanned all the same: every import statement
outside a string is reported (after an unclosed bracket too), one inside an
unterminated triple-quoted string is not; bytes that are not UTF-8 (or the
declared encoding) are read with replacement characters.

Limits, on files that parse:
* ``col`` counts characters (a tab is one), not UTF-8 bytes as `ast` does.
* A relative dynamic import (``import_module(".a", "pkg")``) is left out:
  it resolves against an argument the scan does not evaluate; so is
  ``__import__`` with a ``level``, and ``import_module`` called by another
  name.
* Comprehensions and generators are not blocks: an import in a generator
  expression is not ``deferred``. The header expressions of a compound
  statement run with the statement (``for m in __import__("a").b:`` is not
  ``conditional``), but those of ``elif``, ``except`` and ``case`` are.
* ``bound`` over-approximates: it holds every name in a binding position
  anywhere in the file (function bodies included, so that ``global``
  assignments count), with names of keyword arguments, comparisons and
  annotations on the same lines, and names in comments and one-line
  strings; only non-f-string triple-quoted strings are left out. A target
  list split over lines is covered in parentheses (one level) only.
* A line that starts with ``match`` or ``case`` and holds a colon outside
  brackets is taken for a ``match`` statement or a ``case`` clause
  (``case[x]: int = 1`` would be misread).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
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


class SyntaxProblem(NamedTuple):
    """Why a module cannot be compiled, and where."""

    line: int
    col: int
    message: str


class ModuleScan(NamedTuple):
    """What the imports check needs of one module."""

    imports: tuple[Import, ...]
    bound: frozenset[str]  # names a `from module import NAME` may find (a superset)
    open_names: bool  # any name may exist: star import, module __getattr__, globals()...
    main_block: bool  # an `if __name__ == "__main__":` outside functions and classes
    syntax_error: SyntaxProblem | None  # never set by `scan`: see `syntax_problem`


# What the import-level part of the scan found.
class _Found(NamedTuple):
    imports: tuple[Import, ...]
    bindings: frozenset[str]  # the names all import statements bind, skipped ones too
    star: bool
    main_block: bool
    certain: bool


# --- public --------------------------------------------------------------------------------

# The layout of `encode`'s tuples; a new layout gets a new tag.
_ENCODING = "imports-1"


def scan(data: bytes) -> ModuleScan:
    """The imports of one module's bytes and the names it binds; never raises."""
    text = source_text(data)
    source = _Source(text)
    found = source.scan()
    if not found.certain:
        found = _ast_found(text) or found
    bound = _bound_names(text, source.spans) | found.bindings
    open_names = found.star or _names_open(source)
    return ModuleScan(found.imports, bound, open_names, found.main_block, None)


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


def syntax_problem(data: bytes) -> SyntaxProblem | None:
    """Whether the module compiles, as importing it would: compiling to
    bytecode also finds what the parser lets through (``return`` or
    ``await`` outside a function, ``nonlocal`` at module level, a
    ``break`` outside a loop, duplicate parameters). Never raises."""
    import warnings

    try:
        with warnings.catch_warnings():
            # Invalid escapes warn (3.12: SyntaxWarning); with `-W error` they would raise.
            warnings.simplefilter("ignore")
            compile(data, "<module>", "exec", dont_inherit=True)
    except SyntaxError as error:
        return _problem(error.lineno, error.offset, f"{type(error).__name__}: {error.msg}")
    except (ValueError, OverflowError) as error:  # NUL bytes before 3.12, a bad decode
        line, col = _position(data, data.find(b"\0"))
        return SyntaxProblem(line, col, f"{type(error).__name__}: {error}")
    except (RecursionError, MemoryError):
        return SyntaxProblem(1, 1, "the module is nested too deeply to compile")
    return None


def encode(scan: ModuleScan) -> tuple[object, ...]:
    """The scan as builtin data for the disk cache."""
    problem = scan.syntax_error
    return (
        _ENCODING,
        tuple(tuple(record) for record in scan.imports),
        frozenset(scan.bound),
        scan.open_names,
        scan.main_block,
        None if problem is None else tuple(problem),
    )


def decode(value: object) -> ModuleScan | None:
    """The scan `encode` made, None for anything else (an older layout,
    damaged data); never raises."""
    if type(value) is not tuple or len(value) != 6 or value[0] != _ENCODING:
        return None
    _, records, bound, open_names, main_block, problem = value
    imports = _decode_imports(records)
    if imports is None or type(open_names) is not bool or type(main_block) is not bool:
        return None
    if type(bound) is not frozenset or not all(type(name) is str for name in bound):
        return None
    if problem is not None and not _is_record(problem, (int, int, str)):
        return None
    syntax_error = None if problem is None else SyntaxProblem(*problem)
    return ModuleScan(imports, bound, open_names, main_block, syntax_error)


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


def _problem(line: int | None, offset: int | None, message: str) -> SyntaxProblem:
    return SyntaxProblem(max(line or 1, 1), max(offset or 1, 1), message)


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """The line and column (in bytes) of ``offset``; (1, 1) for -1."""
    if offset < 0:
        return 1, 1
    return data.count(b"\n", 0, offset) + 1, offset - data.rfind(b"\n", 0, offset)


# PEP 263: a coding comment on the first line, or on the second below a comment or blank line.
_CODING = re.compile(rb"[ \t\f]*#[^\r\n]*?coding[:=][ \t]*([-\w.]+)")
_BLANK_OR_COMMENT = re.compile(rb"[ \t\f]*(?:#[^\r\n]*)?\r?$")


def _declared_encoding(data: bytes) -> str | None:
    first, _, rest = data.partition(b"\n")
    found = _CODING.match(first)
    if found is None and _BLANK_OR_COMMENT.match(first):
        found = _CODING.match(rest.partition(b"\n")[0])
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
    if '"""' not in text and "'''" not in text:
        return _Spans(spans, [], True)
    certain = True
    floor = 0  # code starts here (the end of the last string or comment passed)
    opening = _next_triple(text, 0)
    while opening >= 0:
        place = _place_on_line(text, floor, opening)
        certain = certain and place.certain
        if place.skip_to >= 0:  # in a comment or a one-line string: not an opening
            floor = place.skip_to
            opening = _next_triple(text, floor)
            continue
        closing = _closing_quote(text, opening + 3, text[opening : opening + 3])
        end = len(text) if closing < 0 else closing + 3
        spans.append((opening, end))
        floor = end
        opening = _next_triple(text, end)
    return _Spans(spans, [start for start, _ in spans], certain)


def _next_triple(text: str, start: int) -> int:
    double, single = text.find('"""', start), text.find("'''", start)
    if double < 0 or single < 0:
        return max(double, single)
    return min(double, single)


def _closing_quote(text: str, start: int, quote: str) -> int:
    """The next unescaped ``quote`` from ``start``, -1 if none."""
    found = text.find(quote, start)
    while found >= 0 and _escaped(text, found, start):
        found = text.find(quote, found + 1)
    return found


def _escaped(text: str, position: int, floor: int) -> bool:
    """Whether an odd run of backslashes ends just before ``position``."""
    run = position
    while run > floor and text[run - 1] == "\\":
        run -= 1
    return (position - run) % 2 == 1


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
    "def class try while with elif except finally import return pass raise del global"
    " nonlocal assert break continue".split()
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
    state = _LineState(keyword, _BLANKS.match(text, begin).end())
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
    blank = _BLANKS.match(text, line_start).group()
    if "\t" not in blank and "\f" not in blank:
        return len(blank)
    width = 0
    for character in blank:
        if character == "\t":
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
_MAIN_LIKE = re.compile(r"__name__==[^=]*__main__[^=]*|[^=]*__main__[^=]*==__name__")
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
        self.lines: dict[int, _Logical] = {}  # lexed logical lines by start
        self.inner: dict[int, int] = {}  # physical line start -> its logical line's start
        self.parents: dict[tuple[int, int], _Header | None] = {}
        self.catches: dict[int, bool] = {}
        self.clauses: dict[int, list[int]] | None = None

    def scan(self) -> _Found:
        statements = _Statements(self)
        for position in _words(self.text, "import"):
            if self.span_at(position) < 0:
                statements.add(position)
        main_block = any(self.is_main_test(at) for at in _words(self.text, "__main__"))
        return statements.found(main_block, self.certain)

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
        known to start one."""
        begin = self.anchor(_line_start(self.text, position))
        while True:
            found = self.line(begin)
            if found.end >= position or found.end >= len(self.text):
                return found
            begin = found.end + 1

    def anchor(self, line_start: int) -> int:
        """The nearest line start at or above ``line_start`` that surely
        starts a logical line."""
        text = self.text
        while line_start > 0:
            if line_start in self.lines:
                return line_start
            if line_start in self.inner:
                return self.inner[line_start]
            span = self.span_at(line_start)
            if span >= 0:
                line_start = _line_start(text, span)
                continue
            if not _continues_line_above(text, line_start) and _starts_statement(text, line_start):
                return line_start
            line_start = _line_start(text, line_start - 1)
        return 0

    def starts_logical_line(self, line_start: int) -> bool:
        return self.logical_at(line_start).begin == line_start

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
        ``line_start``: the nearest line above with less indentation that
        starts a logical line. Other lines with less indentation are
        continuations or strings; a block's siblings share its parent."""
        key = (line_start, indent)
        if key in self.parents:
            return self.parents[key]
        found: _Header | None = None
        above = line_start
        while above > 0 and found is None:
            above = _line_start(self.text, above - 1)
            if (above, indent) in self.parents:
                found = self.parents[(above, indent)]
                break
            found = self.header_above(above, indent)
        self.parents[key] = found
        return found

    def header_above(self, line_start: int, indent: int) -> _Header | None:
        text = self.text
        first = _BLANKS.match(text, line_start).end()
        if first >= len(text) or text[first] in "#\n":
            return None  # blank or a comment
        if first - line_start >= indent and text.find("\f", line_start, first) < 0:
            return None  # indented enough (a tab only adds width; a form feed resets it)
        keyword = _KEYWORD.match(text, line_start)
        if keyword is None or _indent_width(text, line_start) >= indent:
            return None
        if self.span_at(line_start) >= 0:
            return None
        if keyword.group(1) or keyword.group(2) in _EXPRESSION_WORDS or (
            _continues_line_above(text, line_start)
        ):
            if not self.starts_logical_line(line_start):
                return None
        line = self.line(line_start)
        return self.header_of(line) if line.keyword else None

    def header_of(self, line: _Logical) -> _Header:
        keyword = line.keyword
        if line.odd:
            self.doubt()
        if keyword in _HEADER_KINDS:
            kind = _HEADER_KINDS[keyword]
        elif keyword in ("if", "elif"):
            kind = self.condition_kind(line)
        else:
            kind = "cond" if keyword in _CONDITIONAL_WORDS else "plain"
        return _Header(kind, line.begin, line.indent)

    def condition_kind(self, line: _Logical) -> str:
        start = _KEYWORD.match(self.text, line.begin)
        end = line.colon - 1 if line.colon > 0 else line.end
        test = _CONDITION_NOISE.sub("", self.text[start.end() if start else line.begin : end])
        if test in _TYPE_CHECKING:
            return "skip"
        if test in _MAIN_TESTS:
            return "main"
        if _MAIN_LIKE.fullmatch(test):
            self.doubt()  # another spelling `ast` might find equal
        return "cond"

    def is_main_test(self, position: int) -> bool:
        """Whether ``__main__`` at ``position`` is in the test of an
        ``if __name__ == "__main__":`` outside functions and classes."""
        if self.span_at(position) >= 0:
            return False
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
            handlers = self.try_clauses().get(try_start, [])
            self.catches[try_start] = any(self.handler_catches(start) for start in handlers)
        return self.catches[try_start]

    def handler_catches(self, line_start: int) -> bool:
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
            for position in _words(text, word):
                line_start = _line_start(text, position)
                if text[line_start:position].strip(" \t\f") or self.span_at(position) >= 0:
                    continue
                if not _word_break(text, position + len(word)):
                    continue
                found.append((position, word, line_start, _indent_width(text, line_start)))
        found.sort()
        return [(word, line_start, indent) for _, word, line_start, indent in found]


def _line_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


def _words(text: str, word: str) -> Iterator[int]:
    """The positions of ``word`` in ``text`` (found in C: a regular
    expression starting with a literal is searched for fast)."""
    for found in re.finditer(re.escape(word), text):
        yield found.start()


# --- import statements ---------------------------------------------------------------------

_B = r"(?:[ \t\f]|\\\n)"  # a blank inside a statement
_NAME = r"[^\W\d]\w*"
_DOTTED = rf"{_NAME}(?:{_B}*\.{_B}*{_NAME})*"
_FROM = re.compile(rf"from(?=[ \t\f.\\]){_B}*((?:\.{_B}*)*)((?:{_DOTTED})?){_B}*import(?!\w)")
_FROM_PREFIX = re.compile(rf"[ \t\f]*from(?=[ \t\f.\\]){_B}*(?:\.{_B}*)*(?:{_DOTTED})?{_B}*")
_REST = re.compile(r"(?:[^\n\\;#(]|\\\n|\\)*")
_PARENTHESES = re.compile(rf"{_B}*\(((?:[^()#\\'\";=]|#[^\n]*|\\\n)*)")
_MODULE_ITEM = re.compile(rf"\s*({_DOTTED})(?:\s+as\s+({_NAME}))?\s*")
_NAME_ITEM = re.compile(rf"\s*({_NAME})(?:\s+as\s+({_NAME}))?\s*")
_NOISE = re.compile(r"#[^\n]*|\\\n|\s")
# After `(`, where no simple literal then `,` or `)` was found: a string that
# `ast` may still read as one constant (implicit concatenation, an escape,
# triple quotes), or a comment or continuation before the argument.
_ODD_ARGUMENT = re.compile(
    r"[rRuU]?(?:(['\"])[^'\"\\\n]*\1\s*(?:[rRbBuUfFtT]{0,2}['\"]|\\|#)|['\"][^'\"\n]*\\)"
    r"|[rRbBuUfFtT]{0,2}(?:'''|\"\"\")|#|\\"
)
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
        self.records: list[tuple[int, Import]] = []  # (position, record with line 0)
        self.bindings: set[str] = set()
        self.star = False

    def add(self, position: int) -> None:
        """Looks at one occurrence of the word ``import``."""
        text = self.source.text
        before, after = text[position - 2 : position], text[position + 6 : position + 8]
        if before == "__" and after == "__":
            self.add_call(position - 2)
        elif text.startswith("import_module", position):
            self.add_call(position)
        elif not _word_char(before[-1:]) and not _word_char(after[:1]):
            self.add_statement(position)

    def add_statement(self, position: int) -> None:
        text, source = self.source.text, self.source
        line_start = _line_start(text, position)
        prefix = text[line_start:position]
        if not _continues_line_above(text, line_start) and (
            not prefix.strip(" \t\f") or _FROM_PREFIX.fullmatch(prefix)
        ):
            start = _BLANKS.match(text, line_start).end()
            statement = _parse_statement(text, start)
            if statement is not None:  # at a line's start: no header before it on its line
                width = _indent_width(text, line_start)
                flags = source.combine(source.ancestors(line_start, width))
                self.keep(statement, flags)
            return
        self.add_inside_line(position)

    def add_inside_line(self, position: int) -> None:
        """An ``import`` after other code on its line: after ``;`` or a
        header's colon, in a string or comment, or not Python."""
        line = self.source.logical_at(position)
        if _in_skipped(line, position):
            return
        text = self.source.text
        start = _BLANKS.match(text, _statement_start(line, position)).end()
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
        if _code_before(text, line, start).endswith("."):
            source.doubt()  # an attribute on a line above, inside brackets
        if call.group(2) is None:
            if _ODD_ARGUMENT.match(text, call.end()):
                source.doubt()  # a string `ast` may read as one constant
            return
        if any(at < call.start() for at in line.lambdas):
            self.source.doubt()  # maybe in a lambda's body
        module = call.group(3)
        if module and not module.startswith("."):
            statement = _Statement(call.start(), [(module, 0, ())], [])
            self.keep(statement, self.source.flags(line, call.start()), dynamic=True)

    def keep(self, statement: _Statement, flags: _Flags, dynamic: bool = False) -> None:
        self.bindings.update(statement.bindings)
        for module, level, names in statement.modules:
            self.star = self.star or names == ("*",)
            if flags.skip or (module == "__future__" and names and not dynamic):
                continue
            record = Import(
                0, 0, module, level, names, flags.optional, flags.deferred,
                flags.conditional, flags.main_only, dynamic,
            )  # fmt: skip
            self.records.append((statement.position, record))

    def found(self, main_block: bool, certain: bool) -> _Found:
        imports = tuple(_placed(self.source.text, self.records))
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
    """The code of ``line`` before ``position``, without strings and
    comments, blanks and line breaks at its end."""
    pieces, last = [], line.begin
    skipped = line.skipped
    for index in range(0, bisect_right(skipped, position) // 2 * 2, 2):
        pieces.append(text[last : skipped[index]])
        last = skipped[index + 1]
    pieces.append(text[last:position])
    return "".join(pieces).rstrip(" \t\f\n\\")


def _owns(text: str, start: int, position: int) -> bool:
    """Whether the statement at ``start`` has the ``import`` word at ``position``."""
    if start == position:
        return True
    head = _FROM.match(text, start)
    return head is not None and head.end() == position + 6


def _placed(text: str, records: list[tuple[int, Import]]) -> Iterator[Import]:
    """The records with their lines and columns, in the order of the file;
    lines counted once from the start, however many records there are."""
    line, counted = 1, 0
    for position, record in sorted(records, key=lambda item: item[0]):
        line += text.count("\n", counted, position)
        counted = position
        column = position - _line_start(text, position) + 1
        yield record._replace(line=line, col=column)


def _parse_statement(text: str, start: int) -> _Statement | None:
    """The import statement at ``start``, None if there is none (another
    statement, or one too broken to read)."""
    if text.startswith("import", start):
        items = _REST.match(text, start + 6).group()
        return _module_items(start, items) if _word_break(text, start + 6) else None
    head = _FROM.match(text, start)
    if head is None:
        return None
    dots, module = head.group(1), _NOISE.sub("", head.group(2))
    rest = head.end()
    parenthesized = _PARENTHESES.match(text, rest)
    items = parenthesized.group(1) if parenthesized else _REST.match(text, rest).group()
    names, bindings = _name_items(items)
    if not names:
        return None
    return _Statement(start, [(module, dots.count("."), tuple(names))], bindings)


def _word_break(text: str, position: int) -> bool:
    return not _word_char(text[position : position + 1])


def _module_items(start: int, items: str) -> _Statement | None:
    modules, bindings = [], []
    for item in items.replace("\\\n", " ").split(","):
        parsed = _MODULE_ITEM.fullmatch(item)
        if parsed is None:
            continue
        module = _NOISE.sub("", parsed.group(1))
        modules.append((module, 0, ()))
        bindings.append(parsed.group(2) or module.partition(".")[0])
    return _Statement(start, modules, bindings) if modules else None


def _name_items(items: str) -> tuple[list[str], list[str]]:
    """The names of ``from m import a, b as c`` and the names bound."""
    items = _NOISE.sub(" ", items)
    if items.strip() == "*":
        return ["*"], []
    names, bindings = [], []
    for item in items.split(","):
        parsed = _NAME_ITEM.fullmatch(item)
        if parsed is not None:
            names.append(parsed.group(1))
            bindings.append(parsed.group(2) or parsed.group(1))
    return names, bindings


# --- names ---------------------------------------------------------------------------------

# In the text reversed: the target list before `=` (or `+=`, `:=`...; not
# `==`, `<=`, `>=`, `!=`), back to the line's start, `;` or an earlier `=`.
_REVERSED_TARGETS = re.compile(
    r"=(?<!==)(?:<<|>>|\*\*|//|[-+*/%@&|^:]|(?![=<>!]))((?:[^=\n;#<>!]|\n\\)*)"
)
# In the text reversed: a closing bracket before `=`, and the rest of its line.
_REVERSED_CLOSED = re.compile(r"=[ \t\f]*[)\]]([^\n]*)")
_BRACKETED_LINES = 200  # looked at above a target's closing bracket, at most
_FOR_TARGETS = re.compile(r"for[\s(\[](.{0,1000}?)[\s)\]]in(?!\w)", re.DOTALL)
_AS_TARGETS = re.compile(r" as[ \t\f]+\(?([\w \t\f,*]+)")
# Two searches: an alternation of words is not searched for as fast as a word.
_DEFINED = (re.compile(rf"def[ \t\f]+({_NAME})"), re.compile(rf"class[ \t\f]+({_NAME})"))
_CASE = re.compile(r"case[ \t\f(\[{]([^\n]*)")
_ALL = re.compile(
    r"__all__[ \t\f]*(?::[^=\n]*)?(?:\+?=|\.extend\(|\.append\()[ \t\f]*\\?\s*[(\[]?"
    r"((?:\s|#[^\n]*|\"[^\"\\\n]*\"|'[^'\\\n]*'|,)*)"
)
_STRING_CONTENT = re.compile(r"[\"']([^\"'\n]*)[\"']")
_TARGET_NAME = re.compile(rf"(?<![.\w]){_NAME}")
_KEYWORDS = frozenset(
    "False None True and as assert async await break class continue def del elif else except"
    " finally for from global if import in is lambda nonlocal not or pass raise return try"
    " while with yield".split()
)
# Words that may bind names no statement shows, and what must follow each.
_OPEN_SIGNS = {
    "globals": re.compile(r"globals[ \t\f]*\("),
    "vars": re.compile(r"vars[ \t\f]*\([ \t\f]*\)"),
    "exec": re.compile(r"exec[ \t\f]*\("),
    "sys.modules": re.compile(r"sys[ \t\f]*\.[ \t\f]*modules[ \t\f]*\[[ \t\f]*__name__"),
}


def _bound_names(text: str, spans: Sequence[tuple[int, int]]) -> frozenset[str]:
    """Every name in a binding position (see the module's docstring: a superset)."""
    code = _without_docstrings(text, spans)
    reversed_code = code[::-1]
    pieces = _REVERSED_TARGETS.findall(reversed_code)
    # One search over all pieces joined: a search per piece costs more than the rest.
    names = set(_TARGET_NAME.findall("\n".join(set(pieces))[::-1]))
    forward = _FOR_TARGETS.findall(code) + _AS_TARGETS.findall(code) + _cases(code)
    forward += _bracketed_targets(code, reversed_code)
    forward += [" ".join(_STRING_CONTENT.findall(listed)) for listed in _ALL.findall(code)]
    names.update(_TARGET_NAME.findall("\n".join(forward)))
    for defined in _DEFINED:
        names.update(defined.findall(code))
    return _normalized(names - _KEYWORDS)


def _without_docstrings(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text without its triple-quoted strings, f-strings kept (their
    fields may bind a name with ``:=``)."""
    kept, last = [], 0
    for start, end in spans:
        if not _FORMATTED.intersection(text[max(start - 2, 0) : start]):
            kept.append(text[last:start])
            kept.append('""')
            last = end
    kept.append(text[last:])
    return "".join(kept)


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


def _normalized(names: set[str]) -> frozenset[str]:
    """Names as Python stores them: NFKC-normalized (PEP 3131)."""
    if all(name.isascii() for name in names):
        return frozenset(names)
    from unicodedata import normalize

    return frozenset(normalize("NFKC", name) for name in names)


def _names_open(source: _Source) -> bool:
    """Whether names may come from elsewhere than a binding: ``globals()``,
    ``vars()``, ``exec``, the module object itself (anywhere, even in a
    function or a string: over-approximated, like ``bound``), or a
    module-level ``__getattr__``."""
    text = source.text
    for word, sign in _OPEN_SIGNS.items():
        if word in text and sign.search(text):
            return True
    return "__getattr__" in text and _module_getattr(source)


_GETATTR_BINDING = re.compile(r"[ \t\f]*(?:async[ \t\f]+)?(?:def[ \t\f]+__getattr__|__getattr__\b)")


def _module_getattr(source: _Source) -> bool:
    """A ``def __getattr__`` or an assignment to it outside classes and functions."""
    text = source.text
    for position in _words(text, "__getattr__"):
        line_start = _line_start(text, position)
        if not _GETATTR_BINDING.match(text, line_start) or source.span_at(position) >= 0:
            continue
        flags = source.combine(source.ancestors(line_start, _indent_width(text, line_start)))
        if not flags.in_scope:
            return True
    return False


# --- the exact method: ast -----------------------------------------------------------------


def _ast_found(text: str) -> _Found | None:
    """The imports as `ast` finds them; None if the text does not parse."""
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes warn from 3.12
            tree = ast.parse(text)
        walk = _AstWalk(text.split("\n"))
        walk.body(tree.body, _AST_TOP)
    except (SyntaxError, ValueError, OverflowError, RecursionError, MemoryError):
        return None
    walk.records.sort(key=lambda record: (record.line, record.col))
    return _Found(tuple(walk.records), frozenset(walk.bindings), walk.star, walk.main, True)


_AST_TOP = _Flags(False, False, False, False, False, False)


class _AstWalk:
    """A walk of the tree carrying what each node runs under."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.records: list[Import] = []
        self.bindings: set[str] = set()
        self.star = False
        self.main = False

    def body(self, nodes: Iterable[Any], flags: _Flags) -> None:
        for node in nodes:
            self.node(node, flags)

    def node(self, node: Any, flags: _Flags) -> None:
        import ast

        kind = type(node).__name__
        if kind in ("Import", "ImportFrom"):
            self.statement(node, flags)
        elif kind == "Call":
            self.call(node, flags)
        for field, value in ast.iter_fields(node):
            inner = self.inner_flags(node, kind, field, flags)
            if inner is not None:
                children = value if isinstance(value, list) else [value]
                self.body((child for child in children if isinstance(child, ast.AST)), inner)

    def inner_flags(self, node: Any, kind: str, field: str, flags: _Flags) -> _Flags | None:
        """The flags of a node's field; None for a body that never runs."""
        if kind in ("FunctionDef", "AsyncFunctionDef", "Lambda") and field == "body":
            return flags._replace(optional=False, deferred=True, in_scope=True)
        if kind == "ClassDef" and field == "body":
            return flags._replace(in_scope=True)
        if kind == "If" and field == "body":
            return self.if_body(node, flags)
        if kind in ("Try", "TryStar") and field == "body":
            return flags._replace(optional=flags.optional or _ast_catches(node))
        loops = ("If", "For", "AsyncFor", "While", "Try", "TryStar")
        conditional = (kind in loops and field == "orelse") or field in ("handlers", "cases")
        if conditional or (kind in ("For", "AsyncFor", "While") and field == "body"):
            return flags._replace(conditional=True)
        return flags

    def if_body(self, node: Any, flags: _Flags) -> _Flags | None:
        test = _ast_test(node.test)
        if test == "skip":
            return None
        if test == "main":
            self.main = self.main or not flags.in_scope
            return flags._replace(conditional=True, main_only=True)
        return flags._replace(conditional=True)

    def statement(self, node: Any, flags: _Flags) -> None:
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

    def call(self, node: Any, flags: _Flags) -> None:
        module = _ast_dynamic(node)
        if module:
            self.add(node, module, 0, (), flags, dynamic=True)

    def add(
        self, node: Any, module: str, level: int, names: tuple[str, ...], flags: _Flags,
        dynamic: bool = False,
    ) -> None:  # fmt: skip
        line = self.lines[node.lineno - 1]
        col = node.col_offset if line.isascii() else _characters(line, node.col_offset)
        self.records.append(
            Import(
                node.lineno, col + 1, module, level, names, flags.optional, flags.deferred,
                flags.conditional, flags.main_only, dynamic,
            )  # fmt: skip
        )


def _characters(line: str, offset: int) -> int:
    """The characters in the first ``offset`` UTF-8 bytes of ``line``."""
    return len(line.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "replace"))


def _ast_test(test: Any) -> str:
    """"skip" for ``TYPE_CHECKING``, "main" for the ``__main__`` test, else ""."""
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
    if _ast_is_name(left) and _ast_is_main(right) or _ast_is_main(left) and _ast_is_name(right):
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
