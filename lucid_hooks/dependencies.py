"""What third-party distributions an entry point runs with, and which Python.

In an image: what the Dockerfile's pip installs put there (requirements
files through the COPY that brought them, specifiers, local projects with
their own dependencies), what ``poetry install`` and ``uv sync`` install of
the ``pyproject.toml`` COPY put where they look for it (the main
dependencies, the groups and extras their options and defaults select, the
project itself), and what the base image ships; when something else may
install packages (pipenv, pdm, conda, pip-sync, a stage copied from another
image, a requirements file or project that cannot be found, a poetry or uv
option not modelled), what is installed is not known and nothing is
reported. poetry.lock and uv.lock are not read: they pin the same names.
From the repository: the nearest folder, walking up from the entry point's
first module, that holds ``requirements*.txt`` files or a ``pyproject.toml``
that declares dependencies.

The Python: the image's interpreter, else the lowest minor version that
the nearest ``requires-python`` (or Poetry's ``python`` dependency) allows,
else the configured ``target-version``, else the hook's own.
"""

from __future__ import annotations

import posixpath
import re
import sys
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks.import_names import normalize
from lucid_hooks.requirements import (
    PYTHONS,
    Declared,
    Environment,
    Problem,
    local_project_name,
    project_dependencies,
    python_allows,
    read_requirements,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Mapping

    from lucid_hooks.image import Image, ImageFile, Install
    from lucid_hooks.pip_installs import Selection

    Reader = Callable[[str], "bytes | None"]

PYPROJECT = "pyproject.toml"
_REQUIREMENTS_FILE = re.compile(r"requirements[\w.-]*\.(?:txt|in)")
# Installers whose work the model does not follow.
_OTHER_INSTALLERS = re.compile(
    rb"\b(?:uv\s+pip\s+sync|pipenv\s+(?:install|sync)|pip-sync"
    rb"|pdm\s+(?:install|sync)|(?:conda|mamba|micromamba)\s+(?:install|env|create))\b"
)
# Project installers the model follows where a RUN names them plainly; one
# it does not see (in `sh -c "..."`, a script) leaves what is installed not known.
_PROJECT_INSTALLERS = re.compile(rb"\b(?:poetry\s+install|uv\s+sync)\b")
PROJECT_TOOLS = ("poetry", "uv sync")
# What copies in files nobody can see: another image, a URL, an archive.
_OPAQUE_SOURCES = frozenset({"image", "remote", "archive", "not-known", "ambiguous"})


class Installed(NamedTuple):
    """What a run's environment installs. ``distributions`` are normalized
    names; ``optional`` maps a distribution declared only by an extra or
    group that is not installed to the file that declares it; ``sources``
    are the files that say what is installed (for messages); ``known`` is
    False when more may be installed than can be told (then nothing is
    reported missing); ``problems`` are what could not be read in them."""

    distributions: frozenset[str]
    optional: dict[str, str]
    sources: tuple[str, ...]
    known: bool
    problems: tuple[Problem, ...] = ()
    why_unknown: str = ""
    # Standard-library modules the image lacks (`base_images.stdlib_left_out`).
    left_out: tuple[tuple[str, str], ...] = ()  # (module, the Debian package that has it)
    image: str = ""
    local_folders: tuple[str, ...] = ()  # the local projects installed
    # The named lines of the requirements files that `pip install -r` reads
    # (their includes too), not those of a local project's own metadata.
    required: tuple[Declared, ...] = ()


def unknown(why: str) -> Installed:
    return Installed(frozenset(), {}, (), False, (), why)


# --- in an image ------------------------------------------------------------


def image_installed(image: Image, dockerfile: bytes, read: Reader) -> Installed:
    """What ``image`` (modelled from ``dockerfile``'s bytes) has installed,
    and the standard-library modules its base leaves out."""
    from lucid_hooks.base_images import stdlib_left_out

    left_out = stdlib_left_out(image.base)
    found = _image_installed(image, dockerfile, read)
    if not left_out:
        return found
    return found._replace(left_out=tuple(sorted(left_out.items())), image=image.base.reference)


def _image_installed(image: Image, dockerfile: bytes, read: Reader) -> Installed:
    if image.base.family not in ("python", "distroless"):
        return unknown(f"nothing is known of the base image {image.base.reference}")
    if _OTHER_INSTALLERS.search(dockerfile) or _unseen_project_installs(image, dockerfile):
        return unknown("another installer than pip runs in the image")
    if any(region.kind in _OPAQUE_SOURCES for region in image.opaque):
        return unknown("files come from where they cannot be seen")
    collected = _Collected(Environment(python=image.python_version), read, image.files)
    collected.add(_base_distributions(image), ())
    for install in image.installs:
        if not collected.install(install):
            return unknown(
                f"line {install.line} of {image.dockerfile} installs what cannot be told"
            )
    return collected.installed()


def _unseen_project_installs(image: Image, dockerfile: bytes) -> bool:
    """Whether the Dockerfile names more ``poetry install`` / ``uv sync``
    than the image's RUN commands were seen to run."""
    modelled = sum(install.tool in PROJECT_TOOLS for install in image.installs)
    return len(_PROJECT_INSTALLERS.findall(dockerfile)) > modelled


def _base_distributions(image: Image) -> frozenset[str]:
    """What the base image ships: pip in the python images (and setuptools
    and wheel up to 3.11); nothing in distroless."""
    if image.base.family != "python":
        return frozenset()
    if image.python_version in ("3.9", "3.10", "3.11"):
        return frozenset({"pip", "setuptools", "wheel"})
    return frozenset({"pip"})


class _Collected:
    """The distributions found so far, and what says so."""

    def __init__(
        self,
        environment: Environment,
        read: Reader,
        image_files: Mapping[str, ImageFile] | None = None,
    ) -> None:
        self.environment = environment
        self.read = read
        # Where COPY put which repository file (an include may name one).
        self.image_files = image_files
        self.distributions: set[str] = set()
        self.optional: dict[str, str] = {}
        self.sources: list[str] = []
        self.problems: list[Problem] = []
        self.local_folders: list[str] = []
        self.required: list[Declared] = []
        self.known = True

    def add(self, names: Iterable[str], sources: Iterable[str]) -> None:
        self.distributions.update(names)
        self.sources.extend(source for source in sources if source and source not in self.sources)

    def install(self, install: Install) -> bool:
        """Take in one ``pip install``; False when what it installs cannot be told."""
        if install.tool in PROJECT_TOOLS:
            return self.project_install(install)
        refs = (*install.requirements, *install.local)
        if any(ref.source is None or not ref.written for ref in refs):
            return False
        # pip reads local paths of a requirements file from its working
        # folder; where COPY put none there, the file's folder is the guess.
        folder = install.folder.source if install.folder else None
        for ref in install.requirements:
            assert ref.source is not None
            self.add((), (ref.source,))
            found, problems = read_requirements(
                ref.source, self.read, self.environment, folder, self.image_source
            )
            self.required.extend(d for d in found if d.name and not d.optional and not d.local)
            self.declared(found, problems)
        for ref in install.local:
            assert ref.source is not None
            if not self.local_project(ref.source, _extras_of(ref.written)):
                return False
        self.add(_specifier_names(install.packages, self.environment), ())
        return self.known

    def image_source(self, path: str) -> str | None:
        copied = self.image_files.get(path) if self.image_files is not None else None
        return copied.source if copied is not None else None

    def project_install(self, install: Install) -> bool:
        """Take in one ``poetry install`` / ``uv sync``: the groups and
        extras of its ``pyproject.toml`` it selects, and the project itself;
        False when what it installs cannot be told."""
        project, selection = install.project, install.selection
        if project is None or project.source is None or selection is None or selection.unclear:
            return False
        document, text = _pyproject(project.source, self.read)
        if document is None or (install.tool == "uv sync" and _dynamic_dependencies(document)):
            return False  # uv learns dynamic dependencies by building the project
        if selection.installs:
            self.add((), (project.source,))
            found = _selected_dependencies(
                install.tool, project.source, (document, text), selection, self.environment
            )
            self.declared(*found)
            if install.local and _installs_itself(install.tool, document):
                self.installed_project(posixpath.dirname(project.source))
        return self.known

    def installed_project(self, folder: str) -> None:
        """The project a project install installs itself (a name, or none)."""
        name = local_project_name(folder or ".", self.read)
        if name:
            self.distributions.add(name)
        self.local_folders.append(folder or ".")

    def declared(self, found: Iterable[Declared], problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)
        for declared in found:
            self.add((), (declared.path,))
            if declared.local is not None:
                self.local_project(declared.local, declared.extras)
            if not declared.name:
                continue
            if declared.optional:
                self.optional.setdefault(declared.name, declared.path)
            else:
                self.distributions.add(declared.name)

    def local_project(self, folder: str, extras: Collection[str]) -> bool:
        """A local project and what it depends on; False when its name
        cannot be told (what it installs is then not known)."""
        name = local_project_name(folder, self.read)
        if not name:
            self.known = False
            return False
        self.distributions.add(name)
        self.local_folders.append(folder)
        path = posixpath.join(folder, PYPROJECT) if folder not in ("", ".") else PYPROJECT
        document, text = _pyproject(path, self.read)
        if document is None or _dynamic_dependencies(document):
            # setup.py or `dynamic = ["dependencies"]`: read only by running the build.
            self.known = False
            return True
        found = project_dependencies(
            path, document, text=text, extras=extras, environment=self.environment
        )
        self.declared(*found)
        return True

    def installed(self) -> Installed:
        optional = {
            name: path for name, path in self.optional.items() if name not in self.distributions
        }
        return Installed(
            frozenset(self.distributions),
            optional,
            tuple(self.sources),
            self.known,
            tuple(dict.fromkeys(self.problems)),
            local_folders=tuple(dict.fromkeys(self.local_folders)),
            required=tuple(dict.fromkeys(self.required)),
        )


def _extras_of(written: str) -> tuple[str, ...]:
    """The extras a local install names: ``.[server,cli]``."""
    match = re.search(r"\[([^\]]*)\]$", written)
    return tuple(normalize(part) for part in match.group(1).split(",")) if match else ()


def _specifier_names(packages: Iterable[str], environment: Environment) -> set[str]:
    """The distributions ``pip install name[extra]>=1 ...`` words install,
    read as the lines of a requirements file would be."""
    lines = "\n".join(packages).encode()
    declared, _ = read_requirements(_COMMAND_LINE, {_COMMAND_LINE: lines}.get, environment)
    return {found.name for found in declared if found.name and not found.optional}


def _selected_dependencies(
    tool: str,
    path: str,
    pyproject: tuple[dict[str, object], str],
    selection: Selection,
    environment: Environment,
) -> tuple[tuple[Declared, ...], tuple[Problem, ...]]:
    """What the ``pyproject.toml`` at ``path`` (parsed, and its text)
    declares, with what a project install selects of it installed."""
    document, text = pyproject
    groups, main = _selected_groups(tool, document, selection)
    extras = _selected_extras(document, selection)
    return project_dependencies(
        path, document, text=text, extras=extras, groups=groups, environment=environment, main=main
    )


def _selected_groups(
    tool: str, document: dict[str, object], selection: Selection
) -> tuple[set[str], bool]:
    """The normalized groups a project install installs, and whether the
    main dependencies come too."""
    if not selection.dependencies:
        return set(), False
    if tool == "poetry":
        chosen = _poetry_chosen(document, selection)
        return chosen - {"main"}, "main" in chosen
    if selection.only is not None:
        chosen = _normalized(selection.only)
    else:
        chosen = _normalized(selection.groups)
        chosen |= _uv_default_groups(document) if selection.default_groups else set()
        chosen |= set(_group_names(document)) if selection.all_groups else set()
    # `--no-group` wins over `--group`, `--all-groups` and the defaults.
    return chosen - _normalized(selection.without), selection.only is None


def _installs_itself(tool: str, document: dict[str, object]) -> bool:
    """Whether the project is a package its install installs: not with
    Poetry's ``package-mode = false``; for uv, one with a ``[build-system]``
    or ``[tool.uv] package = true``."""
    tools = _table(document.get("tool"))
    if tool == "poetry":
        return _table(tools.get("poetry")).get("package-mode") is not False
    package = _table(tools.get("uv")).get("package")
    return package is True or (package is not False and "build-system" in document)


def _poetry_chosen(document: dict[str, object], selection: Selection) -> set[str]:
    """Poetry's groups, ``main`` included: ``--only`` as given, else every
    group not ``optional = true``, ``--with`` ones, less ``--without``."""
    if selection.only is not None:
        return _normalized(selection.only)
    groups = _group_names(document)
    if selection.all_groups:
        chosen = {"main", *groups}
    else:
        chosen = {"main", *(group for group, optional in groups.items() if not optional)}
    return (chosen | _normalized(selection.groups)) - _normalized(selection.without)


def _group_names(document: dict[str, object]) -> dict[str, bool]:
    """Each dependency group a pyproject declares, normalized, and whether
    Poetry's ``[tool.poetry.group.<g>] optional = true`` makes it optional."""
    names = dict.fromkeys(map(normalize, _table(document.get("dependency-groups"))), False)
    tool = _table(document.get("tool"))
    poetry = _table(tool.get("poetry"))
    if "dev-dependencies" in poetry or "dev-dependencies" in _table(tool.get("uv")):
        names.setdefault("dev", False)
    for group, table in _table(poetry.get("group")).items():
        names[normalize(group)] = _table(table).get("optional") is True
    return names


def _uv_default_groups(document: dict[str, object]) -> set[str]:
    """``[tool.uv] default-groups``: a list, ``"all"``, by default ``dev``."""
    setting = _table(_table(document.get("tool")).get("uv")).get("default-groups", ["dev"])
    if setting == "all":
        return set(_group_names(document))
    if not isinstance(setting, list):
        return {"dev"}  # uv refuses the file; its own error says why
    return {normalize(name) for name in setting if isinstance(name, str)}


def _selected_extras(document: dict[str, object], selection: Selection) -> set[str]:
    """The extras a project install installs: those named, or all of
    ``[project.optional-dependencies]`` and ``[tool.poetry.extras]``."""
    if not selection.all_extras:
        return _normalized(selection.extras)
    everything = set(_table(_table(document.get("project")).get("optional-dependencies")))
    everything |= set(_table(_table(_table(document.get("tool")).get("poetry")).get("extras")))
    return _normalized(everything) - _normalized(selection.no_extras)


def _normalized(names: Iterable[str]) -> set[str]:
    return {normalize(name) for name in names}


def _table(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


# A requirements file of the words a pip command names; pip refuses what it
# cannot parse, so the build fails before any import: its problems are not ours.
_COMMAND_LINE = "<pip install>"


# --- from the repository ----------------------------------------------------


def repository_installed(
    start: str, files: Collection[str], read: Reader, python: str | None
) -> Installed:
    """What a run from the repository has installed, by the requirements
    nearest to its first module ``start`` (a repository path): every
    ``requirements*.txt`` of the nearest folder that has any, and its
    ``pyproject.toml`` (with every extra and group: nothing says which
    are installed)."""
    environment = Environment(python=python)
    folder = posixpath.dirname(start)
    while True:
        found = _read_repository(_requirement_files(folder, files), read, environment)
        if found is not None:
            return found
        if not folder:
            return unknown("no requirements file or pyproject.toml declares its packages")
        folder = posixpath.dirname(folder)


def _requirement_files(folder: str, files: Collection[str]) -> list[str]:
    """The ``requirements*.txt`` files and ``pyproject.toml`` of ``folder``,
    and the ``.txt`` files of its ``requirements/`` folder."""
    prefix = folder + "/" if folder else ""
    return sorted(path for path in files if _is_requirements(path, prefix))


def is_requirements_file(path: str) -> bool:
    """Whether ``path`` is a file that says what its folder installs: a
    ``requirements*.txt``, a file of a ``requirements/`` folder, a
    ``pyproject.toml``."""
    folder = posixpath.dirname(path)
    if posixpath.basename(folder) == "requirements":
        folder = posixpath.dirname(folder)
    return _is_requirements(path, folder + "/" if folder else "")


def _is_requirements(path: str, prefix: str) -> bool:
    if not path.startswith(prefix):
        return False
    rest = path[len(prefix) :]
    if rest.startswith("requirements/"):
        return "/" not in rest[13:] and rest.endswith((".txt", ".in"))
    return "/" not in rest and (bool(_REQUIREMENTS_FILE.fullmatch(rest)) or rest == PYPROJECT)


def _dynamic_dependencies(document: dict[str, object]) -> bool:
    """Whether ``[project]`` leaves its dependencies to the build backend."""
    project = document.get("project")
    dynamic = project.get("dynamic") if isinstance(project, dict) else None
    return isinstance(dynamic, list) and "dependencies" in dynamic


def _read_repository(paths: list[str], read: Reader, environment: Environment) -> Installed | None:
    """What the files of one folder declare; None when none of them is
    about dependencies (a pyproject.toml of tool settings only)."""
    collected = _Collected(environment, read)
    for path in paths:
        if path.endswith(PYPROJECT):
            document, text = _pyproject(path, read)
            if document is None or _dynamic_dependencies(document):
                return unknown(f"what {path} declares cannot be read without building it")
            if not _declares_dependencies(document):
                continue
            everything = _all_extras_and_groups(document)
            found = project_dependencies(
                path,
                document,
                text=text,
                extras=everything,
                groups=everything,
                environment=environment,
            )
            collected.declared(*found)
            collected.add((), (path,))
        else:
            collected.declared(*read_requirements(path, read, environment))
            collected.add((), (path,))
    return collected.installed() if collected.sources else None


def _declares_dependencies(document: dict[str, object]) -> bool:
    project = document.get("project")
    tool = document.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    return (
        (isinstance(project, dict) and "dependencies" in project)
        or "dependency-groups" in document
        or (isinstance(poetry, dict) and "dependencies" in poetry)
    )


def _all_extras_and_groups(document: dict[str, object]) -> tuple[str, ...]:
    names: list[str] = []
    project = document.get("project")
    if isinstance(project, dict) and isinstance(project.get("optional-dependencies"), dict):
        names.extend(project["optional-dependencies"])
    groups = document.get("dependency-groups")
    if isinstance(groups, dict):
        names.extend(groups)
    tool = document.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    if isinstance(poetry, dict):
        for key in ("extras", "group"):
            if isinstance(poetry.get(key), dict):
                names.extend(poetry[key])
    return tuple(str(name) for name in names)


def _pyproject(path: str, read: Reader) -> tuple[dict[str, object] | None, str]:
    from lucid_hooks.config import ConfigError, parse_toml

    data = read(path)
    if data is None:
        return None, ""
    try:
        return parse_toml(data), data.decode("utf-8", "replace")
    except ConfigError:
        return None, ""  # the project's own tools report it


# --- which Python -----------------------------------------------------------


def repository_python(
    start: str, files: Collection[str], read: Reader, configured: str | None
) -> tuple[str, str]:
    """The minor version ("3.11") a run from the repository gets, and why:
    the lowest the nearest ``requires-python`` (or Poetry's ``python``
    dependency) allows, else ``configured``, else the hook's own interpreter."""
    folder = posixpath.dirname(start)
    while True:
        path = posixpath.join(folder, PYPROJECT) if folder else PYPROJECT
        if path in files:
            document, _ = _pyproject(path, read)
            lowest = _lowest_allowed(document)
            if lowest is not None:
                return lowest, f"requires-python of {path}"
            lowest = _lowest_poetry_python(document)
            if lowest is not None:
                return lowest, f"the python of [tool.poetry.dependencies] in {path}"
        if not folder:
            break
        folder = posixpath.dirname(folder)
    if configured:
        return configured, "target-version"
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    return here, "the hook's Python"


def _lowest_allowed(document: dict[str, object] | None) -> str | None:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    project = document.get("project") if document else None
    requires = project.get("requires-python") if isinstance(project, dict) else None
    if not isinstance(requires, str):
        return None
    try:
        allowed = SpecifierSet(requires)
    except InvalidSpecifier:
        return None
    # Any patch release of a minor version counts: `>=3.10.4` allows 3.10.
    return next((python for python in PYTHONS if allowed.contains(python + ".99")), None)


def _lowest_poetry_python(document: dict[str, object] | None) -> str | None:
    """The lowest minor version ``[tool.poetry.dependencies] python``
    (``^3.10``, ``>=3.9,<4``, ``3.11.*``, ``a || b``) allows."""
    tool = document.get("tool") if document else None
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    table = poetry.get("dependencies") if isinstance(poetry, dict) else None
    constraint = table.get("python") if isinstance(table, dict) else None
    if not isinstance(constraint, str):
        return None
    # Any patch release of a minor version counts, as for requires-python.
    return next((python for python in PYTHONS if python_allows(constraint, python + ".99")), None)
