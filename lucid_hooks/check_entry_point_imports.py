"""check-entry-point-imports: every entry point finds its local modules (LH2xx).

Each service entry point is followed, statically, from the command that
starts it (a Dockerfile's final stage, a ``[project.scripts]`` table, a
script, or the invocation a user would assume) through every local import
it reaches, resolved on the ``sys.path`` it really gets, in the files that
really exist where it runs. An import that would raise ``ModuleNotFoundError``
or ``ImportError`` is reported where it is written, naming the entry points
that reach it. The hook never imports or runs the code it checks.
"""

from __future__ import annotations

import functools
import sys
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks import commands, import_graph, imports, resolution
from lucid_hooks.cache import content_key
from lucid_hooks.config import CONFIG_FILE, ConfigError, parse_toml
from lucid_hooks.entry_points import (
    EntryPoint,
    ProjectScript,
    assumed_entry_points,
    declared_scripts,
    is_script_file,
    script_entry_points,
)
from lucid_hooks.findings import Finding, unreadable_file
from lucid_hooks.import_graph import Closure, Place, Start, follow
from lucid_hooks.options import TEXTS, Option
from lucid_hooks.packages import INIT, SOURCE_SUFFIXES, is_identifier
from lucid_hooks.paths import path_selector
from lucid_hooks.registry import FileSelection, Hook
from lucid_hooks.resolution import Tree
from lucid_hooks.rules import Rule
from lucid_hooks.runner import HookContext, run_hook
from lucid_hooks.stdlib import is_stdlib_module

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from lucid_hooks.image import Image
    from lucid_hooks.imports import ModuleScan

HOOK_ID = "check-entry-point-imports"

MISSING_LOCAL_MODULE = Rule(
    code="LH201",
    name="missing-local-module",
    hook=HOOK_ID,
    summary="A local module an entry point imports is not on its sys.path",
    explanation="""
        An entry point reaches an `import` of a module whose top-level name
        is one of the repository's own (a package or module somewhere in
        it), but the module is not found on the `sys.path` the entry point
        runs with: the script's folder for `python path/x.py`, the working
        directory for `python -m` and app servers, then `PYTHONPATH`. In a
        container only the files that COPY put into the image exist. The
        service builds and deploys, then dies with `ModuleNotFoundError` on
        its first request or at start. Resolution follows CPython's path
        finder: a package folder with `__init__.py` beats a module file,
        which beats a namespace folder, and a namespace package spans every
        `sys.path` entry. Imports under `try`/`except ImportError` are
        optional and not reported; an import inside a function is reported
        too, saying that it fails when the function runs. Fix the import,
        move the module, or start the entry point so that the folder is on
        `sys.path` (`python -m` from the folder above the package,
        `PYTHONPATH`, `WORKDIR`, `COPY`).
    """,
    bad="""
# services/billing/Dockerfile: WORKDIR /app, COPY services/billing/ .,
# CMD ["python", "main.py"]
from libs.money import cents     # libs/ was never copied into the image
""",
    good="""
# COPY libs/ ./libs/ as well (or install libs as a package)
from libs.money import cents
""",
)

MISSING_NAME = Rule(
    code="LH202",
    name="name-not-in-module",
    hook=HOOK_ID,
    summary="`from module import name` names something the module does not define",
    explanation="""
        The module is found, but the name is neither a submodule of it nor
        bound in it (by an assignment, `def`, `class`, `import`, `for`,
        `with ... as` or `__all__`, anywhere in the file), so the import
        raises `ImportError: cannot import name`. A module with a star
        import, a module-level `__getattr__` or writes to `globals()` may
        bind any name and is never reported; neither is a compiled
        extension. Usually the name was renamed or moved: import it from
        where it lives now.
    """,
    bad="""
# wallet/keys.py defines load_key
from wallet.keys import read_key
""",
    good="""
from wallet.keys import load_key
""",
)

RELATIVE_IMPORT_FAILS = Rule(
    code="LH203",
    name="relative-import-fails",
    hook=HOOK_ID,
    summary="A relative import has no package to be relative to",
    explanation="""
        `from .x import y` is resolved against the package of the module
        that holds it. A file run as a script (`python recorder.py`) has no
        package, so every relative import in it raises `ImportError:
        attempted relative import with no known parent package`; so does one
        in a module an app server loads as top-level (`uvicorn main:app`).
        With more dots than the module has enclosing packages it raises
        `attempted relative import beyond top-level package`. Run the entry
        point as a module of its package (`python -m sessions.recorder` from
        the folder above `sessions/`), or import absolutely.
    """,
    bad="""
# sessions/Dockerfile: CMD ["python", "sessions/recorder.py"]
from .storage import save
""",
    good="""
# CMD ["python", "-m", "sessions.recorder"]
from .storage import save
""",
)

