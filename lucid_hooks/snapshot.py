"""The repository as one run sees it: the tracked files listed once, and
folder listings, file contents and parses read once, shared by every hook of
a ``lucid-hooks check``. Everything is read lazily and kept for the run;
what outlives the run goes to the on-disk cache (``lucid_hooks.cache``).
"""

from __future__ import annotations

import os
import re
import stat
from typing import TYPE_CHECKING, TypeVar

from lucid_hooks import git
from lucid_hooks.cache import Cache, Shelf, content_key
from lucid_hooks.paths import join

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from lucid_hooks.dockerfile import Dockerfile
    from lucid_hooks.globs import GlobSet
    from lucid_hooks.registry import FileSelection

R = TypeVar("R")

# A FIFO swapped in for a file must not block a hook; O_NOFOLLOW where the
# caller wants a regular file, not what a link points at.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)

# Contents kept in memory for the run: small files only, up to a total, so
# a 100k-file tree costs no more memory than it must.
KEPT_FILE_BYTES = 1 << 20
KEPT_TOTAL_BYTES = 16 << 20

# From this many tracked files on (an index file of about 100 bytes a file),
# `settled` asks git (two commands, which also list the tracked files)
# rather than leaving each file to `lstat`, which is cheaper for a small tree.
SETTLED_FROM = 2000
INDEX_BYTES_PER_FILE = 100
# How `settled` records of regular files start: git's modes for them.
REGULAR_MODES = ("H 100644 ", "H 100755 ")
SYMLINK_MODE = "H 120000 "


