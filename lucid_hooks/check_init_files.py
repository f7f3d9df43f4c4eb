"""check-init-files: package folders without `__init__.py` (LH1xx).

A folder of modules inside a regular package that lacks `__init__.py` is an
implicit namespace package nested in a regular one; imports still work by
accident, tools disagree about it, and packaging leaves it out. The fix
creates the empty file, but only where that cannot change what an import
finds.
"""

from __future__ import annotations

import enum
import os
import sys
from typing import TYPE_CHECKING

from lucid_hooks.findings import Finding, unreadable_file
from lucid_hooks.globs import GlobSet
from lucid_hooks.module_scans import module_scan
from lucid_hooks.options import BOOL, GLOBS, Option
from lucid_hooks.packages import (
    INIT,
    SOURCE_SUFFIXES,
    is_identifier,
    is_regular_package,
    module_file_beside,
)
from lucid_hooks.paths import ancestors, join, parent_folder
from lucid_hooks.pysource import SCRIPT_SCAN_LIMIT, is_script_source
from lucid_hooks.registry import FileSelection, Hook
from lucid_hooks.rules import Rule
from lucid_hooks.runner import HookContext, run_hook
from lucid_hooks.safe_writes import create_empty_file

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from lucid_hooks.imports import Import
    from lucid_hooks.snapshot import Snapshot

HOOK_ID = "check-init-files"

MISSING_INIT = Rule(
    code="LH101",
    name="missing-init-file",
    hook=HOOK_ID,
    summary="A folder of modules inside a package has no `__init__.py`",
    explanation="""
        A folder that holds Python modules and whose parent is a regular
        package (or that lies under a configured `package-roots` glob) is
        meant to be a subpackage. Without `__init__.py` it becomes an
        implicit namespace package nested in a regular one: `import` still
        finds it from the source tree, but setuptools' `find_packages`
        leaves it out of the wheel, mypy and pytest resolve its modules under
        different names, and a same-named folder elsewhere on `sys.path`
        silently merges into it. The fix creates an empty `__init__.py`; it
        is safe because the checks below rule out every case where the new
        file would change what an import finds. Unlike ruff's INP001 it is
        not raised at the repository root, for folders of scripts, where the
        file would shadow a module, or for a folder that is a `sys.path`
        root: its modules import each other by bare name (`from routes
        import router` beside `routes.py`, as `python main.py` or a
        Dockerfile's WORKDIR makes work) and none imports it as a package
        (relatively, or through its own name).
    """,
    bad="""
wallet/__init__.py
wallet/walletd/keystore_manager.py      # no wallet/walletd/__init__.py
""",
    good="""
wallet/__init__.py
wallet/walletd/__init__.py
wallet/walletd/keystore_manager.py
""",
    fix="safe: creates an empty `__init__.py` (exclusively; never overwrites)",
)

MISSING_INTERMEDIATE_INIT = Rule(
    code="LH102",
    name="missing-intermediate-init-file",
    hook=HOOK_ID,
    summary="A folder between a package and a package nested below it has no `__init__.py`",
    explanation="""
        A folder with no modules of its own, sitting between a regular
        package and a package or modules further down, breaks the chain of
        regular packages: `pkg.sub.inner` imports only because `sub`
        falls back to being a namespace package, and every tool that walks
        packages by `__init__.py` (setuptools, pytest's rootdir logic,
        coverage) stops at it and loses everything below. The fix creates an
        empty `__init__.py` in the intermediate folder.
    """,
    bad="""
pkg/__init__.py
pkg/sub/                 # nothing but the folder below
pkg/sub/inner/__init__.py
""",
    good="""
pkg/__init__.py
pkg/sub/__init__.py
pkg/sub/inner/__init__.py
""",
    fix="safe: creates an empty `__init__.py` (exclusively; never overwrites)",
)

