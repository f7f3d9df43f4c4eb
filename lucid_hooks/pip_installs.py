"""The ``pip install`` commands a Dockerfile's RUN instructions run, as data.

A RUN's exec form is one command; its shell form is split into simple
commands at ``&&``, ``||``, ``;``, ``|``, ``&`` and line ends (a RUN whose
only argument is a heredoc runs the heredoc's body), with shell quoting
(`shell_words`). A command installs when it is ``pip``/``pip3``/``pip3.11``
(any folder: ``/venv/bin/pip``), ``python[3[.X]] -m pip`` or ``uv pip``,
followed by ``install``, after leading ``NAME=value`` words and wrappers
such as ``sudo`` or ``env``. ``poetry install`` and ``uv sync`` install a
project (:class:`Selection` says which of its groups and extras), found by
walking up from the working directory or their ``--directory`` /
``--project``. Nothing is expanded (the shell would expand ``$VAR`` when the
build runs); ``sh -c "..."``, ``xargs`` and scripts are not followed.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks.commands import PYTHON_WORD
from lucid_hooks.shell_words import split_words

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lucid_hooks.dockerfile import Instruction

_OPERATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")", "|&", ";;", "!", "{", "}"})
_REDIRECTION = re.compile(r"\d*(?:<|>|>>|<<|<<<|>&|<&|&>|&>>)")
_WRAPPERS = frozenset({"sudo", "exec", "time", "nice", "nohup", "command", "env"})
_PIP = re.compile(r"pip(?:\d+(?:\.\d+)*)?")
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


class Selection(NamedTuple):
    """What ``poetry install`` or ``uv sync`` takes from its project, as its
    options say; group and extra names as written."""

    groups: tuple[str, ...] = ()  # poetry --with; uv --group, --dev
    without: tuple[str, ...] = ()  # poetry --without, --no-dev; uv --no-group, --no-dev
    only: tuple[str, ...] | None = None  # poetry --only; uv --only-group, --only-dev
    extras: tuple[str, ...] = ()  # poetry -E/--extras; uv --extra
    no_extras: tuple[str, ...] = ()  # uv --no-extra (with --all-extras)
    all_extras: bool = False
    all_groups: bool = False
    default_groups: bool = True  # False: uv --no-default-groups
    root: bool = True  # the project itself; False: --no-root, --no-install-project
    dependencies: bool = True  # False: poetry --only-root
    installs: bool = True  # False: --dry-run, uv --check
    unclear: str = ""  # an option whose effect is not modelled (uv --package)


class PipInstall(NamedTuple):
    """One install command: ``tool`` is ``pip``, ``uv pip``, ``poetry`` or
    ``uv sync``, ``arguments`` the words after ``install``/``sync``; the
    paths are as written (relative to ``cwd``); ``packages`` are
    requirement specifiers, ``local`` the paths installed (``.``, ``./lib``,
    a wheel, ``-e`` ones included); ``project`` the folder where a project
    install starts looking for its ``pyproject.toml``."""

    tool: str
    arguments: tuple[str, ...]
    requirements: tuple[str, ...] = ()
    constraints: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    local: tuple[str, ...] = ()
    target: str | None = None
    prefix: str | None = None
    user: bool = False
    project: str | None = None
    selection: Selection | None = None
    # Where the command runs: "" the WORKDIR, else a path below it or
    # absolute (an earlier `cd` of the RUN); None when it cannot be told.
    cwd: str | None = ""


def pip_installs(instruction: Instruction) -> list[PipInstall]:
    """The pip installs a RUN instruction runs, in order, each with the
    folder an earlier ``cd`` of the RUN moved to."""
    found = []
    cwd: str | None = ""
    for command in run_commands(instruction):
        if command[:1] == ["cd"]:
            cwd = _cd(command[1:], cwd)
            continue
        install = _install(command)
        if install is not None:
            found.append(install._replace(cwd=cwd))
    return found


def _cd(words: list[str], cwd: str | None) -> str | None:
    """Where ``cd`` goes: a path relative to the WORKDIR or absolute; None
    when it cannot be told (home, ``-``, a variable, options)."""
    if len(words) != 1 or words[0].startswith(("-", "~")) or "$" in words[0]:
        return None
    if words[0].startswith("/"):
        return posixpath.normpath(words[0])
    return None if cwd is None else posixpath.normpath(posixpath.join(cwd, words[0]))


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
        try:
            tokens = split_words(line, operators=True)
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
    if program == "poetry" or (program == "uv" and rest[:1] != ["pip"]):
        return _project_install(program, rest)
    if PYTHON_WORD.fullmatch(program):
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


# --- poetry install, uv sync ------------------------------------------------

# Each tool's options that take a value, by what they mean ("": ignored),
# global ones too (they may come before or after the subcommand).
_POETRY_VALUED = {
    "-C": "directory", "--directory": "directory", "-P": "project", "--project": "project",
    "--with": "groups", "--without": "without", "--only": "only", "-E": "extras",
    "--extras": "extras",
}  # fmt: skip
_UV_VALUED = {
    "--directory": "directory", "--project": "project", "--group": "groups",
    "--no-group": "without", "--only-group": "only", "--extra": "extras",
    "--no-extra": "no_extras", "--package": "unclear", "--script": "unclear",
    **dict.fromkeys((
        "-p", "--python", "-i", "--index-url", "--index", "--default-index",
        "--extra-index-url", "-f", "--find-links", "--no-install-package", "--resolution",
        "--prerelease", "--refresh-package", "--reinstall-package", "-P", "--upgrade-package",
        "-C", "--config-setting", "--config-settings-package", "--link-mode", "--exclude-newer",
        "--exclude-newer-package", "--keyring-provider", "--index-strategy",
        "--python-platform", "--output-format", "--cache-dir", "--config-file", "--color",
        "--allow-insecure-host", "--no-build-package", "--no-binary-package",
        "--python-preference", "--no-sources-package",
    ), ""),
}  # fmt: skip
_POETRY_FLAGS = {
    "--no-root": "no_root", "--only-root": "only_root", "--no-dev": "no_dev",
    "--all-extras": "all_extras", "--all-groups": "all_groups", "--dry-run": "dry_run",
}  # fmt: skip
_UV_FLAGS = {
    "--dev": "dev", "--no-dev": "no_dev", "--only-dev": "only_dev",
    "--no-default-groups": "no_default_groups", "--all-groups": "all_groups",
    "--all-extras": "all_extras", "--no-install-project": "no_root",
    "--no-install-workspace": "no_root", "--all-packages": "unclear", "--dry-run": "dry_run",
    "--check": "dry_run",
}  # fmt: skip
_PROJECT_TOOLS = {
    "poetry": ("install", "poetry", _POETRY_VALUED, _POETRY_FLAGS),
    "uv": ("sync", "uv sync", _UV_VALUED, _UV_FLAGS),
}
_NAMES = re.compile(r"[\s,]+")  # poetry's `--with a,b`, `-E "a b"`


def _project_install(program: str, words: list[str]) -> PipInstall | None:
    """``poetry install`` / ``uv sync`` (global options before or after the
    subcommand), or None for another command of the tool."""
    command, tool, valued, flags = _PROJECT_TOOLS[program]
    position = 0
    while position < len(words) and words[position].startswith("-"):
        position += 2 if words[position] in valued else 1
    if position >= len(words) or words[position] != command:
        return None
    options = [*words[:position], *words[position + 1 :]]
    values, set_flags = _project_options(options, valued, flags)
    selection = (_poetry_selection if tool == "poetry" else _uv_selection)(values, set_flags)
    if "unclear" in values or "unclear" in set_flags or _has_variable(values):
        selection = selection._replace(unclear=f"{tool} {command} {' '.join(options)}".strip())
    return PipInstall(
        tool=tool,
        arguments=tuple(words[position + 1 :]),
        project=_project_folder(values),
        selection=selection,
    )


def _project_options(
    words: list[str], valued: dict[str, str], flags: dict[str, str]
) -> tuple[dict[str, list[str]], set[str]]:
    """The values of the options ``valued`` names, by meaning, and the
    meanings of the ``flags`` given; other options are ignored."""
    values: dict[str, list[str]] = {}
    given: set[str] = set()
    rest = iter(words)
    for word in rest:
        name, equals, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if name in valued:
            value = value if equals else next(rest, "")
            if valued[name]:
                values.setdefault(valued[name], []).append(value)
        elif word in flags:
            given.add(flags[word])
    return values, given


def _has_variable(values: dict[str, list[str]]) -> bool:
    return any("$" in value for found in values.values() for value in found)


def _project_folder(values: dict[str, list[str]]) -> str:
    """Where the project is looked for: ``--project`` below ``--directory``."""
    directory = _last(values.get("directory", [])) or "."
    project = _last(values.get("project", [])) or "."
    return posixpath.normpath(posixpath.join(directory, project))


def _names(values: list[str]) -> tuple[str, ...]:
    return tuple(name for value in values for name in _NAMES.split(value) if name)


def _poetry_selection(values: dict[str, list[str]], flags: set[str]) -> Selection:
    only = values.get("only")
    return Selection(
        groups=_names(values.get("groups", [])),
        # `--no-dev` (before Poetry 2) is `--without dev`.
        without=(*_names(values.get("without", [])), *(("dev",) if "no_dev" in flags else ())),
        only=None if only is None else _names(only),
        extras=_names(values.get("extras", [])),
        all_extras="all_extras" in flags,
        all_groups="all_groups" in flags,
        root="no_root" not in flags,
        dependencies="only_root" not in flags,
        installs="dry_run" not in flags,
    )


def _uv_selection(values: dict[str, list[str]], flags: set[str]) -> Selection:
    dev = ("dev",) if "dev" in flags else ()
    no_dev = ("dev",) if "no_dev" in flags else ()
    only = (*_names(values.get("only", [])), *(("dev",) if "only_dev" in flags else ()))
    return Selection(
        groups=(*_names(values.get("groups", [])), *dev),
        without=(*_names(values.get("without", [])), *no_dev),
        only=only or None,
        extras=_names(values.get("extras", [])),
        no_extras=_names(values.get("no_extras", [])),
        all_extras="all_extras" in flags,
        all_groups="all_groups" in flags,
        default_groups="no_default_groups" not in flags,
        # `--only-group` leaves out the project and its dependencies.
        root="no_root" not in flags and not only,
        installs="dry_run" not in flags,
    )
