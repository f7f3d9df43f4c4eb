"""The image a Dockerfile's final stage builds, as the container sees it.

:func:`model_image` follows the final stage (or a compose ``target``)
through its FROM chain the way BuildKit's Dockerfile frontend
(``dockerfile2llb/convert.go``) dispatches it, and returns an
:class:`Image` (:func:`model_stages` gives one for every stage, to compare
a builder with the runtime):

- the base image at the root of the chain (``lucid_hooks.base_images``:
  the official ``python`` images, distroless and ``scratch`` are known,
  anything else is not), and what a stage inherits from an earlier one:
  environment, ARG values, WORKDIR, USER, SHELL, ENTRYPOINT, CMD,
  HEALTHCHECK, files, and the ONBUILD triggers it runs;
- variables expanded as BuildKit expands them (``lucid_hooks.expansion``):
  global ARGs (before the first FROM) for FROM lines, a stage's ARGs and
  ENVs for its later instructions; ``build_args`` (compose ``build.args``,
  configuration) override ARG defaults; an ARG with neither a default nor a
  value given, or a variable an unknown base image may set, has a value
  not known;
- the command Docker runs: ENTRYPOINT + CMD, a shell form wrapped in the
  SHELL (``["/bin/sh", "-c", text]`` by default), a stage's ENTRYPOINT
  dropping the CMD it inherited, ``[]`` clearing; HEALTHCHECK commands
  (never prefixed by the ENTRYPOINT; ``NONE`` clears);
- the files COPY and ADD put in the image: image path -> repo path through
  the build context (after ``.dockerignore``), with BuildKit's rules
  (relative destinations against WORKDIR, a folder copies its contents,
  a destination ending in ``/`` or an existing folder takes a file under
  its own name, Go ``filepath.Match`` wildcards, ``--from`` a stage by name
  or index, ``--parents`` with its ``/./`` pivot, ``--exclude``, heredocs
  as files with their content and no repo path);
- what cannot be known, as :class:`Opaque` regions a consumer reads as
  "may exist": the base image's own files, what RUN writes (anywhere),
  ``--from`` an image, ``ADD`` of a URL or a git repository, a local tar
  archive ADD extracts, a source or destination whose variables are not
  known;
- the ``pip install`` / ``python -m pip install`` / ``uv pip install`` RUN
  commands of every stage the image is made from, as data (:class:`Install`).

Not modelled: what RUN actually does (other than naming pip installs),
``RUN --mount``, symlinks, file modes and owners (``--chown``, ``--chmod``),
archives recognized by content rather than by name, ``--platform`` and the
platform ARGs' values (not known), Windows images, and named build
contexts. Nothing is executed, read from the disk or fetched: the result
is a pure function of the arguments.

Cost: a COPY of a folder of the context looks its files up as a range of the
context's sorted paths, and places them in bulk; an :class:`ImageCache`
passed to every call (and to ``build_contexts``) shares what the
Dockerfiles of a repository have in common: each base image's first state,
and each folder of a shared context copied to the same place. The result is
the same with it or without.
"""

from __future__ import annotations

import posixpath
import re
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from lucid_hooks.base_images import DEFAULT_PATH, BaseImage, base_image, unknown_image
from lucid_hooks.build_context import (
    ContextCache,
    has_prefix,
    names_at_depth,
    prefix_range,
    sorted_order,
)

# The parser's own ENV/ARG word splitter (BuildKit's parseWords), reused
# rather than written twice.
from lucid_hooks.dockerfile import _name_value_words
from lucid_hooks.expansion import ExpansionError, expand, is_literal
from lucid_hooks.patterns import (
    PatternMatcher,
    glob_regex,
    go_clean,
    has_wildcards,
    literal_folder,
    matcher,
)
from lucid_hooks.pip_installs import PipInstall, Selection, pip_installs, without_extras

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

    from lucid_hooks.build_context import BuildContext
    from lucid_hooks.dockerfile import Dockerfile, Heredoc, Instruction, Stage

# Opaque kinds: where files not known may be.
BASE = "base"  # the base image's own files
RUN = "run"  # anything a RUN step wrote
IMAGE = "image"  # COPY --from=<image>
REMOTE = "remote"  # ADD <url> / ADD <git repository>
ARCHIVE = "archive"  # a local tar archive ADD extracts
NOT_KNOWN = "not-known"  # a source, destination or stage the model cannot resolve
AMBIGUOUS = "ambiguous"  # a file copied to a path that may be a folder of the base image

# Platform ARGs BuildKit defines in the global scope; their values depend on the build.
PLATFORM_ARGS = (
    "BUILDARCH",
    "BUILDOS",
    "BUILDPLATFORM",
    "BUILDVARIANT",
    "TARGETARCH",
    "TARGETOS",
    "TARGETPLATFORM",
    "TARGETVARIANT",
)
_FIELDS = re.compile(r"[\t\v\f\r ]+")  # BuildKit's whitespace-delimited arguments
_GO_SPACES = re.compile(r"[\t\n\v\f\r \x85\xa0]+")
_HEREDOC_WORD = re.compile(r"\d*<<-?(.*)")
_ARCHIVE = re.compile(r".*\.(?:tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tzst)", re.I)
_REMOTE = re.compile(r"(?:https?|git|ssh)://|git@", re.I)
_SUMMARY = 80
_Row = TypeVar("_Row", bound="tuple[object, ...]")


class Setting(NamedTuple):
    """A value of the image's configuration (None: not known) and the line
    of the instruction that set it (None: the base image's, or Docker's
    default)."""

    value: str | None
    line: int | None = None


class Command(NamedTuple):
    """A command as Docker stores it: ENTRYPOINT, CMD, SHELL or a
    HEALTHCHECK's test.

    ``argv`` is the exec form as written, or a shell form wrapped in the
    SHELL (``("/bin/sh", "-c", text)``); ``()`` when there is none; None
    when not known (from an unknown base image, or a shell form under a
    SHELL not known). ``line`` is the instruction's (None: from the base
    image). ``shell_text`` is the text of a shell form, whatever the shell.
    """

    argv: tuple[str, ...] | None
    line: int | None = None
    shell_text: str | None = None


class ImageFile(NamedTuple):
    """A file COPY or ADD put in the image: the repo path it comes from
    (None for a heredoc), the line of the instruction that put it here, and
    a heredoc's content (None for a copied file)."""

    source: str | None
    line: int
    content: str | None = None


class Opaque(NamedTuple):
    """A folder of the image (``/``: anywhere) under which files not known
    may exist: ``kind`` is one of ``base``, ``run``, ``image``, ``remote``,
    ``archive``, ``not-known``, ``ambiguous``; ``line`` is the instruction
    that put them here (None: the base image); ``detail`` says what, in a
    few words."""

    path: str
    line: int | None
    kind: str
    detail: str


class PathRef(NamedTuple):
    """A path a command names: as written, as an image path (None: the
    stage's WORKDIR is not known), and the repo path COPY put there (None
    when not known)."""

    written: str
    image_path: str | None
    source: str | None


