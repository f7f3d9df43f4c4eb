"""CPython's import resolution over a set of files, without importing anything.

What is modelled (CPython 3.9 to 3.13 on Linux, checked against real
interpreters by ``tests/test_resolution.py``):

- ``sys.path`` of an invocation: the script's folder (``python x.py``), the
  working directory (``python -m a.b``, ``python -c``), a folder run as
  ``python dir/``, then ``PYTHONPATH``; ``-I``, ``-E``, ``-P``,
  ``PYTHONSAFEPATH`` and ``-S``; and what uvicorn, gunicorn and hypercorn
  put in front of it. Only these local folders are given: the standard
  library and site-packages come after them.
- ``PathFinder`` and ``FileFinder`` over those folders: parents imported
  first, a regular package before a module file before a namespace portion in
  each folder, a module or package in a later folder before the namespace
  portions of earlier ones, a namespace package spanning every portion.
- ``from a import b`` (an attribute of ``a`` first, then the submodule) and
  relative imports (``__package__`` and ``level``).

What is not: ``sys.meta_path`` before ``PathFinder`` (built-in and frozen
modules: since 3.11 ``os``, ``codecs``, ``site`` and others are frozen, so a
local ``os.py`` never shadows them) and modules already in ``sys.modules`` at
start-up; ``.pth`` files; zip imports (a ``.zip`` or ``.pyz`` on ``sys.path``);
import hooks and ``sys.path`` changes made by the code itself; symlinks and
empty folders (the tree knows files only, as git lists them); case-insensitive
file systems (``PYTHONCASEOK``).

Paths are POSIX strings in one space: relative to a root (``services/a/x.py``,
the root being ``""``) or absolute (``/app/x.py``).
"""

from __future__ import annotations

import functools
import posixpath
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence, Set

# --- the file tree ----------------------------------------------------------


class Tree:
    """Which paths are files and which are folders (implied by the files
    below them), and what each folder holds."""

    def __init__(self, paths: Iterable[str]) -> None:
        """``paths``: normalised POSIX file paths (no ``.``, ``..`` or ``//``
        parts), relative (root ``""``) or absolute (root ``/``)."""
        self.files = frozenset(paths)
        self.folders = _folders_of(self.files)

    def is_file(self, path: str) -> bool:
        return path in self.files

    def is_dir(self, path: str) -> bool:
        return path in self.folders

    def names(self, folder: str) -> Set[str]:
        """The names of the files and folders in ``folder``."""
        return self._children.get(folder, frozenset())

    @functools.cached_property
    def _children(self) -> dict[str, set[str]]:
        # Built on first use: finding modules needs only is_file and is_dir.
        children: dict[str, set[str]] = {folder: set() for folder in self.folders}
        for path in self.files:
            folder, root, name = path.rpartition("/")
            children[folder or root].add(name)
        for folder in self.folders:
            if folder not in ("", "/"):
                parent, root, name = folder.rpartition("/")
                children[parent or root].add(name)
        return children


def _folders_of(files: frozenset[str]) -> frozenset[str]:
    # Comprehensions, one level up at a time, each folder taken once: 100,000
    # paths of a typical tree in about 40 ms. (The parent is written out: a
    # function call per path costs a fifth more.)
    folders: set[str] = set()
    level = {path.rpartition("/")[0] or ("/" if path[:1] == "/" else "") for path in files}
    while level:
        folders |= level
        level = {
            folder.rpartition("/")[0] or ("/" if folder[:1] == "/" else "")
            for folder in level
            if folder not in ("", "/")
        } - folders
    return frozenset(folders)


def join(folder: str, name: str) -> str:
    """``folder/name`` in the tree's space: the roots are ``""`` and ``/``."""
    if not folder:
        return name
    return folder + name if folder == "/" else f"{folder}/{name}"


def absolute(cwd: str, path: str) -> str:
    """``path`` read in the folder ``cwd``, normalised."""
    return normalize(_in_cwd(cwd, path))


def _in_cwd(cwd: str, path: str) -> str:
    # Not normalised: realpath must see a symlink's `..` to resolve it.
    return path if path.startswith("/") else join(cwd, path)


