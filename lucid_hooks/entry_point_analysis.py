"""The analysis behind check-entry-point-imports: every entry point of a
repository, placed where it runs and followed through its imports.

`analyse` finds the entry points (`entry_points`, and each Dockerfile's final
stage through `image` and `build_context`), gives each its first module and
``sys.path`` (`resolution`), follows it (`import_graph`) and turns what fails
into reports, each naming the entry points that reach it; a run in a
distroless image also has the calls of its modules that run a shell or a
program the image lacks (`shell_calls`, LH601, LH602). The scans of the
Python files (`imports`) and whether they compile are kept in the disk cache
by content. Imported only when the hook's cached result does not hold.
"""

from __future__ import annotations

import bisect
import functools
import os
import posixpath
import re
import sys
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks import commands, import_graph, resolution, shadowing
from lucid_hooks.check_entry_point_imports import (
    ENTRY_POINT_MISSING,
    MISSING_LOCAL_MODULE,
    MISSING_NAME,
    MODULE_SHADOWED,
    PROGRAM_NOT_IN_IMAGE,
    RELATIVE_IMPORT_FAILS,
    REQUIREMENT_NEVER_IMPORTED,
    REQUIREMENT_UNPARSABLE,
    REQUIREMENTS_INCLUDE_BROKEN,
    SHELL_NEEDED,
    STDLIB_LEFT_OUT,
    STDLIB_VERSION_GAP,
    SYNTAX_ERROR,
    THIRD_PARTY_NOT_DECLARED,
    THIRD_PARTY_ONLY_OPTIONAL,
    ConfiguredEntry,
    EntryRow,
    ReportRow,
    Settings,
    entry_run,
)
from lucid_hooks.config import CONFIG_FILE, ConfigError, parse_toml
from lucid_hooks.dependencies import (
    Installed,
    image_installed,
    repository_installed,
    repository_python,
)
from lucid_hooks.entry_points import (
    ENTRY_NAMES,
    EntryPoint,
    ProjectScript,
    assumed_entry_points,
    declared_scripts,
    is_script_file,
    package_chain,
    script_entry_points,
)
from lucid_hooks.external_imports import (
    LEFT_OUT,
    NOT_INSTALLED,
    ONLY_OPTIONAL,
    VERSION_GAP,
    judged_imports,
)
from lucid_hooks.findings import Finding, unreadable_file
from lucid_hooks.import_graph import Outcome, Place, Report, Start, follow, prefixes
from lucid_hooks.module_scans import SOURCE_LIMIT, module_scan
from lucid_hooks.packages import is_identifier
from lucid_hooks.resolution import Tree
from lucid_hooks.shell_calls import SHELL, ShellCall, shell_calls
from lucid_hooks.stdlib import is_stdlib_module
from lucid_hooks.syntax import Compilers, SyntaxProblem
from lucid_hooks.unused_requirements import RunUsage, unused_lines, used_distributions

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from lucid_hooks.distroless_analysis import Presence
    from lucid_hooks.dockerfile import Dockerfile
    from lucid_hooks.image import Image
    from lucid_hooks.import_graph import Closure
    from lucid_hooks.imports import ModuleScan
    from lucid_hooks.requirements import Problem
    from lucid_hooks.snapshot import Snapshot

SYNTAX_NAMESPACE = "syntax-1"
PATH_EDIT_NAMESPACE = "sys-path-edit-1"
SHELL_CALLS_NAMESPACE = "shell-calls-1"
# What an import can find at run time (stubs are for type checkers only).
LOCAL_SUFFIXES = (".py", ".so", ".pyd")
# How much of a command an LH204 message shows.
COMMAND_SHOWN = 60
# How long a message may grow (the path and code come before it on the line).
MESSAGE_LENGTH = 150
# The reports that how an entry point runs decides (its sys.path, its package).
_HOW_IT_RUNS_MATTERS = frozenset(
    {MISSING_LOCAL_MODULE.code, RELATIVE_IMPORT_FAILS.code, MODULE_SHADOWED.code}
)
# What such a report reached only from assumed runs adds.
ASSUMED_HINT = " (set `entry-points` if not)"
# How many entry points a message names before it counts the rest.
NAMED_ENTRY_POINTS = 2
# What git writes into a file whose merge conflicts (no Python accepts them).
_CONFLICT_MARKERS = (b"<<<<<<< ", b"=======", b">>>>>>> ", b"||||||| ")
# How much of a program an LH602 message shows, and how long an LH6xx
# message may be before the image's name gives way to "the image".
PROGRAM_SHOWN = 30
SHELL_MESSAGE_LENGTH = MESSAGE_LENGTH - 40
_PROGRAM_ADVICE = {
    **dict.fromkeys(("sh", "bash", "dash", "ash", "zsh"), "run the program itself"),
    **dict.fromkeys(("curl", "wget"), "use urllib.request"),
    **dict.fromkeys(("pip", "pip3"), "install in a builder stage"),
}
# Programs whose work the standard library does.
_FILE_PROGRAMS = frozenset(
    {"cat", "chmod", "chown", "cp", "find", "ln", "ls", "mkdir", "mv", "rm", "tar", "touch"}
)
# Said of an image's entry points when its build context was guessed.
GUESSED_ROOT = " built from the repository root"
_EXTERNAL_CODES = {
    NOT_INSTALLED: THIRD_PARTY_NOT_DECLARED.code,
    ONLY_OPTIONAL: THIRD_PARTY_ONLY_OPTIONAL.code,
    VERSION_GAP: STDLIB_VERSION_GAP.code,
    LEFT_OUT: STDLIB_LEFT_OUT.code,
}
_CODES = {
    import_graph.MISSING_MODULE: MISSING_LOCAL_MODULE.code,
    import_graph.MISSING_NAME: MISSING_NAME.code,
    import_graph.RELATIVE: RELATIVE_IMPORT_FAILS.code,
}


# --- the repository ---------------------------------------------------------