class Install(NamedTuple):
    """A ``pip install`` run while building: ``tool`` is ``pip`` (``pip``,
    ``pip3.11``, ``python -m pip``, ``/venv/bin/pip``) or ``uv pip``;
    ``arguments`` are the words after ``install``; ``packages`` the
    requirement specifiers named, ``local`` the paths installed (``.``,
    ``-e ./lib``, a wheel); ``final`` is False for a stage the image only
    copies from. Or a project install, ``tool`` ``poetry`` (``poetry
    install``) or ``uv sync``: ``project`` is the ``pyproject.toml`` it reads
    (the first walking up from its folder when the RUN ran; the source None
    when there is none or it cannot be told), ``selection`` what it takes
    from it, ``local`` the project's folder unless it is left out."""

    stage: int
    line: int
    tool: str
    arguments: tuple[str, ...]
    requirements: tuple[PathRef, ...] = ()
    constraints: tuple[PathRef, ...] = ()
    packages: tuple[str, ...] = ()
    local: tuple[PathRef, ...] = ()
    target: str | None = None
    prefix: str | None = None
    user: bool = False
    final: bool = True
    project: PathRef | None = None
    selection: Selection | None = None
    # The folder the command runs in: pip reads a requirements file's local
    # paths (`-e ./lib`) from there, not from the file's folder.
    folder: PathRef | None = None


class Problem(NamedTuple):
    """Something BuildKit would refuse or that the model cannot follow;
    ``missing`` is the repository path of a build-context file a COPY or
    ADD names and the context lacks ('' for any other problem)."""

    line: int
    message: str
    missing: str = ""
    excluded: bool = False  # the missing source is there, but .dockerignore leaves it out


class Image(NamedTuple):
    """The image one stage of a Dockerfile builds (the final one unless a
    target is given), as a container started from it sees it.

    ``stage``/``stage_name`` is the stage modelled, ``chain`` the stages it
    is built on, root first; ``base`` the image at the root of the chain
    and ``python_version`` the interpreter it holds (``"3.11"``, None: not
    known). ``env`` maps each variable set to a :class:`Setting` (ARGs are
    not in the image); when ``env_complete`` a name not in it is surely
    unset. ``command`` is ENTRYPOINT + CMD as Docker runs it (None: not
    known; ``()``: none), ``command_line`` the last line that shaped it.
    ``healthcheck`` is the one in effect, ``healthchecks`` every
    HEALTHCHECK CMD of the chain. ``files`` maps absolute image paths to
    :class:`ImageFile`, ``directories`` are the folders known to exist,
    ``opaque`` where unknown files may be; ``copied_from`` the stages its
    chain copies files from (``COPY --from``, directly or not).
    ``installs`` are the pip installs of every stage the image is made of,
    ``problems`` what BuildKit would refuse in them, or what the model
    could not follow.
    """

    dockerfile: str
    context: BuildContext | None
    stage: int
    stage_name: str | None
    chain: tuple[int, ...]
    base: BaseImage
    python_version: str | None
    workdir: Setting
    user: Setting
    env: Mapping[str, Setting]
    env_complete: bool
    shell: Command
    entrypoint: Command
    cmd: Command
    command: tuple[str, ...] | None
    command_line: int | None
    healthcheck: Command
    healthchecks: tuple[Command, ...]
    files: Mapping[str, ImageFile]
    directories: frozenset[str]
    opaque: tuple[Opaque, ...]
    copied_from: tuple[int, ...]
    installs: tuple[Install, ...]
    problems: tuple[Problem, ...]

    def covering(self, path: str) -> tuple[Opaque, ...]:
        """The opaque regions ``path`` is in."""
        path = go_clean(path)
        return tuple(opaque for opaque in self.opaque if _under(path, opaque.path))

    def exists(self, path: str) -> bool | None:
        """True when ``path`` is a file or folder known in the image, None
        when it may exist (an opaque region covers it), else False."""
        path = go_clean(path)
        if path in self.files or path in self.directories:
            return True
        return None if self.covering(path) else False

    def children(self, folder: str) -> dict[str, bool]:
        """The known entries of a folder: name -> whether it is a folder."""
        prefix = go_clean(folder).rstrip("/") + "/"
        entries: dict[str, bool] = {}
        for path in (*self.files, *self.directories):
            if path.startswith(prefix) and path != prefix:
                name, slash, _ = path[len(prefix) :].partition("/")
                entries[name] = entries.get(name, False) or bool(slash) or path in self.directories
        return entries


def model_image(
    dockerfile_path: str,
    dockerfile: Dockerfile,
    context: BuildContext | None = None,
    *,
    build_args: Mapping[str, str | None] | None = None,
    target: str | None = None,
    cache: ImageCache | None = None,
) -> Image:
    """The image ``dockerfile`` (at repo path ``dockerfile_path``) builds.

    ``context`` is its build context (None: COPY from the context is not
    known); ``build_args`` override the context's (compose) ones, a None
    value meaning "given, value not known"; ``target`` names the stage to
    build (default: the context's target, else the final stage). ``cache``
    shares work between the Dockerfiles of one repository (see
    :class:`ImageCache`).
    """
    args = dict(context.build_args) if context is not None else {}
    args.update(build_args or {})
    wanted = target or (context.target if context is not None else None)
    return _Builder(dockerfile_path, dockerfile, context, args, cache).image(wanted)


def model_stages(
    dockerfile_path: str,
    dockerfile: Dockerfile,
    context: BuildContext | None = None,
    *,
    build_args: Mapping[str, str | None] | None = None,
    cache: ImageCache | None = None,
) -> tuple[Image, ...]:
    """The image of every stage, in order (each modelled once): what a
    check comparing a builder stage with the final one needs."""
    args = dict(context.build_args) if context is not None else {}
    args.update(build_args or {})
    builder = _Builder(dockerfile_path, dockerfile, context, args, cache)
    return tuple(builder.image_of(stage.index) for stage in dockerfile.stages)


def copy_arguments(instruction: Instruction) -> tuple[list[str], str | None, list[Heredoc]]:
    """The sources, destination (None when missing) and heredocs of a COPY
    or ADD, words as BuildKit splits them (a JSON array, else on blanks),
    before expansion."""
    words = (
        list(instruction.exec_form)
        if instruction.exec_form is not None
        else _fields(instruction.arguments)
    )
    if len(words) < 2:
        return [], None, []
    if instruction.exec_form is not None or not instruction.heredocs:
        return words[:-1], words[-1], []  # no heredoc: every word before the last is a source
    sources: list[str] = []
    heredocs: list[Heredoc] = []
    pending = iter(instruction.heredocs)
    skip_name = False
    for word in words[:-1]:
        if skip_name:
            skip_name = False
            continue
        heredoc_word = _HEREDOC_WORD.fullmatch(word)
        heredoc = next(pending, None) if heredoc_word is not None else None
        if heredoc_word is None or heredoc is None:
            sources.append(word)
            continue
        heredocs.append(heredoc)
        skip_name = not heredoc_word[1]  # `<< EOF`: the name is the next word
    return sources, words[-1], heredocs


