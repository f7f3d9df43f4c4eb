"""What a command line runs, when it runs Python code of the repository.

A container's command, a HEALTHCHECK, a compose ``command:`` or a line of a
script is read as the process it starts: ``python path/x.py``, ``python -m
a.b``, an app server loading ``a.b:app`` (uvicorn, gunicorn, hypercorn, run
directly or with ``python -m``), or a console script by name. Shell text
(``sh -c "cd /app && exec python main.py"``) is split into its simple
commands, following ``cd`` and skipping ``exec``, ``env`` and variable
assignments. Nothing here runs anything; words the shell would expand at run
time are taken as written.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks.shell_words import split_words

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

SCRIPT = "script"  # python path/x.py: sys.path[0] is the script's folder
MODULE = "module"  # python -m a.b: sys.path[0] is the working directory
APP = "app"  # uvicorn a.b:app: the module is imported, not run as __main__
CONSOLE_SCRIPT = "console-script"  # a [project.scripts] name: module:function

# An interpreter's name: python, python3, python3.13 (no patch version:
# no image names its interpreter python3.13.1). The one pattern every module
# that reads commands uses.
PYTHON_WORD = re.compile(r"python(?:\d+(?:\.\d+)?)?")
APP_SERVERS = frozenset({"uvicorn", "gunicorn", "hypercorn"})
# Interpreter options that take a value, as `python --help` lists them.
_VALUE_OPTIONS = frozenset({"-W", "-X", "--check-hash-based-pycs"})
# The interpreter flags that change what sys.path holds.
PATH_FLAGS = frozenset("IPEsS")
# `module:attribute` (gunicorn also `module:factory(args)`); a value such as
# `0.0.0.0:8000` or `localhost:8000` never matches.
_APP_SPEC = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*):[A-Za-z_][\w.]*(?:\(.*\))?")
_SHELL_SEPARATORS = re.compile(r"&&|\|\||[;|&\n]")
_ASSIGNMENT = re.compile(r"[A-Za-z_]\w*=")
_WORKING_DIRECTORY = re.compile(r"\$\{PWD\}|\$PWD(?!\w)|\$\(pwd\)|`pwd`")
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})


def is_interpreter(word: str) -> bool:
    """Whether a command word starts Python, in any folder: ``python``,
    ``python3.13``, ``/usr/bin/python3``, ``/venv/bin/python``."""
    return PYTHON_WORD.fullmatch(word.rpartition("/")[2]) is not None


class Run(NamedTuple):
    """One process that runs repository code.

    ``target`` is the script path as written (``SCRIPT``), the dotted module
    (``MODULE``), the app argument (``APP``: ``a.b:app``), or the console
    script's name; ``cwd`` is the folder the shell moved to with ``cd`` (''
    when it did not); ``flags`` are the interpreter's single-letter options
    that change ``sys.path`` (``I``, ``P``, ``E``, ``s``, ``S``); for an app
    server, ``server`` is its name and ``app_dir``, ``chdir`` and
    ``pythonpath`` its options that move ``sys.path`` or the working
    directory (uvicorn's ``--app-dir``, gunicorn's ``--chdir`` and
    ``--pythonpath``); ``environment`` holds the variables the command line
    sets for it (``PYTHONPATH=src python -m app``, ``env PYTHONPATH=src
    ...``), as written; ``words`` is the command as read.
    """

    kind: str
    target: str
    cwd: str = ""
    flags: frozenset[str] = frozenset()
    server: str = ""
    app_dir: str = ""
    chdir: str = ""
    pythonpath: str = ""
    words: tuple[str, ...] = ()
    environment: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        return " ".join(self.words) if self.words else self.target

    def variable(self, name: str, inherited: str | None) -> str | None:
        """The value ``name`` has for the run: ``inherited`` (None: unset),
        then each assignment of the command line and the script before it,
        in order, each expanding ``$name`` to the value before it. A value
        that still holds ``$`` or a backquote is not known (`is_known`)."""
        value = inherited
        for key, assigned in self.environment:
            if key == name:
                value = _expanded(assigned, name, value)
        return value


def runs_in(argv: Sequence[str], console_scripts: frozenset[str] = frozenset()) -> list[Run]:
    """The runs of repository code that ``argv`` (an exec-form command)
    starts; ``console_scripts`` are the names a ``[project.scripts]``
    table of the repository declares."""
    if len(argv) >= 3 and _base(argv[0]) in _SHELLS and argv[1] == "-c":
        return shell_runs(argv[2], console_scripts)[0]
    run = simple_run(list(argv), console_scripts)
    return [] if run is None else [run]


# What `cd "$(dirname "$0")"` and its spellings say: the script's own folder.
_CD_SCRIPT_FOLDER = re.compile(
    r"""["']?\$\(dirname\s+["']?\$(?:0|\{0\}|BASH_SOURCE(?:\[0\])?)["']?\)["']?"""
)


