"""Repository paths: the root, argv normalisation, globs, safe file creation.

Every path a hook handles is relative to the repository root and uses ``/``;
this module is the only place that converts between that form and the file
system.
"""

from __future__ import annotations

import os
import re
import stat

# Not typing.TYPE_CHECKING: importing typing costs a hook milliseconds.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

# Folders no hook ever looks into, whatever the configuration says; the same
# spirit as ruff's default `exclude`.
DEFAULT_EXCLUDES = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pytest_cache",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pypackages__",
    "_build",
    "buck-out",
    "node_modules",
    "site-packages",
    "venv",
)


def find_root(start: str) -> tuple[str, bool]:
    """Return the repository root above ``start`` and whether it is a git work tree.

    A folder holding ``.git`` (a folder, or a file for worktrees and
    submodules) is the root; outside a repository the start folder is.
    """
    current = os.path.abspath(start)
    while True:
        if os.path.lexists(os.path.join(current, ".git")):
            return current, True
        parent = os.path.dirname(current)
        if parent == current:
            return os.path.abspath(start), False
        current = parent


def parent_folder(path: str) -> str:
    """The folder of a repo-relative path; ``""`` is the repository root."""
    return path.rpartition("/")[0]


def ancestors(folder: str) -> Iterator[str]:
    """``a/b/c`` yields ``a/b/c``, ``a/b``, ``a`` (never the root)."""
    while folder:
        yield folder
        folder = parent_folder(folder)


def join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


class PathArgs:
    """The paths of a command line, sorted out relative to the repo root."""

    __slots__ = ("files", "folders", "missing", "outside")

    def __init__(self) -> None:
        self.files: list[str] = []
        self.folders: list[str] = []
        self.missing: list[str] = []
        self.outside: list[str] = []


def normalize_paths(args: Sequence[str], root: str, cwd: str) -> PathArgs:
    """Normalise argv paths to unique repo-relative ``/`` paths.

    Symlinks are kept as the paths they are (never resolved), so a link to a
    folder is a file here, as git sees it.
    """
    result = PathArgs()
    seen: set[str] = set()
    at_root = os.path.normcase(cwd) == os.path.normcase(root)
    for arg in args:
        if at_root and not os.path.isabs(arg):
            # pre-commit runs hooks at the root: skip relpath, the costly part.
            relative = os.path.normpath(arg)
            absolute = os.path.join(root, relative)
        else:
            absolute = os.path.normpath(os.path.join(cwd, arg))
            relative = os.path.relpath(absolute, root)
        if relative == os.curdir:
            relative = ""
        elif relative == os.pardir or relative.startswith(os.pardir + os.sep):
            result.outside.append(arg)
            continue
        if os.sep != "/":
            relative = relative.replace(os.sep, "/")
        if relative in seen:
            continue
        seen.add(relative)
        try:
            mode = os.lstat(absolute).st_mode
        except OSError:
            result.missing.append(arg)
            continue
        if stat.S_ISDIR(mode):
            result.folders.append(relative)
        else:
            result.files.append(relative)
    result.files.sort()
    result.folders.sort()
    return result


def is_identifier(name: str) -> bool:
    """Whether ``name`` can be a Python package or module name."""
    if not name.isidentifier():
        return False
    import keyword

    return not keyword.iskeyword(name)


def _translate_glob(pattern: str) -> str:
    """A gitignore-like glob as a regular expression over repo-relative paths.

    A pattern without ``/`` matches a name at any depth; one with ``/`` is
    anchored at the root. A match of a folder covers everything below it.
    ``**`` spans folders, ``*`` and ``?`` stay within one name.
    """
    anchored = pattern.startswith("./") or "/" in pattern.rstrip("/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    pattern = pattern.strip("/")
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1 : end].replace("\\", "\\\\")
            # As in .gitignore, a bracket expression never matches "/".
            body = "^/" + body[1:] if body.startswith(("!", "^")) else body.replace("/", "")
            out.append("[" + body + "]" if body else "(?!)")
            i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    return prefix + "".join(out) + "(?:/.*)?"


class GlobSet:
    """A set of globs compiled into one regular expression."""

    __slots__ = ("_regex", "patterns")

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(p for p in patterns if p.strip("/"))
        if self.patterns:
            alternatives = "|".join(_translate_glob(p) for p in self.patterns)
            self._regex: re.Pattern[str] | None = re.compile(alternatives, re.DOTALL)
        else:
            self._regex = None

    def __bool__(self) -> bool:
        return self._regex is not None

    def matches(self, path: str) -> bool:
        """Whether ``path`` or one of its folders matches a pattern."""
        return self._regex is not None and self._regex.fullmatch(path) is not None


def check_glob(pattern: str) -> str | None:
    """Why ``pattern`` is not a usable glob, or None when it is."""
    if not pattern.strip("/"):
        return "an empty glob matches nothing"
    try:
        re.compile(_translate_glob(pattern))
    except re.error as error:
        return f"invalid glob: {error}"
    return None