ENTRY_POINT_MISSING = Rule(
    code="LH204",
    name="entry-point-missing",
    hook=HOOK_ID,
    summary="The script or module an entry point starts does not exist where it runs",
    explanation="""
        A command names a script or module that is not there: a Dockerfile's
        `CMD ["python", "app/main.py"]` whose file COPY never put at
        `/app/app/main.py`, `python -m api.main` with no `api/main.py` on
        the working directory's path, a `[project.scripts]` entry
        `pkg.cli:main` with no `pkg/cli.py` in the project. The container or
        the command fails before any code of the service runs. Fix the path
        in the command, or the COPY.
    """,
    bad="""
# WORKDIR /app and COPY src/ /app/  (so the file is /app/api/main.py)
CMD ["python", "src/api/main.py"]
""",
    good="""
CMD ["python", "api/main.py"]
""",
)

SYNTAX_ERROR = Rule(
    code="LH205",
    name="syntax-error-reached",
    hook=HOOK_ID,
    summary="A file an entry point imports does not compile",
    explanation="""
        A module in the import closure of an entry point is not valid Python
        for the interpreter running the hook, so the entry point stops with
        `SyntaxError` as soon as it imports it (a leftover merge-conflict
        marker, Python 2 syntax, an unclosed bracket). The hook still reads
        the imports of such a file, as far as they can be told, and follows
        them. Fix the syntax; if the file is meant for a newer Python than
        the hook's, run the hook with that Python.
    """,
    bad="""
<<<<<<< HEAD
RATE = 3
=======
RATE = 4
>>>>>>> feature
""",
    good="""
RATE = 4
""",
)

RULES = (
    MISSING_LOCAL_MODULE,
    MISSING_NAME,
    RELATIVE_IMPORT_FAILS,
    ENTRY_POINT_MISSING,
    SYNTAX_ERROR,
)

OPTIONS = (
    Option(
        "entry-points",
        TEXTS,
        (),
        "more entry points, run from the repository root: a script path,"
        " `-m package.module` or `package.module:app`",
        flag="--entry-point",
    ),
)

# Files larger than this are not read for imports (generated data, vendored blobs).
SOURCE_LIMIT = 4 << 20
SCAN_NAMESPACE = "import-scan-1"
ANALYSIS_NAMESPACE = "entry-analysis-1"
SYNTAX_NAMESPACE = "syntax-1"
# How much of a command an LH204 message shows.
COMMAND_SHOWN = 60
# How many entry points a message names before it counts the rest.
NAMED_ENTRY_POINTS = 2
_CODES = {
    import_graph.MISSING_MODULE: MISSING_LOCAL_MODULE.code,
    import_graph.MISSING_NAME: MISSING_NAME.code,
    import_graph.RELATIVE: RELATIVE_IMPORT_FAILS.code,
}


class Report(NamedTuple):
    """One failing import, one file that does not compile, or one command
    whose script or module is not there."""

    path: str
    line: int
    col: int
    code: str
    message: str


# --- the repository ---------------------------------------------------------