def normalize(path: str) -> str:
    """``posixpath.normpath`` with the relative root as ``""``."""
    normal = posixpath.normpath(path) if path else ""
    return "" if normal == "." else normal


# --- sys.path of an invocation ----------------------------------------------

SCRIPT = "script"  # python path/x.py
DIRECTORY = "directory"  # python path/ : a folder (or zip) holding __main__.py
MODULE = "-m"  # python -m a.b
COMMAND = "-c"  # python -c CODE, and the interactive prompt


class Flags(NamedTuple):
    """The interpreter's options and environment that change ``sys.path``."""

    isolated: bool = False  # -I: implies -E, -s and, for 3.11+, -P
    ignore_environment: bool = False  # -E: PYTHONPATH and PYTHONSAFEPATH unread
    safe_path: bool = False  # -P (3.11+; 3.9 and 3.10 exit: "Unknown option: -P")
    safe_path_env: bool = False  # PYTHONSAFEPATH set and not empty (3.11+)
    no_site: bool = False  # -S: site does not make PYTHONPATH unique


NO_FLAGS = Flags()


def _same(path: str) -> str:
    return path


def sys_path(
    kind: str,
    target: str,
    cwd: str,
    pythonpath: str | None = None,
    flags: Flags = NO_FLAGS,
    *,
    version: tuple[int, int] = (3, 13),
    realpath: Callable[[str], str] = _same,
) -> tuple[str, ...]:
    """The folders that come first on ``sys.path`` of ``python <kind> target``
    started in ``cwd``: the entry the invocation adds, then ``PYTHONPATH``
    (``None`` when unset). ``realpath`` resolves symlinks in a path, as
    CPython does for a script's folder and the working directory."""
    # Relative paths are read in os.getcwd(), the physical working directory.
    here = normalize(realpath(cwd))
    first = _first_entry(kind, target, here, flags, version, realpath)
    return (*first, *_pythonpath_entries(pythonpath, here, flags))


def _first_entry(
    kind: str,
    target: str,
    cwd: str,
    flags: Flags,
    version: tuple[int, int],
    realpath: Callable[[str], str],
) -> tuple[str, ...]:
    if kind == DIRECTORY:
        # The folder run is added as given (made absolute, not resolved),
        # even under -I and -P: its __main__ could not be found otherwise.
        return (absolute(cwd, target),)
    if flags.isolated or _safe_path(flags, version):
        return ()
    if kind == SCRIPT:
        # Python/pathconfig.c _PyPathConfig_ComputeSysPath0: readlink of the
        # script, then realpath, then its folder; the same on 3.9 to 3.13.
        return (posixpath.dirname(normalize(realpath(_in_cwd(cwd, target)))),)
    # -m adds os.getcwd(); -c and the prompt add "", the working directory
    # at each import: the same folder.
    return (cwd,)


def _safe_path(flags: Flags, version: tuple[int, int]) -> bool:
    if version < (3, 11):
        return False
    return flags.safe_path or (flags.safe_path_env and not flags.ignore_environment)


def _pythonpath_entries(pythonpath: str | None, cwd: str, flags: Flags) -> tuple[str, ...]:
    # CPython reads an empty variable as unset, but keeps empty entries: each
    # one is the working directory.
    if not pythonpath or flags.isolated or flags.ignore_environment:
        return ()
    entries = [absolute(cwd, entry) for entry in pythonpath.split(":")]
    if flags.no_site:
        return tuple(entries)
    # site.removeduppaths() keeps the first of equal entries; the first entry
    # of the invocation is added after it ran, so it is not compared.
    return tuple(dict.fromkeys(entries))


# --- app servers ------------------------------------------------------------


class AppServer(NamedTuple):
    """The part of an app server's command line that decides its imports."""

    name: str  # "uvicorn", "gunicorn" or "hypercorn"
    app: str  # the APP argument: "a.b:app"
    app_dir: str = ""  # uvicorn --app-dir
    chdir: str = ""  # gunicorn --chdir
    pythonpath: str = ""  # gunicorn --pythonpath, comma-separated


class AppImport(NamedTuple):
    """What an app server imports, from which folders, in which directory."""

    module: str
    attribute: str
    sys_path: tuple[str, ...]
    cwd: str
    error: str | None = None  # the server refuses the APP argument


