"""Orphan modules, for `lucid-hooks report`: Python files that no entry
point, test, script, plugin, framework or configured root reaches, so that
nothing ever runs them (the leftovers of a move, or code waiting to be
deleted).

What the entry points reach comes from check-entry-point-imports' analysis.
The others are followed here with the same import graph: a test as pytest
imports it (its default ``prepend`` mode: the first folder above it that is
not a package goes first on ``sys.path``, then the repository root and each
project's folder and ``src/``, where an editable install puts them); a
script (a ``#!`` line, a main guard, or a file tools run by name:
``setup.py``, ``manage.py``, ``noxfile.py``...) as ``python script.py`` runs
it; a plugin that ``[project.entry-points]`` names as its host imports it.
Modules a framework loads by name (Django's app modules, migrations and
commands in a project with a ``manage.py``; Alembic's ``versions/``) are
never orphans.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from lucid_hooks.entry_points import ENTRY_NAMES
from lucid_hooks.import_graph import Place, Start, follow
from lucid_hooks.resolution import MODULE_FILE, PACKAGE, find_module

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Sequence

    from lucid_hooks.entry_point_analysis import Repository
    from lucid_hooks.globs import GlobSet
    from lucid_hooks.resolution import Tree

TEST_FOLDERS = frozenset({"test", "tests", "testing"})
# Files that a tool runs or loads by their name, not through an import.
TOOL_FILES = frozenset(
    {
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
PROJECT_FILES = frozenset({"pyproject.toml", "setup.py", "setup.cfg"})
# The modules and folders Django loads by name in a project's apps.
DJANGO_MODULES = frozenset(
    {
        "admin.py",
        "apps.py",
        "context_processors.py",
        "forms.py",
        "middleware.py",
        "models.py",
        "serializers.py",
        "settings.py",
        "signals.py",
        "tasks.py",
        "urls.py",
        "views.py",
    }
)
DJANGO_FOLDERS = frozenset({"migrations", "management", "templatetags", "settings"})


def is_test_file(path: str) -> bool:
    """Whether a test runner would collect or load ``path``: pytest's
    ``test_*.py``, ``*_test.py`` and ``conftest.py``, Django's ``test*.py``
    (``tests.py`` among them), or any module of a ``tests`` folder."""
    name = posixpath.basename(path)
    if not name.endswith(".py"):
        return False
    if name.startswith("test") or name.endswith("_test.py") or name == "conftest.py":
        return True
    return not TEST_FOLDERS.isdisjoint(path.split("/")[:-1])


def source_roots(files: Iterable[str]) -> tuple[str, ...]:
    """The folders a test finds installed code in, besides the repository
    root: each project's folder (the one of a ``pyproject.toml``,
    ``setup.py`` or ``setup.cfg``) and its ``src/`` (an editable install
    puts them on ``sys.path``)."""
    projects = {
        posixpath.dirname(path) for path in files if posixpath.basename(path) in PROJECT_FILES
    }
    roots = {root for project in projects for root in (project, posixpath.join(project, "src"))}
    return tuple(sorted(roots - {""}))


def pytest_start(
    path: str, is_file: Callable[[str], bool], installed: Sequence[str] = ()
) -> Start:
    """How pytest imports the test module ``path``: named from the first
    folder above it that has no ``__init__.py``, which goes on ``sys.path``
    in front of the repository root and the ``installed`` source roots."""
    folder = posixpath.dirname(path)
    packages: list[str] = []
    while folder and is_file(posixpath.join(folder, "__init__.py")):
        packages.insert(0, posixpath.basename(folder))
        folder = posixpath.dirname(folder)
    name = ".".join((*packages, posixpath.basename(path)[: -len(".py")]))
    sys_path = tuple(dict.fromkeys((folder, "", *installed)))
    return Start(path, name, ".".join(packages), sys_path, is_main=False)


def framework_loaded(files: Sequence[str]) -> Callable[[str], bool]:
    """Whether a framework loads a module by its name or folder, not by an
    import: Django's (when a ``manage.py`` says the repository is a Django
    project) app modules, migrations, management commands and template
    tags, and Alembic's migration scripts (a ``versions/`` folder beside an
    ``env.py``)."""
    names = set(files)
    django = any(posixpath.basename(path) == "manage.py" for path in files)

    def loaded(path: str) -> bool:
        parts = path.split("/")
        folder = posixpath.dirname(path)
        if (
            parts[-2:-1] == ["versions"]
            and posixpath.join(posixpath.dirname(folder), "env.py") in names
        ):
            return True
        if not django:
            return False
        return parts[-1] in DJANGO_MODULES or not DJANGO_FOLDERS.isdisjoint(parts[:-1])

    return loaded


def script_start(path: str) -> Start:
    """How ``python path`` starts a script: its folder first on ``sys.path``."""
    return Start(path, "__main__", None, (posixpath.dirname(path),))


def reached_from(
    repo: Repository, tests: Iterable[str], scripts: Iterable[str], plugins: Iterable[Start] = ()
) -> set[str]:
    """The repository files that the test modules, the scripts and the
    plugin modules import, themselves included."""
    place = Place(repo.tree, repo.repo_path, repo.local_names)
    installed = source_roots(repo.files)
    starts = [pytest_start(path, repo.tree.is_file, installed) for path in tests]
    starts.extend(script_start(path) for path in scripts)
    starts.extend(plugins)
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
    return name in TOOL_FILES or name in ENTRY_NAMES or is_script(path)


def is_script_source(data: bytes) -> bool:
    """Whether a module is meant to be run: a ``#!`` line, or a main guard."""
    return data.startswith(b"#!") or _MAIN_GUARD.search(data) is not None