class Repository:
    """The repository as its entry points see it: its files, the top-level
    names of its own modules, and the scans of its Python files (kept in
    the disk cache by content)."""

    def __init__(self, context: HookContext) -> None:
        self.snapshot = context.snapshot
        self.files = self.snapshot.files(context.excludes)
        self.findings: list[Finding] = []
        self._scans: dict[str, ModuleScan | None] = {}
        self._locations: dict[str, str | None] = {}

    @functools.cached_property
    def tree(self) -> Tree:
        return Tree(self.files)

    @functools.cached_property
    def local_names(self) -> frozenset[str]:
        # A module the commit deletes is still the repository's own: an
        # import of it is a broken local import, not a third-party one.
        return local_top_level_names([*self.files, *self.snapshot.staged_deletions()])

    def fingerprint(self, options: str) -> bytes:
        """A key that changes whenever a file (its path or its content) or
        the options do: any file can be copied into an image or name a
        module, so every one counts."""
        signatures = self.snapshot.signatures(self.files)
        # Paths and signatures hold no NUL: the joins tell them apart.
        return content_key(options, "\0".join(self.files), "\0".join(signatures))

    def scan(self, path: str) -> ModuleScan | None:
        if path not in self._scans:
            self._scans[path] = self._scan(path)
        return self._scans[path]

    def _scan(self, path: str) -> ModuleScan | None:
        if not path.endswith(".py"):
            return None  # extensions and bytecode: no source to read
        try:
            return self.snapshot.derived(
                SCAN_NAMESPACE, path, SOURCE_LIMIT, imports.scan, imports.encode, imports.decode
            )
        except OSError as error:
            self.findings.append(unreadable_file(path, error))
            return None

    def syntax(self, path: str) -> imports.SyntaxProblem | None:
        try:
            found = self.snapshot.derived(
                SYNTAX_NAMESPACE, path, SOURCE_LIMIT, _syntax_value, _as_stored, _restored_syntax
            )
        except OSError:
            return None  # the scan reported it
        return imports.SyntaxProblem(*found) if found else None

    def location(self, dotted: str) -> str | None:
        """Where the repository holds a module of this dotted name, in any
        folder: the shortest such path (``libs/money.py``, ``storage/``)."""
        if dotted not in self._locations:
            tail = dotted.replace(".", "/")
            found = [
                path[: -len(INIT)] if path.endswith("/" + INIT) else path
                for path in self.files
                if path.endswith((f"{tail}.py", f"{tail}/{INIT}"))
                and (path.startswith(tail) or f"/{tail}" in path)
            ]
            self._locations[dotted] = min(found, key=len) if found else None
        return self._locations[dotted]

    def read(self, path: str) -> bytes | None:
        try:
            return self.snapshot.read(path, SOURCE_LIMIT)
        except OSError as error:
            self.findings.append(unreadable_file(path, error))
            return None


def _syntax_value(data: bytes) -> tuple[int, int, str] | tuple[()]:
    problem = imports.syntax_problem(data)
    return () if problem is None else (problem.line, problem.col, problem.message)


def _as_stored(value: tuple[object, ...]) -> tuple[object, ...]:
    return value


def _restored_syntax(value: tuple[object, ...]) -> tuple[int, int, str] | tuple[()] | None:
    if not value:
        return ()
    line, col, message = value if len(value) == 3 else (None, None, None)
    if isinstance(line, int) and isinstance(col, int) and isinstance(message, str):
        return (line, col, message)
    return None


def local_top_level_names(files: Iterable[str]) -> frozenset[str]:
    """Every name an import of the repository's own code can start with:
    each folder on the way to a Python file and each module's own name,
    whatever folder it is in, except the standard library's names."""
    names: set[str] = set()
    for path in files:
        if not path.endswith(SOURCE_SUFFIXES):
            continue
        *folders, name = path.split("/")
        names.update(folders)
        names.add(name.partition(".")[0])
    return frozenset(name for name in names if is_identifier(name) and not is_stdlib_module(name))


# --- entry points, placed where they run ---------------------------------------


class Situated(NamedTuple):
    """An entry point placed where it runs: the place and its first module,
    or the report that its script or module is not there (both None: it
    runs no code of the repository)."""

    entry: EntryPoint
    place: Place | None
    start: Start | None
    missing: Report | None = None


def situate(entry: EntryPoint, place: Place, pythonpath: str | None = None) -> Situated:
    """Where ``entry`` starts in ``place``: its first module and ``sys.path``."""
    run = entry.run
    flags = _flags(run.flags)
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
    modules = [resolution.find_module(prefix, sys_path, place.tree) for prefix in _prefixes(name)]
    failed = next((module for module in modules if not module.found), None)
    if failed is not None:
        if name.partition(".")[0] not in place.local_names:
            return Situated(entry, None, None)  # a standard-library or third-party module
        return _not_there(entry, place, f"no module `{name}` ({failed.error})")
    module = modules.pop()
    runs_package = is_main and module.kind == resolution.PACKAGE
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


def _prefixes(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts) + 1)]


def _not_there(entry: EntryPoint, place: Place, what: str) -> Situated:
    command = entry.run.describe()
    if len(command) > COMMAND_SHOWN:
        command = command[: COMMAND_SHOWN - 3] + "..."
    message = f"{what} where {entry.how} runs it (`{command}`): it cannot start"
    return Situated(
        entry, place, None, Report(entry.origin, entry.line, 1, ENTRY_POINT_MISSING.code, message)
    )


def repository_entry_points(repo: Repository, configured: Sequence[str]) -> list[EntryPoint]:
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
    for text in configured:
        found.extend(_configured_entry(text))
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


