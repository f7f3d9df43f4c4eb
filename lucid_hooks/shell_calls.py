"""The calls of a Python module that start a shell or a named program,
found in its tokens without importing or running it (LH601, LH602).

`shell_calls` reads a module's tokens (`tokenize`: names in strings and
comments are never calls) and lists:

* ``SHELL``: a call that runs ``/bin/sh``: ``os.system``, ``os.popen``,
  ``subprocess.getoutput``/``getstatusoutput``,
  ``asyncio.create_subprocess_shell``, and ``subprocess.run``/``call``/
  ``check_call``/``check_output``/``Popen`` with ``shell=True`` among that
  call's own arguments;
* ``PROGRAM``: the program such a call runs without a shell, when its first
  argument says it literally: ``subprocess.run(["curl", ...])``,
  ``subprocess.Popen("git")`` (a string's first word),
  ``os.execvp("ls", ...)``, ``asyncio.create_subprocess_exec("git", ...)``,
  ``pty.spawn("/bin/bash")`` (``pty`` runs its argument with ``execlp``,
  no shell).

Names are resolved through the module's imports (``import subprocess as
sp``, ``from os import system``). A call is left out where it may not run
or does not say what it runs: under ``if TYPE_CHECKING:``, under a test of
the platform (``sys.platform``, ``os.name``, ``platform.system()``: the
branch may be for another system) or of ``shutil.which``, in a ``try``
whose handlers catch the failure (``OSError``, ``FileNotFoundError``,
``Exception``, a bare ``except``; not for ``os.system``, which returns 127
rather than raising), or with ``executable=`` or ``**kwargs`` (which may
name the program or the shell). A call in a function or lambda body is
``deferred``; one in an ``if __name__ == "__main__":`` block is
``main_only``. A file that does not tokenize gives what was found before
the error.

Limits: ``os.spawn*`` and ``os.posix_spawn*`` are not read; neither is a
function bound to another name by assignment (``run = subprocess.run``), a
program built at run time (``shlex.split("curl x")``, a variable, an
f-string), or a string literal with escapes. Any call with ``lambda`` before
it on its line, inside the lambda's brackets, counts as ``deferred``. A test
naming ``platform``, ``which`` or ``os.name`` anywhere guards its branch.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterator

SHELL = "shell"
PROGRAM = "program"

# Words without which no call below can be in the file: most files cost one search.
_TRIGGER = re.compile(rb"system|popen|Popen|subprocess|getoutput|_shell|_exec|spawn|exec[lv]")
# The functions that always run /bin/sh.
_ALWAYS_SHELL = frozenset(
    {
        "os.system",
        "os.popen",
        "posix.system",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "asyncio.create_subprocess_shell",
    }
)
# The functions that run /bin/sh with shell=True, else their first argument.
_SUBPROCESS = frozenset(
    f"subprocess.{name}" for name in ("run", "call", "check_call", "check_output", "Popen")
)
# The functions whose first argument is the program, looked up on PATH.
_PROGRAM_FIRST = frozenset(
    {
        "asyncio.create_subprocess_exec",
        "pty.spawn",
        *(f"os.exec{suffix}" for suffix in ("lp", "lpe", "vp", "vpe")),
    }
)
# ... or taken as a path (a name without `/` is a file of the working directory).
_PATH_FIRST = frozenset(f"os.exec{suffix}" for suffix in ("l", "le", "v", "ve"))
_KNOWN = _ALWAYS_SHELL | _SUBPROCESS | _PROGRAM_FIRST | _PATH_FIRST
_MODULES = {"os": "os", "posix": "posix", "subprocess": "subprocess", "pty": "pty"}
_MODULES.update({"asyncio": "asyncio", "asyncio.subprocess": "asyncio"})
# Handlers that catch a missing program (FileNotFoundError) or shell.
_CATCHING = frozenset(
    {"OSError", "FileNotFoundError", "EnvironmentError", "IOError", "Exception", "BaseException"}
)
# Names in an `if` test that make its branches platform-specific
# (`sys.platform`, `platform.system()`) or guarded (`shutil.which`).
_GUARD_WORDS = frozenset({"platform", "which"})
_HEADERS = frozenset(
    {"def", "class", "if", "elif", "else", "try", "except", "finally", "for", "while", "with"}
)
_HEADERS |= {"match", "case", "async"}
_OPENING = frozenset("([{")
_CLOSING = frozenset(")]}")


class ShellCall(NamedTuple):
    """A call that runs a shell (``kind`` SHELL) or a program it names
    (PROGRAM): ``detail`` is the function as the hook names it
    (``os.system``, ``subprocess.run``), ``program`` the literal program
    (PROGRAM only)."""

    line: int  # 1-based
    col: int  # 1-based, in characters
    kind: str
    detail: str
    program: str = ""
    deferred: bool = False  # in a function or lambda body
    main_only: bool = False  # in an `if __name__ == "__main__":` block


def shell_calls(data: bytes) -> list[ShellCall]:
    """The shell and program calls of one module's bytes; never raises."""
    if _TRIGGER.search(data) is None:
        return []
    scanner = _Scanner()
    try:
        for token in tokenize.tokenize(io.BytesIO(data).readline):
            scanner.feed(token)
    except (SyntaxError, tokenize.TokenError, UnicodeError, LookupError, ValueError):
        pass  # what was found before the error stands
    return scanner.found()