def check_ignore_glob(pattern: str) -> str | None:
    """Why ``pattern`` cannot also be a ``.gitignore`` line meaning the same,
    or None when it can (check-cache-artifacts writes its patterns there)."""
    problem = check_glob(pattern)
    if problem:
        return problem
    if not pattern.isprintable() or "\\" in pattern:
        return "control characters and backslashes cannot be written to .gitignore"
    if pattern.startswith(("!", "#")):
        return "a leading `!` or `#` means something else in .gitignore"
    if pattern.startswith("./"):
        return "write it without the leading `./`, as .gitignore does"
    if pattern != pattern.rstrip():
        return "git drops trailing whitespace from .gitignore lines"
    return None


_CONTROL_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def display_path(text: str) -> str:
    """A path (or a message holding paths) safe to print on one line.

    Characters that are not printable (controls, line and paragraph
    separators) become escapes, and bytes that were not UTF-8 (held as
    surrogates by `os.fsdecode`) become `\\xNN`; everything else, non-ASCII
    letters included, stays as it is.
    """
    if text.isprintable():
        return text
    return escape_unprintable(text, _CONTROL_ESCAPES)


def escape_unprintable(text: str, escapes: Mapping[str, str]) -> str:
    """``text`` with the characters in ``escapes`` replaced by their escape,
    and every other unprintable character by ``\\xNN``, ``\\uNNNN`` or
    ``\\UNNNNNNNN`` (a surrogate from `os.fsdecode` by the byte it stands for)."""
    out = []
    for char in text:
        point = ord(char)
        if char in escapes:
            out.append(escapes[char])
        elif char == " " or char.isprintable():
            out.append(char)
        elif 0xDC80 <= point <= 0xDCFF:
            out.append(f"\\x{point - 0xDC00:02x}")
        elif point <= 0xFF:
            out.append(f"\\x{point:02x}")
        elif point <= 0xFFFF:
            out.append(f"\\u{point:04x}")
        else:
            out.append(f"\\U{point:08x}")
    return "".join(out)


class UnsafePathError(OSError):
    """A write that would go through a symlink or leave the repository."""


def create_empty_file(root: str, path: str) -> bool:
    """Create the empty file ``root/path`` exclusively.

    Returns False when the file already exists (another process won a race,
    or it was there all along). Every folder on the way is opened without
    following symlinks, so nothing is written through a link or outside the
    repository; a link in the way raises UnsafePathError.
    """
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise UnsafePathError(f"not a plain repo-relative path: {path!r}")
    dir_flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
    folder_fd = os.open(root, dir_flags)
    try:
        for depth, part in enumerate(parts[:-1], start=1):
            try:
                next_fd = os.open(part, dir_flags, dir_fd=folder_fd)
            except OSError as error:
                if os.path.islink(os.path.join(root, *parts[:depth])):
                    raise UnsafePathError(f"{path}: a folder on the way is a symlink") from error
                raise
            os.close(folder_fd)
            folder_fd = next_fd
        file_flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        try:
            file_fd = os.open(parts[-1], file_flags, 0o666, dir_fd=folder_fd)
        except FileExistsError:
            return False
        os.close(file_fd)
        return True
    finally:
        os.close(folder_fd)


def git_lines(root: str, *args: str) -> list[str] | None:
    """NUL-separated output of a read-only git command, None if git fails.

    git honours ``GIT_INDEX_FILE``, so a temporary index that pre-commit or
    ``git commit -a`` set up is the one read.
    """
    import subprocess

    try:
        completed = subprocess.run(
            ("git", *args),
            cwd=root,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    except OSError:
        return None
    if completed.returncode != 0:
        return None
    output = os.fsdecode(completed.stdout)
    return [line for line in output.split("\0") if line]


def git_tracked_files(root: str) -> list[str] | None:
    return git_lines(root, "ls-files", "-z", "--cached", "--full-name")


def git_staged_deletions(root: str) -> list[str]:
    """Files the index deletes relative to HEAD (renames count as deletions)."""
    lines = git_lines(
        root, "diff", "--cached", "--name-only", "--no-renames", "--diff-filter=D", "-z"
    )
    return lines or []


def path_selector(files: Iterable[str], folders: Iterable[str]) -> Callable[[str], bool]:
    """Whether a path was given: one of `files`, or below one of `folders`
    (`""`, the root, holds everything)."""
    wanted = frozenset(files)
    folders = tuple(folders)
    if "" in folders:
        return lambda path: True
    prefixes = tuple(folder + "/" for folder in folders)
    return lambda path: path in wanted or path.startswith(prefixes)


def repository_files(root: str, is_git: bool, excludes: GlobSet) -> list[str]:
    """git's tracked files; outside git, or when git fails, every file on
    disk that `excludes` leaves in."""
    tracked = git_tracked_files(root) if is_git else None
    return tracked if tracked is not None else list(walk_files(root, "", excludes))


def walk_files(root: str, folder: str, excludes: GlobSet) -> Iterator[str]:
    """Files below ``folder`` on disk, never following symlinked folders."""
    start = os.path.join(root, folder) if folder else root
    for current, dirnames, filenames in os.walk(start):
        relative_folder = os.path.relpath(current, root)
        relative_folder = "" if relative_folder == os.curdir else relative_folder
        if os.sep != "/":
            relative_folder = relative_folder.replace(os.sep, "/")
        dirnames[:] = sorted(
            name for name in dirnames if not excludes.matches(join(relative_folder, name))
        )
        for name in sorted(filenames):
            path = join(relative_folder, name)
            if not excludes.matches(path):
                yield path
