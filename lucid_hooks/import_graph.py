"""The local import closure of one entry point, where it runs.

A `Place` is what an entry point's process sees: the files that exist there
(the repository's own, or those a Dockerfile's COPY put into the image), the
repository file each one is, and the folders that come first on its
``sys.path``. `follow` starts from the module the run executes and walks
every import the scanned source holds, resolving each as CPython would
(`resolution`), into the modules found; what fails becomes an `Outcome` at
the import that fails. Imports that leave the local files (the standard
library, third-party packages) are kept as `External` for the checks that
know about those. Nothing is imported or run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks import resolution

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator

    from lucid_hooks.imports import Import, ModuleScan
    from lucid_hooks.resolution import Module, Tree

# What an import can do wrong.
MISSING_MODULE = "missing-module"
MISSING_NAME = "missing-name"
RELATIVE = "relative"
SYNTAX = "syntax"


class Place(NamedTuple):
    """Where a run happens: ``tree`` holds its files (repo-relative paths, or
    absolute image paths), ``repo_path`` says which repository file each one
    is (None for a file with no source in the repository), ``local_names``
    are the top-level names the repository's own modules have anywhere (an
    import of one that is not found is a broken local import, not a
    third-party one), and ``unseen`` says whether a path may exist though
    nobody can see it (a stage copied from another image, say)."""

    tree: Tree
    repo_path: Callable[[str], str | None]
    local_names: Collection[str]
    unseen: Callable[[str], bool] = lambda path: False
    python: str | None = None  # the interpreter's version ("3.12"), None: not known


class Start(NamedTuple):
    """The first module a run executes: its file in the place, its name,
    its ``__package__`` (None for a script: no relative import works), and
    the ``sys.path`` folders in front of the standard library."""

    file: str
    name: str
    package: str | None
    sys_path: tuple[str, ...]
    is_main: bool = True
    parents: tuple[Module, ...] = ()  # the packages `python -m a.b.c` imports first


class Outcome(NamedTuple):
    """An import that fails, in the repository file that holds it."""

    path: str
    line: int
    col: int
    kind: str
    name: str  # the module (or `module.name`) that cannot be imported
    error: str  # what CPython would say
    deferred: bool = False


class Report(NamedTuple):
    """A line of check-entry-point-imports: a failing import, a file that
    does not compile, a command whose script or module is not there, or a
    module that ``sys.path`` hides (`shadowing`)."""

    path: str
    line: int
    col: int
    code: str
    message: str


class External(NamedTuple):
    """An import that leaves the local files: a standard-library or
    third-party module, for the checks that know those. ``optional``: under
    a `try` that catches its failure; ``deferred``: in a function body;
    ``sometimes``: under a condition, a loop or a handler."""

    path: str
    line: int
    col: int
    name: str
    optional: bool
    deferred: bool = False
    sometimes: bool = False
    names: tuple[str, ...] = ()  # of `from name import a, b`


class Closure(NamedTuple):
    """Every repository file a run executes, what fails on the way, what
    it imports from outside, and the top-level names it looks up on
    ``sys.path`` and finds there."""

    files: frozenset[str]
    outcomes: tuple[Outcome, ...]
    externals: tuple[External, ...]
    imported: frozenset[str] = frozenset()


class _Visit(NamedTuple):
    file: str  # in the place
    name: str
    package: str | None
    is_main: bool


class _Walk:
    """One run's walk: the modules found so far, by name, and the files visited."""

    def __init__(
        self, place: Place, start: Start, scan_of: Callable[[str], ModuleScan | None]
    ) -> None:
        self.place = place
        self.sys_path = start.sys_path
        self.scan_of = scan_of
        self.modules: dict[str, Module] = {}
        self.seen: set[str] = set()
        self.files: set[str] = set()
        self.pending = [_Visit(start.file, start.name, start.package, start.is_main)]
        self.outcomes: list[Outcome] = []
        self.externals: list[External] = []
        for parent in start.parents:
            self.modules[parent.name] = parent
            self.enter(parent)

    def run(self) -> Closure:
        while self.pending:
            visit = self.pending.pop()
            repo_path = self.place.repo_path(visit.file)
            scan = None if repo_path is None else self.scan_of(repo_path)
            if repo_path is None or scan is None:
                continue
            self.files.add(repo_path)
            for statement in scan.imports:
                if statement.main_only and not visit.is_main:
                    continue
                self.follow(repo_path, visit, statement)
        imported = frozenset(
            name for name, module in self.modules.items() if "." not in name and module.found
        )
        return Closure(
            frozenset(self.files), tuple(self.outcomes), tuple(self.externals), imported
        )

    def module(self, name: str) -> Module:
        if name not in self.modules:
            self.modules[name] = resolution.find_module(name, self.sys_path, self.place.tree)
        return self.modules[name]

    def enter(self, module: Module) -> None:
        """Visit a module the run imports (once per name)."""
        if module.name in self.seen or module.file is None:
            return
        self.seen.add(module.name)
        is_package = module.kind == resolution.PACKAGE
        package = resolution.package_of(module.name, is_package=is_package)
        self.pending.append(_Visit(module.file, module.name, package, False))

    def follow(self, path: str, visit: _Visit, statement: Import) -> None:
        relative = resolution.relative_target(statement.module, statement.level, visit.package)
        if relative.name is None:
            if not statement.optional:
                error = relative.error or "relative import fails"
                self.fail(
                    path, statement, RELATIVE, "." * statement.level + statement.module, error
                )
            return
        found = self.imported(path, statement, relative.name)
        if found is None or not statement.names:
            return
        for name in statement.names:
            if name != "*":
                self.from_name(path, statement, found, name)

    def imported(self, path: str, statement: Import, name: str) -> Module | None:
        """Import ``name`` and its parents (each runs its ``__init__``); the
        module, or None when it is not found or not local."""
        found = None
        for prefix in prefixes(name):
            parent, found = found, self.module(prefix)
            if not found.found:
                self.missing(path, statement, found, parent, name)
                return None
            self.enter(found)
        return found

    def missing(
        self, path: str, statement: Import, found: Module, parent: Module | None, name: str
    ) -> None:
        top = name.partition(".")[0]
        if top == "__main__" or found.kind == resolution.UNKNOWN:
            return  # the running main module; below a compiled module: cannot be told
        # A namespace package may have more portions where nobody looks (an
        # installed distribution of the same name, which then wins): what is
        # missing below one is not known to be missing.
        below_namespace = parent is not None and parent.kind == resolution.NAMESPACE
        local = parent is not None or top in self.place.local_names
        if not local or below_namespace:
            self.externals.append(
                External(
                    path,
                    statement.line,
                    statement.col,
                    name,
                    statement.optional,
                    statement.deferred,
                    _sometimes(statement),
                    statement.names if name == statement.module else (),
                )
            )
            return
        last = (found.missing or name).rpartition(".")[2]
        if statement.optional or _sometimes(statement):
            return
        if any(self.place.unseen(resolution.join(folder, last)) for folder in found.searched):
            return
        error = found.error or f"No module named {name!r}"
        self.fail(path, statement, MISSING_MODULE, found.missing or name, error)

    def from_name(self, path: str, statement: Import, module: Module, name: str) -> None:
        scan = self._scan_of_module(module)
        bound = scan.bound if scan is not None else frozenset()
        open_names = scan is None or scan.open_names
        result = resolution.from_import(
            module, name, bound, self.place.tree, open_names=open_names
        )
        if result.kind == resolution.SUBMODULE and result.submodule is not None:
            self.enter(result.submodule)
        elif result.kind == resolution.MISSING and not (
            statement.optional or _sometimes(statement)
        ):
            # CPython names the module's file; the repository's path says more
            # than an image's.
            where = module.file and (self.place.repo_path(module.file) or module.file)
            error = (
                f"cannot import name {name!r} from {module.name!r} ({where or 'unknown location'})"
            )
            self.fail(path, statement, MISSING_NAME, f"{module.name}.{name}", error)

    def _scan_of_module(self, module: Module) -> ModuleScan | None:
        if module.file is None:
            return None
        repo_path = self.place.repo_path(module.file)
        return None if repo_path is None else self.scan_of(repo_path)

    def fail(self, path: str, statement: Import, kind: str, name: str, error: str) -> None:
        self.outcomes.append(
            Outcome(path, statement.line, statement.col, kind, name, error, statement.deferred)
        )


def _sometimes(statement: Import) -> bool:
    """Whether an import runs only sometimes (under `if sys.version_info`,
    `if sys.platform`, in a loop or a handler): not known to run. The
    `__main__` block is an `if` too, but it always runs when the module is
    run (and `main_only` imports are followed only then)."""
    return statement.conditional and not statement.main_only


def prefixes(name: str) -> Iterator[str]:
    """``a``, ``a.b``, ``a.b.c`` for ``a.b.c``: what importing it imports."""
    parts = name.split(".")
    for end in range(1, len(parts) + 1):
        yield ".".join(parts[:end])


def follow(place: Place, start: Start, scan_of: Callable[[str], ModuleScan | None]) -> Closure:
    """The closure of the run that starts at ``start`` in ``place``;
    ``scan_of`` gives the scanned imports of a repository file (None when
    it cannot be read)."""
    return _Walk(place, start, scan_of).run()