def _fields(text: str) -> list[str]:
    return [word for word in _FIELDS.split(text) if word]


def _under(path: str, folder: str) -> bool:
    return folder == "/" or path == folder or path.startswith(folder + "/")


def _join(folder: str, relative: str) -> str:
    if not relative:
        return folder
    return folder.rstrip("/") + "/" + relative


def _parent(path: str) -> str:
    """``posixpath.dirname``, without its cost for a path with one ``/``
    before its name (nearly every path)."""
    cut = path.rfind("/")
    if cut > 0 and path[cut - 1] != "/":
        return path[:cut]
    return "/" if cut == 0 else posixpath.dirname(path)


def _fixed_part(pattern: str) -> str:
    """The folder a wildcard pattern starts matching in."""
    parts = pattern.split("/")
    fixed = [part for part in parts[: next(i for i, p in enumerate(parts) if has_wildcards(p))]]
    return "/".join(fixed) or "/"


def _summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SUMMARY else text[: _SUMMARY - 3] + "..."


class _Found(NamedTuple):
    """The files below a folder of a COPY's source, as lists side by side:
    the paths (the folder's ``cut`` first characters aside, each the path
    relative to it), the repo paths and the contents (as :class:`ImageFile`
    has them). ``clean``: the relative paths are plain ones, ``flat``: none
    is in a subfolder (see :func:`_shape`)."""

    paths: Sequence[str]
    cut: int
    sources: Sequence[str | None]
    contents: Sequence[str | None]
    clean: bool
    flat: bool

    @property
    def relatives(self) -> list[str]:
        """The paths relative to the folder (made anew at each use)."""
        cut = self.cut
        return [path[cut:] for path in self.paths]

    def only(self, keep: Iterable[int]) -> _Found:
        """The files at the positions ``keep``."""
        kept = list(keep)
        return self._replace(
            paths=[self.paths[i] for i in kept],
            sources=[self.sources[i] for i in kept],
            contents=[self.contents[i] for i in kept],
        )


def _shape(paths: Sequence[str], slashes: int) -> tuple[bool, bool]:
    """Whether every path is a plain relative one (not empty, no ``/`` at
    either end, no ``//``), and then whether none holds more than
    ``slashes`` of them (its folder's: none is in a subfolder). Tested on
    the paths joined by NUL, in C (a path holding a NUL is only taken as not
    plain)."""
    if not paths:
        return True, True
    text = "\0" + "\0".join(paths) + "\0"
    plain = not any(mark in text for mark in ("\0\0", "\0/", "/\0", "//"))
    return plain, plain and text.count("/") == slashes * len(paths)


_HEAD = itemgetter(0)


def _made(kind: type[_Row], rows: Iterable[tuple[object, ...]]) -> Iterator[_Row]:
    """A ``kind`` (a NamedTuple) of each row of all its fields."""
    # A NamedTuple's own __new__ is a Python function that calls
    # tuple.__new__; calling that directly does the same in C, at half the
    # cost, for the thousands of files a COPY of a folder places.
    return map(tuple.__new__, repeat(kind), rows)


class _Placement(NamedTuple):
    """Files found in a source, placed in a folder of the image: their image
    paths (``targets``), repo paths and contents, and the folders they make
    with all their ancestors. Their :class:`ImageFile` by image path for an
    instruction's line are made on first need, kept in ``files``."""

    targets: Sequence[str]
    sources: Sequence[str | None]
    contents: Sequence[str | None]
    folders: frozenset[str]
    files: dict[int, dict[str, ImageFile]]

    def files_at(self, line: int) -> dict[str, ImageFile]:
        if line not in self.files:
            rows = zip(self.sources, repeat(line), self.contents)
            self.files[line] = dict(zip(self.targets, _made(ImageFile, rows)))
        return self.files[line]


def _placement(dest: str, found: _Found) -> _Placement:
    """The files found, at their relative paths in the folder ``dest``:
    what each needs done in C where it can be (a COPY of a folder may
    place thousands)."""
    paths, cut = found.paths, found.cut
    if found.clean:
        into = dest.rstrip("/") + "/"
        targets = [into + path[cut:] for path in paths] if cut else [into + p for p in paths]
        if found.flat:
            folders = [dest] if paths else []
        else:
            # A plain path's folder is what precedes its last `/`: the
            # folders the files make, few, are then worked out once each.
            heads = set(map(_HEAD, map(str.rpartition, paths, repeat("/"))))
            folders = [into + head[cut:] if head[cut:] else dest for head in heads]
    else:
        targets = [_join(dest, path[cut:]) for path in paths]
        folders = [_parent(target) for target in targets]
    return _Placement(targets, found.sources, found.contents, _with_ancestors(folders), {})


def _with_ancestors(folders: Iterable[str]) -> frozenset[str]:
    """The folders and every folder they are in."""
    closure: set[str] = set()
    for folder in folders:
        while folder not in closure:
            closure.add(folder)
            folder = _parent(folder)
    return frozenset(closure)


class ImageCache(ContextCache):
    """What :func:`~lucid_hooks.build_context.build_contexts` and
    :func:`model_image` work out once and reuse for every Dockerfile of a
    repository: the contexts (see ContextCache), the state each base image
    starts a stage with, and each COPY of a folder of a context to a folder
    of the image (the paths it makes, and its files for each line). Pass the
    same one to both, for every Dockerfile; what it holds is only added to,
    never changed, and depends on nothing but the arguments it comes from."""

    def __init__(self) -> None:
        super().__init__()
        self._bases: dict[str, _State] = {}
        self._placements: dict[tuple[frozenset[str], str, str, str], _Placement] = {}

    def base_state(self, reference: str, index: int) -> _State:
        """A fresh state for stage ``index`` built on the image ``reference``."""
        if reference not in self._bases:
            self._bases[reference] = _State(0, base_image(reference))
        return self._bases[reference].copy(index)

    def placement(
        self, context: BuildContext, folder: str, dest: str, make: Callable[[], _Placement]
    ) -> _Placement:
        """The placement of the context's ``folder`` in ``dest``."""
        key = (context.files, context.root, folder, dest)
        if key not in self._placements:
            self._placements[key] = make()
        return self._placements[key]


