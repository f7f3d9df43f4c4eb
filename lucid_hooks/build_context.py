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
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks.patterns import (
    PatternMatcher,
    glob_regex,
    go_clean,
    has_wildcards,
    read_ignore_file,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Mapping

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
    files: frozenset[str]
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
    for path in sorted(path for path in files if is_compose_file(path)):
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
    for service, definition in services.items():
        build = definition.get("build") if isinstance(definition, dict) else None
        if build is None:
            continue
        found = _compose_build(path, str(service), build)
        if isinstance(found, str):
            problems.append(found)
        elif found is not None:
            builds.append(found)
    return builds, problems


def _compose_build(path: str, service: str, build: object) -> ComposeBuild | str | None:
    """The build of one service, a problem sentence, or None when it builds
    nothing of the repository (a remote context, ``dockerfile_inline``)."""
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
    root = _repo_folder(posixpath.dirname(path), context.replace("$$", "$"))
    file = _repo_folder(root or "", dockerfile.replace("$$", "$")) if root is not None else None
    if root is None or file is None:
        return f"{where}: the build is outside the repository ({context}, {dockerfile})"
    target = build.get("target")
    return ComposeBuild(path, service, root, file, _compose_args(build.get("args")), _text(target))


def _repo_folder(base: str, relative: str) -> str | None:
    """``relative`` joined to the repo folder ``base``; None outside the repository."""
    if relative.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(base, relative)) if relative else base or "."
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
) -> tuple[BuildContext, ...]:
    """Every context ``dockerfile_path`` is built with, best evidence first
    (at least one). ``files`` are the repository's files (repo-relative,
    ``/``-separated), ``read`` gives a file's bytes (None when it cannot),
    ``mapping`` is the configuration's Dockerfile glob -> context folder,
    ``compose`` the result of :func:`compose_builds` when the caller has it
    already (it is read from ``files`` otherwise); its problems (a compose
    file that is not valid YAML) are each context's problems too."""
    configured = _configured(dockerfile_path, mapping or {})
    if configured is not None:
        glob, root = configured
        reason = f"the configuration maps {glob} to the context {root or '.'}"
        return (_context(dockerfile_path, root, CONFIG, reason, files, read),)
    if compose is None:
        compose = compose_builds(files, read)
    contexts = _compose_contexts(dockerfile_path, compose, files, read)
    if not contexts:
        root, how, reason = _guessed_root(dockerfile_path, dockerfile, files)
        contexts = (_context(dockerfile_path, root, how, reason, files, read),)
    return tuple(c._replace(problems=(*compose.problems, *c.problems)) for c in contexts)


def _configured(path: str, mapping: Mapping[str, str]) -> tuple[str, str] | None:
    from lucid_hooks.globs import GlobSet

    for glob, folder in mapping.items():
        if GlobSet([glob]).matches(path):
            root = go_clean("/" + folder.strip())[1:]
            return glob, root
    return None


def _compose_contexts(
    path: str, compose: ComposeBuilds, files: Collection[str], read: Reader
) -> tuple[BuildContext, ...]:
    contexts: list[BuildContext] = []
    seen: set[tuple[str, tuple[tuple[str, str | None], ...], str | None]] = set()
    by_root: dict[str, BuildContext] = {}  # two services, one context: read once
    wanted = posixpath.normpath(path)
    for build in compose.builds:
        key = (build.context, tuple(sorted(build.args.items())), build.target)
        if build.dockerfile != wanted or key in seen:
            continue
        seen.add(key)
        if build.context not in by_root:
            by_root[build.context] = _context(path, build.context, COMPOSE, "", files, read)
        reason = (
            f"{build.compose_file} builds it for service {build.service} "
            f"with the context {build.context or '.'}"
        )
        contexts.append(
            by_root[build.context]._replace(
                reason=reason,
                build_args=dict(build.args),
                target=build.target,
                compose_file=build.compose_file,
                service=build.service,
            )
        )
    return tuple(contexts)


def _guessed_root(
    path: str, dockerfile: Dockerfile | None, files: Collection[str]
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
    tree = _Tree(files)
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
    """Existence of files and folders among the repository's files."""

    def __init__(self, files: Collection[str]) -> None:
        self.files = files if isinstance(files, (set, frozenset)) else frozenset(files)
        self._folders: frozenset[str] | None = None

    @property
    def folders(self) -> frozenset[str]:
        if self._folders is None:
            folders: set[str] = set()
            for path in self.files:
                parts = path.split("/")
                folders.update("/".join(parts[:end]) for end in range(1, len(parts)))
            self._folders = frozenset(folders)
        return self._folders

    def exists(self, folder: str, source: str) -> bool:
        path = f"{folder}/{source}" if folder else source
        if not has_wildcards(source):
            return path in self.files or path in self.folders
        regex = glob_regex(path)
        depth = path.count("/") + 1
        return regex is not None and any(
            candidate.count("/") + 1 == depth and regex.fullmatch(candidate)
            for candidate in (*self.files, *self.folders)
        )


def _context(
    dockerfile_path: str, root: str, how: str, reason: str, files: Collection[str], read: Reader
) -> BuildContext:
    """The context at ``root``: its files after the ignore file."""
    ignore_file, problems, matcher = _ignore_file(dockerfile_path, root, files, read)
    prefix = f"{root}/" if root else ""
    kept: set[str] = set()
    ignored: dict[str, int] = {}
    for path in files:
        if not path.startswith(prefix):
            continue
        relative = path[len(prefix) :]
        deciding = matcher.deciding(relative) if matcher else None
        if deciding is None:
            kept.add(relative)
        else:
            ignored[relative] = deciding.line
    return BuildContext(
        dockerfile_path,
        root,
        how,
        reason,
        frozenset(kept),
        ignored,
        ignore_file=ignore_file,
        problems=tuple(problems),
    )


def _ignore_file(
    dockerfile_path: str, root: str, files: Collection[str], read: Reader
) -> tuple[str | None, list[str], PatternMatcher | None]:
    """The ignore file the build uses, the problems in it, and its matcher."""
    beside = dockerfile_path + IGNORE_FILE
    at_root = f"{root}/{IGNORE_FILE}" if root else IGNORE_FILE
    for candidate in (beside, at_root):
        if candidate in files:
            data = read(candidate)
            if data is None:
                return candidate, [f"{candidate}: could not be read"], None
            patterns, problems = read_ignore_file(data)
            return candidate, [f"{candidate}: {p}" for p in problems], PatternMatcher(patterns)
    return None, [], None
