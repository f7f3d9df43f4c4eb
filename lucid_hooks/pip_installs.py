"""The ``pip install`` commands a Dockerfile's RUN instructions run, as data.

A RUN's exec form is one command; its shell form is split into simple
commands at ``&&``, ``||``, ``;``, ``|``, ``&`` and line ends (a RUN whose
only argument is a heredoc runs the heredoc's body), with shell quoting
(``shlex``). A command installs when it is ``pip``/``pip3``/``pip3.11``
(any folder: ``/venv/bin/pip``), ``python[3[.X]] -m pip`` or ``uv pip``,
followed by ``install``, after leading ``NAME=value`` words and wrappers
such as ``sudo`` or ``env``. Nothing is expanded (the shell would expand
``$VAR`` when the build runs); ``sh -c "..."``, ``xargs`` and scripts are
not followed.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lucid_hooks.dockerfile import Instruction

_OPERATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")", "|&", ";;", "!", "{", "}"})
_REDIRECTION = re.compile(r"\d*(?:<|>|>>|<<|<<<|>&|<&|&>|&>>)")
_WRAPPERS = frozenset({"sudo", "exec", "time", "nice", "nohup", "command", "env"})
_PIP = re.compile(r"pip(?:\d+(?:\.\d+)*)?")
_PYTHON = re.compile(r"python(?:\d+(?:\.\d+)*)?")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=.*", re.DOTALL)
_LONE_HEREDOC = re.compile(r"\d*<<-?\s*\S+")
# pip and uv options that take a value; any other option is a flag.
_VALUED = frozenset(
    {
        "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-t", "--target",
        "--prefix", "--root", "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
        "--trusted-host", "--cache-dir", "--src", "--platform", "--python-version",
        "--implementation", "--abi", "--only-binary", "--no-binary", "--progress-bar", "--log",
        "--proxy", "--retries", "--timeout", "--exists-action", "--cert", "--client-cert",
        "--global-option", "--config-settings", "-C", "--upgrade-strategy", "--python", "-p",
        "--index", "--default-index", "--index-strategy", "--keyring-provider", "--resolution",
        "--prerelease", "--report", "--root-user-action", "--use-feature", "--use-deprecated",
        "--build-option", "--install-option", "--override", "--extra", "--group",
    }
)  # fmt: skip
# Short options whose value may be attached: `-rrequirements.txt`.
_ATTACHED = ("-r", "-c", "-e", "-t", "-i", "-f", "-p", "-C")


class PipInstall(NamedTuple):
    """One install command: ``tool`` is ``pip`` or ``uv pip``, ``arguments``
    the words after ``install``; the paths are as written (relative to the
    RUN's WORKDIR); ``packages`` are requirement specifiers, ``local`` the
    paths installed (``.``, ``./lib``, a wheel, ``-e`` ones included)."""

    tool: str
    arguments: tuple[str, ...]
    requirements: tuple[str, ...] = ()
    constraints: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    local: tuple[str, ...] = ()
    target: str | None = None
    prefix: str | None = None
    user: bool = False


def pip_installs(instruction: Instruction) -> list[PipInstall]:
    """The pip installs a RUN instruction runs, in order."""
    found = []
    for command in run_commands(instruction):
        install = _install(command)
        if install is not None:
            found.append(install)
    return found


def run_commands(instruction: Instruction) -> Iterator[list[str]]:
    """The simple commands of a RUN: its exec form, or the shell words of
    its text (a lone heredoc's body when the heredoc is the script)."""
    if instruction.exec_form is not None:
        yield list(instruction.exec_form)
        return
    text = instruction.arguments
    if len(instruction.heredocs) == 1 and _LONE_HEREDOC.fullmatch(text.strip()):
        text = instruction.heredocs[0].content.replace("\\\n", " ")
    yield from simple_commands(text)


def simple_commands(text: str) -> Iterator[list[str]]:
    """Shell words split at operators and line ends, redirections dropped;
    a line whose quotes do not balance yields nothing."""
    for line in text.split("\n"):
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        try:
            tokens = list(lexer)
        except ValueError:
            continue
        yield from _split(tokens)


def _split(tokens: list[str]) -> Iterator[list[str]]:
    command: list[str] = []
    redirected = False
    for token in tokens:
        if redirected:
            redirected = False  # the redirection's target
        elif _REDIRECTION.fullmatch(token):
            redirected = True
        elif token in _OPERATORS:
            if command:
                yield command
            command = []
        else:
            command.append(token)
    if command:
        yield command


def _install(words: list[str]) -> PipInstall | None:
    """The pip install a simple command runs, or None."""
    words = _unwrapped(words)
    if not words:
        return None
    program = posixpath.basename(words[0])
    tool, rest = "pip", words[1:]
    if _PYTHON.fullmatch(program):
        if rest[:1] != ["-m"] or rest[1:2] != ["pip"]:
            return None
        rest = rest[2:]
    elif program == "uv" and rest[:1] == ["pip"]:
        tool, rest = "uv pip", rest[1:]
    elif not _PIP.fullmatch(program):
        return None
    arguments = _after_install(rest)
    return None if arguments is None else _parse(tool, arguments)


def _unwrapped(words: list[str]) -> list[str]:
    """A command without leading ``NAME=value`` words and wrappers."""
    start = 0
    while start < len(words) and (
        _ASSIGNMENT.fullmatch(words[start]) or words[start] in _WRAPPERS
    ):
        start += 1
    return words[start:]


def _after_install(words: list[str]) -> list[str] | None:
    """The words after ``install``, pip's global options before it skipped."""
    position = 0
    while position < len(words) and words[position].startswith("-"):
        position += 2 if words[position] in _VALUED else 1
    if position < len(words) and words[position] == "install":
        return words[position + 1 :]
    return None


def _parse(tool: str, arguments: list[str]) -> PipInstall:
    options: dict[str, list[str]] = {}
    positional: list[str] = []
    flags: set[str] = set()
    words = iter(arguments)
    for word in words:
        name, value = _option(word, words)
        if name is None:
            positional.append(word)
        elif value is None:
            flags.add(name)
        else:
            options.setdefault(name, []).append(value)
    named = positional + _values(options, "-e", "--editable")
    return PipInstall(
        tool=tool,
        arguments=tuple(arguments),
        requirements=tuple(_values(options, "-r", "--requirement")),
        constraints=tuple(_values(options, "-c", "--constraint")),
        packages=tuple(word for word in named if not _is_path(word)),
        local=tuple(word for word in named if _is_path(word)),
        target=_last(_values(options, "-t", "--target")),
        prefix=_last(_values(options, "--prefix")),
        user="--user" in flags,
    )


def _values(options: dict[str, list[str]], *names: str) -> list[str]:
    return [value for name in names for value in options.get(name, [])]


def _last(values: list[str]) -> str | None:
    return values[-1] if values else None


def _option(word: str, rest: Iterator[str]) -> tuple[str | None, str | None]:
    """``(name, value)`` of an option word (value None for a flag), the
    value taken from ``rest`` when it is the next word; ``(None, None)``
    for a positional word."""
    if not word.startswith("-") or word == "-":
        return None, None
    if word.startswith("--") and "=" in word:
        name, _, value = word.partition("=")
        return name, value
    if word in _VALUED:
        return word, next(rest, "")
    for short in _ATTACHED:
        if word.startswith(short) and len(word) > len(short) and not word.startswith("--"):
            return short, word[len(short) :]
    return word, None


_EXTRAS = re.compile(r"\[[^\]]*\]$")


def without_extras(word: str) -> str:
    """A local path as pip reads ``./lib[server]``: without its extras."""
    return _EXTRAS.sub("", word)


def _is_path(word: str) -> bool:
    """A local path (``.``, ``./lib[extra]``, a wheel) rather than a requirement specifier."""
    if "://" in word or word.startswith(("git+", "hg+", "svn+", "bzr+")) or " @ " in word:
        return False
    word = without_extras(word)
    if word in (".", "..") or word.startswith(("./", "../", "/", "~")):
        return True
    return word.endswith((".whl", ".tar.gz", ".zip")) or "/" in word