class Repository:
    """The repository as its entry points see it: its files, the top-level
    names of its own modules, and the scans of its Python files (kept in
    the disk cache by content)."""

    def __init__(self, snapshot: Snapshot, files: Sequence[str]) -> None:
        self.snapshot = snapshot
        self.files = files
        self.findings: list[Finding] = []
        self._scans: dict[str, ModuleScan | None] = {}
        self._syntax: dict[str, SyntaxProblem | None] = {}
        # A module scanned now (not found in the disk cache) is compiled
        # beside the analysis while it goes on.
        self._compilers = Compilers()
        self._path_edits: dict[str, bool] = {}
        self._locations: dict[str, str | None] = {}
        self._installed: dict[tuple[str, str | None], Installed] = {}
        self._pythons: dict[tuple[str, str | None], tuple[str, str]] = {}
        self._projects: dict[str, frozenset[str]] = {}
        self._project_imported: dict[str, list[str]] = {}
        self._shell_calls: dict[str, list[ShellCall]] = {}

    @functools.cached_property
    def linked(self) -> dict[str, str]:
        """The files below tracked symlinks to folders of the repository, by
        the path each has through the link: git lists a link as one file,
        Python follows it."""
        return linked_files(self.snapshot, self.files)

    @functools.cached_property
    def tree(self) -> Tree:
        return Tree([*self.files, *self.linked])

    def repo_path(self, path: str) -> str | None:
        """The repository file a path of `tree` is (through a link or not)."""
        return self.linked.get(path, path)

    @functools.cached_property
    def local_names(self) -> frozenset[str]:
        # A module the commit deletes is still the repository's own: an
        # import of it is a broken local import, not a third-party one.
        return local_top_level_names([*self.files, *self.snapshot.staged_deletions()])

    def installed_near(self, start: str, python: str | None) -> Installed:
        """What a run from the repository whose first module is ``start`` has installed."""
        key = (posixpath.dirname(start), python)
        if key not in self._installed:
            found = repository_installed(start, self.file_set, self.read_if_there, python)
            self._installed[key] = found
        return self._installed[key]

    def python_near(self, start: str, configured: str | None) -> tuple[str, str]:
        """The Python of a run from the repository, and why that one."""
        key = (posixpath.dirname(start), configured)
        if key not in self._pythons:
            found_python = repository_python(start, self.file_set, self.read_if_there, configured)
            self._pythons[key] = found_python
        return self._pythons[key]

    def modules_of(self, folders: Iterable[str]) -> frozenset[str]:
        """The top-level names the local projects in ``folders`` install:
        what is in the folder, or in its ``src/``."""
        return frozenset().union(*map(self._project_modules, folders))

    def _project_modules(self, folder: str) -> frozenset[str]:
        # Entry points share their installs: one pass over the files per project.
        if folder not in self._projects:
            names = set()
            for root in (folder, resolution.join(folder, "src")):
                prefix = root + "/" if root not in ("", ".") else ""
                for path in self.files:
                    rest = path[len(prefix) :] if path.startswith(prefix) else None
                    if rest and rest.endswith(LOCAL_SUFFIXES):
                        names.add(rest.split("/")[0].partition(".")[0])
            self._projects[folder] = frozenset(name for name in names if is_identifier(name))
        return self._projects[folder]

    def project_imports(self, folders: Iterable[str]) -> list[str]:
        """The absolute imports (``a``, and ``a.b`` for ``from a import b``)
        of every module of the local projects in ``folders``: an installed
        project's code runs from site-packages, where the closure does not
        follow it."""
        return [name for folder in folders for name in self._project_imports(folder)]

    def _project_imports(self, folder: str) -> list[str]:
        if folder not in self._project_imported:
            prefix = folder + "/" if folder not in ("", ".") else ""
            names = []
            for path in self.files:
                scan = self.scan(path) if path.startswith(prefix) else None
                for found in scan.imports if scan else ():
                    if found.level == 0:
                        names.append(found.module)
                        names.extend(f"{found.module}.{name}" for name in found.names)
            self._project_imported[folder] = names
        return self._project_imported[folder]

    def dockerfile_text(self, path: str) -> str:
        """The instructions of the Dockerfile at ``path`` ('' for none),
        without its comments."""
        data = self.read_if_there(path) if path else None
        lines = (data or b"").decode("utf-8", "replace").splitlines()
        return "\n".join(line for line in lines if not line.lstrip().startswith("#"))

    def beside_a_dockerfile(self, path: str) -> bool:
        folder = posixpath.dirname(path)
        return any(
            "dockerfile" in name.lower() and self.tree.is_file(resolution.join(folder, name))
            for name in self.tree.names(folder)
        )

    @functools.cached_property
    def file_set(self) -> frozenset[str]:
        return frozenset(self.files)

    def close(self) -> None:
        """Ends the helpers that compile beside the analysis."""
        self._compilers.close()

    def scan(self, path: str) -> ModuleScan | None:
        if path not in self._scans:
            self._scans[path] = self._scan(path)
        return self._scans[path]

    def _scan(self, path: str) -> ModuleScan | None:
        if not path.endswith(".py"):
            return None  # extensions and bytecode: no source to read
        try:
            compile_later = functools.partial(self._compilers.submit, path)
            return module_scan(self.snapshot, path, compile_later)
        except OSError as error:
            self.findings.append(unreadable_file(path, error))
            return None

    def is_conflict_marker(self, path: str, line: int) -> bool:
        """Whether the module's line ``line`` is a merge conflict's marker."""
        lines = (self.read(path) or b"").split(b"\n", line)
        return 0 < line <= len(lines) and lines[line - 1].startswith(_CONFLICT_MARKERS)

    def shell_calls(self, path: str) -> list[ShellCall]:
        """The calls of the module that run a shell or a program it names
        (asked only for runs in distroless images)."""
        if path not in self._shell_calls:
            self._shell_calls[path] = self._scanned_calls(path)
        return self._shell_calls[path]

    def _scanned_calls(self, path: str) -> list[ShellCall]:
        if not path.endswith(".py"):
            return []
        try:
            found = self.snapshot.derived(
                SHELL_CALLS_NAMESPACE,
                path,
                SOURCE_LIMIT,
                shell_calls,
                _stored_calls,
                _restored_calls,
            )
        except OSError:
            return []  # the scan of its imports reported it
        return found or []

    def syntax(self, path: str) -> SyntaxProblem | None:
        """Why the module does not compile, or None (asked once per path:
        entry points share most of their modules)."""
        if path not in self._syntax:
            self._syntax[path] = self._compiled(path)
        return self._syntax[path]

    def _compiled(self, path: str) -> SyntaxProblem | None:
        def compiled(data: bytes) -> tuple[int, int, str] | tuple[()]:
            problem = self._compilers.problem(path, data)
            return () if problem is None else (problem.line, problem.col, problem.message)

        try:
            found = self.snapshot.derived(
                SYNTAX_NAMESPACE, path, SOURCE_LIMIT, compiled, _as_stored, _restored_syntax
            )
        except OSError:
            return None  # the scan reported it
        return SyntaxProblem(*found) if found else None

    def edits_sys_path(self, path: str) -> bool:
        """Whether the module changes ``sys.path`` (or adds a site folder)."""
        if path not in self._path_edits:
            self._path_edits[path] = self._path_edited(path)
        return self._path_edits[path]

    def _path_edited(self, path: str) -> bool:
        try:
            found = self.snapshot.derived(
                PATH_EDIT_NAMESPACE,
                path,
                SOURCE_LIMIT,
                _edits_sys_path,
                _as_stored,
                _restored_flag,
            )
        except OSError:
            return False
        return found is not None and found[0]

    def location(self, dotted: str) -> str | None:
        """Where the repository holds a module of this dotted name, in any
        folder: the shortest such path (``libs/money.py``, ``storage/``,
        a namespace folder too)."""
        if dotted not in self._locations:
            tail = dotted.replace(".", "/")
            found = [
                _module_path(path, tail) for path in self.files if path.endswith(LOCAL_SUFFIXES)
            ]
            located = [path for path in found if path is not None]
            self._locations[dotted] = min(located, key=len) if located else None
        return self._locations[dotted]

    def read_if_there(self, path: str) -> bytes | None:
        """A repository file's bytes; None for a path the repository does
        not hold (an include that is missing is the caller's finding)."""
        return self.read(path) if path in self.file_set else None

    def read(self, path: str) -> bytes | None:
        try:
            return self.snapshot.read(path, SOURCE_LIMIT)
        except OSError as error:
            self.findings.append(unreadable_file(path, error))
            return None