class _Source:
    """What a COPY reads: the build context or an earlier stage. Paths are
    absolute (the context's root is ``/``)."""

    name = ""
    opaque: Sequence[Opaque] = ()

    def file(self, path: str) -> ImageFile | None:
        raise NotImplementedError

    def is_folder(self, path: str) -> bool:
        raise NotImplementedError

    def under(self, folder: str) -> _Found:
        """The files below ``folder``."""
        raise NotImplementedError

    def folders_under(self, folder: str) -> Iterator[str]:
        """The folders known below ``folder`` (empty ones included)."""
        raise NotImplementedError

    def source_of(self, path: str) -> str | None:
        """The repo file or folder ``path`` holds, when known."""
        raise NotImplementedError

    def folder_sources_under(self, folder: str) -> Iterable[tuple[str, str]]:
        """Folders at or below ``folder`` whose repo folder is known."""
        raise NotImplementedError

    def candidates(self, depth: int, within: str) -> Iterable[str]:
        """The files and folders ``depth`` names below ``/``; only those in
        the folder ``within`` (``""``: anywhere) are needed."""
        raise NotImplementedError

    def ignored_line(self, path: str) -> int | None:
        return None

    def exists(self, path: str) -> bool:
        return self.file(path) is not None or self.is_folder(path)

    def covering(self, path: str) -> list[Opaque]:
        return [opaque for opaque in self.opaque if _under(path, opaque.path)]

    def below(self, path: str) -> list[Opaque]:
        """Opaque regions inside ``path`` (or covering it)."""
        return [o for o in self.opaque if _under(path, o.path) or _under(o.path, path)]

    def glob(self, pattern: str) -> list[str]:
        """The files and folders a wildcard source matches, in order."""
        regex = glob_regex(pattern)
        if regex is None:
            return []
        candidates = self.candidates(pattern.count("/"), literal_folder(pattern))
        return sorted({path for path in candidates if regex.fullmatch(path)})


class _ContextSource(_Source):
    """The build context, looked up in its sorted paths: a COPY of one
    folder costs that folder, not the whole context."""

    def __init__(self, context: BuildContext) -> None:
        self.name = "the build context"
        self.context = context
        self.paths = sorted_order(context.files)

    def file(self, path: str) -> ImageFile | None:
        relative = path[1:]
        if relative in self.context.files:
            return ImageFile(self.context.repo_path(relative), 0)
        return None

    def _range(self, folder: str) -> tuple[str, int, int]:
        """The prefix of the paths below ``folder``, and where they are."""
        prefix = folder[1:].rstrip("/") + "/" if folder != "/" else ""
        return (prefix, *prefix_range(self.paths, prefix))

    def is_folder(self, path: str) -> bool:
        return path == "/" or has_prefix(self.paths, path[1:].rstrip("/") + "/")

    def under(self, folder: str) -> _Found:
        prefix, low, high = self._range(folder)
        paths = self.paths[low:high]
        clean, flat = _shape(paths, prefix.count("/"))  # then so are those below the prefix
        sources: Sequence[str | None]
        if not clean:
            sources = [self.context.repo_path(path) for path in paths]
        elif self.context.root:
            sources = [f"{self.context.root}/{path}" for path in paths]
        else:
            sources = paths  # clean: each its own repo path
        return _Found(paths, len(prefix), sources, [None] * len(paths), clean, flat)

    def folders_under(self, folder: str) -> Iterator[str]:
        return iter(())  # git tracks no empty folder: each comes with its files

    def source_of(self, path: str) -> str | None:
        return self.context.repo_path(path[1:]) if self.exists(path) else None

    def folder_sources_under(self, folder: str) -> Iterable[tuple[str, str]]:
        return [(folder, self.context.repo_path(folder[1:]))]

    def candidates(self, depth: int, within: str) -> Iterable[str]:
        return ["/" + name for name in names_at_depth(self.paths, within[1:], depth)]

    def ignored_line(self, path: str) -> int | None:
        """The .dockerignore line that excludes ``path`` (or, for a folder,
        the first of its files)."""
        relative = path[1:]
        if relative in self.context.ignored:
            return self.context.ignored[relative]
        prefix = relative + "/"
        lines = [line for p, line in self.context.ignored.items() if p.startswith(prefix)]
        return min(lines) if lines else None


class _StageSource(_Source):
    """An earlier stage's modelled file system."""

    def __init__(self, name: str, state: _State) -> None:
        self.name = name
        self.state = state
        self.opaque = state.opaque

    def file(self, path: str) -> ImageFile | None:
        return self.state.files.get(path)

    def is_folder(self, path: str) -> bool:
        return path in self.state.folders

    def under(self, folder: str) -> _Found:
        prefix = folder.rstrip("/") + "/"
        found = [(p, f) for p, f in self.state.files.items() if p.startswith(prefix)]
        relatives = [path[len(prefix) :] for path, _ in found]
        sources = [file.source for _, file in found]
        contents = [file.content for _, file in found]
        return _Found(relatives, 0, sources, contents, *_shape(relatives, 0))

    def folders_under(self, folder: str) -> Iterator[str]:
        prefix = folder.rstrip("/") + "/"
        return (path for path in self.state.folders if path.startswith(prefix))

    def source_of(self, path: str) -> str | None:
        return self.state.source_of(path)

    def folder_sources_under(self, folder: str) -> Iterator[tuple[str, str]]:
        own = self.state.source_of(folder)
        if own is not None:
            yield folder, own
        prefix = folder.rstrip("/") + "/"
        for path, repo in self.state.folder_sources.items():
            if path.startswith(prefix):
                yield path, repo

    def candidates(self, depth: int, within: str) -> Iterable[str]:
        paths = (*self.state.files, *self.state.folders)
        return (path for path in paths if path.count("/") == depth)


class _State:
    """A stage while it is modelled."""

    def __init__(self, index: int, base: BaseImage) -> None:
        self.index = index
        self.chain: tuple[int, ...] = (index,)
        self.base = base
        self.values: dict[str, str | None] = dict(base.env)  # what expansion sees: ENV and ARG
        self.complete = base.env_complete
        self.env = {name: Setting(value) for name, value in base.env.items()}
        if self.complete and "PATH" not in self.values:
            # BuildKit sets PATH in every image that has none.
            self.values["PATH"] = DEFAULT_PATH
            self.env["PATH"] = Setting(DEFAULT_PATH)
        self.workdir = Setting(base.workdir)
        self.user = Setting(base.user)
        self.shell = Command(base.shell)
        self.entrypoint = Command(base.entrypoint)
        self.cmd = Command(base.cmd)
        self.cmd_set_here = False
        self.healthcheck = Command(base.healthcheck)
        self.healthchecks: list[Command] = []
        self.files: dict[str, ImageFile] = {}
        self.folders: set[str] = {"/"}
        self.folder_sources: dict[str, str] = {}
        self.opaque = _base_opaque(base)
        self.copied_from: set[int] = set()  # stages COPY --from read, directly
        self.made_of: set[int] = set()  # and every stage those are made of
        for folder in (*base.folders, *([base.workdir] if base.workdir else [])):
            self.add_folder(folder)

    def child(self, index: int) -> _State:
        """A copy for a stage built FROM this one."""
        other = self.copy(index)
        other.chain = (*self.chain, index)
        return other

    def copy(self, index: int) -> _State:
        """A copy as stage ``index``, sharing nothing that changes."""
        other = _State.__new__(_State)
        other.__dict__.update(self.__dict__)
        other.index = index
        other.chain = (index,)
        other.values, other.env = dict(self.values), dict(self.env)
        other.cmd_set_here = False
        other.healthchecks = list(self.healthchecks)
        other.files, other.folders = dict(self.files), set(self.folders)
        other.folder_sources, other.opaque = dict(self.folder_sources), list(self.opaque)
        other.copied_from, other.made_of = set(self.copied_from), set(self.made_of)
        return other

    def add_folder(self, path: str) -> None:
        while path not in self.folders:
            self.folders.add(path)
            path = _parent(path)

    def add_file(self, path: str, file: ImageFile) -> None:
        self.files[path] = file
        self.add_folder(_parent(path))

    def place(self, placement: _Placement, line: int) -> None:
        """The files of a placement, put there by the instruction at ``line``."""
        self.files.update(placement.files_at(line))
        # What add_folder would add for them: the folders hold their ancestors.
        self.folders.update(placement.folders)

    def is_folder(self, path: str) -> bool:
        return path in self.folders

    def may_be_folder(self, path: str) -> bool:
        """Whether ``path`` may be a folder a base image (or an image copied
        from) holds. RUN's regions are left out: they cover everything."""
        return path not in self.files and any(
            o.kind != RUN and _under(path, o.path) for o in self.opaque
        )

    def source_of(self, path: str) -> str | None:
        """The repo file or folder an image path holds, when known."""
        if path in self.files:
            return self.files[path].source
        if path not in self.folders:
            return None
        folder = path
        while folder not in self.folder_sources:
            if folder == "/":
                return None
            folder = posixpath.dirname(folder)
        base = self.folder_sources[folder]
        rest = path[len(folder) :].strip("/")
        return f"{base}/{rest}".strip("/") if rest else base