class ShellState(NamedTuple):
    """Where a shell script is, as it runs: the folder it moved to ('' the
    one it started in; None once a `cd` went somewhere that cannot be told),
    and the variables it exported so far."""

    cwd: str | None = ""
    script_folder: str = ""
    exported: tuple[tuple[str, str], ...] = ()


def shell_runs(
    text: str, console_scripts: frozenset[str] = frozenset(), state: ShellState | None = None
) -> tuple[list[Run], ShellState]:
    """The runs in shell text, each simple command read on its own, and
    where the shell is after it: ``cd`` moves the later ones (to the
    script's own folder for ``cd "$(dirname "$0")"``); after a ``cd`` to a
    place that cannot be told, no run is placed. Text the shell could not
    split is skipped. ``export NAME=value`` or ``NAME=value`` alone sets
    ``NAME`` for the runs after it (see `Run.variable`)."""
    state = state or ShellState()
    runs = []
    for words in _simple_commands(text):
        if words[0] == "cd":
            state = state._replace(cwd=_moved(state, text, words))
            continue
        if words[0] == "export" or all(_ASSIGNMENT.match(word) for word in words):
            # A variable set alone is taken as exported: it is, when the
            # environment had it (an image's ENV), and is meant to be.
            state = state._replace(exported=_exported(state.exported, words))
            continue
        run = simple_run(words, console_scripts)
        if run is not None and state.cwd is not None:
            environment = (*state.exported, *run.environment)
            runs.append(run._replace(cwd=_joined(state.cwd, run.cwd), environment=environment))
    return runs, state


def _exported(
    exported: tuple[tuple[str, str], ...], words: list[str]
) -> tuple[tuple[str, str], ...]:
    """The assignments so far, and those of ``words``: `Run.variable`
    expands them in order (`export NAME` alone changes nothing)."""
    assignments = [tuple(word.split("=", 1)) for word in words if _ASSIGNMENT.match(word)]
    return (*exported, *((name, value) for name, value in assignments))


def _moved(state: ShellState, text: str, words: list[str]) -> str | None:
    if state.cwd is None or len(words) != 2:
        return None
    target = words[1]
    if "$" not in target:
        return _joined(state.cwd, target)
    return state.script_folder if _CD_SCRIPT_FOLDER.search(text) else None


def _simple_commands(text: str) -> Iterator[list[str]]:
    for part in _SHELL_SEPARATORS.split(text.replace("\\\n", " ")):
        try:
            words = split_words(part)
        except ValueError:  # an unbalanced quote: the shell would fail too
            continue
        if words:
            yield words


