"""Where a repository's code starts: its entry points, found without configuration.

An entry point is a run (``commands.Run``) together with what says so and
where it runs: the final stage of a Dockerfile (its command and its
HEALTHCHECKs, in the image), a ``[project.scripts]`` or
``[project.gui-scripts]`` entry of a ``pyproject.toml`` (the project
installed), a ``python ...`` line of a shell script, a Makefile, a Procfile
or a compose ``command:`` (from the repository root, or where the line
``cd``s to), a configured one, and otherwise each ``main.py`` and
``__main__.py`` nothing else starts, run as a user would assume: as a module
of its chain of regular packages from the folder above the top package, or
as a script outside any package.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks.build_context import is_compose_file
from lucid_hooks.commands import MODULE, SCRIPT, Run, ShellState, shell_runs
from lucid_hooks.packages import INIT, is_identifier

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Mapping

ENTRY_NAMES = frozenset({"main.py", "__main__.py"})
_MAKEFILES = frozenset({"Makefile", "makefile", "GNUmakefile"})
# Files whose lines may start a service: shell scripts, make, Procfiles, CI and compose.
_SCRIPT_FILE = re.compile(r"(?:.*\.(?:sh|bash|ya?ml)|Makefile|makefile|GNUmakefile|Procfile)")
_PYTHON_WORD = re.compile(rb"\b(?:python[\d.]*|uvicorn|gunicorn|hypercorn)\b")


class EntryPoint(NamedTuple):
    """One way the repository's code starts.

    ``origin``/``line`` locate what says so (the Dockerfile instruction, the
    ``pyproject.toml`` table, the script line; the module itself when the
    run is assumed); ``how`` says it in a few words for messages;
    ``dockerfile`` is the Dockerfile whose image it runs in ('' for the
    repository itself); ``cwd`` is the folder it starts in (repo-relative,
    or an image path); ``project`` is the folder of the ``pyproject.toml``
    whose console script it is; ``assumed``: nothing says how it runs.
    """

    run: Run
    origin: str
    line: int
    how: str
    dockerfile: str = ""
    cwd: str = ""
    project: str = ""
    assumed: bool = False


class ProjectScript(NamedTuple):
    """A ``[project.scripts]`` entry: ``name = "module:function"``."""

    name: str
    module: str
    pyproject: str
    line: int


def declared_scripts(
    pyproject: str, document: Mapping[str, object], text: str
) -> list[ProjectScript]:
    """The console and GUI scripts a parsed ``pyproject.toml`` declares."""
    project = document.get("project")
    if not isinstance(project, dict):
        return []
    found = []
    for table in ("scripts", "gui-scripts"):
        scripts = project.get(table)
        if not isinstance(scripts, dict):
            continue
        for name, reference in scripts.items():
            module = str(reference).partition(":")[0].strip()
            if isinstance(reference, str) and _is_dotted(module):
                found.append(ProjectScript(name, module, pyproject, _line_of(text, name)))
    return found


def _is_dotted(name: str) -> bool:
    return bool(name) and all(is_identifier(part) for part in name.split("."))


def _line_of(text: str, key: str) -> int:
    """The line that declares ``key`` in TOML text (1 if it cannot be told)."""
    pattern = re.compile(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def script_entry_points(
    path: str, data: bytes, console_scripts: frozenset[str]
) -> list[EntryPoint]:
    """The runs a script, Makefile, Procfile or YAML file starts, one per
    line that holds a python or app-server command: a shell script's from
    where its `cd` lines moved it (from the repository root), a Makefile's
    from its own folder, the others from the repository root. A compose
    file's commands run in their containers, and a CI file that sets a
    `working-directory` runs them elsewhere: neither is read."""
    folder, _, name = path.rpartition("/")
    if not _PYTHON_WORD.search(data) or is_compose_file(name) or b"working-directory" in data:
        return []
    text = data.decode("utf-8", "replace")
    makefile = name in _MAKEFILES
    initial = ShellState(
        folder if makefile else "", folder, _make_exports(text) if makefile else ()
    )
    state = initial
    shell = name.endswith((".sh", ".bash"))
    yaml = name.endswith((".yml", ".yaml"))
    block: int | None = None
    found: list[EntryPoint] = []
    for number, line in enumerate(text.splitlines(), start=1):
        # The lines of one YAML `run: |` block are one script.
        block, in_block = _run_block(line, block) if yaml else (None, False)
        script = shell or in_block
        if not script:
            state = initial
            if not _PYTHON_WORD.search(line.encode()):
                continue
        command = line.strip() if in_block else _command_text(line)
        runs, after = shell_runs(command, console_scripts, state)
        state = after if script else initial
        how = f"line {number} of {path}"
        found.extend(EntryPoint(run, path, number, how, cwd=run.cwd) for run in runs)
    return found


_RUN_BLOCK = re.compile(r"(?P<indent>[ \t]*)(?:-[ \t]+)?run:[ \t]*[|>][-+]?[ \t]*(?:#.*)?")
_MAKE_EXPORT = re.compile(r"export[ \t]+([A-Za-z_]\w*)[ \t]*(?:::?=|\?=|\+?=)[ \t]*(.*?)[ \t]*")


def _run_block(line: str, block: int | None) -> tuple[int | None, bool]:
    """The indentation of the YAML `run: |` block a line is in or starts
    (None: none), and whether the line is one of its commands."""
    indent = len(line) - len(line.lstrip())
    if block is not None and (not line.strip() or indent > block):
        return block, True
    header = _RUN_BLOCK.fullmatch(line)
    return (len(header.group("indent")) if header else None), False


def _make_exports(text: str) -> tuple[tuple[str, str], ...]:
    """The variables a Makefile exports to every recipe (`export NAME := value`)."""
    found = (_MAKE_EXPORT.fullmatch(line) for line in text.splitlines())
    return tuple((match.group(1), match.group(2)) for match in found if match)


def _command_text(line: str) -> str:
    """A line's command: a YAML `- run: ...` / `command: ...` value or a
    make recipe without its key, dash or tab."""
    stripped = line.strip().lstrip("-").strip()
    key, colon, value = stripped.partition(":")
    if colon and re.fullmatch(r"[\w.-]+", key.strip()):
        stripped = value.strip()
    if stripped[:1] in ("'", '"') and stripped[-1:] == stripped[:1]:
        stripped = stripped[1:-1]
    return stripped.lstrip("@")


def is_script_file(path: str) -> bool:
    return bool(_SCRIPT_FILE.fullmatch(path.rpartition("/")[2]))


def assumed_entry_points(
    files: Iterable[str], started: Collection[str], is_file: Callable[[str], bool]
) -> list[EntryPoint]:
    """Each ``main.py`` and ``__main__.py`` that nothing in ``started``
    (repo paths that some command runs) starts, as a user would run it."""
    found = []
    for path in sorted(files):
        folder, _, name = path.rpartition("/")
        if name not in ENTRY_NAMES or path in started:
            continue
        packages = package_chain(folder, is_file)
        found.append(_assumed(path, packages))
    return found


def package_chain(folder: str, is_file: Callable[[str], bool]) -> list[str]:
    """The folders of the regular packages that hold ``folder``, innermost
    first, up to the first that is not one."""
    chain = []
    while folder:
        name = folder.rpartition("/")[2]
        if not is_identifier(name) or not is_file(f"{folder}/{INIT}"):
            break
        chain.append(folder)
        folder = folder.rpartition("/")[0]
    return chain


def _assumed(path: str, packages: list[str]) -> EntryPoint:
    folder, _, name = path.rpartition("/")
    if not packages and name == "__main__.py" and is_identifier(folder.rpartition("/")[2]):
        # A folder with a __main__.py is run as `python -m folder`, package or not.
        above, _, dotted = folder.rpartition("/")
        run = Run(MODULE, dotted, words=("python", "-m", dotted))
        how = f"assumed `python -m {dotted}` from {above or '.'}/"
        return EntryPoint(run, path, 1, how, cwd=above, assumed=True)
    if not packages:
        run = Run(SCRIPT, name, words=("python", name))
        how = f"assumed `python {name}` in {folder or '.'}/"
        return EntryPoint(run, path, 1, how, cwd=folder, assumed=True)
    top = packages[-1]
    above = top.rpartition("/")[0]
    dotted = path[len(above) + 1 if above else 0 : -3].replace("/", ".")
    if name == "__main__.py":
        dotted = dotted.rpartition(".")[0]
    run = Run(MODULE, dotted, words=("python", "-m", dotted))
    how = f"assumed `python -m {dotted}` from {above or '.'}/"
    return EntryPoint(run, path, 1, how, cwd=above, assumed=True)