def app_server_import(
    server: AppServer,
    base: Sequence[str],
    cwd: str,
    tree: Tree,
    *,
    realpath: Callable[[str], str] = _same,
) -> AppImport:
    """How ``server`` loads its app, given the ``sys.path`` folders of the
    interpreter running it (``base``: from `sys_path` of its console script
    run as SCRIPT, or of ``python -m uvicorn``)."""
    if server.name == "gunicorn":
        return _gunicorn(server, tuple(base), cwd)
    if server.name == "hypercorn":
        return _hypercorn(server, tuple(base), cwd, tree, realpath)
    return _uvicorn(server, tuple(base), cwd)


def _uvicorn(server: AppServer, base: tuple[str, ...], cwd: str) -> AppImport:
    # uvicorn/main.py run(): `sys.path.insert(0, app_dir)`, always; --app-dir
    # defaults to "." (older releases) or "" (current ones), the working
    # directory either way. uvicorn/importer.py import_from_string:
    # "<module>:<attribute>", imported with importlib.import_module.
    module, _, attribute = server.app.partition(":")
    folders = (absolute(cwd, server.app_dir), *base)
    error = None
    if not module or not attribute:
        error = f'Import string "{server.app}" must be in format "<module>:<attribute>".'
    return AppImport(module, attribute, folders, cwd, error)


def _gunicorn(server: AppServer, base: tuple[str, ...], cwd: str) -> AppImport:
    # gunicorn/config.py validate_chdir: the folder made absolute against the
    # working directory; gunicorn/app/base.py Application.chdir() (from
    # load_config): os.chdir there and `sys.path.insert(0, chdir)` unless
    # already on sys.path; Application.run(): each --pythonpath entry,
    # os.path.abspath'd in that new directory, inserted at 0 unless present.
    # gunicorn/util.py import_app: "module:variable", the variable
    # "application" when missing.
    folder = absolute(cwd, server.chdir)
    folders = list(base)
    for entry in (folder, *_gunicorn_pythonpath(server.pythonpath, folder)):
        if entry not in folders:
            folders.insert(0, entry)
    module, colon, attribute = server.app.partition(":")
    return AppImport(module, attribute if colon else "application", tuple(folders), folder)


def _gunicorn_pythonpath(pythonpath: str, cwd: str) -> list[str]:
    return [absolute(cwd, entry) for entry in pythonpath.split(",")] if pythonpath else []


def _hypercorn(
    server: AppServer,
    base: tuple[str, ...],
    cwd: str,
    tree: Tree,
    realpath: Callable[[str], str],
) -> AppImport:
    # hypercorn/utils.py load_application: "[asgi:|wsgi:]module[:app]", then
    # `module_path = Path(module_name).resolve()`, its parent inserted at 0,
    # and the import name is the path's last part (its stem for a file): so
    # "a.b:app" imports "a.b" from the working directory, "src/main:app" and
    # "src/main.py:app" import "main" from src/.
    parts = server.app.split(":")
    if len(parts) == 3:
        parts = parts[1:]
    module_name, attribute = (parts[0], parts[1]) if len(parts) > 1 else (parts[0], "app")
    path = normalize(realpath(_in_cwd(cwd, module_name)))
    name = posixpath.basename(path)
    if tree.is_file(path):
        name = posixpath.splitext(name)[0]
    return AppImport(name, attribute, (posixpath.dirname(path), *base), cwd)


# --- finding a module -------------------------------------------------------

PACKAGE = "package"  # a folder with __init__ (source, bytecode or extension)
MODULE_FILE = "module"  # a .py file
EXTENSION = "extension"  # a .so (.pyd) module
BYTECODE = "bytecode"  # a .pyc without source, beside where the source would be
NAMESPACE = "namespace"  # folders without __init__, one per sys.path entry
UNKNOWN = "unknown"  # below a compiled module, whose __path__ cannot be read

# (suffix, kind) in FileFinder's order: extensions, source, bytecode.
Loaders = tuple[tuple[str, str], ...]