def _configured_entry(text: str) -> list[EntryPoint]:
    """``path/x.py``, ``-m a.b`` or ``a.b:app`` (as uvicorn loads it)."""
    words = text.split()
    if len(words) == 1 and ":" in text:
        run = commands.simple_run(["uvicorn", text])
    else:
        run = commands.simple_run(["python", *words])
    if run is None:
        return []
    return [EntryPoint(run, CONFIG_FILE, 1, f"configured entry point `{text}`")]


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


def image_entry_points(repo: Repository, console_scripts: frozenset[str]) -> list[Situated]:
    """The runs of each Dockerfile's final stage (its command and its
    HEALTHCHECKs), placed in the image it builds, for each context it is
    built with."""
    dockerfiles = [path for path in repo.files if "dockerfile" in repo.snapshot.tags(path)]
    if not dockerfiles:
        return []
    from lucid_hooks.build_context import build_contexts, compose_builds
    from lucid_hooks.image import model_image

    compose = compose_builds(repo.files, repo.read)
    situated = []
    for path in dockerfiles:
        data = repo.read(path)
        if data is None:
            continue
        dockerfile = repo.snapshot.dockerfile(path, data)
        for build in build_contexts(path, dockerfile, repo.files, repo.read, compose=compose):
            image = model_image(path, dockerfile, build)
            situated.extend(_image_runs(repo, image, console_scripts))
    return situated


def _image_runs(repo: Repository, image: Image, console_scripts: frozenset[str]) -> list[Situated]:
    place = _image_place(repo, image)
    workdir = image.workdir.value or "/"
    setting = image.env.get("PYTHONPATH")
    pythonpath = None if setting is None else setting.value
    started = [(image.command, image.command_line, "command")]
    started.extend((check.argv, check.line, "HEALTHCHECK") for check in image.healthchecks)
    situated = []
    for argv, line, what in started:
        how = f"the {what} of {image.dockerfile}"
        for run in commands.runs_in(argv or (), console_scripts):
            cwd = resolution.absolute(workdir, run.cwd)
            entry = EntryPoint(run, image.dockerfile, line or 1, how, image.dockerfile, cwd)
            situated.append(situate(entry, place, pythonpath))
    return situated


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

    return Place(Tree(files), repo_path, repo.local_names, unseen)


# --- the hook ---------------------------------------------------------------


def find_broken_imports(context: HookContext) -> list[Finding]:
    """The reports of every entry point that touches a passed file (the
    file that says how it starts, or a file it imports), each naming every
    entry point that reaches it: so each batch of pre-commit prints lines
    of one run over all files, and a commit that deletes a module checks
    every entry point (the module's importers were not passed)."""
    repo = Repository(context)
    analysis = repository_analysis(repo, context.strings("entry-points"))
    # The folders given hold every file below them, of whatever type.
    passed = path_selector(context.given_files, context.folders)
    if context.snapshot.staged_deletions():
        passed = _everything
    checked = {
        number
        for number, (origin, files) in enumerate(analysis.entries)
        if passed(origin) or any(passed(repo.files[index]) for index in files)
    }
    findings = [
        Finding(path, code, message, line=line, column=col)
        for path, line, col, code, message, entries in analysis.reports
        if not checked.isdisjoint(entries)
    ]
    return repo.findings + findings


def _everything(path: str) -> bool:
    return True


def _same_path(path: str) -> str | None:
    return path


class Analysis(NamedTuple):
    """Every entry point of the repository and what fails in each, as
    builtin data for the disk cache: ``entries`` are (origin, indices of
    the repository files it runs), ``reports`` are (path, line, col, code,
    message, indices of the entry points that reach it)."""

    entries: tuple[tuple[str, tuple[int, ...]], ...]
    reports: tuple[tuple[str, int, int, str, str, tuple[int, ...]], ...]


def repository_analysis(repo: Repository, configured: Sequence[str]) -> Analysis:
    """The analysis of the whole repository: from the disk cache when no
    file it reads (nor the list of files) changed since the run that made
    it. A run that could not read a file is not kept (the next may)."""
    cache = repo.snapshot.cache
    where = content_key(repo.snapshot.root)
    fingerprint = repo.fingerprint(repr(sorted(configured)))
    kept = cache.get(ANALYSIS_NAMESPACE, where, tuple) if cache.enabled else None
    if kept is not None and len(kept) == 2 and kept[0] == fingerprint:
        restored = _restored_analysis(kept[1])
        if restored is not None:
            return restored
    analysis = analyse(repo, configured)
    if cache.enabled and not repo.findings:
        cache.put(ANALYSIS_NAMESPACE, where, (fingerprint, tuple(analysis)))
    return analysis