def _module_path(path: str, tail: str) -> str | None:
    """The module ``tail`` (``libs/money``) that the file at ``path`` is or
    is inside: ``libs/money.py``, or the folder ``libs/money/``."""
    start = 0 if path.startswith(tail + "/") or path.startswith(tail + ".") else None
    if start is None:
        found = path.find("/" + tail + "/")
        found = found if found >= 0 else path.find("/" + tail + ".")
        start = found + 1 if found >= 0 else None
    if start is None:
        return None
    rest = path[start + len(tail) :]
    if rest.startswith("/"):
        return path[: start + len(tail) + 1]
    return path if "/" not in rest and rest.partition(".")[0] == "" else None


_PATH_EDIT = re.compile(
    rb"sys\.path\s*(?:\.\s*(?:insert|append|extend)\b|\[[^]]*\]\s*=|\+=|=[^=])|\baddsitedir\b"
)


def _edits_sys_path(data: bytes) -> tuple[bool]:
    return ((b"sys.path" in data or b"addsitedir" in data) and bool(_PATH_EDIT.search(data)),)


def _restored_flag(value: tuple[object, ...]) -> tuple[bool] | None:
    return (value[0],) if len(value) == 1 and isinstance(value[0], bool) else None


def _as_stored(value: tuple[object, ...]) -> tuple[object, ...]:
    return value


def _stored_calls(calls: list[ShellCall]) -> tuple[object, ...]:
    return tuple(tuple(call) for call in calls)


_CALL_TYPES = tuple(type(value) for value in ShellCall(1, 1, "", "", "", False, False))


def _restored_calls(value: tuple[object, ...]) -> list[ShellCall] | None:
    calls = [
        ShellCall(*call)
        for call in value
        if isinstance(call, tuple) and tuple(map(type, call)) == _CALL_TYPES
    ]
    return calls if len(calls) == len(value) else None


def _restored_syntax(value: tuple[object, ...]) -> tuple[int, int, str] | tuple[()] | None:
    if not value:
        return ()
    line, col, message = value if len(value) == 3 else (None, None, None)
    if isinstance(line, int) and isinstance(col, int) and isinstance(message, str):
        return (line, col, message)
    return None


def linked_files(snapshot: Snapshot, files: Sequence[str]) -> dict[str, str]:
    """Each file below a tracked symlink to a folder of the repository, by
    its path through the link (``services/api/common/x.py``), with its own
    path (``common/x.py``). A link out of the repository, to a file, or to
    a folder above itself (a loop) adds nothing."""
    ordered = sorted(files)
    found: dict[str, str] = {}
    for path in files:
        target = _linked_folder(snapshot, path) if snapshot.is_symlink(path) else None
        if target is None:
            continue
        # The paths below `target/` sort between it and `target0` ("0" follows "/").
        start, end = (
            bisect.bisect_left(ordered, target + "/"),
            bisect.bisect_left(ordered, target + "0"),
        )
        for real in ordered[start:end]:
            found[path + real[len(target) :]] = real
    return found


def _linked_folder(snapshot: Snapshot, path: str) -> str | None:
    try:
        target = os.readlink(snapshot.absolute(path))
    except OSError:
        return None
    if target.startswith("/"):
        return None  # outside the repository, or only on this machine
    folder = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    if folder in (".", "..") or folder.startswith("../") or (path + "/").startswith(folder + "/"):
        return None
    return folder