class _Block(NamedTuple):
    """An indented body (or one on its header's line): its header's
    keyword, what the header makes of the calls in it, and for a `try`
    body or a handler of one, which `try`."""

    header: str
    kind: str  # "def", "skip", "guarded", "main", "try", "plain"
    try_id: int = -1


class _Flags(NamedTuple):
    """What the blocks around a call make of it."""

    skipped: bool = False
    deferred: bool = False
    main_only: bool = False
    tries: tuple[int, ...] = ()

    def inside(self, block: _Block) -> _Flags:
        return _Flags(
            self.skipped or block.kind in ("skip", "guarded"),
            self.deferred or block.kind == "def",
            self.main_only or block.kind == "main",
            (*self.tries, block.try_id) if block.kind == "try" else self.tries,
        )


class _Call(NamedTuple):
    """A known function's call whose parentheses are still open."""

    name: str
    line: int
    col: int
    flags: _Flags


class _Arguments:
    """What a call's own arguments say: ``shell=``, ``executable=``, ``*``
    or ``**``, and the first tokens of its first argument."""

    def __init__(self) -> None:
        self.shell: str | None = None  # "True", "False", "?" (not literal), None: not given
        self.opaque = False  # `executable=`, `*args` or `**kwargs`: not known what runs
        self.first: list[tokenize.TokenInfo] = []  # at most three
        self.first_length = 0  # how many tokens the first argument has (counted to 4)
        self.in_first = True
        self.fresh = True  # the next token starts an argument
        self.keyword = ""  # `shell`, `shell=`, `executable`... as its tokens come

    @property
    def collecting(self) -> bool:
        return self.in_first and self.first_length < 4

    def collect(self, token: tokenize.TokenInfo) -> None:
        """A token of the first argument, at any depth."""
        self.first_length += 1
        if len(self.first) < 3:
            self.first.append(token)

    def own(self, token: tokenize.TokenInfo) -> None:
        """A token at the call's own bracket depth (before `collect`)."""
        text = token.string
        if token.type == tokenize.OP and text == ",":
            self.in_first, self.fresh, self.keyword = False, True, ""
            return
        if self.fresh and text in ("*", "**"):
            self.opaque = True
        elif self.keyword.endswith("="):
            self._keyword_value(token)
        elif self.keyword and text == "=":
            self.keyword += "="
        else:
            fresh_name = self.fresh and token.type == tokenize.NAME
            self.keyword = text if fresh_name and text in ("shell", "executable") else ""
        self.fresh = False

    def _keyword_value(self, token: tokenize.TokenInfo) -> None:
        if self.keyword == "executable=":
            self.opaque = True
        elif token.type == tokenize.NAME and token.string in ("True", "False"):
            self.shell = token.string
        else:
            self.shell = "?"
        self.keyword = ""

    def program(self) -> str | None:
        """The literal program of the first argument: a string's first
        word, or a list's or tuple's first string."""
        first = self.first
        if self.first_length == 1 and first[0].type == tokenize.STRING:
            words = _literal(first[0].string).split()
            return words[0] if words else None
        if len(first) == 3 and first[0].string in ("[", "(") and first[1].type == tokenize.STRING:
            return (_literal(first[1].string) or None) if first[2].string in ",])" else None
        return None