def orphan_modules(
    unreached: Iterable[str], roots: GlobSet, loaded: Callable[[str], bool]
) -> list[str]:
    """Of the modules nothing reaches, those that are orphans: not a
    package's ``__init__.py``, not a test, not one a framework loads, not
    matched by ``roots``."""
    return [
        path
        for path in unreached
        if posixpath.basename(path) != "__init__.py"
        and not is_test_file(path)
        and not loaded(path)
        and not roots.matches(path)
    ]


def plugin_starts(
    files: Sequence[str], read: Callable[[str], bytes | None], tree: Tree
) -> list[Start]:
    """The modules ``[project.entry-points]`` of each ``pyproject.toml``
    names (plugins a host program imports by name), found as an import of
    them from the project's folder and its ``src/`` finds them."""
    starts = []
    for pyproject in (path for path in files if posixpath.basename(path) == "pyproject.toml"):
        project = posixpath.dirname(pyproject)
        sys_path = (project, posixpath.join(project, "src"))
        for module in _plugin_modules(read(pyproject)):
            if not module or not all(part.isidentifier() for part in module.split(".")):
                continue
            found = find_module(module, sys_path, tree)
            if found.file is None or found.kind not in (PACKAGE, MODULE_FILE):
                continue
            package = module if found.kind == PACKAGE else module.rpartition(".")[0]
            starts.append(Start(found.file, module, package, sys_path, is_main=False))
    return starts


def _plugin_modules(data: bytes | None) -> list[str]:
    """The modules of ``[project.entry-points.<group>]`` (``module:attr``)."""
    from lucid_hooks.config import ConfigError, parse_toml

    if data is None:
        return []
    try:
        document = parse_toml(data)
    except ConfigError:
        return []
    project = document.get("project")
    groups = project.get("entry-points") if isinstance(project, dict) else None
    if not isinstance(groups, dict):
        return []
    return [
        value.partition(":")[0].strip()
        for group in groups.values()
        if isinstance(group, dict)
        for value in group.values()
        if isinstance(value, str)
    ]