def local_top_level_names(files: Iterable[str]) -> frozenset[str]:
    """Every name an import of the repository's own code can start with: a
    module (``.py``, or a folder holding one) directly in a folder some
    entry point could have on ``sys.path``: the repository root, a folder
    holding a ``main.py``, a ``__main__.py`` (and the folder above it), a
    Dockerfile, or a ``pyproject.toml`` (and its ``src/``). A package
    vendored deeper (``pip/_vendor/pygments/``), a stub-only folder or a
    tool's folder named like a third-party package is not one; neither are
    the standard library's names."""
    listed = list(files)
    roots = _import_roots(listed)
    names: set[str] = set()
    for path in listed:
        if not path.endswith(LOCAL_SUFFIXES):
            continue
        parts = path.split("/")
        for depth in range(len(parts)):
            if "/".join(parts[:depth]) in roots:
                names.add(parts[depth].partition(".")[0])
    names.difference_update(("__init__", "__main__"))
    return frozenset(name for name in names if is_identifier(name) and not is_stdlib_module(name))


def _import_roots(files: Sequence[str]) -> set[str]:
    """The folders an entry point could have on ``sys.path``: the root,
    where a ``main.py`` runs as a script or a Dockerfile's context is, the
    folder above the top package a ``main.py`` or ``__main__.py`` is run
    from with ``-m``, a ``pyproject.toml``'s folder and its ``src/``."""
    is_file = frozenset(files).__contains__
    roots = {""}
    for path in files:
        folder, _, name = path.rpartition("/")
        if name in ENTRY_NAMES:
            chain = package_chain(folder, is_file)
            roots.add(chain[-1].rpartition("/")[0] if chain else folder)
            if name == "main.py" or chain:
                roots.add(folder)
            else:  # a __main__.py outside packages runs as `python -m folder`
                roots.add(folder.rpartition("/")[0])
        elif name == CONFIG_FILE:
            roots.update((folder, resolution.join(folder, "src")))
        elif "dockerfile" in name.lower():
            roots.add(folder)
    return roots


# --- entry points, placed where they run ---------------------------------------


class Situated(NamedTuple):
    """An entry point placed where it runs: the place and its first module,
    or the report that its script or module is not there (both None: it
    runs no code of the repository)."""

    entry: EntryPoint
    place: Place | None
    start: Start | None
    missing: Report | None = None
    # In an image: what it installs, and its Python (the minor version, and
    # why that one; None: not known). Run from the repository: None, found
    # from the requirements and pyproject nearest to the first module.
    installed: Installed | None = None
    python: tuple[str, str] | None = None
    # In a distroless image: what programs it holds (LH601, LH602).
    presence: Presence | None = None
    base: str = ""  # the image's base, as its final FROM names it


def situate(entry: EntryPoint, place: Place, pythonpath: str | None = None) -> Situated:
    """Where ``entry`` starts in ``place``: its first module and ``sys.path``
    (``pythonpath``: the variable the place sets, which the command line may
    set again)."""
    run = entry.run
    flags = _flags(run.flags)
    pythonpath = run.variable("PYTHONPATH", pythonpath)
    if not commands.is_known(pythonpath):
        # Folders that cannot be told: any module may be found in them.
        pythonpath, place = None, place._replace(unseen=_anywhere)
    if run.kind == commands.SCRIPT:
        return _script_start(entry, place, flags, pythonpath)
    if run.kind == commands.APP:
        server = resolution.AppServer(
            run.server, run.target, run.app_dir, run.chdir, run.pythonpath
        )
        base = resolution.sys_path(resolution.MODULE, "", entry.cwd, pythonpath, flags)
        loaded = resolution.app_server_import(server, base, entry.cwd, place.tree)
        return _module_start(entry, place, loaded.module, loaded.sys_path, is_main=False)
    sys_path = resolution.sys_path(resolution.MODULE, run.target, entry.cwd, pythonpath, flags)
    return _module_start(entry, place, run.target, sys_path, is_main=run.kind == commands.MODULE)


def _anywhere(path: str) -> bool:
    return True


def _flags(letters: frozenset[str]) -> resolution.Flags:
    return resolution.Flags(
        isolated="I" in letters,
        ignore_environment="E" in letters,
        safe_path="P" in letters,
        no_site="S" in letters,
    )


def _script_start(
    entry: EntryPoint, place: Place, flags: resolution.Flags, pythonpath: str | None
) -> Situated:
    target, cwd = entry.run.target, entry.cwd
    script = resolution.absolute(cwd, target)
    if place.tree.is_file(script):
        sys_path = resolution.sys_path(resolution.SCRIPT, target, cwd, pythonpath, flags)
        return Situated(entry, place, Start(script, "__main__", None, sys_path))
    main = resolution.join(script, "__main__.py")
    if place.tree.is_file(main):  # `python folder/` runs its __main__.py
        sys_path = resolution.sys_path(resolution.DIRECTORY, target, cwd, pythonpath, flags)
        return Situated(entry, place, Start(main, "__main__", "", sys_path))
    return _not_there(entry, place, f"no script `{target}`")


def _module_start(
    entry: EntryPoint, place: Place, name: str, sys_path: tuple[str, ...], *, is_main: bool
) -> Situated:
    """A run of module ``name``: as ``__main__`` (``python -m``; a package
    runs its ``__main__``), or imported (an app, a console script)."""
    modules = [resolution.find_module(prefix, sys_path, place.tree) for prefix in prefixes(name)]
    failed = next((module for module in modules if not module.found), None)
    if failed is not None:
        top = name.partition(".")[0]
        if top not in place.local_names:
            return Situated(entry, None, None)  # a standard-library or third-party module
        if any(place.unseen(resolution.join(folder, top)) for folder in sys_path):
            return Situated(entry, None, None)  # it may be where nobody can see
        return _not_there(entry, place, f"no module `{name}` ({failed.error})")
    module = modules.pop()
    runs_package = is_main and module.kind in (resolution.PACKAGE, resolution.NAMESPACE)
    if runs_package:
        modules.append(module)
        module = resolution.find_module(f"{name}.__main__", sys_path, place.tree)
        if not module.found:
            return _not_there(entry, place, f"package `{name}` has no `__main__.py`")
    if module.file is None:
        return _not_there(entry, place, f"`{name}` is a namespace package, which cannot run")
    if is_main:
        package = resolution.main_package(resolution.MODULE, name, is_package=runs_package)
    else:
        package = resolution.package_of(name, is_package=module.kind == resolution.PACKAGE)
    start = Start(
        module.file, "__main__" if is_main else name, package, sys_path, is_main, tuple(modules)
    )
    return Situated(entry, place, start)