class _Scanner:
    """One pass over a module's tokens."""

    def __init__(self) -> None:
        self.blocks: list[tuple[_Block, _Flags]] = []
        self.next_block: _Block | None = None  # what the next INDENT opens
        self.inline: _Block | None = None  # a body on its header's line
        self.closed: _Block | None = None  # the block just ended, for `except`/`else`
        self.tries = 0
        self.catching: set[int] = set()
        self.aliases: dict[str, str] = {}
        self.line: list[tokenize.TokenInfo] = []  # the logical line so far
        self.header = False  # the line is a compound statement's header, before its colon
        self.depth = 0
        self.open: dict[int, tuple[_Call, _Arguments]] = {}  # by the depth inside them
        self.collecting: list[_Arguments] = []
        self.lambdas: list[int] = []  # the bracket depth of each lambda open on the line
        self.chain: list[tokenize.TokenInfo] = []  # `a.b.c` just read
        self.previous: tokenize.TokenInfo | None = None
        self.calls: list[ShellCall] = []
        self.call_tries: list[tuple[int, ...]] = []

    def found(self) -> list[ShellCall]:
        return [
            call
            for call, tries in zip(self.calls, self.call_tries)
            # os.system reports a missing shell by its exit status, never raising.
            if call.detail in ("os.system", "posix.system") or self.catching.isdisjoint(tries)
        ]

    def feed(self, token: tokenize.TokenInfo) -> None:
        kind = token.type
        if kind == tokenize.INDENT:
            block = self.next_block or _Block("", "plain")
            self.blocks.append((block, self._flags().inside(block)))
            self.next_block = None
        elif kind == tokenize.DEDENT:
            self.closed = self.blocks.pop()[0] if self.blocks else None
        elif kind in (tokenize.NEWLINE, tokenize.ENDMARKER):
            self._end_line()
        elif kind not in (tokenize.COMMENT, tokenize.NL, tokenize.ENCODING):
            self._code(token)
            self.previous = token

    def _flags(self) -> _Flags:
        flags = self.blocks[-1][1] if self.blocks else _Flags()
        if self.inline is not None and not self.header:
            flags = flags.inside(self.inline)
        return flags._replace(deferred=True) if self.lambdas else flags

    def _end_line(self) -> None:
        if self.inline is not None and self.line[-1].string != ":":
            # The body was on the header's line: it ends here.
            self.closed, self.next_block = self.inline, None
        elif self.line and self.line[0].string in ("import", "from"):
            words = [t.string for t in self.line if t.type in (tokenize.NAME, tokenize.OP)]
            self.aliases.update(_bindings(words))
        self.inline, self.line, self.header, self.lambdas = None, [], False, []
        self.depth, self.open, self.collecting, self.chain = 0, {}, [], []
        self.previous = None

    def _code(self, token: tokenize.TokenInfo) -> None:
        if not self.line:
            self._line_start(token)
        self.line.append(token)
        text = token.string if token.type == tokenize.OP else ""
        if text in _CLOSING:
            self._close()
        self._argument(token)
        if text in _OPENING:
            self._open(text)
        elif text == ":" and self.depth == 0 and self.header:
            self._header_colon()
        if token.type == tokenize.NAME:
            self._name(token)
        elif text != ".":
            self.chain = []

    def _line_start(self, token: tokenize.TokenInfo) -> None:
        word = token.string if token.type == tokenize.NAME else ""
        self.header = word in _HEADERS
        if word not in ("elif", "else", "except", "finally"):
            self.closed = None

    def _name(self, token: tokenize.TokenInfo) -> None:
        if token.string == "lambda":
            self.lambdas.append(self.depth)
        previous = self.previous.string if self.previous is not None else ""
        if previous == ".":
            self.chain = [*self.chain, token] if self.chain else []
        else:
            # `def system(` defines, it does not call.
            self.chain = [] if previous in ("def", "class") else [token]

    def _open(self, text: str) -> None:
        called = text == "(" and len(self.chain) > 0 and self.previous is self.chain[-1]
        self.depth += 1
        if called:
            self._call()

    def _close(self) -> None:
        ended = self.open.pop(self.depth, None)
        if ended is not None:
            self._finish(*ended)
        self.depth = max(self.depth - 1, 0)
        while self.lambdas and self.lambdas[-1] > self.depth:
            self.lambdas.pop()

    def _argument(self, token: tokenize.TokenInfo) -> None:
        own = self.open.get(self.depth)
        if own is not None:
            own[1].own(token)
        for arguments in self.collecting:
            if arguments.collecting:
                arguments.collect(token)
        if self.collecting and not all(a.collecting for a in self.collecting):
            self.collecting = [a for a in self.collecting if a.collecting]

    def _call(self) -> None:
        words = [token.string for token in self.chain]
        name = ".".join([self.aliases.get(words[0], words[0]), *words[1:]])
        flags = self._flags()
        if name not in _KNOWN or flags.skipped:
            return
        line, col = self.chain[0].start
        arguments = _Arguments()
        self.open[self.depth] = (_Call(name, line, col + 1, flags), arguments)
        self.collecting.append(arguments)

    def _finish(self, call: _Call, arguments: _Arguments) -> None:
        if arguments in self.collecting:
            self.collecting.remove(arguments)
        found = _judged(call, arguments)
        if found is not None:
            self.calls.append(found)
            self.call_tries.append(call.flags.tries)

    def _header_colon(self) -> None:
        if self.lambdas and self.lambdas[-1] == 0:
            self.lambdas.pop()  # a lambda's own colon
            return
        self.header = False
        self.inline = self.next_block = self._block()

    def _block(self) -> _Block:
        """The block the header line opens."""
        words = [token.string for token in self.line]
        keyword = words[1] if words[0] == "async" and len(words) > 1 else words[0]
        closed = self.closed
        if keyword == "def":
            return _Block(keyword, "def")
        if keyword == "try":
            self.tries += 1
            return _Block(keyword, "try", self.tries)
        if keyword == "except":
            return self._handler(words, closed)
        if keyword in ("elif", "else") and closed is not None and closed.kind == "guarded":
            return closed
        if keyword in ("if", "elif"):
            return _Block(keyword, _test_kind(words))
        return _Block(keyword, "plain")

    def _handler(self, words: list[str], closed: _Block | None) -> _Block:
        """An `except` of the `try` just ended: whether it catches a
        missing program."""
        if closed is None or closed.try_id < 0:
            return _Block("except", "plain")
        if words == ["except", ":"] or not _CATCHING.isdisjoint(words):
            self.catching.add(closed.try_id)
        return _Block("except", "plain", closed.try_id)