def loader_suffixes(
    version: tuple[int, int] = (3, 13),
    platform: str = "x86_64-linux-gnu",
    *,
    free_threaded: bool = False,
) -> Loaders:
    """``importlib.machinery`` suffixes of an interpreter, in FileFinder's
    order: ``EXTENSION_SUFFIXES`` (``.cpython-313-x86_64-linux-gnu.so``,
    ``.abi3.so``, ``.so``; on Windows ``.cp313-win_amd64.pyd``, ``.pyd``),
    ``.py``, ``.pyc``."""
    tag = f"{version[0]}{version[1]}{'t' if free_threaded else ''}"
    if platform.startswith("win"):
        extensions: tuple[str, ...] = (f".cp{tag}-{platform}.pyd", ".pyd")
    else:
        # A free-threaded build loads no stable-ABI (abi3) extensions.
        stable = () if free_threaded else (".abi3.so",)
        extensions = (f".cpython-{tag}-{platform}.so", *stable, ".so")
    return (
        *((suffix, EXTENSION) for suffix in extensions),
        (".py", MODULE_FILE),
        (".pyc", BYTECODE),
    )


LOADERS = loader_suffixes()


class Module(NamedTuple):
    """What ``import name`` finds, or why it fails."""

    name: str
    kind: str | None  # PACKAGE, MODULE_FILE, ... ; None when not found
    file: str | None = None  # None for a namespace package
    path: tuple[str, ...] = ()  # __path__: where its submodules are searched
    searched: tuple[str, ...] = ()  # the folders searched for its last part
    missing: str | None = None  # the first name not found: name or a parent
    not_package: str | None = None  # the parent that is a module, not a package
    opaque: str | None = None  # for UNKNOWN: the compiled module above it

    @property
    def found(self) -> bool:
        return self.kind is not None and self.kind != UNKNOWN

    @property
    def error(self) -> str | None:
        """CPython's ``ModuleNotFoundError`` message, when not found."""
        if self.kind is not None:
            return None
        if self.not_package is not None:
            return f"No module named {self.missing!r}; {self.not_package!r} is not a package"
        return f"No module named {self.missing!r}"


def find_module(
    name: str, sys_path: Sequence[str], tree: Tree, loaders: Loaders = LOADERS
) -> Module:
    """What ``import name`` finds on ``sys_path``: each parent imported first,
    the next part searched in its ``__path__``."""
    parts = name.split(".")
    found = find_in(parts[0], tuple(sys_path), tree, loaders) if name else Module(name, None)
    for part in parts[1:]:
        if found.kind is None or found.kind == UNKNOWN:
            break
        found = find_submodule(found, part, tree, loaders)
    if found.kind is None and found.missing is None:
        return found._replace(name=name, missing=name)
    return found._replace(name=name)


def find_submodule(parent: Module, part: str, tree: Tree, loaders: Loaders = LOADERS) -> Module:
    """``parent.part`` searched in ``parent.__path__``."""
    name = f"{parent.name}.{part}"
    if parent.path:
        return find_in(name, parent.path, tree, loaders)
    if parent.kind in (EXTENSION, BYTECODE):
        # Compiled code could set __path__; it never does in practice.
        return Module(name, UNKNOWN, opaque=parent.name)
    return Module(name, None, missing=name, not_package=parent.name)


def find_in(name: str, folders: tuple[str, ...], tree: Tree, loaders: Loaders = LOADERS) -> Module:
    """PathFinder: the first module or regular package in ``folders``, else a
    namespace package of every portion, else not found."""
    part = name.rpartition(".")[2]
    portions: list[str] = []
    for folder in folders:
        found = _in_folder(name, part, folder, tree, loaders)
        if found is None:
            continue
        if found.kind != NAMESPACE:
            return found._replace(searched=folders)
        portions.extend(found.path)
    if portions:
        return Module(name, NAMESPACE, None, tuple(portions), folders)
    return Module(name, None, searched=folders, missing=name)