def _command_words(words: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """The variables a command line sets, and the command itself: without
    the leading assignments, `exec`, `env` and `time`."""
    assignments = []
    while words and (_ASSIGNMENT.match(words[0]) or words[0] in ("exec", "env", "time")):
        name, equals, value = words[0].partition("=")
        if equals:
            assignments.append((name, value))
        words = words[1:]
    return assignments, words


def _expanded(value: str, name: str, before: str | None) -> str:
    """``value`` as the shell expands it, where ``name`` held ``before``
    (None: unset): ``$name``, ``${name}``, ``${name:+...}`` (the common
    ``src${PYTHONPATH:+:$PYTHONPATH}``) and ``${name:-...}``; ``$PWD`` and
    ``$(pwd)`` are the working directory (``.``). Other words stay as
    written, and make the value not known."""
    current = before or ""

    def substitution(match: re.Match[str]) -> str:
        operator, word = match.group(1), match.group(2)
        if operator == ":+":
            return _expanded(word, name, before) if current else ""
        return current or _expanded(word, name, before)

    value = re.sub(
        r"\$\{" + re.escape(name) + r"(:[+-])((?:[^{}]|\{[^{}]*\})*)\}", substitution, value
    )
    value = _WORKING_DIRECTORY.sub(".", value)
    name_reference = re.compile(
        r"\$(?:\{" + re.escape(name) + r"\}|" + re.escape(name) + r"(?!\w))"
    )
    return name_reference.sub(lambda match: current, value)


def is_known(value: str | None) -> bool:
    """Whether an expanded value holds no word the shell would expand."""
    return value is None or ("$" not in value and "`" not in value)


def simple_run(words: list[str], console_scripts: frozenset[str] = frozenset()) -> Run | None:
    """The run one simple command starts, if it runs repository code."""
    assignments, words = _command_words(words)
    run = _program_run(words, console_scripts)
    if run is None or not assignments:
        return run
    return run._replace(environment=tuple(assignments))


def _program_run(words: list[str], console_scripts: frozenset[str]) -> Run | None:
    if not words:
        return None
    program = _base(words[0])
    if PYTHON_WORD.fullmatch(program):
        return _python_run(words)
    if program in APP_SERVERS:
        return _app_run(program, words, words[1:])
    if program in console_scripts:
        return Run(CONSOLE_SCRIPT, program, words=tuple(words))
    return None


def _python_run(words: list[str]) -> Run | None:
    flags: set[str] = set()
    index = 1
    while index < len(words):
        word = words[index]
        if word in _VALUE_OPTIONS:
            index += 2
            continue
        if word == "-m" or (word.startswith("-m") and not word.startswith("--")):
            return _module_run(words, word, index, frozenset(flags))
        if word.startswith("-c") or word == "-":
            return None  # code given inline or on stdin: nothing to follow
        if not word.startswith("-") or word == "--":
            break
        if not word.startswith("--"):
            flags.update(_short_flags(word[1:]))
        index += 1
    if index < len(words) and words[index] == "--":
        index += 1
    if index >= len(words):
        return None  # the interactive interpreter
    return Run(SCRIPT, words[index], flags=frozenset(flags), words=tuple(words))


def _short_flags(letters: str) -> set[str]:
    """The sys.path flags among bundled short options (`-uIB`), up to an
    option that takes the rest of the word as its value."""
    found = set()
    for letter in letters:
        if letter in "WXmc":
            break
        if letter in PATH_FLAGS:
            found.add(letter)
    return found


def _module_run(words: list[str], word: str, index: int, flags: frozenset[str]) -> Run | None:
    if word == "-m":
        if index + 1 >= len(words):
            return None
        module, rest = words[index + 1], words[index + 2 :]
    else:
        module, rest = word[2:], words[index + 1 :]
    if module in APP_SERVERS:
        return _app_run(module, words, rest)
    return Run(MODULE, module, flags=flags, words=tuple(words))


def _app_run(server: str, words: list[str], arguments: list[str]) -> Run | None:
    """An app server's run: its app argument, and the options that move
    ``sys.path`` or the working directory."""
    found: dict[str, str] = {}
    target = None
    for index, argument in enumerate(arguments):
        name, value = _option(arguments, index)
        if name in ("--app-dir", "--chdir", "--pythonpath") and value is not None:
            found[name] = value
        elif target is None and _APP_SPEC.fullmatch(argument):
            target = argument
    if target is None:
        return None
    return Run(
        APP,
        target,
        server=server,
        app_dir=found.get("--app-dir", ""),
        chdir=found.get("--chdir", ""),
        pythonpath=found.get("--pythonpath", ""),
        words=tuple(words),
    )


def _option(arguments: list[str], index: int) -> tuple[str, str | None]:
    """An option and its value, in `--name=value` or `--name value` form."""
    argument = arguments[index]
    if not argument.startswith("--"):
        return argument, None
    name, equals, value = argument.partition("=")
    if equals:
        return name, value
    following = arguments[index + 1] if index + 1 < len(arguments) else None
    return name, following


def _base(program: str) -> str:
    return program.rpartition("/")[2]


def _joined(cwd: str, folder: str) -> str:
    if not folder or folder.startswith("/") or not cwd:
        return folder or cwd
    return f"{cwd.rstrip('/')}/{folder}"