def _base_opaque(base: BaseImage) -> list[Opaque]:
    what = f"files of {base.reference}"
    if base.roots is None:
        return [Opaque("/", None, BASE, f"{what}: not known")]
    return list(_made(Opaque, zip(base.roots, repeat(None), repeat(BASE), repeat(what))))


class _Builder:
    """Models the stages of one Dockerfile, each once, on demand."""

    def __init__(
        self,
        path: str,
        dockerfile: Dockerfile,
        context: BuildContext | None,
        build_args: Mapping[str, str | None],
        cache: ImageCache | None = None,
    ) -> None:
        self.path = path
        self.dockerfile = dockerfile
        self.escape = dockerfile.escape
        self.context = context
        self.cache = cache
        self.build_args = build_args
        self.states: dict[int, _State] = {}
        self.in_progress: set[int] = set()
        self.installs: dict[int, list[Install]] = {}
        # Problems by the stage they are met in (None: the global scope).
        self.problems: dict[int | None, list[Problem]] = {}
        self.current: int | None = None
        self._context_source: _Source | None = None
        self.global_values = self._global_args()
        # The first stage of each name (FROM, --from and a target name the
        # first), and how many leading stages are modelled: looked up, not
        # searched, for each of thousands of stages.
        self.named: dict[str, int] = {}
        for stage in dockerfile.stages:
            if stage.name:
                self.named.setdefault(stage.name, stage.index)
        self.modelled_before = 0

    # -- results -----------------------------------------------------------

    def image(self, target: str | None) -> Image:
        stages = self.dockerfile.stages
        if not stages:
            return self._empty_image()
        index = len(stages) - 1
        if target:
            named = self.named.get(target.lower())
            if named is not None:
                index = named
            else:
                self.problem(stages[-1].line, f"target stage {target!r} could not be found")
        return self.image_of(index)

    def image_of(self, index: int) -> Image:
        # Earlier stages first, in order: each then finds what it builds on
        # already modelled, and a long chain of stages never recurses deep.
        for earlier in range(self.modelled_before, index):
            self.stage(earlier)
        self.modelled_before = max(self.modelled_before, index)
        return self._freeze(self.stage(index), self.dockerfile.stages[index].name)

    def _freeze(self, state: _State, name: str | None) -> Image:
        command = None
        if state.entrypoint.argv is not None and state.cmd.argv is not None:
            command = state.entrypoint.argv + state.cmd.argv
        lines = [line for line in (state.entrypoint.line, state.cmd.line) if line is not None]
        return Image(
            dockerfile=self.path,
            context=self.context,
            stage=state.index,
            stage_name=name,
            chain=state.chain,
            base=state.base,
            python_version=state.base.python_version,
            workdir=state.workdir,
            user=state.user,
            env=dict(state.env),
            env_complete=state.complete,
            shell=state.shell,
            entrypoint=state.entrypoint,
            cmd=state.cmd,
            command=command,
            command_line=max(lines) if lines else None,
            healthcheck=state.healthcheck,
            healthchecks=tuple(state.healthchecks),
            files=dict(state.files),
            directories=frozenset(state.folders),
            opaque=tuple(state.opaque),
            copied_from=tuple(sorted(state.copied_from)),
            installs=self._all_installs(state),
            problems=self._problems_of(state),
        )

    def _empty_image(self) -> Image:
        empty = self._freeze(_State(0, unknown_image("")), None)
        problem = Problem(1, "the Dockerfile has no FROM: there is no image")
        return empty._replace(chain=(), problems=(problem,))

    def _all_installs(self, state: _State) -> tuple[Install, ...]:
        """The installs of the stages the image is made of: its chain, and
        the stages it copies from (with theirs)."""
        if not self.installs:
            return ()
        found: list[Install] = []
        for index in sorted(self.installs):
            if index in state.chain or index in state.made_of:
                found.extend(i._replace(final=index in state.chain) for i in self.installs[index])
        return tuple(found)

    def _problems_of(self, state: _State) -> tuple[Problem, ...]:
        if not self.problems:
            return ()
        stages = {None, *state.chain, *state.made_of}
        found = {p for index in stages for p in self.problems.get(index, ())}
        return tuple(sorted(found))

    def problem(
        self, line: int, message: str, missing: str = "", *, excluded: bool = False
    ) -> None:
        found = Problem(line, message, missing, excluded)
        self.problems.setdefault(self.current, []).append(found)

    # -- arguments and expansion ---------------------------------------------

    def _global_args(self) -> dict[str, str | None]:
        """The global scope: platform ARGs (values not known) and the ARGs
        before the first FROM, build args overriding their defaults."""
        values: dict[str, str | None] = dict.fromkeys(PLATFORM_ARGS)
        values.update((k, v) for k, v in self.build_args.items() if k in PLATFORM_ARGS)
        for instruction in self.dockerfile.global_instructions:
            if instruction.keyword != "ARG":
                continue
            for name, default in self._arg_words(instruction):
                values[name] = self._arg_value(name, default, values, True, instruction.line, None)
        return values

    def _arg_words(self, instruction: Instruction) -> list[tuple[str, str | None]]:
        pairs: list[tuple[str, str | None]] = []
        for word in _name_value_words(instruction.arguments, self.escape):
            name, equals, default = word.partition("=")
            if name:
                pairs.append((name, default if equals else None))
        return pairs

    def _arg_value(
        self,
        name: str,
        default: str | None,
        values: Mapping[str, str | None],
        complete: bool,
        line: int,
        inherited: Mapping[str, str | None] | None,
    ) -> str | None:
        """An ARG's value as BuildKit's dispatchArg gives it: the build arg,
        else the default (expanded), else the global one; None: not known."""
        if name in self.build_args:
            return self.build_args[name]
        if default is not None:
            return self._expand(default, values, complete, line)
        if inherited is not None and name in inherited:
            return inherited[name]
        return None  # no default, no value given: a value the build must be given

    def _expand(
        self, word: str, values: Mapping[str, str | None], complete: bool, line: int
    ) -> str | None:
        if is_literal(word):  # the usual word, without a call that would only say so
            return word
        try:
            return expand(word, values, complete=complete, escape=self.escape)
        except ExpansionError as error:
            self.problem(line, f"cannot expand {word!r}: {error}")
            return None

    def expand(self, state: _State, word: str, line: int) -> str | None:
        return self._expand(word, state.values, state.complete, line)

    # -- stages --------------------------------------------------------------

    def stage(self, index: int) -> _State:
        """The modelled state of a stage (each modelled once)."""
        if index in self.states:
            return self.states[index]
        stage = self.dockerfile.stages[index]
        self.in_progress.add(index)
        outer, self.current = self.current, index
        state = self._initial_state(stage)
        for instruction in (*self._triggers(state), *stage.instructions[1:]):
            self.dispatch(state, instruction)
        self.current = outer
        self.in_progress.discard(index)
        self.states[index] = state
        return state

    def _initial_state(self, stage: Stage) -> _State:
        written = stage.image
        reference = (
            self._expand(written, self.global_values, True, stage.line) if written else None
        )
        if not reference:
            if written:
                self.problem(stage.line, f"the base image {written!r} is not known")
            return _State(stage.index, unknown_image(written))
        earlier = self.named.get(reference.lower())
        if earlier is not None and earlier < stage.index:
            return self.stage(earlier).child(stage.index)
        if self.cache is not None:
            return self.cache.base_state(reference, stage.index)
        return _State(stage.index, base_image(reference))

    def _triggers(self, state: _State) -> list[Instruction]:
        """The ONBUILD triggers of the stage this one is built on."""
        if len(state.chain) < 2:
            return []
        parent = self.dockerfile.stages[state.chain[-2]]
        return [
            i.trigger
            for i in parent.instructions
            if i.keyword == "ONBUILD" and i.trigger is not None
        ]

    def dispatch(self, state: _State, instruction: Instruction) -> None:
        handler = _HANDLERS.get(instruction.keyword)
        if handler is not None:
            handler(self, state, instruction)

    # -- configuration instructions ------------------------------------------

    def arg(self, state: _State, instruction: Instruction) -> None:
        for name, default in self._arg_words(instruction):
            state.values[name] = self._arg_value(
                name, default, state.values, state.complete, instruction.line, self.global_values
            )

    def env(self, state: _State, instruction: Instruction) -> None:
        # Every pair is expanded with the environment before the
        # instruction: `ENV a=1 b=$a` gives b the old a.
        expanded = [
            (self.expand(state, key, instruction.line), self.expand(state, raw, instruction.line))
            for key, raw in self._env_pairs(instruction)
        ]
        for key, value in expanded:
            if key is None:
                state.complete = False  # some variable was set; which is not known
                continue
            state.values[key] = value
            state.env[key] = Setting(value, instruction.line)

    def _env_pairs(self, instruction: Instruction) -> list[tuple[str, str]]:
        words = _name_value_words(instruction.arguments, self.escape)
        if not words:
            return []
        if "=" not in words[0]:
            parts = _FIELDS.split(instruction.arguments, maxsplit=1)
            return [(parts[0], parts[1])] if len(parts) == 2 else []
        pairs = [word.split("=", 1) for word in words if "=" in word]
        return [(key, value) for key, value in pairs]

    def workdir(self, state: _State, instruction: Instruction) -> None:
        requested = self.expand(state, instruction.arguments, instruction.line)
        current = state.workdir.value
        if requested is None or (current is None and not requested.startswith("/")):
            state.workdir = Setting(None, instruction.line)
            return
        path = go_clean(
            requested if requested.startswith("/") else _join(current or "/", requested)
        )
        state.workdir = Setting(path, instruction.line)
        state.add_folder(path)  # BuildKit creates it

    def user(self, state: _State, instruction: Instruction) -> None:
        state.user = Setting(
            self.expand(state, instruction.arguments, instruction.line), instruction.line
        )

    def shell(self, state: _State, instruction: Instruction) -> None:
        if instruction.exec_form is None:
            self.problem(instruction.line, "SHELL requires the arguments to be in JSON form")
            return
        state.shell = Command(tuple(instruction.exec_form), instruction.line)

    def command(self, state: _State, instruction: Instruction, text: str | None = None) -> Command:
        """A CMD/ENTRYPOINT/HEALTHCHECK command: exec form, or ``text`` in the SHELL."""
        if instruction.exec_form is not None:
            return Command(tuple(instruction.exec_form), instruction.line)
        text = instruction.arguments if text is None else text
        shell = state.shell.argv
        argv = None if shell is None else (*shell, text)
        return Command(argv, instruction.line, text)

    def cmd(self, state: _State, instruction: Instruction) -> None:
        state.cmd = self.command(state, instruction)
        state.cmd_set_here = True

    def entrypoint(self, state: _State, instruction: Instruction) -> None:
        state.entrypoint = self.command(state, instruction)
        if not state.cmd_set_here:
            # BuildKit: an ENTRYPOINT drops the CMD the stage inherited.
            state.cmd = Command((), instruction.line)

    def healthcheck(self, state: _State, instruction: Instruction) -> None:
        parts = _GO_SPACES.split(instruction.arguments, maxsplit=1)
        kind = parts[0].upper()
        if kind == "NONE":
            state.healthcheck = Command((), instruction.line)
        elif kind == "CMD":
            state.healthcheck = self.command(
                state, instruction, parts[1] if len(parts) > 1 else ""
            )
            state.healthchecks.append(state.healthcheck)
        else:
            self.problem(instruction.line, f"unknown type {parts[0]!r} in HEALTHCHECK (try CMD)")

    # -- RUN -------------------------------------------------------------------

    def run(self, state: _State, instruction: Instruction) -> None:
        text = instruction.arguments
        if instruction.exec_form is not None:
            text = " ".join(instruction.exec_form)
        state.opaque.append(Opaque("/", instruction.line, RUN, f"RUN {_summary(text)}"))
        for found in pip_installs(instruction):
            install = _install(found, state, instruction.line)
            self.installs.setdefault(state.index, []).append(install)

    # -- COPY and ADD ----------------------------------------------------------

    def copy(self, state: _State, instruction: Instruction) -> None:
        _Copy(self, state, instruction).run()

    def source_for(self, state: _State, instruction: Instruction) -> tuple[_Source | None, str]:
        """What the COPY reads, and a sentence when that is not known."""
        reference = instruction.flag("from")
        if reference is None:
            if self.context is None:
                return None, "the build context is not known"
            if self._context_source is None:
                self._context_source = _ContextSource(self.context)
            return self._context_source, ""
        if "$" in reference:
            message = "variable expansion is not supported for --from"
            self.problem(instruction.line, message)
            return None, message
        index = self._stage_index(reference)
        if index is None:
            return None, f"copied from the image {reference}"
        if index >= len(self.dockerfile.stages):
            message = f"invalid stage index {reference}"
            self.problem(instruction.line, message)
            return None, message
        if index >= state.index or index in self.in_progress:
            message = f"cannot copy from stage {reference!r}: it must be defined before this stage"
            self.problem(instruction.line, message)
            return None, message
        label = f"stage {self.dockerfile.stages[index].name or index}"
        source = self.stage(index)
        state.copied_from.update((index, *source.copied_from))
        state.made_of.update((*source.chain, *source.made_of))
        return _StageSource(label, source), ""

    def _stage_index(self, reference: str) -> int | None:
        """A ``--from`` stage: a number is an index (as Go's Atoi), else a name."""
        stages = self.dockerfile.stages
        if reference.isascii() and reference.isdigit():
            return int(reference) if len(reference) < 10 else len(stages)
        return self.named.get(reference.lower())


