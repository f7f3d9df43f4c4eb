"""Orphan modules, for `lucid-hooks report`: Python files that no entry
point, no test and no configured root reaches, so that nothing ever runs
them (the leftovers of a move, or code waiting to be deleted).

What the entry points reach comes from check-entry-point-imports' analysis.
Tests are followed here with the same import graph, each started as pytest
starts a test module (its default ``prepend`` import mode): the first folder
above it that is not a package goes first on ``sys.path``, then the
repository root (``python -m pytest`` puts it there). Scripts (a ``#!`` line,
or an ``if __name__ == "__main__"`` block) and the files tools load by name
(``setup.py``, ``conftest.py``, ``noxfile.py``, ...) are never orphans: they
are started, not imported.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from lucid_hooks.import_graph import Place, Start, follow

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Sequence

    from lucid_hooks.entry_point_analysis import Repository
    from lucid_hooks.globs import GlobSet

TEST_FOLDERS = frozenset({"test", "tests", "testing"})
# Files that a tool runs or loads by their name, not through an import.
TOOL_FILES = frozenset(
    {
        "__main__.py",
        "asgi.py",
        "conf.py",
        "conftest.py",
        "env.py",
        "fabfile.py",
        "manage.py",
        "noxfile.py",
        "setup.py",
        "tasks.py",
        "wsgi.py",
    }
)
_MAIN_GUARD = re.compile(rb"""__name__\s*==\s*["']__main__["']""")


def is_test_file(path: str) -> bool:
    """Whether pytest would collect or load ``path``: ``test_*.py``,
    ``*_test.py``, ``conftest.py``, or any module of a ``tests`` folder."""
    name = posixpath.basename(path)
    if not name.endswith(".py"):
        return False
    if name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py":
        return True
    return not TEST_FOLDERS.isdisjoint(path.split("/")[:-1])


def pytest_start(path: str, is_file: Callable[[str], bool]) -> Start:
    """How pytest imports the test module ``path``: named from the first
    folder above it that has no ``__init__.py``, which goes on ``sys.path``
    in front of the repository root."""
    folder = posixpath.dirname(path)
    packages: list[str] = []
    while folder and is_file(posixpath.join(folder, "__init__.py")):
        packages.insert(0, posixpath.basename(folder))
        folder = posixpath.dirname(folder)
    name = ".".join((*packages, posixpath.basename(path)[: -len(".py")]))
    sys_path = (folder, "") if folder else ("",)
    return Start(path, name, ".".join(packages), sys_path, is_main=False)


def script_start(path: str) -> Start:
    """How ``python path`` starts a script: its folder first on ``sys.path``."""
    return Start(path, "__main__", None, (posixpath.dirname(path),))


def reached_from(repo: Repository, tests: Iterable[str], scripts: Iterable[str]) -> set[str]:
    """The repository files that the test modules and the scripts import,
    themselves included."""
    place = Place(repo.tree, repo.repo_path, repo.local_names)
    starts = [pytest_start(path, repo.tree.is_file) for path in tests]
    starts.extend(script_start(path) for path in scripts)
    reached: set[str] = set()
    for start in starts:
        if start.file not in reached:  # one another start imports: its closure is in already
            reached.update(follow(place, start, repo.scan).files)
    return reached


def unreached_modules(files: Sequence[str], reached: Collection[str]) -> list[str]:
    """The ``.py`` files of ``files`` outside ``reached``."""
    return [path for path in files if path.endswith(".py") and path not in reached]


def is_started(path: str, is_script: Callable[[str], bool]) -> bool:
    """Whether a module is started rather than imported: a tool's file
    (``setup.py``, ``main.py``...), or what ``is_script`` says of its bytes
    (`is_script_source`)."""
    name = posixpath.basename(path)
    return name in TOOL_FILES or name == "main.py" or is_script(path)


def is_script_source(data: bytes) -> bool:
    """Whether a module is meant to be run: a ``#!`` line, or a main guard."""
    return data.startswith(b"#!") or _MAIN_GUARD.search(data) is not None


def orphan_modules(unreached: Iterable[str], roots: GlobSet) -> list[str]:
    """Of the modules nothing reaches, those that are orphans: not a
    package's ``__init__.py``, not a test, not matched by ``roots``."""
    return [
        path
        for path in unreached
        if posixpath.basename(path) != "__init__.py"
        and not is_test_file(path)
        and not roots.matches(path)
    ]
