"""check-init-files: package folders without `__init__.py` (LH1xx).

A folder of modules inside a regular package that lacks `__init__.py` is an
implicit namespace package nested in a regular one; imports still work by
accident, tools disagree about it, and packaging leaves it out. The fix
creates the empty file, but only where that cannot change what an import
finds.
"""

from __future__ import annotations

import os
import sys

from lucid_hooks.findings import Finding
from lucid_hooks.paths import (
    GlobSet,
    ancestors,
    create_empty_file,
    git_staged_deletions,
    is_identifier,
    join,
    parent_folder,
)
from lucid_hooks.pysource import is_script_file
from lucid_hooks.rules import UNREADABLE_FILE, Rule
from lucid_hooks.runner import HookContext, HookSpec, run_hook

# Not typing.TYPE_CHECKING: importing typing costs a hook milliseconds.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterable, Sequence

HOOK_ID = "check-init-files"
INIT = "__init__.py"
SOURCE_SUFFIXES = (".py", ".pyi")
EXTENSION_SUFFIXES = (".so", ".pyd")

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
        not raised at the repository root, for folders of scripts, or where
        the file would shadow a module.
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
    summary="A folder of modules inside a package has a name that cannot be imported",
    explanation="""
        A folder inside a package holds modules, but its name is not a Python
        identifier (`my-tools`, `2024_data`) or is a keyword (`class`),
        so no `import` statement can ever name it and mypy refuses it as a
        package. An `__init__.py` would not help, so none is created.
        Rename the folder to an identifier, or, if it holds data or
        standalone files rather than modules, exclude it.
    """,
    bad="""
pkg/__init__.py
pkg/my-tools/helpers.py
""",
    good="""
pkg/__init__.py
pkg/my_tools/__init__.py
pkg/my_tools/helpers.py
""",
)

RULES = (MISSING_INIT, MISSING_INTERMEDIATE_INIT, INIT_WOULD_SHADOW_MODULE, INVALID_PACKAGE_NAME)

# Package state of a folder.
NOT_PACKAGE = 0
REGULAR_PACKAGE = 1
PENDING_PACKAGE = 2  # lacks __init__.py, and the fix will create it