INIT_WOULD_SHADOW_MODULE = Rule(
    code="LH103",
    name="init-would-shadow-module",
    hook=HOOK_ID,
    summary="A folder needs `__init__.py` but one would shadow the module of the same name",
    explanation="""
        A folder `config/` sits beside a module `config.py` (or a stub
        `config.pyi` or an extension module). Today `import pkg.config`
        finds the module, because a regular module wins over a namespace
        folder. Adding `config/__init__.py` would turn the folder into a
        regular package, which wins over the module, and every import of
        `pkg.config` would change meaning. No fix is made: rename the
        folder or the module, or move the module's code into
        `config/__init__.py` and delete `config.py`.
    """,
    bad="""
pkg/__init__.py
pkg/config.py
pkg/config/loader.py     # needs __init__.py, which would hide config.py
""",
    good="""
pkg/__init__.py
pkg/config/__init__.py   # the former config.py
pkg/config/loader.py
""",
)

INVALID_PACKAGE_NAME = Rule(
    code="LH104",
    name="invalid-package-folder-name",
    hook=HOOK_ID,
    summary="A folder meant as a package has a name that cannot be imported",
    explanation="""
        A folder whose name is not a Python identifier (`my-tools`,
        `02_network_security`) or is a keyword (`class`) is never a regular
        package: no `import` statement can name it, mypy refuses it, and
        pytest stops at it when it works out a test's package. It is reported
        where it is meant as one: when it holds an `__init__.py`, and when it
        holds modules, or leads to them, inside a package or under a
        `package-roots` glob. Nothing below it is inside a package: no LH101
        or LH102 there, and the fix never creates an `__init__.py` in or below
        it. Rename the folder to an identifier, and change every path that
        names it with it: scripts, CI files, Dockerfiles, compose files. Or
        delete its `__init__.py` (standalone scripts need none), or exclude a
        folder of data. The import system itself checks no names:
        `python -m 02_x.app` does find such a folder; if that is how it is
        run, put `# lucid: ignore[LH104]` in its `__init__.py`.
    """,
    bad="""
02_network_security/__init__.py         # no import can name this package
02_network_security/firewall/rules.py
pkg/__init__.py
pkg/my-tools/helpers.py                 # nor this subpackage
""",
    good="""
network_security/__init__.py            # renamed, and the paths to it too
network_security/firewall/__init__.py
network_security/firewall/rules.py
pkg/__init__.py
pkg/my_tools/__init__.py
pkg/my_tools/helpers.py
""",
)

RULES = (MISSING_INIT, MISSING_INTERMEDIATE_INIT, INIT_WOULD_SHADOW_MODULE, INVALID_PACKAGE_NAME)

OPTIONS = (
    Option("fix", BOOL, True, "create the missing `__init__.py` files", flag="--fix"),
    Option(
        "package-roots",
        GLOBS,
        (),
        "folders that are packages with all their subfolders",
        flag="--package-root",
    ),
    Option(
        "namespace-packages",
        GLOBS,
        (),
        "deliberate namespace packages, never given an `__init__.py`",
        flag="--namespace-package",
    ),
)


class State(enum.Enum):
    """What a folder is, or is about to be."""

    NOT_PACKAGE = "not a package"
    REGULAR_PACKAGE = "regular package"
    PENDING_PACKAGE = "lacks __init__.py, which the fix creates"
    # A folder meant as a package whose name no import can spell, and every
    # folder below it: no dotted name reaches them, so none is a package.
    UNREACHABLE = "no import can reach it"


# The states whose subfolders are inside a package.
PACKAGE_STATES = frozenset({State.REGULAR_PACKAGE, State.PENDING_PACKAGE})

# How every LH104 message ends: renaming a folder breaks whatever names it.
RENAME_ADVICE = "rename it (and the paths to it in scripts, CI files, Dockerfiles)"