def _in_folder(name: str, part: str, folder: str, tree: Tree, loaders: Loaders) -> Module | None:
    """FileFinder of one folder: a regular package, then a module file in
    loader order, then a namespace portion."""
    # FileFinder asks its listing of the folder for `part` and `part<suffix>`,
    # then whether each is a folder or a file: in a tree that is one question.
    base = join(folder, part)
    portion = tree.is_dir(base)
    if portion:
        for suffix, _ in loaders:
            init = f"{base}/__init__{suffix}"
            if tree.is_file(init):
                return Module(name, PACKAGE, init, (base,))
    for suffix, kind in loaders:
        if tree.is_file(base + suffix):
            return Module(name, kind, base + suffix)
    return Module(name, NAMESPACE, None, (base,)) if portion else None


# --- from a import b --------------------------------------------------------

BOUND = "bound"  # an attribute of the module
SUBMODULE = "submodule"  # not an attribute: the submodule is imported
MISSING = "missing"  # ImportError: cannot import name


class FromName(NamedTuple):
    """What ``from module import name`` gets."""

    kind: str  # BOUND, SUBMODULE, UNKNOWN or MISSING
    submodule: Module | None = None  # for SUBMODULE
    error: str | None = None  # for MISSING: CPython's ImportError message


# Every module has these; a namespace package has __file__ too (None).
_MODULE_NAMES = frozenset({"__name__", "__doc__", "__package__", "__loader__", "__spec__"})
_NAMESPACE_NAMES = _MODULE_NAMES | {"__path__", "__file__"}
_SOURCE_NAMES = _MODULE_NAMES | {"__file__", "__cached__", "__builtins__"}


def from_import(
    module: Module,
    name: str,
    bound: Set[str],
    tree: Tree,
    loaders: Loaders = LOADERS,
    *,
    open_names: bool = False,
) -> FromName:
    """``from module import name``, given the names ``module``'s code binds
    (``open_names``: it may bind others, by a star import or a module
    ``__getattr__``). CPython takes an attribute first, and only for a
    package imports the submodule. With open names and a submodule, the
    import succeeds either way: SUBMODULE is answered."""
    if not module.found:
        return FromName(UNKNOWN if module.kind == UNKNOWN else MISSING, None, module.error)
    if name in bound or name in _implicit_names(module):
        return FromName(BOUND)
    if module.path:
        submodule = find_submodule(module, name, tree, loaders)
        if submodule.found:
            return FromName(SUBMODULE, submodule)
    if open_names or not _readable(module):
        return FromName(UNKNOWN)
    location = module.file or "unknown location"
    message = f"cannot import name {name!r} from {module.name!r} ({location})"
    return FromName(MISSING, None, message)


def _implicit_names(module: Module) -> frozenset[str]:
    if module.kind == NAMESPACE:
        return _NAMESPACE_NAMES
    return _SOURCE_NAMES | ({"__path__"} if module.path else set())


def _readable(module: Module) -> bool:
    """Whether the names the module binds can be read from source."""
    return module.file is None or module.file.endswith(".py")


# --- relative imports -------------------------------------------------------


class Relative(NamedTuple):
    """The absolute name a relative import means, or CPython's ImportError."""

    name: str | None
    error: str | None = None


def relative_target(module: str, level: int, package: str | None) -> Relative:
    """``from <level dots><module> import ...`` in a module whose
    ``__package__`` is ``package`` (`package_of`, `main_package`)."""
    if level == 0:
        return Relative(module)
    if not package:
        return Relative(None, "attempted relative import with no known parent package")
    bits = package.rsplit(".", level - 1)
    if len(bits) < level:
        return Relative(None, "attempted relative import beyond top-level package")
    return Relative(f"{bits[0]}.{module}" if module else bits[0])


def package_of(name: str, *, is_package: bool) -> str:
    """``__package__`` of the imported module ``name``: itself for a package
    (so ``from . import x`` in ``a/__init__.py`` means ``a.x``), else its
    parent (``""`` for a top-level module, as an app server's ``main:app``)."""
    return name if is_package else name.rpartition(".")[0]


def main_package(kind: str, target: str, *, is_package: bool = False) -> str | None:
    """``__package__`` of ``__main__``: ``a.b`` for ``python -m a.b.c`` (and
    for ``python -m a.b``, a package run as ``a.b.__main__``), ``""`` for a
    folder run, None for a script or ``-c``."""
    if kind == MODULE:
        return package_of(target, is_package=is_package)
    return "" if kind == DIRECTORY else None
