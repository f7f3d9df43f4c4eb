"""Which distributions a requirements file or a ``pyproject.toml`` declares.

A requirements file is read as pip reads it: lines ending in a backslash
continue on the next one; a ``#`` at the start of a line or after
whitespace starts a comment (``#egg=`` inside a URL does not); the words
from the first one starting with ``-`` are options. A line with a
requirement keeps its options to itself (``--hash``, ``--config-settings``:
ignored); a line of options only follows ``-r``/``--requirement`` (declares)
or ``-c``/``--constraint`` (constrains: its requirement lines declare
nothing, though a ``-r`` inside it declares, as in pip), relative to the
including file's folder, and reads ``-e``/``--editable``; every other option
(``--index-url``, ``-f``, ``--pre``, ...) is ignored. As in pip, only the
first ``-r``/``-c``/``-e`` of a line counts, and a long option may be cut to
an unambiguous prefix. A file included twice is read once; an include
cycle, a chain over :data:`MAX_DEPTH` files, or an include above the
repository root, absolute, or a URL is a :class:`Problem`, never read.

A requirement is, in pip's order of evidence: a URL (a ``file:`` URL is a
local path; else the name comes from a wheel's filename, ``#egg=``, or an
sdist's filename), ``name @ url`` (PEP 508), a local path (it contains
``/``, starts with ``.`` or ends in an archive extension: a folder is a
local project named by its metadata, an archive by its filename), else a
PEP 508 specifier. Markers are split off first (at ``"; "`` after a URL,
``";"`` otherwise) and evaluated by ``packaging.markers`` for an
:class:`Environment`. Environment variables (``${VAR}``) are not expanded.
Local paths on a requirement line are relative to pip's working directory,
not to the file (pip's rule; only includes follow the file): the caller says
which folder that is, by default the folder of the file it asks about.

A ``pyproject.toml`` declares ``[project].dependencies``, its
``optional-dependencies`` (those of extras not installed are optional; an
extra naming the project itself installs the extras it names), PEP 735
``[dependency-groups]`` (with ``include-group``) and Poetry's
``[tool.poetry]`` dependencies (``optional = true`` ones through
``[tool.poetry.extras]``), groups and ``dev-dependencies``, and uv's
``[tool.uv] dev-dependencies`` (the ``dev`` group); a group is installed
when the caller names it, the main dependencies unless the caller leaves
them out (``poetry install --only dev``). Lines come from the TOML text by
regex.

Nothing here reads the disk (files come through the caller's ``read``) or
raises on what a file holds: what cannot be followed or parsed is a
:class:`Problem` at its file and line (at most :data:`MAX_PROBLEMS` a file,
then one that counts the rest). ``packaging`` (0.1 s to import) is
imported on first use.

Not modelled: what a local project itself depends on (ask
:func:`project_dependencies` of its ``pyproject.toml``), dependencies a
build backend makes ``dynamic`` (``[tool.setuptools.dynamic]``), PEP 263
encoding lines, includes over HTTP, and whether a Poetry ``path`` exists.
"""

from __future__ import annotations

import bisect
import posixpath
import re
import sys
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks.import_names import normalize

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence

    from packaging.markers import Marker
    from packaging.requirements import Requirement

    Reader = Callable[[str], "bytes | None"]

