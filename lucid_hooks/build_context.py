"""Which build context a Dockerfile is built with, and what of it the build sees.

A Dockerfile at repo path P is built, in this order of evidence:

1. with the context folder the caller's configuration maps a glob of P to;
2. as the repository's compose files build it: every ``services.*.build``
   whose Dockerfile is P (``build: path`` is the context; a mapping has
   ``context``, default ``.``, and ``dockerfile``, default ``Dockerfile``,
   relative to the context), the context relative to the compose file's
   folder; compose files are ``compose.yaml``, ``compose.yml``,
   ``docker-compose.yml``, ``docker-compose.yaml`` and
   ``[docker-]compose.*.y[a]ml`` anywhere in the repository. Each distinct
   build (context, build args, target) is one context;
3. else from the Dockerfile's folder, unless its COPY/ADD sources exist
   from the repository root and not there (``docker build -f P .``); the
   reason is recorded either way, for findings to show.

The files the build sees are the context's files minus what its ignore file
excludes: ``<Dockerfile name>.dockerignore`` beside the Dockerfile when there
is one (BuildKit prefers it), else ``.dockerignore`` at the context root,
read and matched as moby/patternmatcher does (``lucid_hooks.patterns``).

Not modelled: compose ``extends``/``include``, variables in compose files
(a build arg using one has a value not known; a context using one is a
problem), remote contexts (git or URL), ``additional_contexts``, and
symlinks. A compose file that is not valid YAML is a problem string, never
an exception. Nothing here reads the disk: file contents come through the
caller's ``read`` function.

Cost: a context, or a folder of one, is a range of the repository's paths
in sorted order, found by bisection. A :class:`ContextCache` passed to every
call keeps that order, each Dockerfile's compose builds and each context's
files (after its ignore file) for all the Dockerfiles of the repository: the
repository is then sorted and filtered once, and each further Dockerfile
costs what it uses of it.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks.patterns import (
    PatternMatcher,
    glob_regex,
    go_clean,
    has_wildcards,
    literal_folder,
    read_ignore_file,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

    from lucid_hooks.dockerfile import Dockerfile

    Reader = Callable[[str], "bytes | None"]

COMPOSE_NAMES = frozenset(
    {"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"}
)
_COMPOSE_VARIANT = re.compile(r"(?:docker-)?compose\.[^/]+\.ya?ml")
IGNORE_FILE = ".dockerignore"
# Compose interpolates `$NAME` and `${NAME...}` from the environment; `$$` is a `$`.


def _interpolated(text: str) -> bool:
    return "$" in text.replace("$$", "")


CONFIG = "config"
COMPOSE = "compose"
FOLDER = "dockerfile-folder"
ROOT = "repository-root"


class SortedPaths(frozenset[str]):
    """A frozenset of paths that also holds them in sorted order (``order``),
    so that the paths below a folder are a range found by bisection."""

    __slots__ = ("order",)
    order: tuple[str, ...]

    def __new__(cls, paths: Iterable[str] = ()) -> SortedPaths:
        # Sorting input already in order (a context's paths, git's list)
        # is one pass; only duplicates make it sort the set instead.
        order = sorted(paths)
        self = super().__new__(cls, order)
        self.order = tuple(order) if len(order) == len(self) else tuple(sorted(self))
        return self


def sorted_order(paths: Collection[str]) -> Sequence[str]:
    """``paths`` in sorted order (duplicates kept), sorted only when they
    do not hold their order already."""
    return paths.order if isinstance(paths, SortedPaths) else sorted(paths)


def prefix_range(order: Sequence[str], prefix: str) -> tuple[int, int]:
    """Where the paths starting with ``prefix`` (``""``, or ending in ``/``)
    are in the sorted ``order``: from ``a/`` up to ``a0``, ``0`` being the
    character after ``/``."""
    if not prefix:
        return 0, len(order)
    low = bisect.bisect_left(order, prefix)
    return low, bisect.bisect_left(order, prefix[:-1] + "0", low)


def folder_range(order: Sequence[str], folder: str) -> tuple[int, int]:
    """Where the paths strictly below ``folder`` (``""``: every path) are in
    the sorted ``order``."""
    return prefix_range(order, f"{folder}/" if folder else "")


def has_path(order: Sequence[str], path: str) -> bool:
    """Whether the sorted ``order`` holds ``path``."""
    position = bisect.bisect_left(order, path)
    return position < len(order) and order[position] == path


def has_prefix(order: Sequence[str], prefix: str) -> bool:
    """Whether a path of the sorted ``order`` starts with ``prefix``."""
    position = bisect.bisect_left(order, prefix)
    return position < len(order) and order[position].startswith(prefix)


def names_at_depth(order: Sequence[str], folder: str, depth: int) -> set[str]:
    """The files and folders ``depth`` names deep (``a/b``: 2) that the paths
    below ``folder`` of the sorted ``order`` make: each path cut to its
    first ``depth`` names."""
    low, high = folder_range(order, folder)
    found: set[str] = set()
    for path in order[low:high]:
        parts = path.split("/", depth)
        if len(parts) >= depth:
            found.add("/".join(parts[:depth]))
    return found


class _Context(NamedTuple):
    """What a context's files are after its ignore file: the part of a
    :class:`BuildContext` every Dockerfile built with it shares."""

    files: SortedPaths
    ignored: Mapping[str, int]
    problems: tuple[str, ...]


class ContextCache:
    """What :func:`build_contexts` works out once for a repository and reuses
    for each of its Dockerfiles: the paths in sorted order, the builds of
    each Dockerfile, and the files of each context (a root, an ignore file
    and its content). Pass one to every call made with the same ``files``
    and ``compose``, unchanged in between; a call with others starts the
    cache afresh."""

    def __init__(self) -> None:
        self._files: Collection[str] | None = None
        self._order: Sequence[str] = ()
        self._contexts: dict[tuple[str, str | None, bytes | None], _Context] = {}
        self._compose: ComposeBuilds | None = None
        self._builds: dict[str, list[ComposeBuild]] = {}

    def order(self, files: Collection[str]) -> Sequence[str]:
        """``files`` in sorted order."""
        if files is not self._files:
            self._files, self._order = files, sorted_order(files)
            self._contexts.clear()
        return self._order

    def builds(self, compose: ComposeBuilds, dockerfile: str) -> Sequence[ComposeBuild]:
        """The builds of ``compose`` whose Dockerfile is ``dockerfile``, in order."""
        if compose is not self._compose:
            self._compose, self._builds = compose, {}
            for build in compose.builds:
                self._builds.setdefault(build.dockerfile, []).append(build)
        return self._builds.get(dockerfile, ())

    def context(
        self, key: tuple[str, str | None, bytes | None], make: Callable[[], _Context]
    ) -> _Context:
        """The files of the context ``(root, ignore file, its content)``."""
        if key not in self._contexts:
            self._contexts[key] = make()
        return self._contexts[key]


class ComposeBuild(NamedTuple):
    """One ``services.<service>.build`` of a compose file, paths repo-relative
    (``""`` is the repository root). ``args`` values are None when compose
    takes them from the environment."""

    compose_file: str
    service: str
    context: str
    dockerfile: str
    args: Mapping[str, str | None]
    target: str | None


class ComposeBuilds(NamedTuple):
    """Every build the repository's compose files declare, and the problems
    met reading them (``path: message``)."""

    builds: tuple[ComposeBuild, ...]
    problems: tuple[str, ...]


class BuildContext(NamedTuple):
    """The context one build of a Dockerfile sees.

    ``root`` is the context folder (repo-relative, ``""`` for the
    repository root); ``how`` is ``config``, ``compose``,
    ``dockerfile-folder`` or ``repository-root`` and ``reason`` says why, in
    a sentence. ``files`` are the context-relative paths the build can COPY
    (after the ignore file), ``ignored`` the ones the ignore file excludes,
    each with the line of the pattern that decides. ``build_args`` and
    ``target`` come from compose (None: the final stage). ``problems`` are
    sentences about what could not be read.
    """

    dockerfile: str
    root: str
    how: str
    reason: str
    files: frozenset[str]  # a SortedPaths when built here
    ignored: Mapping[str, int]
    ignore_file: str | None = None
    build_args: Mapping[str, str | None] = {}
    target: str | None = None
    compose_file: str | None = None
    service: str | None = None
    problems: tuple[str, ...] = ()

    def repo_path(self, relative: str) -> str:
        """The repo path of a context-relative path."""
        relative = relative.strip("/")
        if not self.root:
            return relative
        return f"{self.root}/{relative}" if relative else self.root


def is_compose_file(path: str) -> bool:
    name = path.rpartition("/")[2]
    return name in COMPOSE_NAMES or _COMPOSE_VARIANT.fullmatch(name) is not None


def compose_builds(files: Iterable[str], read: Reader) -> ComposeBuilds:
    """The builds every compose file among ``files`` declares."""
    builds: list[ComposeBuild] = []
    problems: list[str] = []
    # Every compose file's name holds the word: a test that spares most paths the regex.
    named = [path for path in files if "compose" in path and is_compose_file(path)]
    for path in sorted(named):
        document, problem = _load_yaml(path, read)
        if problem:
            problems.append(problem)
        found, more_problems = _builds_in(path, document)
        builds.extend(found)
        problems.extend(more_problems)
    return ComposeBuilds(tuple(builds), tuple(problems))


def _load_yaml(path: str, read: Reader) -> tuple[object, str | None]:
    data = read(path)
    if data is None:
        return None, f"{path}: could not be read"
    import yaml  # only when there is a compose file: it costs start-up time

    # libyaml's loader when PyYAML has it: the same safe loader, ten times faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(data, Loader=loader), None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f" (line {mark.line + 1})" if mark is not None else ""
        return None, f"{path}: not valid YAML{where}: {error.problem or error}"
    except Exception as error:  # a third-party parser: any failure is the file's problem
        return None, f"{path}: not valid YAML: {error}"


def _builds_in(path: str, document: object) -> tuple[list[ComposeBuild], list[str]]:
    services = document.get("services") if isinstance(document, dict) else None
    if not isinstance(services, dict):
        return [], []
    builds: list[ComposeBuild] = []
    problems: list[str] = []
    folder = posixpath.dirname(path)
    for service, definition in services.items():
        build = definition.get("build") if isinstance(definition, dict) else None
        if build is None:
            continue
        found = _compose_build(path, folder, str(service), build)
        if isinstance(found, str):
            problems.append(found)
        elif found is not None:
            builds.append(found)
    return builds, problems


def _compose_build(
    path: str, folder: str, service: str, build: object
) -> ComposeBuild | str | None:
    """The build of one service of the compose file ``path`` (in ``folder``),
    a problem sentence, or None when it builds nothing of the repository (a
    remote context, ``dockerfile_inline``)."""
    where = f"{path}: service {service}"
    if isinstance(build, str):
        build = {"context": build}
    if not isinstance(build, dict):
        return f"{where}: `build` is neither a path nor a mapping"
    if "dockerfile_inline" in build:
        return None
    context, dockerfile = build.get("context", "."), build.get("dockerfile", "Dockerfile")
    if not isinstance(context, str) or not isinstance(dockerfile, str):
        return f"{where}: `context` and `dockerfile` must be strings"
    if "://" in context or context.startswith(("git@", "github.com/")):
        return None
    if _interpolated(context + dockerfile):
        return f"{where}: the build uses a variable ({context}, {dockerfile}), not resolved"
    root = _repo_folder(folder, context.replace("$$", "$"))
    file = _repo_folder(root or "", dockerfile.replace("$$", "$")) if root is not None else None
    if root is None or file is None:
        return f"{where}: the build is outside the repository ({context}, {dockerfile})"
    target = build.get("target")
    return ComposeBuild(path, service, root, file, _compose_args(build.get("args")), _text(target))


def _repo_folder(base: str, relative: str) -> str | None:
    """``relative`` joined to the repo folder ``base``; None outside the repository."""
    if relative.startswith("/"):
        return None
    if not relative:
        joined = base or "."
    else:  # what posixpath.join gives for a relative path, without its cost
        separator = "" if not base or base.endswith("/") else "/"
        joined = posixpath.normpath(base + separator + relative)
    if joined == ".." or joined.startswith("../"):
        return None
    return "" if joined == "." else joined


def _compose_args(args: object) -> dict[str, str | None]:
    """Compose ``build.args``, a mapping or a list of ``NAME=value`` / ``NAME``."""
    pairs: list[tuple[str, object]] = []
    if isinstance(args, dict):
        pairs = [(str(name), value) for name, value in args.items()]
    elif isinstance(args, list):
        for item in args:
            name, equals, value = str(item).partition("=")
            pairs.append((name, value if equals else None))
    return {name: _arg_value(value) for name, value in pairs if name}


def _arg_value(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None  # compose takes it from the environment
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    if _interpolated(text):
        return None  # interpolated from the environment: not known
    return text.replace("$$", "$")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def build_contexts(
    dockerfile_path: str,
    dockerfile: Dockerfile | None,
    files: Collection[str],
    read: Reader,
    *,
    mapping: Mapping[str, str] | None = None,
    compose: ComposeBuilds | None = None,
    cache: ContextCache | None = None,
) -> tuple[BuildContext, ...]:
    """Every context ``dockerfile_path`` is built with, best evidence first
    (at least one). ``files`` are the repository's files (repo-relative,
    ``/``-separated), ``read`` gives a file's bytes (None when it cannot),
    ``mapping`` is the configuration's Dockerfile glob -> context folder,
    ``compose`` the result of :func:`compose_builds` when the caller has it
    already (it is read from ``files`` otherwise); its problems (a compose
    file that is not valid YAML) are each context's problems too. ``cache``
    shares the work between the calls for the Dockerfiles of one repository
    (see :class:`ContextCache`)."""
    if cache is None:
        cache = ContextCache()  # for this call alone
    order = cache.order(files)
    configured = _configured(dockerfile_path, mapping or {})
    if configured is not None:
        glob, root = configured
        reason = f"the configuration maps {glob} to the context {root or '.'}"
        return (_context(dockerfile_path, root, CONFIG, reason, order, read, cache),)
    if compose is None:
        compose = compose_builds(files, read)
    contexts = _compose_contexts(dockerfile_path, compose, order, read, cache)
    if contexts:
        return contexts
    root, how, reason = _guessed_root(dockerfile_path, dockerfile, order)
    return (_context(dockerfile_path, root, how, reason, order, read, cache, compose.problems),)


def _configured(path: str, mapping: Mapping[str, str]) -> tuple[str, str] | None:
    if not mapping:
        return None
    from lucid_hooks.globs import GlobSet

    for glob, folder in mapping.items():
        if GlobSet([glob]).matches(path):
            root = go_clean("/" + folder.strip())[1:]
            return glob, root
    return None


def _compose_contexts(
    path: str, compose: ComposeBuilds, order: Sequence[str], read: Reader, cache: ContextCache
) -> tuple[BuildContext, ...]:
    contexts: list[BuildContext] = []
    seen: set[tuple[str, tuple[tuple[str, str | None], ...], str | None]] = set()
    by_root: dict[str, tuple[str | None, _Context]] = {}  # two services, one context: read once
    for build in cache.builds(compose, posixpath.normpath(path)):
        key = (build.context, tuple(sorted(build.args.items())), build.target)
        if key in seen:
            continue
        seen.add(key)
        if build.context not in by_root:
            by_root[build.context] = _context_of(path, build.context, order, read, cache)
        ignore_file, found = by_root[build.context]
        reason = (
            f"{build.compose_file} builds it for service {build.service} "
            f"with the context {build.context or '.'}"
        )
        contexts.append(
            BuildContext(
                path,
                build.context,
                COMPOSE,
                reason,
                found.files,
                found.ignored,
                ignore_file,
                dict(build.args),
                build.target,
                build.compose_file,
                build.service,
                (*compose.problems, *found.problems),
            )
        )
    return tuple(contexts)


def _guessed_root(
    path: str, dockerfile: Dockerfile | None, order: Sequence[str]
) -> tuple[str, str, str]:
    """``(root, how, reason)`` without configuration or compose: the
    Dockerfile's folder, or the repository root when only it has the
    COPY/ADD sources."""
    folder = posixpath.dirname(path)
    if not folder:
        return "", FOLDER, "the Dockerfile is at the repository root, its context"
    beside = (
        f"built from its own folder {folder}/ (no configuration or compose file says otherwise)"
    )
    sources = _local_sources(dockerfile) if dockerfile is not None else []
    if not sources:
        return folder, FOLDER, beside
    tree = _Tree(order)
    here = [source for source in sources if tree.exists(folder, source)]
    there = [source for source in sources if tree.exists("", source)]
    if len(here) < len(sources) and len(there) > len(here):
        shown = ", ".join(source for source in there if source not in here)
        reason = (
            f"its COPY/ADD sources ({shown}) exist from the repository root, not in {folder}/: "
            f"taken as built from the root (docker build -f {path} .)"
        )
        return "", ROOT, reason
    return folder, FOLDER, beside


def _local_sources(dockerfile: Dockerfile) -> list[str]:
    """The context paths COPY and ADD name without variables (``.`` aside),
    cleaned and relative to the context root, in order, once each."""
    from lucid_hooks.image import copy_arguments

    found: list[str] = []
    for instruction in dockerfile.instructions:
        if instruction.keyword not in ("COPY", "ADD") or instruction.flag("from") is not None:
            continue
        sources = copy_arguments(instruction)[0]
        for source in sources:
            cleaned = go_clean("/" + source)[1:]
            if "$" in source or "://" in source or not cleaned or cleaned in found:
                continue
            found.append(cleaned)
    return found


class _Tree:
    """Existence of files and folders among the repository's sorted paths."""

    def __init__(self, order: Sequence[str]) -> None:
        self.order = order

    def exists(self, folder: str, source: str) -> bool:
        path = f"{folder}/{source}" if folder else source
        if not has_wildcards(source):
            return has_prefix(self.order, path + "/") or has_path(self.order, path)
        regex = glob_regex(path)
        if regex is None:
            return False
        # Only the paths below the pattern's literal folder can match it.
        candidates = names_at_depth(self.order, literal_folder(path), path.count("/") + 1)
        return any(regex.fullmatch(candidate) for candidate in candidates)