def _not_there(entry: EntryPoint, place: Place, what: str) -> Situated:
    command = entry.run.describe()
    if len(command) > COMMAND_SHOWN:
        command = command[: COMMAND_SHOWN - 3] + "..."
    message = f"{what} where {entry.how} runs it (`{command}`): it cannot start"
    return Situated(
        entry, place, None, Report(entry.origin, entry.line, 1, ENTRY_POINT_MISSING.code, message)
    )


def repository_entry_points(
    repo: Repository, configured: Sequence[ConfiguredEntry]
) -> list[EntryPoint]:
    """The entry points that run from the repository itself and that some
    file declares: console scripts, lines of scripts, configured ones."""
    scripts = project_scripts(repo)
    names = frozenset(script.name for script in scripts)
    found = [_console_entry(repo, script) for script in scripts]
    for path in repo.files:
        if is_script_file(path):
            data = repo.read(path)
            if data is not None:
                found.extend(script_entry_points(path, data, names))
    for entry in configured:
        found.extend(_configured_entry(entry))
    return found


def _started_files(situated: Iterable[Situated]) -> set[str]:
    """The repository files that the commands of ``situated`` run first,
    or name as a script (a command that cannot start still says which
    file it means to run: no other way of running it is to be assumed)."""
    started: set[str | None] = set()
    for item in situated:
        if item.place is None:
            continue
        if item.start is not None:
            started.add(item.place.repo_path(item.start.file))
        for word in item.entry.run.words:
            if word.endswith(".py"):
                started.add(item.place.repo_path(resolution.absolute(item.entry.cwd, word)))
    return {path for path in started if path is not None}


def _configured_entry(configured: ConfiguredEntry) -> list[EntryPoint]:
    """``path/x.py``, ``-m a.b`` or ``a.b:app`` (as uvicorn loads it), with
    its ``sys-path`` folders."""
    run = entry_run(configured)
    if run is None:
        return []
    how = f"configured entry point `{configured.text}`"
    return [EntryPoint(run, CONFIG_FILE, 1, how)]


def project_scripts(repo: Repository) -> list[ProjectScript]:
    """The console scripts of every ``pyproject.toml`` in the repository."""
    found = []
    for path in repo.files:
        if path.rpartition("/")[2] != CONFIG_FILE:
            continue
        data = repo.read(path)
        if data is None or b"scripts" not in data:
            continue
        try:
            document = parse_toml(data)
        except ConfigError:
            continue  # the project's own build tools report it
        found.extend(declared_scripts(path, document, data.decode("utf-8", "replace")))
    return found


def _console_entry(repo: Repository, script: ProjectScript) -> EntryPoint:
    """A console script imports its module from the installed project:
    its folder, or its `src/` when the package is there."""
    project = script.pyproject.rpartition("/")[0]
    source = resolution.join(project, "src")
    top = script.module.partition(".")[0]
    root = source if repo.tree.is_dir(resolution.join(source, top)) else project
    run = commands.Run(commands.CONSOLE_SCRIPT, script.module, words=(script.name,))
    how = f"script `{script.name}` of {script.pyproject}"
    return EntryPoint(run, script.pyproject, script.line, how, cwd=root, project=project)


def image_entry_points(
    repo: Repository, console_scripts: frozenset[str], contexts: Sequence[tuple[str, str]] = ()
) -> list[Situated]:
    """The runs of each Dockerfile's final stage (its command and its
    HEALTHCHECKs), placed in the image it builds, for each context it is
    built with (``contexts``: the configuration's Dockerfile glob and
    context folder, first)."""
    dockerfiles = [path for path in repo.files if "dockerfile" in repo.snapshot.tags(path)]
    if not dockerfiles:
        return []
    from lucid_hooks.build_context import build_contexts, compose_builds
    from lucid_hooks.image import ImageCache, model_image

    compose = compose_builds(repo.files, repo.read)
    mapping = dict(contexts)
    cache = ImageCache()  # what the Dockerfiles share: sorted paths, contexts, placements
    situated: list[Situated] = []
    for path in dockerfiles:
        data = repo.read(path)
        if data is None:
            continue
        dockerfile = repo.snapshot.dockerfile(path, data)
        builds = build_contexts(
            path, dockerfile, repo.files, repo.read, mapping=mapping, compose=compose, cache=cache
        )
        for build in builds:
            image = model_image(path, dockerfile, build, cache=cache)
            installed = image_installed(image, data, repo.read_if_there)
            runs = _image_runs(repo, image, console_scripts)
            python, presence = _image_python(image), _presence(image, dockerfile)
            for run in runs:
                placed = _from_installed_project(repo, run, installed.local_folders) or run
                situated.append(
                    placed._replace(
                        installed=installed,
                        python=python,
                        presence=presence,
                        base=image.base.reference,
                    )
                )
    return situated


def _from_installed_project(
    repo: Repository, item: Situated, projects: Sequence[str]
) -> Situated | None:
    """A run of a module that the image's files lack but a local project
    pip installed there provides (`-e ./libs/tool`, then `python -m
    tool.cli`): followed from the project's source in the repository, as
    site-packages holds it. None for any other run."""
    run = item.entry.run
    if item.start is not None or run.kind not in (commands.MODULE, commands.APP):
        return None
    name = run.target.partition(":")[0]
    top = name.partition(".")[0]
    for folder in projects:
        if top in repo.modules_of((folder,)):
            source = resolution.join(folder, "src")
            package, module = resolution.join(source, top), resolution.join(source, top + ".py")
            root = source if repo.tree.is_dir(package) or repo.tree.is_file(module) else folder
            place = Place(repo.tree, repo.repo_path, repo.local_names)
            is_main = run.kind == commands.MODULE
            return _module_start(item.entry, place, name, (root,), is_main=is_main)
    return None