class _Copy:
    """One COPY or ADD applied to a stage."""

    def __init__(self, builder: _Builder, state: _State, instruction: Instruction) -> None:
        self.builder = builder
        self.state = state
        self.instruction = instruction
        self.line = instruction.line
        self.is_add = instruction.keyword == "ADD"
        self.dest = ""
        self.dest_is_folder = False
        excludes = [
            f[len("--exclude=") :] for f in instruction.flags if f.startswith("--exclude=")
        ]
        self.excludes: PatternMatcher | None = matcher(excludes) if excludes else None

    def run(self) -> None:
        words, written_dest, heredocs = copy_arguments(self.instruction)
        if written_dest is None:
            self.builder.problem(
                self.line, f"{self.instruction.keyword} requires at least two arguments"
            )
            return
        if not self._destination(written_dest, len(words) + len(heredocs)):
            return
        for word in words:
            self._source_word(word)
        for heredoc in heredocs:
            self._heredoc(heredoc)

    def opaque(self, path: str, kind: str, detail: str) -> None:
        self.state.opaque.append(Opaque(path, self.line, kind, detail))

    def _destination(self, written: str, count: int) -> bool:
        dest = self.builder.expand(self.state, written, self.line)
        workdir = self.state.workdir.value
        if dest is None or (not dest.startswith("/") and workdir is None):
            what = "its variables" if dest is None else "the WORKDIR"
            self.opaque(
                "/", NOT_KNOWN, f"{self.instruction.keyword} to {written}: {what} not known"
            )
            return False
        self.dest_is_folder = dest in ("", ".") or dest.endswith(("/", "/."))
        if count > 1 and not self.dest_is_folder:
            self.builder.problem(
                self.line,
                f"with several sources, the destination {written} must be a folder ending in /",
            )
            self.dest_is_folder = True
        # `./x` is `x` (Clean drops the `.`): the usual form, cleaned the quick way.
        relative = dest[2:] if dest.startswith("./") else dest
        absolute = dest if dest.startswith("/") else _join(workdir or "/", relative)
        self.dest = go_clean(absolute)
        return True

    def _source_word(self, word: str) -> None:
        if _REMOTE.match(word):
            if self.is_add:
                self.opaque(self.dest, REMOTE, f"ADD {word}")
            else:
                self.builder.problem(self.line, f"COPY cannot copy a URL ({word}): use ADD")
            return
        source, why = self.builder.source_for(self.state, self.instruction)
        expanded = self.builder.expand(self.state, word, self.line)
        if source is None or expanded is None:
            kind = IMAGE if why.startswith("copied from the image") else NOT_KNOWN
            self.opaque(self.dest, kind, why or f"{word}: its variables are not known")
            return
        if _flag_true(self.instruction.flag("parents")):
            self._parents(source, expanded, word)
        else:
            self._plain(source, go_clean("/" + expanded), word)

    def _plain(self, source: _Source, path: str, word: str) -> None:
        if has_wildcards(path):
            matches = source.glob(path)
            if not matches:
                self._missing(source, path, word, wildcard=True)
            if len(matches) > 1 and not self.dest_is_folder:
                self.builder.problem(
                    self.line, f"{word} matches several paths: the destination must end in /"
                )
                self.dest_is_folder = True
            for match in matches:
                self._place_match(source, match)
        else:
            file = source.file(path)  # exists(), with the file it finds kept
            if file is not None:
                self._place_file(path, file)
            elif source.is_folder(path):
                self._place_folder(source, path, self.dest)
            else:
                self._missing(source, path, word, wildcard=False)

    def _missing(self, source: _Source, path: str, word: str, *, wildcard: bool) -> None:
        """A source not found: may exist (opaque there), or a problem."""
        covering = source.covering(_fixed_part(path) if wildcard else path)
        if covering:
            for region in covering:
                self.opaque(self.dest, region.kind, f"{word} from {source.name}: {region.detail}")
            return
        if wildcard:
            self.builder.problem(self.line, f"{word} matches nothing in {source.name}")
            return
        ignored = source.ignored_line(path)
        why = f" (excluded by .dockerignore line {ignored})" if ignored else ""
        missing = source.context.repo_path(path) if isinstance(source, _ContextSource) else ""
        message = f"{word} not found in {source.name}{why}"
        self.builder.problem(self.line, message, missing, excluded=ignored is not None)

    def _place_match(self, source: _Source, path: str) -> None:
        """What a wildcard source matches: a folder's contents, or a file
        unless an ``--exclude`` pattern excludes its name."""
        file = source.file(path)
        if file is None:
            self._place_folder(source, path, self.dest)
        elif not (self.excludes and self.excludes.excludes(posixpath.basename(path))):
            self._place_file(path, file)

    def _place_file(self, path: str, file: ImageFile) -> None:
        if (
            self.is_add
            and _ARCHIVE.fullmatch(path)
            and _flag_true(self.instruction.flag("unpack"), True)
        ):
            self.state.add_folder(self.dest)
            self.opaque(self.dest, ARCHIVE, f"{path.lstrip('/')} extracted by ADD")
            return
        into = self.dest_is_folder or self.state.is_folder(self.dest)
        target = _join(self.dest, posixpath.basename(path)) if into else self.dest
        if not into and self.state.may_be_folder(self.dest):
            self.opaque(
                self.dest, AMBIGUOUS, f"{self.dest} may be a folder: the file may be inside"
            )
        self.state.add_file(target, file._replace(line=self.line))

    def _place_folder(self, source: _Source, folder: str, dest: str) -> None:
        """A folder's contents (not the folder itself) into ``dest``."""
        state = self.state
        state.add_folder(dest)
        prefix = folder.rstrip("/") + "/"
        cache = self.builder.cache
        if cache is not None and self.excludes is None and isinstance(source, _ContextSource):
            # Each Dockerfile that copies this folder of the context there shares it.
            placement = cache.placement(
                source.context, folder, dest, lambda: _placement(dest, source.under(folder))
            )
        else:
            placement = _placement(dest, self._kept(source.under(folder)))
        state.place(placement, self.line)
        for path in source.folders_under(folder):
            if not (self.excludes and self.excludes.excludes(path[len(prefix) :])):
                state.add_folder(_join(dest, path[len(prefix) :]))
        for path, repo in source.folder_sources_under(folder):
            state.folder_sources[_join(dest, path[len(prefix) :] if path != folder else "")] = repo
        if source.opaque:
            self._carry_opaque(source, folder, dest)

    def _kept(self, found: _Found) -> _Found:
        """The files found that no ``--exclude`` pattern excludes."""
        excludes = self.excludes
        if excludes is None:
            return found
        return found.only(
            i for i, path in enumerate(found.relatives) if not excludes.excludes(path)
        )

    def _carry_opaque(self, source: _Source, folder: str, dest: str) -> None:
        """Opaque regions of the source inside (or around) a copied folder."""
        prefix = folder.rstrip("/") + "/"
        for region in source.below(folder):
            inside = region.path.startswith(prefix) and region.path != folder
            target = _join(dest, region.path[len(prefix) :]) if inside else dest
            self.opaque(target, region.kind, f"{region.detail} ({source.name})")

    def _parents(self, source: _Source, expanded: str, word: str) -> None:
        """``COPY --parents``: paths kept below the ``/./`` pivot (or the root)."""
        parent, pivot, pattern = expanded.partition("/./")
        root = go_clean("/" + parent) if pivot else "/"
        pattern = go_clean("/" + (pattern if pivot else expanded)).lstrip("/")
        include = matcher([pattern]) if pattern else None
        below = source.under(root)
        relatives = below.relatives
        chosen = [
            i for i, path in enumerate(relatives) if include is None or include.excludes(path)
        ]
        found = bool(chosen)
        excludes = self.excludes
        if excludes:
            chosen = [i for i in chosen if not excludes.excludes(relatives[i])]
        self.state.place(_placement(self.dest, below.only(chosen)), self.line)
        for region in source.below(root):
            self.opaque(self.dest, region.kind, f"{region.detail} ({source.name})")
        if not found and not has_wildcards(expanded) and not source.below(root):
            self.builder.problem(self.line, f"{word} not found in {source.name}")

    def _heredoc(self, heredoc: Heredoc) -> None:
        content: str | None = heredoc.content
        if heredoc.chomp:
            content = "".join(line + "\n" for line in heredoc.body_lines())
        if heredoc.expand and content is not None:
            try:
                content = expand(
                    content, self.state.values, complete=self.state.complete, process_quotes=False
                )
            except ExpansionError as error:
                self.builder.problem(
                    self.line, f"cannot expand the heredoc <<{heredoc.name}: {error}"
                )
                content = None
        into = self.dest_is_folder or self.state.is_folder(self.dest)
        target = _join(self.dest, heredoc.name) if into else self.dest
        self.state.add_file(target, ImageFile(None, self.line, content))