def _test_kind(words: list[str]) -> str:
    """What an `if`/`elif` test makes of its body."""
    if words[0] == "if" and (words == ["if", "False", ":"] or _type_checking(words)):
        return "skip"
    if not _GUARD_WORDS.isdisjoint(words) or {"os", "name"} <= set(words):
        return "guarded"
    if "__name__" in words and any("__main__" in word for word in words):
        return "main"
    return "plain"


def _type_checking(words: list[str]) -> bool:
    return "TYPE_CHECKING" in words and "not" not in words


def _bindings(words: list[str]) -> Iterator[tuple[str, str]]:
    """The names an import statement binds to the modules and functions
    that matter here: ``import subprocess as sp`` binds ``sp``, ``from os
    import system`` binds ``system`` to ``os.system``."""
    if words[0] == "import":
        for dotted, alias in _items(words[1:]):
            top = dotted.partition(".")[0]
            if alias and dotted in _MODULES:
                yield alias, _MODULES[dotted]
            elif not alias and top in _MODULES:
                yield top, top
    elif "import" in words:
        cut = words.index("import")
        module = "".join(words[1:cut])
        for name, alias in _items(words[cut + 1 :]) if module in _MODULES else ():
            inner = f"{module}.{name}"
            yield alias or name, _MODULES.get(inner, f"{_MODULES[module]}.{name}")


def _items(words: list[str]) -> Iterator[tuple[str, str]]:
    """(``a.b``, ``c``) for each item ``a.b as c`` of an import list."""
    item: list[str] = []
    for word in [*words, ","]:
        if word == ",":
            dotted, _, alias = "".join(item).partition(" as ")
            if dotted:
                yield dotted, alias
            item = []
        elif word not in ("(", ")"):
            item.append(f" {word} " if word == "as" else word)


def _judged(call: _Call, arguments: _Arguments) -> ShellCall | None:
    """The call as a ShellCall, or None where it says nothing certain."""
    flags = call.flags
    record = ShellCall(call.line, call.col, SHELL, call.name, "", flags.deferred, flags.main_only)
    if call.name in _ALWAYS_SHELL:
        return record
    if arguments.opaque or arguments.shell == "?":
        return None
    if call.name in _SUBPROCESS and arguments.shell == "True":
        return record._replace(detail=f"{call.name}(shell=True)")
    program = arguments.program()
    if call.name == "pty.spawn" and arguments.first_length == 1:
        program = _literal(arguments.first[0].string) or None  # the whole string is argv[0]
    if program is None or (call.name in _PATH_FIRST and "/" not in program):
        return None
    return record._replace(kind=PROGRAM, program=program)


_STRING = re.compile(
    r"(?P<prefix>[rRuUbB]{0,2})(?P<quote>'''|\"\"\"|'|\")(?P<body>.*)(?P=quote)", re.S
)


def _literal(token: str) -> str:
    """A plain string literal's text ('' for one with escapes, an f-string
    or anything else)."""
    match = _STRING.fullmatch(token)
    if match is None:
        return ""
    body = match["body"]
    return body if "\\" not in body or "r" in match["prefix"].lower() else ""