class Snapshot:
    """Lazily read, cached facts about one repository for one run."""

    def __init__(self, root: str, is_git: bool, cache: Cache | None = None) -> None:
        self.root = root
        self._prefix = os.path.join(root, "")
        self.is_git = is_git
        # No disk cache unless one is given: tests and library callers stay pure.
        self.cache = cache if cache is not None else Cache(None)
        self._shelves: dict[str, Shelf] = {}
        self._tracked: list[str] | None = None
        self._tracked_known = False
        self._present: list[str] | None = None
        self._settled: dict[str, str] | None = None
        self._pending: git.PendingSettledFiles | None = None
        self._walks: dict[tuple[str, ...], list[str]] = {}
        self._deletions: list[str] | None = None
        self._lstat: dict[str, os.stat_result | None] = {}
        self._listings: dict[str, dict[str, bool]] = {}
        self._contents: dict[str, bytes] = {}
        self._kept_bytes = 0
        self._dockerfiles: dict[str, Dockerfile] = {}
        self._tags: dict[str, frozenset[str]] = {}
        self._tag_sets: dict[frozenset[str], frozenset[str]] = {}
        self._linked: dict[str, bool] = {}
        self._index_records: dict[str, str] | None = None
        # What a whole-tree analysis made in this run, by namespace and key:
        # the hooks and the report of one command share it.
        self.results: dict[tuple[str, bytes], object] = {}

    def absolute(self, path: str) -> str:
        # Joined by hand: os.path.join is a third of a 100k-file listing.
        return self._prefix + path if path else self.root

    # --- what git knows ----------------------------------------------------

    def tracked(self) -> list[str] | None:
        """The index's files (``GIT_INDEX_FILE`` honoured), listed once;
        None outside git or when git fails."""
        if not self._tracked_known and self._pending is not None:
            self.settled()  # its listing of the index holds the tracked files
        if not self._tracked_known:
            self._tracked = git.tracked_files(self.root) if self.is_git else None
            self._tracked_known = True
        return self._tracked

    def staged_deletions(self) -> list[str]:
        if self._deletions is None:
            self._deletions = git.staged_deletions(self.root) if self.is_git else []
        return self._deletions

    def files(self, excludes: GlobSet) -> list[str]:
        """The files a run covers: tracked ones present on disk (a sparse
        checkout's absent files are not ours to check), or outside git every
        file on disk; none that ``excludes`` matches."""
        self.prefetch_settled()  # a large index is then listed once, with its records
        tracked = self.tracked()
        if tracked is None:
            # The walk prunes excluded folders, so it depends on the excludes.
            if excludes.patterns not in self._walks:
                self._walks[excludes.patterns] = list(walk_files(self.root, "", excludes))
            return list(self._walks[excludes.patterns])
        if self._present is None:
            settled = self.settled()
            self._present = [
                path for path in tracked if path in settled or self._lstat_new(path) is not None
            ]
        return excludes.unmatched(self._present)

    def settled(self) -> dict[str, str]:
        """The tracked files that git knows to be in the work tree just as
        the index records them, each with git's record of it (mode, object
        id): their presence, type and content need no look at the disk (a
        tree of 100,000 files is two git commands, not 100,000 calls to
        `lstat`). Empty outside git, for a small tree, or when git fails:
        every file is then statted."""
        if self._settled is None:
            self.prefetch_settled()
            pending, self._pending = self._pending, None
            listed = pending.result() if pending is not None else None
            self._settled = listed.settled if listed is not None else {}
            if listed is not None and not self._tracked_known:
                self._tracked, self._tracked_known = listed.tracked, True
        return self._settled

    def prefetch_settled(self) -> None:
        """Starts the git commands of `settled`, which then only waits for
        them: a caller can do other work while git stats the tree."""
        if self._settled is not None or self._pending is not None or not self.is_git:
            return
        if self._tracked_known:
            large = len(self._tracked or ()) >= SETTLED_FROM
        else:
            size = git.index_file_size(self.root)
            large = size is not None and size >= SETTLED_FROM * INDEX_BYTES_PER_FILE
        if large:
            self._pending = git.PendingSettledFiles.start(self.root)

    def index_mode(self, path: str) -> str | None:
        """git's mode of a tracked file as the index records it (``100644``,
        ``100755``, ``120000``): what a commit keeps and a clone checks out,
        whatever the work tree says (``git update-index --chmod=+x`` changes
        the index alone, and with ``core.fileMode=false`` git never reads
        the disk's mode). None outside git, or for a file the index does not
        hold at stage 0 (untracked, unmerged) or that git does not look at
        (assume-unchanged, skip-worktree): the disk then says."""
        if not self.is_git:
            return None
        record = self.settled().get(path)
        if record is None:
            if self._index_records is None:
                self._index_records = self._read_index_records()
            record = self._index_records.get(path)
        return record.split(" ")[1] if record is not None else None

    def _read_index_records(self) -> dict[str, str]:
        """The index's record of each file, settled or not, in `settled`'s
        form (``"H MODE OBJECT 0"``): the same listing, read by the same
        reader, without leaving out the files the work tree changed."""
        listing = git.run_git(
            self.root, ("ls-files", "-z", "--cached", "--full-name", "--stage", "-v")
        )
        if listing is None:
            return {}
        return git._settled_records(os.fsdecode(listing))[1]

    # --- the file system ---------------------------------------------------

    def lstat(self, path: str) -> os.stat_result | None:
        if path in self._lstat:
            return self._lstat[path]
        return self._lstat_new(path)

    def _lstat_new(self, path: str) -> os.stat_result | None:
        try:
            info: os.stat_result | None = os.lstat(self._prefix + path if path else self.root)
        except (OSError, ValueError):
            info = None
        self._lstat[path] = info
        return info

    def inside_link(self, folder: str) -> bool:
        """Whether ``folder`` or a folder above it (inside the repository) is
        a symlink: git tracks nothing below one, and no hook writes there."""
        if not folder:
            return False
        if folder not in self._linked:
            info = self.lstat(folder)
            linked = info is not None and stat.S_ISLNK(info.st_mode)
            self._linked[folder] = linked or self.inside_link(folder.rpartition("/")[0])
        return self._linked[folder]

    def is_symlink(self, path: str) -> bool:
        settled = self.settled().get(path)
        if settled is not None:
            return settled.startswith(SYMLINK_MODE)
        info = self.lstat(path)
        return info is not None and stat.S_ISLNK(info.st_mode)

    def is_regular(self, path: str) -> bool:
        settled = self.settled().get(path)
        if settled is not None:
            return settled.startswith(REGULAR_MODES)
        info = self.lstat(path)
        return info is not None and stat.S_ISREG(info.st_mode)

    def listing(self, folder: str) -> dict[str, bool]:
        """The names in a folder, sorted, each with whether it is a real
        (not symlinked) folder; empty when the folder cannot be listed."""
        if folder not in self._listings:
            entries: list[tuple[str, bool]] = []
            try:
                with os.scandir(self.absolute(folder)) as it:
                    entries.extend((entry.name, _is_real_folder(entry)) for entry in it)
            except OSError:
                pass
            self._listings[folder] = dict(sorted(entries))
        return self._listings[folder]

    def read(self, path: str, limit: int) -> bytes | None:
        """The bytes of a regular file of at most ``limit`` bytes; None for
        anything else (a symlink, a folder, a FIFO, a bigger file). Raises
        OSError when the file cannot be read."""
        kept = self._contents.get(path)
        if kept is not None and self.is_regular(path):
            return kept if len(kept) <= limit else None
        try:
            fd = os.open(self.absolute(path), _READ_FLAGS | _NO_FOLLOW)
        except OSError as error:
            if os.path.islink(self.absolute(path)):
                return None  # O_NOFOLLOW refused a symlink: not a regular file
            raise error
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
                return None
            data = file.read(limit + 1)
        if len(data) > limit:
            return None
        self._keep(path, data)
        return data

    def head(self, path: str, limit: int) -> bytes:
        """The first ``limit`` bytes of a regular file (following a symlink,
        as ``open`` does; empty for a FIFO or a folder); raises OSError like
        ``open``. A small file is read whole and kept, for the hooks that
        read all of it next."""
        data = self._contents.get(path)
        if data is None:
            with os.fdopen(os.open(self.absolute(path), _READ_FLAGS), "rb") as file:
                if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                    return b""
                data = file.read(max(limit, KEPT_FILE_BYTES) + 1)
            if len(data) > KEPT_FILE_BYTES:
                return data[:limit]
            self._keep(path, data)
        return data[:limit]

    def _keep(self, path: str, data: bytes) -> None:
        if len(data) <= KEPT_FILE_BYTES and self._kept_bytes + len(data) <= KEPT_TOTAL_BYTES:
            self._kept_bytes += len(data)
            self._contents[path] = data

    def digest(self, path: str) -> bytes:
        """The blake2b digest of a file's bytes, read in blocks (any size)."""
        import hashlib

        digest = hashlib.blake2b(digest_size=20)
        with open(self.absolute(path), "rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
        return digest.digest()

    def derived(
        self,
        namespace: str,
        path: str,
        limit: int,
        compute: Callable[[bytes], R],
        stored: Callable[[R], tuple[object, ...]],
        restored: Callable[[tuple[object, ...]], R | None],
    ) -> R | None:
        """``compute(bytes)`` of a regular file of at most ``limit`` bytes
        (None for any other file), made once per content: the disk cache
        keeps ``stored(value)``, builtin data, under ``namespace`` by a digest
        of the bytes (for a settled file, git's object id of them), so an
        unchanged file is not even read; ``restored`` turns that data back
        into the value, or says None when the cache held something else.
        Raises OSError when the file cannot be read."""
        settled = self.settled().get(path)
        object_id = None
        if settled is not None:
            # git's object id names the content: no stat, no read, no hash.
            # (A kept value was made from these very bytes, so within `limit`.)
            if not settled.startswith(REGULAR_MODES):
                return None
            object_id = settled.split(" ")[2]
            digest: bytes | None = content_key("git-object", self.root, object_id)
        else:
            info = os.lstat(self.absolute(path))
            if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
                return None
            digest = self.content_digest(path, info, limit) if self.cache.enabled else None
        if not self.cache.enabled:
            data = self.read(path, limit)
            return None if data is None else compute(data)
        if digest is None:
            return None
        shelf = self.shelf(namespace)
        found = _kept_value(shelf, digest, restored)
        if found is not None:
            return found
        data = self.read(path, limit)
        if data is None:
            return None
        if object_id is not None and git_object_id(data, len(object_id)) != object_id:
            # What the disk holds is not the object (line endings or another
            # filter of .gitattributes): keyed by the bytes after all.
            digest = content_key(data)
            found = _kept_value(shelf, digest, restored)
            if found is not None:
                return found
        value = compute(data)
        shelf.put(digest, stored(value))
        return value

    def content_digest(self, path: str, info: os.stat_result, limit: int) -> bytes | None:
        """The digest of a file's bytes, looked up by its stat data (as git's
        index does) so that an unchanged file is not read; None when the file
        is bigger than ``limit`` or is no longer a regular file."""
        shelf = self.shelf("file-digests")
        key = content_key(self.absolute(path), stat_signature(info))
        digest = shelf.get(key, bytes)
        if digest is None:
            data = self.read(path, limit)
            if data is None:
                return None
            digest = content_key(data)
            shelf.put(key, digest)
        return digest

    def stat_signature(self, path: str) -> str:
        """What changes whenever the file at ``path`` does (``""``: it is gone)."""
        info = self.lstat(path)
        return "" if info is None else stat_signature(info)

    def signature(self, path: str) -> str:
        """What changes whenever the file at ``path`` does: git's mode and
        object id for a settled file (see `settled`), else its stat data."""
        settled = self.settled().get(path)
        return settled if settled is not None else self.stat_signature(path)

    def signatures(self, paths: Sequence[str]) -> list[str]:
        """`signature` of each path: looked up in C for the settled ones."""
        settled = map(self.settled().get, paths)
        return [
            found if found is not None else self.stat_signature(path)
            for found, path in zip(settled, paths)
        ]

    def fingerprint(
        self,
        paths: Sequence[str],
        *settings: str,
        deletions: bool = False,
        modes: bool = False,
    ) -> bytes:
        """A key of a result made from the whole tree: it changes whenever
        one of ``paths`` does (its path or `signature`) or the ``settings``
        do; with ``deletions``, whenever the staged deletions do, and with
        ``modes``, whenever git's recorded mode of a path does (`git
        update-index --chmod` changes it alone)."""
        # Paths, signatures and modes hold no NUL: the joins tell them apart.
        parts = [*settings, "\0".join(paths), "\0".join(self.signatures(paths))]
        if deletions:
            parts.append("\0".join(self.staged_deletions()))
        if modes:
            parts.append("\0".join(self.index_mode(path) or "" for path in paths))
        return content_key(*parts)

    def shelf(self, namespace: str) -> Shelf:
        """The disk cache's pack for ``namespace``, opened once for the run;
        it keeps up to a few entries per tracked file."""
        if namespace not in self._shelves:
            files = len(self.tracked() or ()) or len(self._lstat)
            self._shelves[namespace] = self.cache.shelf(
                namespace, max_entries=4 * max(files, 2500)
            )
        return self._shelves[namespace]

    def save(self) -> None:
        """Write what this run added to the disk cache."""
        for shelf in self._shelves.values():
            shelf.save()
        if self._pending is not None:
            self._pending.discard()
            self._pending = None

    def dockerfile(self, path: str, data: bytes) -> Dockerfile:
        """The parse of a Dockerfile whose bytes are ``data``, made once."""
        if path not in self._dockerfiles:
            from lucid_hooks.dockerfile import parse

            self._dockerfiles[path] = parse(data)
        return self._dockerfiles[path]

    # --- what pre-commit would pass ------------------------------------------

    def tags(self, path: str) -> frozenset[str]:
        """identify's tags for a path, as pre-commit computes them; empty
        when the path is gone. identify opens a file it cannot classify by
        name: a FIFO would block it and an unreadable file would raise, so
        those get the tags their name and kind give, as the hook then reports
        them (LH001) or leaves them."""
        if path not in self._tags:
            tags = self._identify(path)
            # One object per distinct set: a tree is 100,000 files of a few kinds.
            self._tags[path] = self._tag_sets.setdefault(tags, tags)
        return self._tags[path]

    def _identify(self, path: str) -> frozenset[str]:
        from identify.identify import tags_from_filename, tags_from_path

        info = self.lstat(path)
        if info is None:
            return frozenset()
        if stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode):
            try:
                return frozenset(tags_from_path(self.absolute(path)))
            except (OSError, ValueError):
                pass
        elif stat.S_ISLNK(info.st_mode):
            return frozenset({"symlink"})
        return frozenset({"file", *tags_from_filename(path.rpartition("/")[2])})

    def select(self, paths: Iterable[str], selection: FileSelection) -> list[str]:
        """The paths pre-commit would pass to a hook with this selection."""
        include = re.compile(selection.files)
        exclude = re.compile(selection.exclude)
        return [
            path
            for path in paths
            if include.search(path) and not exclude.search(path) and self._typed(path, selection)
        ]

    def _typed(self, path: str, selection: FileSelection) -> bool:
        tags = self.tags(path)
        return (
            bool(tags)
            and tags.issuperset(selection.types)
            and (not selection.types_or or not tags.isdisjoint(selection.types_or))
            and tags.isdisjoint(selection.exclude_types)
        )


def _kept_value(
    shelf: Shelf, digest: bytes, restored: Callable[[tuple[object, ...]], R | None]
) -> R | None:
    kept = shelf.get(digest, tuple)
    return restored(kept) if kept is not None else None


def git_object_id(data: bytes, length: int) -> str:
    """git's id of a blob of ``data``: SHA-1, or SHA-256 for an id of 64 digits."""
    import hashlib

    algorithm = hashlib.sha256 if length == 64 else hashlib.sha1
    return algorithm(b"blob %d\0" % len(data) + data).hexdigest()


def stat_signature(info: os.stat_result) -> str:
    """Size, times, inode and mode: a changed file changes at least one."""
    return (
        f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}:"
        f"{info.st_dev}:{info.st_mode}"
    )


def _is_real_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


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