class PackageTree:
    """Decides, folder by folder, from what is on disk, which folders are or
    should be regular packages; every folder is decided once.

    The decision for a folder depends only on the tree, never on which files
    were passed, so pre-commit's batches cannot change the outcome.
    """

    def __init__(
        self,
        snapshot: Snapshot,
        *,
        excludes: GlobSet,
        package_roots: GlobSet,
        namespace_packages: GlobSet,
    ) -> None:
        self.snapshot = snapshot
        self.root = snapshot.root
        self.excludes = excludes
        self.package_roots = package_roots
        self.namespace_packages = namespace_packages
        self.findings: list[Finding] = []
        self._states: dict[str, State] = {}
        self._has_module: dict[str, bool | None] = {}
        self._listings: dict[str, dict[str, bool]] = {}

    def state(self, folder: str) -> State:
        if folder not in self._states:
            self._states[folder] = self._decide(folder)
        return self._states[folder]

    def is_folder(self, folder: str) -> bool:
        """Whether `folder` is a real folder, answered from its parent's listing."""
        parent, _, name = folder.rpartition("/")
        return self._listing(parent).get(name, False)

    def check_below(self, folder: str) -> None:
        """Decide `folder` and every folder beneath it."""
        pending = [folder]
        while pending:
            current = pending.pop()
            self.state(current)
            pending.extend(self._subfolders(current))

    def _subfolders(self, folder: str) -> list[str]:
        return [join(folder, name) for name, is_dir in self._listing(folder).items() if is_dir]

    def _decide(self, folder: str) -> State:
        if not folder or self._ignored(folder):
            return State.NOT_PACKAGE
        if not os.path.isdir(self.snapshot.absolute(folder)) or self.snapshot.inside_link(folder):
            return State.NOT_PACKAGE
        parent = parent_folder(folder)
        parent_state = self.state(parent)
        if parent_state is State.UNREACHABLE:
            return State.UNREACHABLE
        name = folder.rpartition("/")[2]
        has_init = self._has_init(folder)
        if is_regular_package(name, has_init=has_init):
            return State.REGULAR_PACKAGE
        if has_init:
            self.findings.append(self._unimportable_package(folder))
            return State.UNREACHABLE
        inside = parent_state in PACKAGE_STATES
        if not inside and not self.package_roots.matches(folder):
            # Outside any package a folder is a plain one, whatever its name
            # (`my-service/` holding top-level packages): only what is below
            # it can be a package.
            return State.NOT_PACKAGE
        if not is_identifier(name):
            return self._unimportable_folder(folder, inside)
        has_module = self._holds_module(folder)
        if has_module is None:  # unreadable files: draw no conclusion
            return State.NOT_PACKAGE
        nested = None if has_module else self._nested_package(folder)
        if not has_module and nested is None:
            return State.NOT_PACKAGE
        if has_module and self._is_sys_path_root(folder):
            return State.NOT_PACKAGE
        where = f"inside package `{parent}/`" if inside else "under a package root"
        finding = self._shadowing(folder) or self._missing(folder, where, nested, inside)
        self.findings.append(finding)
        return State.PENDING_PACKAGE if finding.fix else State.NOT_PACKAGE

    def _unimportable_package(self, folder: str) -> Finding:
        """LH104 for a folder that holds `__init__.py` under a name no import can spell."""
        return Finding(
            join(folder, INIT),
            INVALID_PACKAGE_NAME.code,
            f"no import statement can name package `{folder.rpartition('/')[2]}/`: {RENAME_ADVICE}"
            " or delete this `__init__.py`",
        )

    def _unimportable_folder(self, folder: str, inside: bool) -> State:
        """LH104 for a folder in a package's place, without `__init__.py`, under
        a name no import can spell, when it holds modules or leads to them."""
        has_module = self._holds_module(folder)
        if has_module or (has_module is False and self._nested_package(folder) is not None):
            name = folder.rpartition("/")[2]
            what = f"subpackage `{name}/`" if inside else f"`{name}/` under a package root"
            self.findings.append(
                Finding(
                    join(folder, INIT),
                    INVALID_PACKAGE_NAME.code,
                    f"no import statement can name {what}: {RENAME_ADVICE} or exclude it",
                )
            )
        # Whatever it holds, every import of what is below it would go through it.
        return State.UNREACHABLE

    def _shadowing(self, folder: str) -> Finding | None:
        """LH103: the folder needs `__init__.py`, but one would shadow a module.
        Names, not paths, after the finding's own path: the line stays short."""
        parent, _, name = folder.rpartition("/")
        files = [entry for entry, is_dir in self._listing(parent).items() if not is_dir]
        sibling = module_file_beside(files, name)
        if sibling is None:
            return None
        return Finding(
            join(folder, INIT),
            INIT_WOULD_SHADOW_MODULE.code,
            f"`{name}/` needs an `__init__.py`, which would shadow `{sibling}`: rename one of"
            " them, or move the module's code into the `__init__.py`",
        )

    def _missing(self, folder: str, where: str, nested: str | None, inside: bool) -> Finding:
        """LH101 (modules of its own) or LH102 (only a package further down)."""
        init_path = join(folder, INIT)
        parent = parent_folder(folder)
        if nested is None:
            rule = MISSING_INIT
            message = f"package folder `{folder}/` has modules but no `__init__.py` ({where})"
        else:
            rule = MISSING_INTERMEDIATE_INIT
            # The nested folder from `folder`: its full path repeats the folder's.
            below = nested[len(folder) + 1 :]
            # The finding's path names the folder; its parent needs only its name.
            above = parent.rpartition("/")[2]
            if inside:
                message = (
                    f"this folder lies between package `{above}/` and `{below}/` below it"
                    " but has no `__init__.py`"
                )
            else:
                message = (
                    f"this folder is under a package root and leads to `{below}/` below it"
                    " but has no `__init__.py`"
                )
        return Finding(init_path, rule.code, message, fix=self._creator(init_path))

    def _creator(self, path: str) -> Callable[[], str | None]:
        def create() -> str | None:
            return f"Created {path}" if create_empty_file(self.root, path) else None

        return create

    def _ignored(self, folder: str) -> bool:
        return self.excludes.matches(folder) or self.namespace_packages.matches(folder)

    def _has_init(self, folder: str) -> bool:
        # A stat, not a listing: most folders are packages, and need no more.
        return os.path.lexists(os.path.join(self.snapshot.absolute(folder), INIT))

    def _listing(self, folder: str) -> dict[str, bool]:
        """Names in a folder, sorted, each with whether it is a real (non-link)
        folder; excluded folders are left out."""
        if folder not in self._listings:
            self._listings[folder] = {
                name: is_dir
                for name, is_dir in self.snapshot.listing(folder).items()
                if not (is_dir and self._ignored(join(folder, name)))
            }
        return self._listings[folder]

    def _holds_module(self, folder: str) -> bool | None:
        """Whether the folder holds a `.py` module that is not a script;
        None when a candidate could not be read."""
        if folder not in self._has_module:
            self._has_module[folder] = self._find_module(folder)
        return self._has_module[folder]

    def _find_module(self, folder: str) -> bool | None:
        result: bool | None = False
        for name, is_dir in self._listing(folder).items():
            path = join(folder, name)
            if is_dir or not name.endswith(".py") or name == INIT or self.excludes.matches(path):
                continue
            if not os.path.isfile(self.snapshot.absolute(path)):
                continue
            try:
                if is_script_source(self.snapshot.head(path, SCRIPT_SCAN_LIMIT)):
                    continue
            except OSError as error:
                self.findings.append(unreadable_file(path, error))
                result = None
                continue
            if result is not None:
                return True
        return result

    def _is_sys_path_root(self, folder: str) -> bool:
        """Whether the folder's modules only work with the folder itself on
        `sys.path`: one imports a sibling by its bare name (`from config
        import x` beside `config.py`), as a script or a WORKDIR makes it,
        and none treats the folder as a package (a relative import, or an
        import through the folder's own name: `from pkg.sub.config ...`)."""
        listing = self._listing(folder)
        siblings = {name.partition(".")[0] for name in listing if name != INIT}
        own_name = folder.rpartition("/")[2]
        bare = False
        for path in self._modules_in(folder):
            for statement in self._imports(path):
                parts = statement.module.split(".")
                if statement.level or own_name in parts[:-1]:
                    return False
                bare = bare or parts[0] in siblings
        # The package around it may import it as its subpackage.
        for path in self._modules_in(parent_folder(folder)):
            for statement in self._imports(path):
                parts = statement.module.split(".")
                if own_name in parts[:-1] or (statement.level == 1 and parts[0] == own_name):
                    return False
        return bare

    def _modules_in(self, folder: str) -> list[str]:
        listing = self._listing(folder)
        return [
            join(folder, name)
            for name, is_dir in listing.items()
            if not is_dir and name.endswith(".py")
        ]

    def _imports(self, path: str) -> tuple[Import, ...]:
        try:
            scan = module_scan(self.snapshot, path)
        except OSError:
            return ()  # _find_module reports it
        return () if scan is None else scan.imports

    def _nested_package(self, folder: str) -> str | None:
        """The first folder below `folder` that is a package or holds
        modules, which makes `folder` an intermediate one."""
        pending = self._subfolders(folder)
        while pending:
            current = pending.pop(0)
            if not is_identifier(current.rpartition("/")[2]):
                continue
            if self._has_init(current) or self._holds_module(current):
                return current
            pending.extend(self._subfolders(current))
        return None