class PackageTree:
    """Decides, folder by folder, from what is on disk, which folders are or
    should be regular packages; every folder is decided once.

    The decision for a folder depends only on the tree, never on which files
    were passed, so pre-commit's batches cannot change the outcome.
    """

    def __init__(
        self,
        root: str,
        *,
        excludes: GlobSet,
        package_roots: GlobSet,
        namespace_packages: GlobSet,
    ) -> None:
        self.root = root
        self.excludes = excludes
        self.package_roots = package_roots
        self.namespace_packages = namespace_packages
        self.findings: list[Finding] = []
        self._states: dict[str, int] = {}
        self._linked: dict[str, bool] = {}
        self._listings: dict[str, dict[str, bool]] = {}
        self._has_module: dict[str, bool | None] = {}

    def state(self, folder: str) -> int:
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
            pending.extend(
                join(current, name) for name, is_dir in self._listing(current).items() if is_dir
            )

    def _decide(self, folder: str) -> int:
        if not folder or self._ignored(folder):
            return NOT_PACKAGE
        absolute = os.path.join(self.root, folder)
        if not os.path.isdir(absolute) or self._inside_link(folder):
            return NOT_PACKAGE
        if os.path.lexists(os.path.join(absolute, INIT)):
            return REGULAR_PACKAGE
        parent = parent_folder(folder)
        parent_state = self.state(parent)
        if parent_state == NOT_PACKAGE and not self.package_roots.matches(folder):
            return NOT_PACKAGE
        has_module = self._holds_module(folder)
        if has_module is None:  # unreadable files: draw no conclusion
            return NOT_PACKAGE
        if has_module:
            rule = MISSING_INIT
        else:
            nested = self._nested_package(folder)
            if nested is None:
                return NOT_PACKAGE
            rule = MISSING_INTERMEDIATE_INIT
        init_path = join(folder, INIT)
        name = folder.rpartition("/")[2]
        where = f"inside package `{parent}/`" if parent_state else "under a package root"
        if not is_identifier(name):
            self.findings.append(
                Finding(
                    init_path,
                    INVALID_PACKAGE_NAME.code,
                    f"`{folder}/` holds modules {where}, but `{name}` is not a valid"
                    " package name: rename it to an identifier or exclude it",
                )
            )
            return NOT_PACKAGE
        sibling = self._sibling_module(parent, name)
        if sibling is not None:
            self.findings.append(
                Finding(
                    init_path,
                    INIT_WOULD_SHADOW_MODULE.code,
                    f"`{folder}/` needs an `__init__.py`, but it would shadow the module"
                    f" `{sibling}`: rename one of them, or move `{sibling}` into"
                    f" `{init_path}`",
                )
            )
            return NOT_PACKAGE
        if rule is MISSING_INIT:
            message = f"package folder `{folder}/` has modules but no `__init__.py` ({where})"
        else:
            message = (
                f"folder `{folder}/` lies between package `{parent}/` and `{nested}/`"
                " but has no `__init__.py`"
                if parent_state
                else f"folder `{folder}/` is under a package root and leads to `{nested}/`"
                " but has no `__init__.py`"
            )
        self.findings.append(Finding(init_path, rule.code, message, fix=self._creator(init_path)))
        return PENDING_PACKAGE

    def _creator(self, path: str) -> Callable[[], str | None]:
        def create() -> str | None:
            return f"Created {path}" if create_empty_file(self.root, path) else None

        return create

    def _ignored(self, folder: str) -> bool:
        return self.excludes.matches(folder) or self.namespace_packages.matches(folder)

    def _inside_link(self, folder: str) -> bool:
        """Whether the folder or one above it (inside the repo) is a symlink."""
        if not folder:
            return False
        if folder not in self._linked:
            self._linked[folder] = os.path.islink(
                os.path.join(self.root, folder)
            ) or self._inside_link(parent_folder(folder))
        return self._linked[folder]

    def _listing(self, folder: str) -> dict[str, bool]:
        """Names in a folder, sorted, each with whether it is a real (non-link)
        folder; excluded folders are left out."""
        if folder not in self._listings:
            entries: list[tuple[str, bool]] = []
            try:
                with os.scandir(os.path.join(self.root, folder) if folder else self.root) as it:
                    for entry in it:
                        try:
                            is_dir = entry.is_dir(follow_symlinks=False)
                        except OSError:
                            is_dir = False
                        if is_dir and self._ignored(join(folder, entry.name)):
                            continue
                        entries.append((entry.name, is_dir))
            except OSError:
                pass
            self._listings[folder] = dict(sorted(entries))
        return self._listings[folder]

    def _holds_module(self, folder: str) -> bool | None:
        """Whether the folder holds a `.py` module that is not a script;
        None when a candidate could not be read."""
        if folder in self._has_module:
            return self._has_module[folder]
        result: bool | None = False
        for name, is_dir in self._listing(folder).items():
            if is_dir or not name.endswith(".py") or name == INIT:
                continue
            path = join(folder, name)
            if self.excludes.matches(path):
                continue
            absolute = os.path.join(self.root, path)
            if not os.path.isfile(absolute):
                continue
            try:
                if is_script_file(absolute):
                    continue
            except OSError as error:
                self.findings.append(
                    Finding(
                        path,
                        UNREADABLE_FILE.code,
                        f"cannot read file: {error.strerror or error}",
                    )
                )
                result = None
                continue
            if result is not None:
                result = True
                break
        self._has_module[folder] = result
        return result

    def _nested_package(self, folder: str) -> str | None:
        """The first folder below `folder` that is a package or holds
        modules, which makes `folder` an intermediate one."""
        pending = [join(folder, name) for name, is_dir in self._listing(folder).items() if is_dir]
        while pending:
            current = pending.pop(0)
            if not is_identifier(current.rpartition("/")[2]):
                continue
            if os.path.lexists(os.path.join(self.root, current, INIT)):
                return current
            if self._holds_module(current):
                return current
            pending.extend(
                join(current, name) for name, is_dir in self._listing(current).items() if is_dir
            )
        return None

    def _sibling_module(self, parent: str, name: str) -> str | None:
        """A module beside the folder that an `__init__.py` would shadow."""
        for entry, is_dir in self._listing(parent).items():
            if is_dir or not entry.startswith(name + "."):
                continue
            suffix = entry[len(name) :]
            if suffix in SOURCE_SUFFIXES or (
                suffix.endswith(EXTENSION_SUFFIXES) and suffix.count(".") <= 2
            ):
                return join(parent, entry)
        return None


def folders_to_check(files: Iterable[str], folders: Iterable[str]) -> tuple[set[str], set[str]]:
    """Folders whose state a change to `files` can alter: their ancestors,
    the whole subtree under a changed `__init__.py`, and a folder named
    like a changed module. Returns (single folders, subtrees)."""
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
    files = list(context.files)
    if context.is_git:
        # A deleted __init__.py is not passed by pre-commit, yet the commit
        # that deletes it is the one to stop (the hook runs with always_run).
        files.extend(git_staged_deletions(context.root))
    tree = PackageTree(
        context.root,
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


def wants(path: str) -> bool:
    """The files pre-commit passes to this hook (`types_or: [python, pyi]`)."""
    return path.endswith(SOURCE_SUFFIXES)


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--package-root",
        dest="package_roots",
        action="append",
        metavar="GLOB",
        help="folders that are packages with all their subfolders (repeatable;"
        " replaces `package-roots`)",
    )
    parser.add_argument(
        "--namespace-package",
        dest="namespace_packages",
        action="append",
        metavar="GLOB",
        help="deliberate namespace packages, never given an `__init__.py` (repeatable;"
        " replaces `namespace-packages`)",
    )


HOOK = HookSpec(
    hook_id=HOOK_ID,
    description="Find package folders without __init__.py and create it where that is safe.",
    find=find_missing_init_files,
    wants=wants,
    add_options=add_options,
)


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(HOOK, argv)


if __name__ == "__main__":
    sys.exit(main())