def _image_runs(repo: Repository, image: Image, console_scripts: frozenset[str]) -> list[Situated]:
    place = _image_place(repo, image)
    workdir = image.workdir.value or "/"
    setting = image.env.get("PYTHONPATH")
    pythonpath = None if setting is None else setting.value
    started = [(image.command, image.command_line, "command")]
    started.extend((check.argv, check.line, "HEALTHCHECK") for check in image.healthchecks)
    # A context guessed as the repository root is said: the findings hold
    # only if it is (the configuration's `dockerfiles` says otherwise).
    built = GUESSED_ROOT if _from_guessed_root(image) else ""
    situated = []
    for argv, line, what in started:
        how = f"the {what} of {image.dockerfile}{built}"
        for run in commands.runs_in(argv or (), console_scripts):
            cwd = resolution.absolute(workdir, run.cwd)
            entry = EntryPoint(run, image.dockerfile, line or 1, how, image.dockerfile, cwd)
            situated.append(situate(entry, place, pythonpath))
    return situated


def _image_python(image: Image) -> tuple[str, str] | None:
    if image.python_version is None:
        return None
    return image.python_version, image.base.reference


def _presence(image: Image, dockerfile: Dockerfile) -> Presence | None:
    """What programs a distroless image holds; None for another image
    (one that is not distroless has a shell, and packages not known)."""
    from lucid_hooks.distroless_images import REGISTRY

    if not image.base.name.startswith(REGISTRY):
        return None
    from lucid_hooks.distroless_analysis import Presence, distroless_of

    facts = distroless_of(image)
    if facts is None:
        return None
    # A RUN on a distroless image (every stage of the chain is one) can
    # write no program: its lines do not make programs "may exist".
    stages = dockerfile.stages
    runs = frozenset(
        instruction.line
        for index in image.chain
        if index < len(stages)
        for instruction in stages[index].instructions
        if instruction.keyword == "RUN"
    )
    return Presence(image, facts, runs)


def _from_guessed_root(image: Image) -> bool:
    from lucid_hooks.build_context import ROOT

    return image.context is not None and image.context.how == ROOT


def _image_place(repo: Repository, image: Image) -> Place:
    from lucid_hooks.image import RUN

    files = image.files
    # Only a pip install of a local project could put local modules where
    # nobody sees them; other RUN steps add third-party code.
    installs_local = any(install.local and install.final for install in image.installs)

    def repo_path(path: str) -> str | None:
        found = files.get(path)
        return None if found is None else found.source

    def unseen(path: str) -> bool:
        return installs_local or any(region.kind != RUN for region in image.covering(path))

    return Place(Tree(files), repo_path, repo.local_names, unseen, image.python_version)


class Analysis(NamedTuple):
    """Every entry point of the repository and what fails in each, as
    builtin data for the disk cache (see `EntryRow` and `ReportRow`)."""

    entries: tuple[EntryRow, ...]
    reports: tuple[ReportRow, ...]


def analyse(repo: Repository, settings: Settings) -> Analysis:
    """Every entry point placed and followed, and the reports of each."""
    place = Place(repo.tree, repo.repo_path, repo.local_names)
    entries = repository_entry_points(repo, settings.entry_points)
    console_scripts = frozenset(entry.run.words[0] for entry in entries if entry.project)
    situated = [situate(entry, place) for entry in entries]
    situated.extend(image_entry_points(repo, console_scripts, settings.contexts))
    # A main.py that no command starts runs the way a user would assume.
    assumed = assumed_entry_points(repo.files, _started_files(situated), repo.tree.is_file)
    situated.extend(situate(entry, place) for entry in assumed)
    index = {path: number for number, path in enumerate(repo.files)}
    # Every closure first: the modules they read are compiled meanwhile.
    closures = [_closure_of(repo, item) for item in situated]
    reached: dict[Report, list[int]] = {}
    entry_rows = []
    usages: list[RunUsage] = []
    for number, (item, closure) in enumerate(zip(situated, closures)):
        reports, files, usage = _reports_of(repo, item, closure, settings)
        numbers = sorted(index[path] for path in files if path in index)
        entry_rows.append(_entry_row(repo, item, closure, tuple(numbers), settings))
        for report in reports:
            reached.setdefault(report, []).append(number)
        usages.append(usage)
    for report, installing in _never_imported_reports(repo, usages):
        reached.setdefault(report, []).extend(installing)
    rows = []
    for report in sorted(reached):
        named = _named(report, [situated[number].entry for number in reached[report]])
        rows.append((*named, tuple(reached[report])))
    return Analysis(tuple(entry_rows), tuple(rows))


def _entry_row(
    repo: Repository,
    item: Situated,
    closure: Closure | None,
    reached: tuple[int, ...],
    settings: Settings,
) -> EntryRow:
    """The entry point as the hook and the report see it."""
    entry = item.entry
    row = EntryRow(
        entry.origin,
        reached,
        entry.line,
        entry.how,
        entry.run.describe(),
        entry.dockerfile,
        entry.cwd,
        entry.assumed,
        image=item.base,
    )
    if closure is None or item.start is None or item.place is None:
        return row
    installed, python = _environment(repo, item, settings)
    minor = int(python[0].partition(".")[2]) if python and python[0].count(".") == 1 else None
    imports = sorted(
        {
            external.name.partition(".")[0]
            for external in closure.externals
            if not is_stdlib_module(external.name.partition(".")[0], minor)
        }
    )
    imported = _imported_names(closure)
    used = used_distributions(installed.distributions, imported, (), dict(settings.import_names))
    return row._replace(
        module=item.place.repo_path(item.start.file) or "",
        python=python[0] if python else "",
        python_source=python[1] if python else "",
        imports=tuple(imports),
        distributions=tuple(sorted(used)),
        requirements=installed.sources,
    )