def _flag_true(value: str | None, default: bool = False) -> bool:
    """A boolean flag as Go's ParseBool reads it (a bare ``--flag`` is true)."""
    if value is None:
        return default
    return value == "" or value in ("1", "t", "T", "TRUE", "true", "True")


_HANDLERS = {
    "ARG": _Builder.arg,
    "ENV": _Builder.env,
    "WORKDIR": _Builder.workdir,
    "USER": _Builder.user,
    "SHELL": _Builder.shell,
    "CMD": _Builder.cmd,
    "ENTRYPOINT": _Builder.entrypoint,
    "HEALTHCHECK": _Builder.healthcheck,
    "RUN": _Builder.run,
    "COPY": _Builder.copy,
    "ADD": _Builder.copy,
}


def _install(found: PipInstall, state: _State, line: int) -> Install:
    """A pip install found in a RUN, its paths resolved in the stage."""
    if found.project is not None:
        return _project_install(found, found.project, state, line)
    return Install(
        stage=state.index,
        line=line,
        tool=found.tool,
        arguments=found.arguments,
        requirements=_refs(found.requirements, state, found.cwd),
        constraints=_refs(found.constraints, state, found.cwd),
        packages=found.packages,
        local=_refs(found.local, state, found.cwd),
        target=found.target,
        prefix=found.prefix,
        user=found.user,
        folder=_ref(".", state, found.cwd),
    )