def _context(
    dockerfile_path: str,
    root: str,
    how: str,
    reason: str,
    order: Sequence[str],
    read: Reader,
    cache: ContextCache,
    problems: tuple[str, ...] = (),
) -> BuildContext:
    """The context at ``root``: its files after the ignore file; ``problems``
    come before the ignore file's."""
    ignore_file, found = _context_of(dockerfile_path, root, order, read, cache)
    return BuildContext(
        dockerfile_path,
        root,
        how,
        reason,
        found.files,
        found.ignored,
        ignore_file=ignore_file,
        problems=(*problems, *found.problems),
    )


def _context_of(
    dockerfile_path: str, root: str, order: Sequence[str], read: Reader, cache: ContextCache
) -> tuple[str | None, _Context]:
    """The ignore file of the context at ``root``, and its files after it
    (from the cache when another Dockerfile had them already)."""
    ignore_file, data = _ignore_file(dockerfile_path, root, order, read)
    found = cache.context(
        (root, ignore_file, data),
        lambda: _context_files(root, ignore_file, data, order),
    )
    return ignore_file, found


def _context_files(
    root: str, ignore_file: str | None, data: bytes | None, order: Sequence[str]
) -> _Context:
    """The files below ``root`` the ignore file keeps, and those it excludes."""
    low, high = folder_range(order, root)
    cut = len(root) + 1 if root else 0
    relative = [path[cut:] for path in order[low:high]] if cut else order[low:high]
    if ignore_file is None:
        return _Context(SortedPaths(relative), {}, ())
    if data is None:
        problem = f"{ignore_file}: could not be read"
        return _Context(SortedPaths(relative), {}, (problem,))
    patterns, problems = read_ignore_file(data)
    matcher = PatternMatcher(patterns)
    shown = tuple(f"{ignore_file}: {problem}" for problem in problems)
    if not matcher:
        return _Context(SortedPaths(relative), {}, shown)
    kept: list[str] = []
    ignored: dict[str, int] = {}
    for path in relative:
        deciding = matcher.deciding(path)
        if deciding is None:
            kept.append(path)
        else:
            ignored[path] = deciding.line
    return _Context(SortedPaths(kept), ignored, shown)


def _ignore_file(
    dockerfile_path: str, root: str, order: Sequence[str], read: Reader
) -> tuple[str | None, bytes | None]:
    """The ignore file the build uses, and its content (None: not read)."""
    beside = dockerfile_path + IGNORE_FILE
    at_root = f"{root}/{IGNORE_FILE}" if root else IGNORE_FILE
    for candidate in (beside, at_root):
        if has_path(order, candidate):
            return candidate, read(candidate)
    return None, None