def _imported_names(closure: Closure) -> list[str]:
    """The modules the run imports from outside, ``a.b`` for ``from a import b`` too."""
    return [
        name
        for external in closure.externals
        for name in (external.name, *(f"{external.name}.{part}" for part in external.names))
    ]


def _closure_of(repo: Repository, item: Situated) -> Closure | None:
    if item.missing is not None or item.start is None or item.place is None:
        return None
    return follow(item.place, item.start, repo.scan)


def _reports_of(
    repo: Repository, item: Situated, closure: Closure | None, settings: Settings
) -> tuple[list[Report], frozenset[str], RunUsage]:
    """The run's reports, the files it reaches, and what it installs and uses."""
    if item.missing is not None or closure is None or item.start is None or item.place is None:
        # What it runs is not known: all it installs may be used.
        unknown_use = RunUsage(item.installed.required if item.installed else (), None)
        return ([item.missing] if item.missing else []), frozenset(), unknown_use
    # Code that changes sys.path itself (`sys.path.insert(0, ...)`) may make
    # any module importable: what is missing is not known to be.
    path_edited = any(repo.edits_sys_path(path) for path in closure.files)
    # A local project installed for the run (`-e ./libs/common`, or into a
    # builder's venv) makes its modules importable from site-packages.
    environment = _environment(repo, item, settings)
    installed_names = repo.modules_of(environment[0].local_folders)
    outcomes = [
        outcome
        for outcome in closure.outcomes
        if not (
            outcome.kind == import_graph.MISSING_MODULE
            and (path_edited or outcome.name.partition(".")[0] in installed_names)
        )
    ]
    reports = [*_outcome_reports(repo, outcomes)]
    reports.extend(_syntax_reports(repo, closure, _compiles_like_the_hook(item.place.python)))
    # What sys.path hides counts as reached: a commit of that file checks this run.
    hidden = _shadowing_reports(item.entry.run, item.place, item.start, closure, path_edited)
    reports.extend(hidden)
    # The files that say what is installed count as reached too.
    external, declaring = _external_reports(
        repo, item, closure, environment, settings, path_edited
    )
    reports.extend(external)
    if item.presence is not None:
        reports.extend(_shell_reports(repo, item, closure, item.presence))
    usage = _usage_of(repo, item, closure, environment[0], settings, path_edited)
    return reports, closure.files | {report.path for report in hidden} | declaring, usage


def _usage_of(
    repo: Repository,
    item: Situated,
    closure: Closure,
    installed: Installed,
    settings: Settings,
    path_edited: bool,
) -> RunUsage:
    """What an image run installs from requirements files, and the
    distributions it imports or runs (LH212); nothing for a run from the
    repository, whose requirements serve its tests and tools too."""
    if item.installed is None or not installed.required:
        return RunUsage((), None)
    # A local import that fails hides what the module it names would
    # import: what the run uses is not known then.
    broken = any(
        o.kind in (import_graph.MISSING_MODULE, import_graph.RELATIVE) for o in closure.outcomes
    )
    if path_edited or not installed.known or broken:
        return RunUsage(installed.required, None)
    imported = _imported_names(closure)
    imported.extend(repo.project_imports(installed.local_folders))
    run = item.entry.run
    words = [*run.words, run.server, repo.dockerfile_text(item.entry.dockerfile)]
    overrides = dict(settings.import_names)
    used = used_distributions(installed.distributions, imported, words, overrides)
    return RunUsage(installed.required, used)


def _never_imported_reports(
    repo: Repository, usages: Sequence[RunUsage]
) -> Iterator[tuple[Report, tuple[int, ...]]]:
    """LH212, each with the runs that install the line."""
    for declared, numbers in unused_lines(usages, repo.read_if_there):
        message = f"`{declared.name}` is installed, but no module the image runs imports it"
        yield (
            Report(declared.path, declared.line, 1, REQUIREMENT_NEVER_IMPORTED.code, message),
            numbers,
        )


def _external_reports(
    repo: Repository,
    item: Situated,
    closure: Closure,
    environment: tuple[Installed, tuple[str, str] | None],
    settings: Settings,
    path_edited: bool,
) -> tuple[list[Report], frozenset[str]]:
    """LH206-LH211 for the run: its third-party and standard-library
    imports (``environment``: what it has installed, and its Python), and
    the requirements that say what is installed."""
    installed, python = environment
    # Code that edits sys.path may put packages anywhere; a main.py nothing
    # starts beside a Dockerfile whose command is not known (a base image
    # nothing is known of) most likely runs in that image.
    if path_edited or (item.entry.assumed and repo.beside_a_dockerfile(item.entry.origin)):
        installed = installed._replace(known=False)
    overrides = dict(settings.import_names)
    judged = judged_imports(closure.externals, python, installed, overrides)
    reports = [Report(j.path, j.line, j.col, _EXTERNAL_CODES[j.kind], j.message) for j in judged]
    reports.extend(
        Report(problem.path, problem.line, problem.column, _problem_code(problem), problem.message)
        for problem in installed.problems
    )
    return reports, frozenset((*installed.sources, *(p.path for p in installed.problems)))


def _environment(
    repo: Repository, item: Situated, settings: Settings
) -> tuple[Installed, tuple[str, str] | None]:
    """What the run has installed, and its Python: the image's, or those
    of the requirements nearest to its first module."""
    if item.installed is not None:
        return item.installed, item.python
    assert item.start is not None and item.place is not None
    start = item.place.repo_path(item.start.file) or item.start.file
    python = repo.python_near(start, settings.target_version)
    return repo.installed_near(start, python[0]), python


def _problem_code(problem: Problem) -> str:
    if "include" in problem.message:
        return REQUIREMENTS_INCLUDE_BROKEN.code
    return REQUIREMENT_UNPARSABLE.code