def _project_install(found: PipInstall, folder: str, state: _State, line: int) -> Install:
    project = _pyproject_ref(folder, state, found.cwd)
    root = found.selection is None or found.selection.root
    local = (_ref(folder, state, found.cwd),) if root else ()
    return Install(
        stage=state.index,
        line=line,
        tool=found.tool,
        arguments=found.arguments,
        local=local,
        project=project,
        selection=found.selection,
        folder=_ref(".", state, found.cwd),
    )


def _pyproject_ref(folder: str, state: _State, cwd: str | None) -> PathRef:
    """The ``pyproject.toml`` poetry and uv find: in ``folder`` or the
    nearest folder above it (they walk up); a missing one's source is None."""
    start = _ref(folder, state, cwd).image_path
    if start is None:
        return PathRef(folder, None, None)
    place = start
    while True:
        path = _join(place, "pyproject.toml")
        if path in state.files:
            return PathRef(folder, path, state.files[path].source)
        if place == "/":
            return PathRef(folder, _join(start, "pyproject.toml"), None)
        place = _parent(place)


def _command_folder(workdir: str | None, cwd: str | None) -> str | None:
    """The folder a RUN's command runs in: the WORKDIR, or where a ``cd``
    before it went; None when not known."""
    if cwd is None or cwd.startswith("/"):
        return cwd
    if workdir is None or not cwd:
        return workdir
    return go_clean(_join(workdir, cwd))


def _refs(paths: Iterable[str], state: _State, cwd: str | None) -> tuple[PathRef, ...]:
    return tuple(_ref(path, state, cwd) for path in paths)


def _ref(written: str, state: _State, cwd: str | None = "") -> PathRef:
    """A path a command names, relative to ``cwd`` (``pip_installs.PipInstall.cwd``)."""
    workdir = _command_folder(state.workdir.value, cwd)
    path = without_extras(written)
    if path.startswith("/"):
        image_path: str | None = go_clean(path)
    elif workdir is None or "$" in path:
        image_path = None
    else:
        image_path = go_clean(_join(workdir, path))
    source = state.source_of(image_path) if image_path is not None else None
    return PathRef(written, image_path, source)