def _restored_analysis(value: object) -> Analysis | None:
    if not isinstance(value, tuple) or len(value) != 2:
        return None
    entries, reports = value
    if not isinstance(entries, tuple) or not isinstance(reports, tuple):
        return None
    if not all(isinstance(entry, tuple) and len(entry) == 2 for entry in entries):
        return None
    if not all(isinstance(report, tuple) and len(report) == 6 for report in reports):
        return None
    return Analysis(entries, reports)


def analyse(repo: Repository, configured: Sequence[str]) -> Analysis:
    """Every entry point placed and followed, and the reports of each."""
    place = Place(repo.tree, _same_path, repo.local_names)
    entries = repository_entry_points(repo, configured)
    console_scripts = frozenset(entry.run.words[0] for entry in entries if entry.project)
    situated = [situate(entry, place) for entry in entries]
    situated.extend(image_entry_points(repo, console_scripts))
    # A main.py that no command starts runs the way a user would assume.
    assumed = assumed_entry_points(repo.files, _started_files(situated), repo.tree.is_file)
    situated.extend(situate(entry, place) for entry in assumed)
    index = {path: number for number, path in enumerate(repo.files)}
    reached: dict[Report, list[int]] = {}
    entry_rows = []
    for number, item in enumerate(situated):
        reports, files = _reports_of(repo, item)
        entry_rows.append((item.entry.origin, tuple(sorted(index[path] for path in files))))
        for report in reports:
            reached.setdefault(report, []).append(number)
    rows = []
    for report in sorted(reached):
        named = _named(report, [situated[number].entry for number in reached[report]])
        rows.append((*named, tuple(reached[report])))
    return Analysis(tuple(entry_rows), tuple(rows))


def _reports_of(repo: Repository, item: Situated) -> tuple[list[Report], frozenset[str]]:
    if item.missing is not None:
        return [item.missing], frozenset()
    if item.start is None or item.place is None:
        return [], frozenset()
    closure = follow(item.place, item.start, repo.scan)
    return [*_outcome_reports(repo, closure), *_syntax_reports(repo, closure)], closure.files


def _outcome_reports(repo: Repository, closure: Closure) -> Iterator[Report]:
    for outcome in closure.outcomes:
        message = outcome.error
        if outcome.kind == import_graph.MISSING_MODULE:
            location = repo.location(outcome.name)
            if location is not None:
                message += f" (the repository has it at {location})"
        if outcome.deferred:
            message += " when the function runs"
        yield Report(outcome.path, outcome.line, outcome.col, _CODES[outcome.kind], message)


def _syntax_reports(repo: Repository, closure: Closure) -> Iterator[Report]:
    for path in sorted(closure.files):
        problem = repo.syntax(path)
        if problem is not None:
            message = f"does not compile ({problem.message}), so importing it fails"
            yield Report(path, problem.line, problem.col, SYNTAX_ERROR.code, message)


def _named(report: Report, entries: Sequence[EntryPoint]) -> Report:
    """The report's message with the entry points that reach it (a missing
    entry point's message names its command already)."""
    if report.code == ENTRY_POINT_MISSING.code:
        return report
    names = sorted({entry.how for entry in entries})
    named = ", ".join(names[:NAMED_ENTRY_POINTS])
    if len(names) > NAMED_ENTRY_POINTS:
        named += f" and {len(names) - NAMED_ENTRY_POINTS} more"
    return report._replace(message=f"{report.message}, for {named}")


HOOK = Hook(
    id=HOOK_ID,
    name="check entry-point imports",
    description="Follows every service entry point's local imports on the sys.path it runs"
    " with, in its image, and reports those that would fail (LH2xx).",
    rules=RULES,
    options=OPTIONS,
    # Every entry point's closure is followed on each run (cached by
    # content), so one batch sees what the others see; serial lets the
    # later batches print only the lines the earlier ones did not. A deleted
    # module is never passed: always_run.
    selection=FileSelection(
        types_or=("python", "pyi", "dockerfile", "toml", "yaml", "shell"),
        always_run=True,
        require_serial=True,
    ),
    find=find_broken_imports,
)


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(HOOK, argv)


if __name__ == "__main__":
    sys.exit(main())