# The Pythons a requirement is declared for when the target one is unknown.
PYTHONS = ("3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
MAX_DEPTH = 50
# Problems reported per file; past them, one that counts the rest: a file
# of 10,000 lines that are not requirements is one fix, not 10,000 findings.
MAX_PROBLEMS = 20


class Environment(NamedTuple):
    """Where the requirements are installed, as markers see it. ``python``
    is a minor version ("3.11"), a full one ("3.11.4"), or ``None``: any of
    :data:`PYTHONS`. A minor version stands for any of its patch releases."""

    python: str | None = None
    sys_platform: str = "linux"
    platform_system: str = "Linux"
    os_name: str = "posix"
    implementation_name: str = "cpython"
    platform_machine: str = "x86_64"


LINUX = Environment()


class Declared(NamedTuple):
    """One declared distribution. ``name`` is normalized (PEP 503), ``""``
    for a local project whose name cannot be told (``local`` says where it
    is); ``extras`` are normalized and sorted. ``optional``: declared by an
    extra or a group that is not installed (``group`` names it). ``local``:
    the folder or archive of a local distribution, relative to the
    repository root, or as written when it is not in the repository."""

    name: str
    extras: tuple[str, ...]
    path: str
    line: int
    optional: bool = False
    local: str | None = None
    group: str = ""


class Problem(NamedTuple):
    """What could not be followed or parsed, at 1-based line and column."""

    path: str
    line: int
    column: int
    message: str


class _Found(NamedTuple):
    name: str
    extras: tuple[str, ...]
    local: str | None
    marker: str | None


class _Error(NamedTuple):
    """What ``packaging`` said, and where in the text (0-based)."""

    message: str
    offset: int


class _Invalid(Exception):
    """A line that cannot be followed: its Problem, at ``index`` of the line."""

    def __init__(self, message: str, index: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.index = index


def read_requirements(
    path: str,
    read: Reader,
    environment: Environment = LINUX,
    working_folder: str | None = None,
    image_source: Callable[[str], str | None] | None = None,
) -> tuple[tuple[Declared, ...], tuple[Problem, ...]]:
    """What the requirements file at repository path ``path`` declares for
    ``environment``, with its includes; local paths are relative to
    ``working_folder`` (default: the folder of ``path``). Read in an image,
    ``image_source`` says which repository file COPY put at an absolute
    path (an include `-r /requirements/base.txt`)."""
    folder = posixpath.dirname(path) if working_folder is None else working_folder
    walk = _Walk(read, environment, folder, image_source)
    walk.seen.add((path, False))
    if not walk.file(path, False, (path,)):
        walk.problems.append(Problem(path, 1, 1, f"{path} does not exist"))
    return tuple(walk.declared), capped(walk.problems)


def capped(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """The distinct problems, at most :data:`MAX_PROBLEMS` of each file and
    then one, where the first left out is, that says how many more there are."""
    kept: list[Problem] = []
    counts: dict[str, int] = {}
    first_left_out: dict[str, Problem] = {}
    for problem in dict.fromkeys(problems):
        count = counts[problem.path] = counts.get(problem.path, 0) + 1
        if count <= MAX_PROBLEMS:
            kept.append(problem)
        else:
            first_left_out.setdefault(problem.path, problem)
    for path, problem in first_left_out.items():
        more = counts[path] - MAX_PROBLEMS
        message = f"and {more} more problems in {path}, not reported one by one"
        kept.append(problem._replace(message=message))
    return tuple(kept)


class _Walk:
    """One reading of a requirements file and what it includes."""

    def __init__(
        self,
        read: Reader,
        environment: Environment,
        folder: str,
        image_source: Callable[[str], str | None] | None = None,
    ) -> None:
        self.read = read
        self.environment = environment
        self.folder = folder
        self.image_source = image_source
        self.declared: list[Declared] = []
        self.problems: list[Problem] = []
        # (path, as constraints): a file included twice declares the same.
        self.seen: set[tuple[str, bool]] = set()
        self.projects: dict[str, str | None] = {}
        self.parsed: dict[str, _Found | _Invalid] = {}

    def file(self, path: str, constraint: bool, chain: tuple[str, ...]) -> bool:
        data = self.read(path)
        if data is None:
            return False
        text = data.decode("utf-8", "replace").removeprefix("\ufeff")
        for line in _logical_lines(text):
            try:
                self.line(path, line, constraint, chain)
            except _Invalid as error:
                line_number, column = line.at(error.index)
                self.problems.append(Problem(path, line_number, column, error.message))
        return True

    def line(self, path: str, line: _Line, constraint: bool, chain: tuple[str, ...]) -> None:
        start = _options_start(line.text)
        if start:
            self.declare(path, line, self.requirement(line.text[:start].rstrip()), constraint)
            return
        values = _option_values(_words(line.text))
        if "--editable" in values:
            found = self.editable(values["--editable"], _index(line.text, values["--editable"]))
            self.declare(path, line, found, constraint)
        elif "--requirement" in values:
            self.include(path, line, values["--requirement"], False, chain)
        elif "--constraint" in values:
            self.include(path, line, values["--constraint"], True, chain)

    def declare(self, path: str, line: _Line, found: _Found, constraint: bool) -> None:
        if constraint or not _applies(self.environment, found.marker, None):
            return
        number = line.at(0)[0]
        self.declared.append(Declared(found.name, found.extras, path, number, local=found.local))

    def include(
        self, path: str, line: _Line, target: str, constraint: bool, chain: tuple[str, ...]
    ) -> None:
        index = _index(line.text, target)
        resolved = self.included(path, target, index, chain)
        if (resolved, constraint) in self.seen:
            return
        self.seen.add((resolved, constraint))
        if not self.file(resolved, constraint, (*chain, resolved)):
            hint = " (environment variables are not expanded)" if "$" in target else ""
            raise _Invalid(f"missing include {target}: {resolved} does not exist{hint}", index)

    def included(self, path: str, target: str, index: int, chain: tuple[str, ...]) -> str:
        """The repository path an include names, or why it is not read."""
        if not target:
            raise _Invalid("an include needs a file name", index)
        if target.startswith("/") and self.image_source is not None:
            copied = self.image_source(posixpath.normpath(target))
            if copied is None:
                raise _Invalid(f"include {target} is not a file COPY put in the image", index)
            return self._checked(copied, chain, index)
        if _is_url(target) or target.startswith("/"):
            raise _Invalid(f"include {target} is not in the repository: not read", index)
        resolved = _resolve(posixpath.dirname(path), target)
        if resolved is None:
            raise _Invalid(f"include {target} is outside the repository: not read", index)
        return self._checked(resolved, chain, index)

    def _checked(self, resolved: str, chain: tuple[str, ...], index: int) -> str:
        if resolved in chain:
            cycle = " -> ".join((*chain[chain.index(resolved) :], resolved))
            raise _Invalid(f"include cycle: {cycle}", index)
        if len(chain) > MAX_DEPTH:
            raise _Invalid(f"includes nested over {MAX_DEPTH} deep: {resolved} not read", index)
        return resolved

    def requirement(self, text: str) -> _Found:
        """A requirement line without its options; a text seen before is
        not parsed again (a generated file repeats its lines)."""
        if text not in self.parsed:
            try:
                self.parsed[text] = self.parse(text)
            except _Invalid as error:
                self.parsed[text] = error
        found = self.parsed[text]
        if isinstance(found, _Invalid):
            # A new exception: raising one again would grow its traceback.
            raise _Invalid(found.message, found.index)
        return found

    def parse(self, text: str) -> _Found:
        """A requirement, in pip's order: a URL, ``name @ url``, a local
        path (or archive), else a PEP 508 specifier."""
        location, marker = _split_marker(text, "; " if _is_url(text) else ";")
        if _is_url(location):
            return self.url(location, marker, 0)
        if not _is_named_url(location) and (_looks_like_path(location) or _is_archive(location)):
            return self.path(location, marker, 0)
        return _pep508(location, marker, 0, self.folder)

    def editable(self, value: str, index: int) -> _Found:
        """``-e``: a local project, or a VCS URL with ``#egg=``."""
        if not value:
            raise _Invalid("-e needs a local project or a VCS URL", index)
        location = _strip_extras(value)[0]
        if location.lower().startswith("file:"):
            return self.url(value, None, index)
        if _is_vcs(location):
            return _Found(*_egg_name(value, index, f"-e {value}"), None, None)
        if _is_url(location):
            raise _Invalid(f"-e {value}: neither a local project nor a VCS URL", index)
        return self.path(value, None, index)

    def url(self, location: str, marker: str | None, index: int) -> _Found:
        """A URL's distribution; a ``file:`` URL is a local path."""
        path = _file_path(location)
        if path is not None:
            return self.path(path, marker, index)
        filename = _url_filename(location)
        if filename.endswith(".whl"):
            return _Found(_wheel_name(filename, index), (), None, marker)
        if _EGG.search(location):
            return _Found(*_egg_name(location, index, location), None, marker)
        name = _sdist_name(filename)
        if not name:
            raise _Invalid(
                f"cannot tell which distribution {_short(location)} is: "
                "add #egg=NAME or write NAME @ URL",
                index,
            )
        return _Found(name, (), None, marker)

    def path(self, text: str, marker: str | None, index: int) -> _Found:
        location, extras_text = _strip_extras(text)
        extras = _extras_of(extras_text, index) if extras_text else ()
        if location.startswith("/"):
            return _Found(_archive_name(location), extras, location, marker)
        resolved = _resolve(self.folder, location)
        if resolved is None:
            raise _Invalid(f"local path {location} is outside the repository", index)
        if _is_archive(resolved):
            return _Found(self.archive(resolved, location, index), extras, resolved, marker)
        return _Found(self.project(resolved, location, index), extras, resolved, marker)

    def archive(self, resolved: str, location: str, index: int) -> str:
        if self.read(resolved) is None:
            raise _Invalid(f"local archive {location} does not exist: no {resolved}", index)
        return _archive_name(resolved)

    def project(self, resolved: str, location: str, index: int) -> str:
        if resolved not in self.projects:
            self.projects[resolved] = local_project_name(resolved, self.read)
        name = self.projects[resolved]
        if name is None:
            where = "the repository root" if resolved == "." else resolved
            raise _Invalid(
                f"local project {location} does not exist: "
                f"no pyproject.toml or setup.py in {where}",
                index,
            )
        return name


# ---- lines and options ----------------------------------------------------

_BREAK = re.compile(r"\r\n|\r|\n")
_COMMENT_LINE = re.compile(r"\s*#")


class _Line(NamedTuple):
    """A logical line: continuations joined, comment cut, stripped. ``at``
    maps an index of ``text`` back to the physical line and column."""

    text: str
    shift: int
    first: int
    starts: tuple[int, ...]

    def at(self, index: int) -> tuple[int, int]:
        raw = max(index, 0) + self.shift
        part = max(bisect.bisect_right(self.starts, raw) - 1, 0)
        return self.first + part, raw - self.starts[part] + 1


def _logical_lines(text: str) -> Iterator[_Line]:
    """The lines that hold something, comments cut."""
    pending: list[str] = []
    number = 0
    for number, physical in enumerate(_BREAK.split(text), 1):
        # A comment line ends a continuation, even when it ends in `\`.
        if physical.endswith("\\") and not _COMMENT_LINE.match(physical):
            pending.append(physical.rstrip("\\"))
            continue
        if pending:
            line = _joined(number - len(pending), [*pending, physical])
            pending = []
        else:
            line = _cut(physical, number, (0,))
        if line.text:
            yield line
    if pending and (line := _joined(number - len(pending) + 1, pending)).text:
        yield line


def _joined(first: int, parts: list[str]) -> _Line:
    starts = list(accumulate(map(len, parts[:-1]), initial=0))
    # As pip does: a comment line that ends a continuation stays a comment.
    if len(parts) > 1 and _COMMENT_LINE.match(parts[-1]):
        parts[-1] = " " + parts[-1]
        starts[-1] += 1
    return _cut("".join(parts), first, tuple(starts))


def _cut(joined: str, first: int, starts: tuple[int, ...]) -> _Line:
    # pip's comment rule: `#` at the start or after whitespace, so that a
    # URL's `#egg=` fragment is not a comment.
    comment = _after_space(joined, "#")
    if comment >= 0:
        joined = joined[:comment]
    stripped = joined.lstrip()
    return _Line(stripped.rstrip(), len(joined) - len(stripped), first, starts)


def _after_space(text: str, character: str) -> int:
    """The first ``character`` at the start of ``text`` or after whitespace,
    or -1 (``str.find``: a regex is ten times slower on a long line)."""
    position = text.find(character)
    while position > 0 and not text[position - 1].isspace():
        position = text.find(character, position + 1)
    return position


def _options_start(text: str) -> int:
    """Where a line's options start: its length when it has none, 0 when it
    is only options (pip: from the first word that starts with ``-``)."""
    found = _after_space(text, "-")
    return len(text) if found < 0 else found


def _words(text: str) -> list[str]:
    if not any(quote in text for quote in "\"'\\"):
        return text.split()
    from lucid_hooks.shell_words import split_words

    try:
        return split_words(text, comments=False)
    except ValueError as error:
        raise _Invalid(f"cannot split the options: {error}") from None


_SHORT = {"-r": "--requirement", "-c": "--constraint", "-e": "--editable"}
_SHORT.update({"-i": "--index-url", "-f": "--find-links"})
# The options pip reads in a requirements file; those that take a value.
_VALUED = frozenset(
    {
        "--requirement", "--constraint", "--editable", "--index-url", "--extra-index-url",
        "--find-links", "--no-binary", "--only-binary", "--trusted-host", "--use-feature",
        "--hash", "--global-option", "--config-settings", "--install-option",
    }
)  # fmt: skip
_OPTIONS = (*sorted(_VALUED), "--no-index", "--prefer-binary", "--pre", "--require-hashes")


def _option_values(words: Sequence[str]) -> dict[str, str]:
    """The first value of each option that takes one (``""``: none given)."""
    values: dict[str, str] = {}
    position = 0
    while position < len(words):
        name, value = _option(words[position])
        position += 1
        if name in _VALUED and value is None:
            value = words[position] if position < len(words) else ""
            position += 1
        if value is not None:
            values.setdefault(name, value)
    return values


def _option(word: str) -> tuple[str, str | None]:
    """An option's long name and its attached value (``-rx``, ``--r=x``)."""
    if word.startswith("--"):
        name, equals, value = word.partition("=")
        return _long_name(name), value if equals else None
    if word.startswith("-") and len(word) > 1:
        return _SHORT.get(word[:2], word[:2]), word[2:] or None
    return word, None


def _long_name(name: str) -> str:
    # optparse accepts any unambiguous prefix of a long option.
    if name in _OPTIONS:
        return name
    matches = [option for option in _OPTIONS if option.startswith(name)]
    return matches[0] if len(matches) == 1 else name


def _index(text: str, value: str) -> int:
    found = text.find(value) if value else -1
    return max(found, 0)


# ---- requirements ---------------------------------------------------------

_VCS = ("git", "hg", "svn", "bzr")
_URL_SCHEMES = frozenset({"http", "https", "file", "ftp"})
_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
# (One `\s*` between the name and the `@`: two in a row backtrack in
# quadratic time over a long run of spaces.)
_NAMED_URL = re.compile(rf"\s*{_NAME}\s*(?:\[[^\]]*\]\s*)?@")
_EGG_NAME = re.compile(rf"({_NAME})(\[[^\]]*\])?")
_EGG = re.compile(r"[#&]egg=([^&]*)")
# pip's archive extensions: a requirement ending in one is a file.
_ARCHIVES = (
    ".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tlz", ".tar.lz",
    ".tar.lzma", ".tar",
)  # fmt: skip


def _is_named_url(text: str) -> bool:
    return "@" in text and _NAMED_URL.match(text) is not None


def _scheme(text: str) -> str:
    return text.split(":", 1)[0].lower() if ":" in text else ""


def _is_vcs(text: str) -> bool:
    return _scheme(text).split("+", 1)[0] in _VCS


def _is_url(text: str) -> bool:
    return _scheme(text) in _URL_SCHEMES or _is_vcs(text)


def _looks_like_path(text: str) -> bool:
    return "/" in text or text.startswith(".")


def _is_archive(text: str) -> bool:
    return text.lower().endswith(_ARCHIVES)


def _strip_extras(text: str) -> tuple[str, str]:
    """``path[a,b]`` as (``path``, ``[a,b]``); found without a regex, which
    would backtrack over every ``[``."""
    start = text.rfind("[")
    inside = text[start + 1 : -1]
    if start <= 0 or not text.endswith("]") or not inside or "]" in inside:
        return text, ""
    return text[:start], text[start:]


def _extras_of(text: str, index: int) -> tuple[str, ...]:
    """The extras of ``[a, b]``: pip's ``path[a,b]``, ``#egg=name[a]``."""
    extras = [extra.strip() for extra in text[1:-1].split(",")]
    if not all(re.fullmatch(_NAME, extra) for extra in extras):
        raise _Invalid(f"cannot parse the extras {_short(text)}", index)
    return _extras(extras)


def _split_marker(text: str, separator: str) -> tuple[str, str | None]:
    location, found, marker = text.partition(separator)
    if not found or not marker.strip():
        return location.strip(), None
    parsed = _parsed_marker(marker.strip())
    if isinstance(parsed, _Error):
        start = len(location) + len(separator) + len(marker) - len(marker.lstrip())
        raise _Invalid(_unparsable(text, parsed.message), start + parsed.offset)
    return location.strip(), marker.strip()


# A plain `name[extra] >= 1.2, < 2` (most lines of most files), read
# without packaging, whose import is most of what judging a cold run's
# imports costs; anything else is packaging's to read. No two `\s*` meet,
# so that a long run of spaces costs linear time.
_RELEASE = r"\d+(?:\.\d+)*"
_SUFFIXES = r"(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?"
_CLAUSE = (
    rf"(?:(?:==|!=)\s*(?:{_RELEASE}\.\*|{_RELEASE}{_SUFFIXES})"
    rf"|(?:<=|>=|<|>)\s*{_RELEASE}{_SUFFIXES}|~=\s*\d+(?:\.\d+)+{_SUFFIXES})"
)
_PLAIN = re.compile(
    rf"({_NAME})(?:\s*\[\s*(?:((?:{_NAME}\s*,\s*)*{_NAME})\s*)?\])?"
    rf"(?:\s*{_CLAUSE}(?:\s*,\s*{_CLAUSE})*)?"
)


def _plain(text: str, marker: str | None) -> _Found | None:
    match = _PLAIN.fullmatch(text.strip())
    if match is None:
        return None
    extras = re.split(r"\s*,\s*", match.group(2)) if match.group(2) else ()
    return _Found(normalize(match.group(1)), _extras(extras), None, marker)


def _pep508(text: str, marker: str | None, index: int, folder: str) -> _Found:
    plain = _plain(text, marker)
    if plain is not None:
        return plain
    parsed = _parsed_requirement(text)
    if isinstance(parsed, _Error):
        raise _Invalid(_unparsable(text, parsed.message), index + parsed.offset)
    if parsed.marker is not None:
        marker = str(parsed.marker) if marker is None else f"({parsed.marker}) and ({marker})"
    local = _file_location(parsed.url, folder) if parsed.url else None
    return _Found(normalize(parsed.name), _extras(parsed.extras), local, marker)


def _unparsable(text: str, message: str) -> str:
    # U+FFFD: what decoding put where the file is not UTF-8.
    encoding = " (the file is not valid UTF-8)" if "\ufffd" in text else ""
    return f"cannot parse {_short(text)}: {message}{encoding}"


def _short(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _extras(extras: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({normalize(extra) for extra in extras}))


def _egg_name(url: str, index: int, what: str) -> tuple[str, tuple[str, ...]]:
    egg = _EGG.search(url)
    if egg is None:
        raise _Invalid(f"cannot tell which distribution {_short(what)} is: add #egg=NAME", index)
    named = _EGG_NAME.fullmatch(egg.group(1).strip())
    if named is None:
        raise _Invalid(f"#egg={egg.group(1)} does not name a distribution", index)
    extras = _extras_of(named.group(2), index) if named.group(2) else ()
    return normalize(named.group(1)), extras


def _url_filename(url: str) -> str:
    from urllib.parse import unquote

    path = re.split(r"[#?]", url, maxsplit=1)[0].rstrip("/")
    return unquote(path.rsplit("/", 1)[-1])


def _file_path(url: str) -> str | None:
    """A ``file:`` URL's path (``file:///a`` -> ``/a``, ``file:./a`` -> ``./a``)."""
    if not url.lower().startswith("file:"):
        return None
    from urllib.parse import unquote

    path = unquote(re.split(r"[#?]", url[5:], maxsplit=1)[0])
    if path.startswith("//"):
        path = "/" + path[2:].partition("/")[2]
    return path


def _file_location(url: str, folder: str) -> str | None:
    path = _file_path(url)
    if path is None or path.startswith("/"):
        return path
    return _resolve(folder, path) or path


def _wheel_name(filename: str, index: int) -> str:
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    try:
        return str(parse_wheel_filename(filename)[0])
    except InvalidWheelFilename as error:
        raise _Invalid(f"cannot parse wheel filename: {error}", index) from None


def _sdist_name(filename: str) -> str:
    """An sdist's name: what its filename has before the last ``-``."""
    lower = filename.lower()
    extension = next((end for end in _ARCHIVES if lower.endswith(end)), None)
    if extension is None or extension == ".whl":
        return ""
    name, dash, version = filename[: -len(extension)].rpartition("-")
    return normalize(name) if dash and name and version[:1].isdigit() else ""


def _archive_name(path: str) -> str:
    filename = path.rsplit("/", 1)[-1]
    if not filename.lower().endswith(".whl"):
        return _sdist_name(filename)
    try:
        return _wheel_name(filename, 0)
    except _Invalid:
        return ""


def _resolve(folder: str, path: str) -> str | None:
    """``path`` from ``folder`` as a repository path (``.``: the root), or
    None when it leaves the repository."""
    joined = posixpath.normpath(posixpath.join(folder, path))
    return None if joined == ".." or joined.startswith(("../", "/")) else joined


@lru_cache(maxsize=4096)
def _parsed_requirement(text: str) -> Requirement | _Error:
    from packaging.requirements import Requirement

    try:
        return Requirement(text)
    except Exception as error:  # InvalidRequirement; RecursionError on deep parentheses
        return _packaging_error(error)


@lru_cache(maxsize=1024)
def _parsed_marker(text: str) -> Marker | _Error:
    from packaging.markers import Marker

    try:
        return Marker(text)
    except Exception as error:  # InvalidMarker; RecursionError on deep parentheses
        return _packaging_error(error)


def _packaging_error(error: Exception) -> _Error:
    """packaging's first line, and where its caret points: it indents the
    text it quotes, and the caret under it, by four spaces."""
    lines = str(error).splitlines() or [type(error).__name__]
    caret = next((line for line in reversed(lines) if line.rstrip().endswith("^")), "")
    return _Error(lines[0].strip(), max(caret.rstrip().rfind("^") - 4, 0))


# ---- markers --------------------------------------------------------------


@lru_cache(maxsize=1024)
def _applies(environment: Environment, marker: str | None, python: str | None) -> bool:
    """Whether a marker and a Poetry ``python`` constraint both hold for a
    Python the environment allows. What cannot be evaluated holds."""
    if marker is None and python is None:
        return True
    return any(
        _marker_holds(marker, environment, version) and _python_holds(python, version)
        for version in _versions(environment)
    )


def _versions(environment: Environment) -> tuple[str, ...]:
    minors = PYTHONS if environment.python is None else (environment.python,)
    # The first and a late patch release: `python_full_version >= "3.9.2"`.
    return tuple(
        version
        for minor in minors
        for version in ((minor,) if minor.count(".") >= 2 else (f"{minor}.0", f"{minor}.99"))
    )


def _marker_holds(marker: str | None, environment: Environment, version: str) -> bool:
    parsed = None if marker is None else _parsed_marker(marker)
    if parsed is None or isinstance(parsed, _Error):
        return True
    try:
        return parsed.evaluate(_marker_environment(environment, version))
    except Exception:  # UndefinedComparison: `python_version > "x"`
        return True


def _marker_environment(environment: Environment, version: str) -> dict[str, str]:
    implementation = {"cpython": "CPython", "pypy": "PyPy"}
    return {
        "implementation_name": environment.implementation_name,
        "implementation_version": version,
        "os_name": environment.os_name,
        "platform_machine": environment.platform_machine,
        "platform_python_implementation": implementation.get(
            environment.implementation_name, environment.implementation_name
        ),
        "platform_release": "",
        "platform_system": environment.platform_system,
        "platform_version": "",
        "python_full_version": version,
        "python_version": ".".join(version.split(".")[:2]),
        "sys_platform": environment.sys_platform,
    }


def _python_holds(constraint: str | None, version: str) -> bool:
    """Whether a Poetry ``python`` constraint allows ``version``; one that
    cannot be read holds."""
    if constraint is None:
        return True
    return python_allows(constraint, version) is not False


def python_allows(constraint: str, version: str) -> bool | None:
    """Whether a Poetry ``python`` constraint (``^3.10``, ``~3.9``,
    ``>=3.9,<4``, ``3.11.*``, ``a || b``) allows ``version``; None when it
    cannot be read."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        return any(
            Version(version) in SpecifierSet(",".join(_pep440_clauses(alternative)))
            for alternative in re.split(r"\|\|?", constraint)
        )
    except (InvalidSpecifier, InvalidVersion, ValueError):
        return None


def _pep440_clauses(constraint: str) -> list[str]:
    words = re.sub(r"([<>=!~^]+)\s+", r"\1", constraint.strip())
    return [_pep440(word) for word in re.split(r"[\s,]+", words) if word and word != "*"]


def _pep440(word: str) -> str:
    if word[0] in "^~" and word[1:2] != "=":
        parts = [int(part) for part in word[1:].split(".")]
        bump = _caret_position(parts) if word[0] == "^" else min(1, len(parts) - 1)
        upper = [*parts[:bump], parts[bump] + 1]
        return f">={word[1:]},<{'.'.join(map(str, upper))}"
    if word[0] == "=" and word[1:2] != "=":
        return "=" + word
    return word if word[0] in "<>=!~" else f"=={word}"


def _caret_position(parts: Sequence[int]) -> int:
    # ^1.2 < 2, ^0.2 < 0.3, ^0.0.3 < 0.0.4: the first part that is not 0.
    return next((position for position, part in enumerate(parts) if part), len(parts) - 1)


# ---- local projects -------------------------------------------------------


def local_project_name(folder: str, read: Reader) -> str | None:
    """The normalized name of the project in ``folder`` (``.``: the root),
    from its ``pyproject.toml``, ``setup.cfg`` or a ``name="..."`` literal
    of its ``setup.py`` (never run); ``""`` when none of them tells, None
    when the folder has neither ``pyproject.toml`` nor ``setup.py`` (pip
    cannot install it)."""
    pyproject = read(_child(folder, "pyproject.toml"))
    setup_py = read(_child(folder, "setup.py"))
    if pyproject is None and setup_py is None:
        return None
    return (
        _pyproject_name(pyproject)
        or _setup_cfg_name(read(_child(folder, "setup.cfg")))
        or _setup_py_name(setup_py)
    )


def _child(folder: str, name: str) -> str:
    return name if folder in ("", ".") else f"{folder}/{name}"


def _pyproject_name(data: bytes | None) -> str:
    document = _toml(data) if data is not None else {}
    for table in (
        _table(document.get("project")),
        _table(_table(document.get("tool")).get("poetry")),
    ):
        name = table.get("name")
        if isinstance(name, str) and re.fullmatch(_NAME, name.strip()):
            return normalize(name.strip())
    return ""


def _toml(data: bytes) -> dict[str, object]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11 only
        import tomli as tomllib
    try:
        return tomllib.loads(data.decode("utf-8", "replace").removeprefix("\ufeff"))
    except Exception:  # TOMLDecodeError; RecursionError on deep nesting
        return {}


def _setup_cfg_name(data: bytes | None) -> str:
    if data is None:
        return ""
    import configparser

    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(data.decode("utf-8", "replace"))
        name = parser.get("metadata", "name", fallback="").strip()
    except (configparser.Error, ValueError):
        return ""
    return normalize(name) if re.fullmatch(_NAME, name) else ""


_SETUP_CALL = re.compile(r"\bsetup\s*\(")
_SETUP_NAME = re.compile(rf"\bname\s*=\s*(['\"])({_NAME})\1")


def _setup_py_name(data: bytes | None) -> str:
    if data is None:
        return ""
    text = data.decode("utf-8", "replace")
    call = _SETUP_CALL.search(text)
    found = _SETUP_NAME.search(text, call.start() if call else 0)
    return normalize(found.group(2)) if found else ""


def _table(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


# ---- pyproject.toml -------------------------------------------------------


def project_dependencies(
    path: str,
    document: Mapping[str, object],
    *,
    text: str = "",
    extras: Collection[str] = (),
    groups: Collection[str] = (),
    environment: Environment = LINUX,
    main: bool = True,
) -> tuple[tuple[Declared, ...], tuple[Problem, ...]]:
    """What the parsed ``pyproject.toml`` at ``path`` declares for
    ``environment``, with ``extras`` and the dependency or Poetry ``groups``
    installed (the others' distributions are optional), and the main
    dependencies unless ``main`` is False (then they are optional, of the
    group ``main``: ``poetry install --only dev``); ``text``, its source,
    gives each entry's line."""
    source = _Pyproject(path, _TomlText(text), environment, main)
    source.project(_table(document.get("project")), extras)
    source.dependency_groups(_table(document.get("dependency-groups")), groups)
    tool = _table(document.get("tool"))
    source.poetry(_table(tool.get("poetry")), extras, groups)
    source.uv_dev(_table(tool.get("uv")).get("dev-dependencies"), groups)
    return tuple(source.declared), capped(source.problems)


class _Pyproject:
    """One reading of a ``pyproject.toml``."""

    def __init__(
        self, path: str, toml: _TomlText, environment: Environment, main: bool = True
    ) -> None:
        self.path = path
        self.main = main
        self.folder = posixpath.dirname(path)
        self.toml = toml
        self.environment = environment
        self.declared: list[Declared] = []
        self.problems: list[Problem] = []

    def problem(self, offset: int, message: str) -> None:
        self.problems.append(Problem(self.path, *self.toml.position(offset), message))

    def entries(self, value: object, keys: tuple[str, ...]) -> list[object]:
        if isinstance(value, list):
            return value
        self.problem(self.toml.locate(keys), f"{_dotted(keys)} is not an array")
        return []

    def requirement(
        self, entry: object, keys: tuple[str, ...], group: str, optional: bool
    ) -> None:
        where = self.toml.locate(keys)
        if not isinstance(entry, str):
            kind = type(entry).__name__
            self.problem(where, f"{_dotted(keys)} holds a {kind}, not a requirement string")
            return
        offset = self.toml.entry(where, entry)
        try:
            found = _pep508(*_split_marker(entry, ";"), 0, self.folder)
        except _Invalid as error:
            self.problem(offset, error.message)
            return
        if _applies(self.environment, found.marker, None):
            line = self.toml.position(offset)[0]
            declared = Declared(found.name, found.extras, self.path, line, optional, found.local)
            self.declared.append(declared._replace(group=group))

    def project(self, project: Mapping[str, object], extras: Collection[str]) -> None:
        own = project.get("name")
        name = normalize(own) if isinstance(own, str) else ""
        main = ("project", "dependencies")
        group = "" if self.main else "main"
        for entry in self.entries(project.get("dependencies", []), main):
            self.requirement(entry, main, group, not self.main)
        optional = _table(project.get("optional-dependencies"))
        installed = _installed_extras(optional, name, extras)
        for extra, entries in optional.items():
            keys = ("project", "optional-dependencies", extra)
            extra_name = normalize(extra)
            for entry in self.entries(entries, keys):
                # `all = ["us[test]"]` installs our own extras, not a distribution.
                if _self_extras(entry, name) is None:
                    self.requirement(entry, keys, extra_name, extra_name not in installed)

    def dependency_groups(self, table: Mapping[str, object], groups: Collection[str]) -> None:
        names = {normalize(group): group for group in table}
        includes = {normalize(group): self.includes(group, table[group], names) for group in table}
        self.cycles(includes, names)
        installed = _closure(includes, [normalize(group) for group in groups])
        for group, entries in table.items():
            keys = ("dependency-groups", group)
            name = normalize(group)
            for entry in self.entries(entries, keys):
                if not isinstance(entry, dict):
                    self.requirement(entry, keys, name, name not in installed)

    def cycles(self, includes: Mapping[str, Sequence[str]], names: Mapping[str, str]) -> None:
        """Each cycle of includes, once, at the include that closes it."""
        for cycle in _cycles(includes):
            where = self.toml.locate(("dependency-groups", names[cycle[-2]]))
            chain = " -> ".join(names[group] for group in cycle)
            offset = self.toml.entry(where, names[cycle[-1]])
            self.problem(offset, f"dependency group cycle: {chain}")

    def includes(self, group: str, entries: object, names: Mapping[str, str]) -> list[str]:
        """The normalized names of the groups ``group`` includes that exist."""
        where = self.toml.locate(("dependency-groups", group))
        found: list[str] = []
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            target = entry.get("include-group")
            if not isinstance(target, str) or len(entry) != 1:
                message = f"dependency group {group}: a table other than {{include-group = NAME}}"
                self.problem(where, message)
            elif normalize(target) not in names:
                message = f"dependency group {group} includes {target}: no such group"
                self.problem(self.toml.entry(where, target), message)
            else:
                found.append(normalize(target))
        return found

    def poetry(
        self, poetry: Mapping[str, object], extras: Collection[str], groups: Collection[str]
    ) -> None:
        listed = _poetry_extras(_table(poetry.get("extras")))
        self.poetry_main(poetry.get("dependencies"), listed, {normalize(e) for e in extras})
        installed = {normalize(group) for group in groups}
        legacy = ("tool", "poetry", "dev-dependencies")
        self.poetry_group(poetry.get("dev-dependencies"), legacy, "dev", "dev" in installed)
        for group, table in _table(poetry.get("group")).items():
            keys = ("tool", "poetry", "group", group, "dependencies")
            name = normalize(group)
            self.poetry_group(_table(table).get("dependencies"), keys, name, name in installed)

    def poetry_main(
        self, table: object, listed: Mapping[str, set[str]], wanted: Collection[str]
    ) -> None:
        """``[tool.poetry.dependencies]``: an ``optional = true`` one is
        installed by the extras that list it."""
        for name, value in _table(table).items():
            found = self.poetry_entry(name, value, ("tool", "poetry", "dependencies", name))
            if found is None:
                continue
            listing = listed.get(found.name, set())
            optional = found.optional and not listing & set(wanted)
            group = min(listing) if optional and listing else ""
            if not self.main:
                optional, group = True, "main"
            self.declared.append(found._replace(optional=optional, group=group))

    def uv_dev(self, entries: object, groups: Collection[str]) -> None:
        """``[tool.uv] dev-dependencies``: uv's older spelling of the ``dev`` group."""
        if entries is None:
            return
        keys = ("tool", "uv", "dev-dependencies")
        installed = "dev" in {normalize(group) for group in groups}
        for entry in self.entries(entries, keys):
            self.requirement(entry, keys, "dev", not installed)

    def poetry_group(
        self, table: object, keys: tuple[str, ...], group: str, installed: bool
    ) -> None:
        for name, value in _table(table).items():
            found = self.poetry_entry(name, value, (*keys, name))
            if found is not None:
                self.declared.append(found._replace(optional=not installed, group=group))

    def poetry_entry(self, name: str, value: object, keys: tuple[str, ...]) -> Declared | None:
        """A Poetry dependency (a version, a table or a list of tables), if
        one of its constraints applies; ``python`` is not a distribution."""
        if name.lower() == "python":
            return None
        constraints = value if isinstance(value, list) else [value]
        tables = [self.poetry_constraint(constraint, keys) for constraint in constraints]
        applying = [table for table in tables if table is not None and self.applies(table, keys)]
        if not applying:
            return None
        extras = _extras(extra for table in applying for extra in _strings(table.get("extras")))
        optional = all(table.get("optional") is True for table in applying)
        paths = [path for table in applying for path in _strings([table.get("path")])]
        local = (_resolve(self.folder, paths[0]) or paths[0]) if paths else None
        line = self.toml.position(self.toml.locate(keys))[0]
        return Declared(normalize(name), extras, self.path, line, optional, local)

    def poetry_constraint(self, value: object, keys: tuple[str, ...]) -> dict[str, object] | None:
        if isinstance(value, (str, dict)):
            return _table(value)
        self.problem(self.toml.locate(keys), f"{_dotted(keys)} is neither a version nor a table")
        return None

    def applies(self, table: Mapping[str, object], keys: tuple[str, ...]) -> bool:
        """Whether a Poetry constraint's ``markers``, ``platform`` and
        ``python`` hold."""
        markers = _strings([table.get("markers")])
        markers += [f'sys_platform == "{p}"' for p in _strings([table.get("platform")])]
        marker = " and ".join(f"({text})" for text in markers)
        parsed = _parsed_marker(marker) if marker else None
        if isinstance(parsed, _Error):
            self.problem(self.toml.locate(keys), _unparsable(marker, parsed.message))
        python = _strings([table.get("python")])
        return _applies(self.environment, marker or None, python[0] if python else None)


def _dotted(keys: Sequence[str]) -> str:
    return "[" + ".".join(keys) + "]"


def _self_extras(entry: object, name: str) -> tuple[str, ...] | None:
    """The extras an optional dependency on the project itself installs;
    None when ``entry`` names another distribution."""
    if not name or not isinstance(entry, str):
        return None
    try:
        found = _pep508(*_split_marker(entry, ";"), 0, "")
    except _Invalid:
        return None
    return found.extras if found.name == name else None


def _installed_extras(
    optional: Mapping[str, object], name: str, extras: Collection[str]
) -> set[str]:
    """The extras installed with ``extras``, through the project's own."""
    own = {
        normalize(extra): [
            more for entry in _strings(entries) for more in _self_extras(entry, name) or ()
        ]
        for extra, entries in optional.items()
    }
    return _closure(own, [normalize(extra) for extra in extras])


def _closure(edges: Mapping[str, Sequence[str]], start: Iterable[str]) -> set[str]:
    """What ``start`` reaches through ``edges``, itself included."""
    reached: set[str] = set()
    pending = list(start)
    while pending:
        node = pending.pop()
        if node not in reached:
            reached.add(node)
            pending += edges.get(node, ())
    return reached


def _cycles(edges: Mapping[str, Sequence[str]]) -> list[tuple[str, ...]]:
    """Each cycle of ``edges`` once, as its chain (``a, b, a``), found by a
    depth-first walk kept on a stack (a long chain of groups must not
    exhaust Python's recursion)."""
    done: set[str] = set()
    cycles: list[tuple[str, ...]] = []
    for root in edges:
        chain = [root]
        stack = [iter(edges[root])]
        while stack:
            node = next(stack[-1], None)
            if node is None:
                done.add(chain.pop())
                stack.pop()
            elif node in chain:
                cycles.append((*chain[chain.index(node) :], node))
            elif node not in done:
                chain.append(node)
                stack.append(iter(edges.get(node, ())))
    return cycles


def _poetry_extras(table: Mapping[str, object]) -> dict[str, set[str]]:
    """Which extras of ``[tool.poetry.extras]`` list each distribution."""
    listed: dict[str, set[str]] = {}
    for extra, names in table.items():
        for name in _strings(names):
            listed.setdefault(normalize(name), set()).add(normalize(extra))
    return listed


_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)


class _TomlText:
    """Where the keys and strings of a TOML document are in its text, found
    by regexes (the TOML parser keeps no positions): close enough for a
    finding's line; the table's line, or 1, when the entry is not found."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.breaks: list[int] | None = None

    def position(self, offset: int) -> tuple[int, int]:
        if self.breaks is None:
            self.breaks = [found.start() for found in re.finditer("\n", self.text)]
        line = bisect.bisect_left(self.breaks, offset)
        return line + 1, offset - (self.breaks[line - 1] + 1 if line else 0) + 1

    def locate(self, keys: Sequence[str]) -> int:
        """The offset of the deepest of ``keys`` found: the longest table
        header of them, then the keys below it (``a = ``, ``a.b = ``,
        ``{ b = ``)."""
        for cut in range(len(keys), 0, -1):
            header = _header_pattern(tuple(keys[:cut])).search(self.text)
            if header is not None:
                return self.below(header.start(), keys[cut:])
        return self.below(0, keys)

    def below(self, start: int, keys: Sequence[str]) -> int:
        end = self.section_end(start)
        for key in keys:
            found = _key_pattern(key).search(self.text, start, end)
            if found is None:
                break
            start = found.start(1)
        return start

    def section_end(self, start: int) -> int:
        line_end = self.text.find("\n", start)
        found = _HEADER.search(self.text, line_end) if line_end >= 0 else None
        return found.start() if found else len(self.text)

    def entry(self, start: int, value: str) -> int:
        """Where the string ``value`` is written after ``start``: the exact
        literal, else a string starting with its first word."""
        end = self.section_end(start)
        for literal in (f'"{value}"', f"'{value}'"):
            found = self.text.find(literal, start, end)
            if found >= 0:
                return found
        word = re.match(r"\s*([A-Za-z0-9._-]+)", value)
        pattern = rf"[\"']\s*{re.escape(word.group(1))}(?![A-Za-z0-9._-])" if word else None
        match = re.compile(pattern).search(self.text, start, end) if pattern else None
        return match.start() if match else start


def _toml_key(key: str) -> str:
    escaped = re.escape(key)
    return rf"(?:{escaped}|\"{escaped}\"|'{escaped}')"


@lru_cache(maxsize=256)
def _header_pattern(keys: tuple[str, ...]) -> re.Pattern[str]:
    dotted = r"[ \t]*\.[ \t]*".join(_toml_key(key) for key in keys)
    return re.compile(rf"^[ \t]*\[[ \t]*{dotted}[ \t]*\]", re.MULTILINE)


@lru_cache(maxsize=256)
def _key_pattern(key: str) -> re.Pattern[str]:
    return re.compile(rf"(?:^|[{{,.])[ \t]*({_toml_key(key)})[ \t]*[=.]", re.MULTILINE)