def folders_to_check(files: Iterable[str], folders: Iterable[str]) -> tuple[set[str], set[str]]:
    """Folders whose state a change to `files` can alter: their ancestors,
    the whole subtree under a changed `__init__.py`, and a folder named
    like a changed module; and the subtrees of the `folders` given.
    Returns (single folders, subtrees)."""
    single: set[str] = set()
    subtrees: set[str] = set(folders)
    for path in files:
        folder, _, name = path.rpartition("/")
        single.update(ancestors(folder))
        if name == INIT:
            subtrees.add(folder)
        if name.endswith(SOURCE_SUFFIXES) and name != INIT:
            # An __init__.py in a folder named like this module would shadow it.
            single.add(join(folder, name.partition(".")[0]))
    for folder in subtrees:
        single.update(ancestors(folder))
    return single, subtrees


def find_missing_init_files(context: HookContext) -> list[Finding]:
    # A deleted __init__.py is not passed by pre-commit, yet the commit that
    # deletes it is the one to stop (the hook runs with always_run).
    files = [*context.files, *context.snapshot.staged_deletions()]
    tree = PackageTree(
        context.snapshot,
        excludes=context.config.excludes,
        package_roots=GlobSet(context.strings("package-roots")),
        namespace_packages=GlobSet(context.strings("namespace-packages")),
    )
    single, subtrees = folders_to_check(files, context.folders)
    for folder in sorted(single):
        if tree.is_folder(folder):
            tree.state(folder)
    for folder in sorted(subtrees):
        tree.check_below(folder)
    return tree.findings


HOOK = Hook(
    id=HOOK_ID,
    name="check __init__.py files",
    description="Finds package folders without __init__.py and creates the file where that"
    " is safe (LH1xx).",
    rules=RULES,
    options=OPTIONS,
    # A deleted __init__.py is not passed to hooks; always_run lets the hook
    # look at the commit's staged deletions. Serial: one batch decides a folder.
    selection=FileSelection(types_or=("python", "pyi"), always_run=True, require_serial=True),
    find=find_missing_init_files,
)


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(HOOK, argv)


if __name__ == "__main__":
    sys.exit(main())