def _shadowing_reports(
    run: commands.Run, place: Place, start: Start, closure: Closure, path_edited: bool
) -> list[Report]:
    """LH403 for the run. Once its code changes sys.path, which module wins
    a name is not known, but the first folders still come first."""
    search = shadowing.search_path(run.kind, start.sys_path)
    imported = () if path_edited else {*closure.imported, *_run_module(run, start)}
    return shadowing.shadowing_reports(
        search, place.tree, place.repo_path, place.python, imported, closure.files
    )


def _run_module(run: commands.Run, start: Start) -> tuple[str, ...]:
    """The top-level name of the module the run itself imports through
    sys.path (`python -m`, an app, a console script); none for a script."""
    if run.kind == commands.SCRIPT:
        return ()
    name = run.target if start.is_main else start.name
    return (name.partition(".")[0],)


def _compiles_like_the_hook(python: str | None) -> bool:
    """Whether the hook's own interpreter can judge the syntax of code run
    by ``python`` ("3.12"; None: not known): not for a newer one."""
    if python is None:
        return True
    major, _, minor = python.partition(".")
    return (
        not (major.isdigit() and minor.isdigit())
        or (int(major), int(minor)) <= sys.version_info[:2]
    )


def _outcome_reports(repo: Repository, outcomes: Iterable[Outcome]) -> Iterator[Report]:
    for outcome in outcomes:
        message = outcome.error
        if outcome.kind == import_graph.MISSING_MODULE:
            location = repo.location(outcome.name)
            if location is not None:
                message += f" (the repository has it at {location})"
        if outcome.deferred:
            message += " when the function runs"
        yield Report(outcome.path, outcome.line, outcome.col, _CODES[outcome.kind], message)


def _syntax_reports(repo: Repository, closure: Closure, judged: bool) -> Iterator[Report]:
    """LH205 for the run's modules; when its Python is newer than the
    hook's (not ``judged``), only the errors no Python accepts: a merge
    conflict's markers."""
    for path in sorted(closure.files):
        problem = repo.syntax(path)
        if problem is not None and (judged or repo.is_conflict_marker(path, problem.line)):
            message = f"does not compile ({problem.message}), so importing it fails"
            yield Report(path, problem.line, problem.col, SYNTAX_ERROR.code, message)


def _shell_reports(
    repo: Repository, item: Situated, closure: Closure, presence: Presence
) -> Iterator[Report]:
    """LH601 and LH602 for a run in a distroless image: the calls of its
    modules that run a shell or a program the image surely lacks (a call
    in a `__main__` block only in the module the run executes as main)."""
    assert item.start is not None and item.place is not None
    main = item.place.repo_path(item.start.file) if item.start.is_main else None
    for path in sorted(closure.files):
        for call in repo.shell_calls(path):
            if not call.main_only or path == main:
                report = _shell_report(path, call, presence)
                if report is not None:
                    yield report


def _shell_report(path: str, call: ShellCall, presence: Presence) -> Report | None:
    program = "/bin/sh" if call.kind == SHELL else call.program
    if presence.program(program) is not False:
        return None  # there, or it may be (copied from another image, say)
    if call.kind == SHELL:
        function, advice = _shell_advice(call.detail)
        code = SHELL_NEEDED.code
    else:
        function, advice = call.detail, _program_advice(program.rpartition("/")[2])
        code = PROGRAM_NOT_IN_IMAGE.code
    what = f"{function} runs {_shortened(program, PROGRAM_SHOWN)}"
    when = "; it fails when the function runs" if call.deferred else ""
    facts = presence.facts
    # The image's name where the line has room for it, and the advice.
    tried = [(facts.reference, advice), (facts.repository, advice), ("the image", advice)]
    for image, tip in [*tried, ("the image", "")]:
        message = f"{what}, which {image} lacks" + (f": {tip}" if tip else "") + when
        if len(message) <= SHELL_MESSAGE_LENGTH:
            break
    return Report(path, call.line, call.col, code, message)


def _shell_advice(function: str) -> tuple[str, str]:
    """How an LH601 message names the call, and its way out."""
    if function.startswith("asyncio."):
        return function, "use create_subprocess_exec"
    if function.endswith("(shell=True)"):
        name = function.removeprefix("subprocess.").removesuffix("(shell=True)")
        return "shell=True", f"pass {name} a list"
    return function, "pass subprocess.run a list"


def _program_advice(name: str) -> str:
    if name in _PROGRAM_ADVICE:
        return _PROGRAM_ADVICE[name]
    if name in _FILE_PROGRAMS:
        return "use os, shutil or pathlib"
    return "COPY it in or do it in Python"


def _named(report: Report, entries: Sequence[EntryPoint]) -> Report:
    """The report's message with the entry points that reach it (a missing
    entry point's message names its command already): as many as fit in
    MESSAGE_LENGTH, the others counted; the rest is for `lucid-hooks rule`."""
    if report.code == ENTRY_POINT_MISSING.code:
        return report
    names = sorted({entry.how for entry in entries})
    message = _shortened(report.message, MESSAGE_LENGTH - 40)
    for shown in range(min(len(names), NAMED_ENTRY_POINTS), 0, -1):
        rest = len(names) - shown
        named = ", ".join(names[:shown]) + (f" and {rest} more" if rest else "")
        if len(message) + len(named) + 6 <= MESSAGE_LENGTH:
            break
    else:
        named = _compact(names[0]) + (f" and {len(names) - 1} more" if len(names) > 1 else "")
    # Only the user knows how such a module really runs: say where to tell it.
    assumed = all(entry.assumed for entry in entries)
    hint = ASSUMED_HINT if assumed and report.code in _HOW_IT_RUNS_MATTERS else ""
    return report._replace(message=f"{message}, for {named}{hint}")


def _compact(how: str) -> str:
    """An entry point's name short enough for a line: without the note on
    its guessed build context first, so that a path is cut only when
    nothing else is left to cut."""
    return _shortened(how.removesuffix(GUESSED_ROOT), 60)


def _shortened(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 3] + "..."
