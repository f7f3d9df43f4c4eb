"""LH403: the modules that one entry point's ``sys.path`` hides.

CPython takes the first module or regular package of a name it finds in the
folders of ``sys.path``, in order. The invocation's first entry (the
script's folder, the working directory of ``python -m`` and app servers)
and ``PYTHONPATH`` come before the standard library; an installed project
(site-packages) comes after it. So a repository module named like a
standard-library module in one of the first folders replaces that module
for the whole process, and of two modules of one name in two folders only
the first is ever imported. Namespace folders merge instead of hiding.

Pure functions over a run's folders and the files where it runs (a
`resolution.Tree`, each file mapped to its repository path);
`entry_point_analysis` calls `shadowing_reports` for each entry point it
situates, and names the entry points on each report.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks import commands, resolution
from lucid_hooks.check_entry_point_imports import MODULE_SHADOWED
from lucid_hooks.import_graph import Report
from lucid_hooks.stdlib import (
    NEVER_SHADOWED,
    NEWEST_MINOR,
    OLDEST_MINOR,
    UNIMPORTED_STDLIB,
    describe_availability,
    is_stdlib_module,
    stdlib_module_names,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Iterator

    from lucid_hooks.resolution import Module, Tree

# What a report can be on: a module's source, or a regular package's.
SOURCE_KINDS = frozenset({resolution.MODULE_FILE, resolution.PACKAGE})


class SearchPath(NamedTuple):
    """The folders of a run's ``sys.path`` that can hold repository code,
    in CPython's order: those searched before the standard library, then
    those after it."""

    before_stdlib: tuple[str, ...]
    after_stdlib: tuple[str, ...] = ()


class Shadowed(NamedTuple):
    """A module of ``name`` hidden by the one that wins on ``sys.path``."""

    name: str
    winner: Module
    hidden: Module


def search_path(kind: str, sys_path: tuple[str, ...]) -> SearchPath:
    """Where the folders of a run of ``kind`` (`commands.SCRIPT`, ...) come:
    a console script's first folder stands for its installed project, which
    is in site-packages, after the standard library; every folder of the
    other runs comes before it (`resolution.sys_path` gives no others). An
    app server has imported much of the standard library (`logging`,
    `asyncio`, ...) before it puts the app's folders on ``sys.path``, and
    which modules cannot be told: its folders are taken as after it."""
    if kind == commands.CONSOLE_SCRIPT and sys_path:
        return SearchPath(sys_path[1:], sys_path[:1])
    if kind == commands.APP:
        return SearchPath((), sys_path)
    return SearchPath(sys_path)


def shadowing_reports(
    search: SearchPath,
    tree: Tree,
    repo_path: Callable[[str], str | None],
    python: str | None,
    imported: Iterable[str],
    executed: Collection[str],
) -> list[Report]:
    """LH403 for one run: repository modules that hide a standard-library
    module of ``python`` ("3.11"; None: any supported version), and those
    of a top-level name in ``imported`` that an earlier folder hides (left
    out when the run executes the file anyway, under another name:
    ``executed`` holds the repository paths of its closure)."""
    minor = known_minor(python)
    reports = list(stdlib_shadowing(search.before_stdlib, tree, repo_path, minor))
    for shadowed in local_shadowing(search, tree, sorted(set(imported)), minor):
        report = _hidden_report(shadowed, repo_path, executed)
        if report is not None:
            reports.append(report)
    return reports


def known_minor(python: str | None) -> int | None:
    """The 3.x minor version of ``python`` ("3.11", "3.11.4"), brought within
    the versions the standard-library lists know; None when not known."""
    major, _, rest = (python or "").partition(".")
    minor = rest.partition(".")[0]
    if major != "3" or not minor.isdigit():
        return None
    return min(max(int(minor), OLDEST_MINOR), NEWEST_MINOR)


def can_shadow_stdlib(name: str, minor: int | None) -> bool:
    """Whether a module ``name`` on ``sys.path`` replaces a standard-library
    module of Python 3.``minor`` that programs import (any version: None)."""
    return (
        name not in NEVER_SHADOWED
        and name not in UNIMPORTED_STDLIB
        and is_stdlib_module(name, minor)
    )


# --- a standard-library module shadowed ---------------------------------------


def stdlib_shadowing(
    folders: tuple[str, ...],
    tree: Tree,
    repo_path: Callable[[str], str | None],
    minor: int | None,
) -> Iterator[Report]:
    """A report on each repository module that ``import name`` finds in
    ``folders`` (those before the standard library) where ``name`` is a
    standard-library module it replaces."""
    for name in sorted(_stdlib_names_in(folders, tree, minor)):
        found = _source_module(resolution.find_in(name, folders, tree))
        path = None if found is None else repo_path(found.file or "")
        if path is not None:
            yield Report(path, 1, 1, MODULE_SHADOWED.code, _stdlib_message(name))


def _stdlib_names_in(folders: Iterable[str], tree: Tree, minor: int | None) -> set[str]:
    """The names that can shadow the standard library of which ``folders``
    hold a module or a folder (whether a package is for `find_in`). Asked
    name by name: listing a folder would first cost a pass over the tree."""
    return {
        name
        for folder in folders
        for name in shadowing_names(minor)
        if tree.is_file(resolution.join(folder, name + ".py"))
        or tree.is_dir(resolution.join(folder, name))
    }


@functools.cache
def shadowing_names(minor: int | None) -> tuple[str, ...]:
    """Every name `can_shadow_stdlib` says yes to, for Python 3.``minor``."""
    return tuple(
        sorted(name for name in stdlib_module_names(minor) if can_shadow_stdlib(name, minor))
    )


def _stdlib_message(name: str) -> str:
    versions = describe_availability(name)
    module = f"`{name}` ({versions})" if versions else f"`{name}`"
    # At most 109 characters: `entry_point_analysis._named` cuts longer ones short.
    return f"hides the standard library's {module}: its imports find this file; rename it"


# --- a local module shadowed ----------------------------------------------------


def local_shadowing(
    search: SearchPath, tree: Tree, names: Iterable[str], minor: int | None
) -> Iterator[Shadowed]:
    """For each of ``names``, the modules and regular packages of that name
    that the one ``import`` finds hides, in later folders. A name of the
    standard library is looked for only before it (it hides what comes
    after), and one that cannot be shadowed is the standard library's,
    wherever a file of its name is."""
    for name in names:
        if name in NEVER_SHADOWED or name == "__main__":  # that one is never looked up
            continue
        stdlib = is_stdlib_module(name, minor)
        folders = search.before_stdlib if stdlib else (*search.before_stdlib, *search.after_stdlib)
        found = _modules_of(name, tuple(dict.fromkeys(folders)), tree)
        for hidden in found[1:]:
            yield Shadowed(name, found[0], hidden)


def _modules_of(name: str, folders: tuple[str, ...], tree: Tree) -> list[Module]:
    """The module or regular package ``name`` in each of ``folders`` that
    holds one, in order, those of source only; empty when the first is
    compiled (most likely built from one of the others: no finding)."""
    found = [resolution.find_in(name, (folder,), tree) for folder in folders]
    modules = [module for module in found if module.kind not in (None, resolution.NAMESPACE)]
    if not modules or _source_module(modules[0]) is None:
        return []
    return [module for module in modules if _source_module(module) is not None]


def _hidden_report(
    shadowed: Shadowed, repo_path: Callable[[str], str | None], executed: Collection[str]
) -> Report | None:
    """The report on the hidden module's file: none when it is no file of
    the repository, is the winner's own (copied twice), or runs anyway."""
    hidden = repo_path(shadowed.hidden.file or "")
    winner_file = shadowed.winner.file or ""
    winner = repo_path(winner_file) or winner_file
    if hidden is None or hidden == winner or hidden in executed:
        return None
    message = (
        f"hidden by `{winner}`, earlier on sys.path: `import {shadowed.name}` never finds"
        " this file; rename one"
    )
    return Report(hidden, 1, 1, MODULE_SHADOWED.code, message)


def _source_module(module: Module) -> Module | None:
    """The module, if it is one whose source a report can be on."""
    is_source = module.kind in SOURCE_KINDS and (module.file or "").endswith(".py")
    return module if is_source else None
