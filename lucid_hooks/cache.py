"""The on-disk cache: what a hook derived from a file, kept for its next run.

pre-commit runs a hook as many short processes (one per batch of files), so
what one of them computed reaches the others, and the next commit, only
through the disk. The cache lives in the user's cache folder (`location`),
never in the work tree, one folder per lucid-hooks and Python version (the
`marshal` format changes between Pythons), so no version reads another's data.

Entries are keyed on content: a caller builds the key with `content_key` from
a file's bytes (or git's object id for them) and whatever options shaped the
result, so an entry is never stale, a changed file simply has a new key.
Values are builtin data (None, bool, int, float, complex, bytes, str, and
tuples, lists, dicts, sets and frozensets of them), stored with `marshal`,
the fastest reader of such data.

* `Cache.get` / `Cache.put`: one file per entry, for a few large values.
* `Shelf`: one pack file per namespace holding all its entries, read in one
  go, for the thousands of small per-file records a hook looks up per run.

Every failure (a missing, truncated, garbage or foreign file, a folder in the
way, permissions, a read-only disk) is a miss or a skipped write, never an
error: the cache can make a hook slower, never wrong or broken.

Safety: loading marshal data never runs code, but it can build code objects,
and `marshal` is not hardened against crafted input. So a file is read only
when it is a regular file of this user that nobody else can write (another
user's file is never loaded), its length and CRC-32 must match its header
(damage is a miss, not a mis-read), and no value holding a code object is
ever returned (``allow_code=False`` from Python 3.13, a walk of the value
before). `get` also returns only values of the type the caller expects.
"""

from __future__ import annotations

import marshal
import os
import stat
import sys
from typing import TYPE_CHECKING

from lucid_hooks import __version__

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from types import ModuleType, TracebackType
    from typing import Any, TypeAlias, TypeGuard, TypeVar

    T = TypeVar("T")
    Value: TypeAlias = (
        bool
        | int
        | float
        | complex
        | bytes
        | str
        | tuple[Any, ...]
        | list[Any]
        | dict[Any, Any]
        | set[Any]
        | frozenset[Any]
        | None
    )
    # The day (since the epoch) its entries were last used, and the entries.
    Generation: TypeAlias = tuple[int, dict[bytes, bytes]]

ENV_VAR = "LUCID_HOOKS_CACHE_DIR"
APP_NAME = "lucid-hooks"

_ENTRY_MAGIC = b"LHentry1"
_PACK_MAGIC = b"LHpack01"
_HEADER_SIZE = 20  # magic, payload length (8 bytes), CRC-32 of the payload (4 bytes)
# Version 2 writes no back-references: a pack holds no shared objects, and
# marshal's reference table makes writing 100k entries several times slower.
_PACK_MARSHAL_VERSION = 2
_MAX_KEY_SIZE = 100  # its hex is a file name
_LOCK_TIMEOUT = 10.0
_DAY = 86400

_ATOMS = frozenset({type(None), bool, int, float, complex, bytes, str})
_O_READ = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
_O_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)

_CACHEDIR_TAG = """\
Signature: 8a477f597d28d172789f06886806bc55
# This file is a cache directory tag created by lucid-hooks.
# For information about cache directory tags see https://bford.info/cachedir/
"""


# --- where ------------------------------------------------------------------------


def location(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """The lucid-hooks cache folder: ``$LUCID_HOOKS_CACHE_DIR`` made absolute, else the
    user cache folder of ``platform`` (default: this one); None without a home folder."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    chosen = environ.get(ENV_VAR)
    if chosen:
        return os.path.abspath(chosen)
    if platform == "win32":
        return _windows_location(environ)
    import posixpath

    if platform == "darwin":
        return _below_home(environ.get("HOME"), posixpath, "Library", "Caches", APP_NAME)
    xdg = environ.get("XDG_CACHE_HOME", "")
    if posixpath.isabs(xdg):
        return posixpath.join(xdg, APP_NAME)
    return _below_home(environ.get("HOME"), posixpath, ".cache", APP_NAME)


def _windows_location(environ: Mapping[str, str]) -> str | None:
    import ntpath

    local = environ.get("LOCALAPPDATA", "")
    if ntpath.isabs(local):
        return ntpath.join(local, APP_NAME)
    return _below_home(environ.get("USERPROFILE"), ntpath, "AppData", "Local", APP_NAME)


def _below_home(home: str | None, path_module: ModuleType, *parts: str) -> str | None:
    # A relative "home" would put the cache in the work tree: no cache then.
    home = home or os.path.expanduser("~")
    if not path_module.isabs(home):
        return None
    return str(path_module.join(home, *parts))


def version_tag() -> str:
    """The folder of this lucid-hooks and Python version, ``v0.1.0-cpython311``."""
    major, minor = sys.version_info[:2]
    return f"v{__version__}-{sys.implementation.name}{major}{minor}"


def open_cache(enabled: bool = True, folder: str | None = None) -> Cache:
    """The cache of this version under ``folder`` (default: `location()`);
    ``enabled=False`` (``--no-cache``) gives one that keeps nothing."""
    base = (location() if folder is None else folder) if enabled else None
    return Cache(None if base is None else os.path.join(base, version_tag()))


def clear(folder: str | None = None) -> list[str]:
    """Delete the data of every lucid-hooks and Python version under ``folder``
    (default: `location()`) and return the folders deleted. Nothing else there
    is touched, whatever ``$LUCID_HOOKS_CACHE_DIR`` points at."""
    base = location() if folder is None else folder
    if base is None:
        return []
    try:
        names = sorted(os.listdir(base))
    except (FileNotFoundError, NotADirectoryError):
        return []
    import re
    import shutil

    removed = []
    for name in names:
        path = os.path.join(base, name)
        is_folder = os.path.isdir(path) and not os.path.islink(path)
        if is_folder and re.fullmatch(r"v[0-9][^-]*-[a-z_]+[0-9]+", name):
            shutil.rmtree(path)
            removed.append(path)
    return removed


def content_key(*parts: bytes | str) -> bytes:
    """A 20-byte BLAKE2b key of ``parts`` (file bytes, options): each part is tagged
    bytes or str and length-prefixed, so no two different lists of parts meet."""
    try:
        from _blake2 import blake2b
    except ImportError:  # not CPython; hashlib costs ~7 ms to import, _blake2 0.3 ms
        from hashlib import blake2b
    hasher = blake2b(digest_size=20, person=APP_NAME.encode())
    for part in parts:
        if isinstance(part, str):
            # surrogatepass, unlike surrogateescape, never maps two strs to one bytes.
            tag, data = b"s", part.encode("utf-8", "surrogatepass")
        else:
            tag, data = b"b", part
        hasher.update(tag + len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.digest()


# --- the cache ------------------------------------------------------------------------


class Cache:
    """Entries of one lucid-hooks and Python version in ``folder``; None keeps nothing.

    Nothing touches the disk until the first `get` or `put`.
    """

    __slots__ = ("folder",)

    def __init__(self, folder: str | None) -> None:
        self.folder = folder

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def get(self, namespace: str, key: bytes, expect: type[T]) -> T | None:
        """The value put under ``key`` if it is an ``expect`` (``object``: any), else None."""
        if self.folder is None:
            return None
        payload = _read_frame(_entry_path(self.folder, namespace, key), _ENTRY_MAGIC)
        value = None if payload is None else _decode(payload)
        return value if isinstance(value, expect) else None

    def put(self, namespace: str, key: bytes, value: Value) -> None:
        """Keep ``value`` under ``key``; nothing happens when the cache cannot be written.

        Raises ValueError for a value that is not builtin data (a code object, say).
        """
        if self.folder is None:
            return
        chunks = _frame(_ENTRY_MAGIC, _dump(value))
        _write_file(_entry_path(self.folder, namespace, key), chunks, self.folder)

    def shelf(
        self, namespace: str, *, max_entries: int | None = None, max_idle_days: int = 30
    ) -> Shelf:
        """The pack of ``namespace``, read now; see `Shelf` for the limits."""
        _check_namespace(namespace)
        return Shelf(self.folder, namespace, max_entries=max_entries, max_idle_days=max_idle_days)


def _check_namespace(namespace: str) -> None:
    if not (namespace.isascii() and namespace.replace("-", "").replace("_", "").isalnum()):
        raise ValueError(f"a cache namespace is letters, digits, - and _: {namespace!r}")


def _entry_path(folder: str, namespace: str, key: bytes) -> str:
    _check_namespace(namespace)
    if type(key) is not bytes or not 0 < len(key) <= _MAX_KEY_SIZE:
        raise ValueError(f"a cache key is 1 to {_MAX_KEY_SIZE} bytes")
    name = key.hex()
    # 256 subfolders: listing or deleting one huge folder is slow on some systems.
    return os.path.join(folder, namespace, name[:2], name)


# --- the shelf ------------------------------------------------------------------------


class Shelf:
    """All entries of one namespace, read from its pack file at once.

    `get` and `put` work in memory; `save` (or leaving a ``with`` block without
    an error) writes the pack back, under a lock, merged with what other
    processes saved meanwhile, so no entry of theirs is lost.

    Entries are grouped by the day they were last used. A save moves the
    entries this process put or found to today's group, and drops the groups
    not used for ``max_idle_days`` before the previous day the pack was used
    (counting from that day, not from today, keeps a pack that sat unused
    for a holiday: the first batch back must not drop the entries the next
    batches of the same run are about to look up). When more than
    ``max_entries`` remain, the least recently used go, but never one used
    today: the bound must be set for the whole tree (say 4x its files), as a
    batch cannot tell which entries the other batches still need.

    An entry found is moved to today only when its group is older than
    ``max_idle_days // 4`` (or the pack is written anyway), so a run that
    finds everything it needs writes nothing.
    """

    __slots__ = (
        "_folder",
        "_generations",
        "_namespace",
        "_puts",
        "_stale",
        "_today",
        "_used",
        "max_entries",
        "max_idle_days",
    )

    def __init__(
        self,
        folder: str | None,
        namespace: str,
        *,
        max_entries: int | None = None,
        max_idle_days: int = 30,
    ) -> None:
        self._folder = folder
        self._namespace = namespace
        self.max_entries = max_entries
        self.max_idle_days = max_idle_days
        self._today = _today()
        self._generations = [] if folder is None else _read_pack(self._path("pack"))
        # Values, marshalled only when saved: a value often shares its bytes
        # with what the run still holds (a module's lines), a copy would not.
        self._puts: dict[bytes, Value] = {}
        self._used: dict[bytes, bytes] = {}
        self._stale = False

    def __enter__(self) -> Shelf:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.save()

    def get(self, key: bytes, expect: type[T]) -> T | None:
        """The value put under ``key`` if it is an ``expect`` (``object``: any), else None."""
        if key in self._puts:
            value: object = self._puts[key]
        else:
            blob = self._find(key)
            value = None if blob is None else _decode(blob)
        return value if isinstance(value, expect) else None

    def put(self, key: bytes, value: Value) -> None:
        """Keep ``value`` under ``key`` (in memory until `save`; kept, not
        copied, so the caller must not change it).

        Raises ValueError for a value that is not builtin data (a code object, say).
        """
        if self._folder is None:
            return
        if type(key) is not bytes:
            raise TypeError("a cache key is bytes")
        if not _is_plain(value):
            raise ValueError("a cache value is builtin data: no code objects, no other types")
        self._puts[key] = value

    def save(self) -> bool:
        """Write the pack if this process added entries or used old ones; whether it did.

        A cache that cannot be written, or whose lock stays taken for 10 s,
        is left as it is.
        """
        if self._folder is None or not (self._puts or self._stale):
            return False
        lock = _acquire_lock(self._path("lock"), self._folder)
        if lock is None:
            return False
        try:
            generations = self._merged(_read_pack(self._path("pack")))
            payload = marshal.dumps(tuple(generations), _PACK_MARSHAL_VERSION)
            saved = _write_file(self._path("pack"), _frame(_PACK_MAGIC, payload), self._folder)
        finally:
            _release_lock(lock)
        if saved:
            self._generations, self._puts, self._used, self._stale = generations, {}, {}, False
        return saved

    def _path(self, suffix: str) -> str:
        assert self._folder is not None
        return os.path.join(self._folder, f"{self._namespace}.{suffix}")

    def _find(self, key: bytes) -> bytes | None:
        for day, entries in self._generations:
            blob = entries.get(key)
            if blob is not None:
                self._used[key] = blob
                # Refreshing every hit would rewrite the pack on every run.
                if day < self._today - self.max_idle_days // 4:
                    self._stale = True
                return blob
        return None

    def _merged(self, current: list[Generation]) -> list[Generation]:
        """The pack on disk with this process's entries moved to today, and the old dropped."""
        mine = {**self._used, **{key: marshal.dumps(value) for key, value in self._puts.items()}}
        newest: dict[bytes, bytes] = {}
        older = []
        for day, entries in current:
            if day >= self._today:  # today's, or a clock ahead of ours
                newest.update(entries)
            else:
                older.append((day, {k: v for k, v in entries.items() if k not in mine}))
        newest.update(mine)
        return [(self._today, newest), *self._kept(older, len(newest))]

    def _kept(self, older: list[Generation], newest: int) -> list[Generation]:
        """The groups of ``older`` that stay, newest first, within the bounds."""
        older.sort(key=lambda generation: generation[0], reverse=True)
        # From the previous day of use, not from today: see the class docstring.
        cutoff = older[0][0] - self.max_idle_days if older else 0
        room = sys.maxsize if self.max_entries is None else self.max_entries - newest
        kept = []
        for day, entries in older:
            if day < cutoff or room <= 0:
                break
            if len(entries) > room:
                entries = dict(list(entries.items())[:room])
            if entries:
                kept.append((day, entries))
            room -= len(entries)
        return kept


def _today() -> int:
    import time

    return int(time.time() // _DAY)


def _read_pack(path: str) -> list[Generation]:
    payload = _read_frame(path, _PACK_MAGIC)
    generations = None if payload is None else _decode(payload)
    return list(generations) if _is_pack(generations) else []


def _is_pack(value: object) -> TypeGuard[tuple[Generation, ...]]:
    # Only the outline: a key or value of another type is a miss in `Shelf.get`.
    return type(value) is tuple and all(
        type(item) is tuple and len(item) == 2 and type(item[0]) is int and type(item[1]) is dict
        for item in value
    )


# --- values ------------------------------------------------------------------------------


def _dump(value: Value) -> bytes:
    if not _is_plain(value):
        raise ValueError("a cache value is builtin data: no code objects, no other types")
    return marshal.dumps(value)


if sys.version_info >= (3, 13):

    def _load(data: memoryview | bytes) -> object:
        return marshal.loads(data, allow_code=False)

else:

    def _load(data: memoryview | bytes) -> object:
        value = marshal.loads(data)
        if not _is_plain(value):
            raise ValueError("not builtin data")
        return value


def _decode(data: memoryview | bytes) -> object:
    """The value marshalled in ``data``, None when it is not valid builtin data."""
    try:
        return _load(data)
    except (EOFError, ValueError, TypeError):  # what marshal raises for bad data
        return None


_CONTAINERS = frozenset({tuple, list, set, frozenset})


def _is_plain(value: object) -> bool:
    """Whether ``value`` holds nothing but `_ATOMS`, in builtin containers."""
    pending = [value]
    expanded: set[int] = set()  # marshal can build a list that holds itself
    for item in pending:  # which grows as containers are met
        if type(item) in _ATOMS:
            continue
        members: Iterable[object]
        # Exact types: marshal writes no subclass (a NamedTuple, say).
        if type(item) in _CONTAINERS:
            members = item  # type: ignore[assignment]
        elif type(item) is dict:
            members = (*item, *item.values())
        else:
            return False
        # Checked in C first: most containers hold atoms only.
        if not _ATOMS.issuperset(map(type, members)) and id(item) not in expanded:
            expanded.add(id(item))
            pending.extend(members)
    return True


# --- files ---------------------------------------------------------------------------------


def _frame(magic: bytes, payload: bytes) -> tuple[bytes, bytes]:
    """The header and payload of a cache file (two chunks: a pack is megabytes)."""
    import binascii

    header = magic + len(payload).to_bytes(8, "little")
    return header + binascii.crc32(payload).to_bytes(4, "little"), payload


def _unframe(data: bytes, magic: bytes) -> memoryview | None:
    """The payload of a whole cache file, None if it is damaged or something else."""
    import binascii

    if len(data) < _HEADER_SIZE or data[: len(magic)] != magic:
        return None
    payload = memoryview(data)[_HEADER_SIZE:]
    if int.from_bytes(data[8:16], "little") != len(payload):
        return None
    return payload if binascii.crc32(payload) == int.from_bytes(data[16:20], "little") else None


def _read_frame(path: str, magic: bytes) -> memoryview | None:
    try:
        # O_NONBLOCK: a FIFO in the way must not hang the hook.
        fd = os.open(path, _O_READ)
    except OSError:
        return None
    try:
        with open(fd, "rb", buffering=0) as file:
            if not _trusted(os.fstat(fd)):
                return None
            data = file.readall()
    except OSError:
        return None
    return _unframe(data, magic)


def _trusted(info: os.stat_result) -> bool:
    """A regular file of this user that nobody else can write (marshal is not
    hardened against crafted data, so another user's file is never loaded)."""
    if not stat.S_ISREG(info.st_mode):
        return False
    if sys.platform == "win32":  # no owners in stat; %LOCALAPPDATA% is the user's
        return True
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _write_file(path: str, chunks: tuple[bytes, ...], folder: str) -> bool:
    """Replace ``path`` at once (readers see the old file or the new, never a
    part), creating the folders below the cache folder ``folder`` as needed."""
    try:
        try:
            _replace(path, chunks)
        except FileNotFoundError:
            _create_folders(folder, os.path.dirname(path))
            _replace(path, chunks)
    except OSError:
        return False
    return True


def _replace(path: str, chunks: tuple[bytes, ...]) -> None:
    temporary = f"{path}.{os.getpid()}-{os.urandom(4).hex()}.tmp"
    fd = os.open(temporary, _O_CREATE, 0o600)
    try:
        with open(fd, "wb") as file:
            for chunk in chunks:
                file.write(chunk)
        os.replace(temporary, path)
    except BaseException:
        _remove(temporary)
        raise


def _remove(path: str) -> None:
    import contextlib  # on failures only: it costs milliseconds to import

    with contextlib.suppress(OSError):
        os.unlink(path)


def _create_folders(folder: str, target: str) -> None:
    """Create ``target``, ``folder`` or below; a new cache folder gets a CACHEDIR.TAG."""
    base = os.path.dirname(folder)
    try:
        os.makedirs(base, 0o700)
    except FileExistsError:
        pass
    else:
        # Only in a folder made here: $LUCID_HOOKS_CACHE_DIR may name any folder.
        _write_cachedir_tag(base)
    # makedirs gives its mode to the last folder only: the version folder keeps
    # the cache private even below a folder that others can read.
    os.makedirs(folder, 0o700, exist_ok=True)
    os.makedirs(target, 0o700, exist_ok=True)


def _write_cachedir_tag(folder: str) -> None:
    """Tell backup tools the folder holds nothing worth keeping."""
    try:
        with open(os.path.join(folder, "CACHEDIR.TAG"), "x", encoding="ascii") as file:
            file.write(_CACHEDIR_TAG)
    except OSError:
        pass


# --- the pack lock ----------------------------------------------------------------------


def _acquire_lock(path: str, folder: str) -> int | None:
    """The open lock file at ``path``, held; None if it cannot be had in time."""
    try:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except FileNotFoundError:
            _create_folders(folder, folder)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return None
    import time

    deadline = time.monotonic() + _LOCK_TIMEOUT
    delay = 0.001
    while not _try_lock(fd):
        if time.monotonic() > deadline:
            os.close(fd)
            return None
        time.sleep(delay)
        delay = min(delay * 2, 0.05)
    return fd


if sys.platform == "win32":

    def _try_lock(fd: int) -> bool:
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except PermissionError:  # locked by another process
            return False
        except OSError:  # no locking here: saves may then lose each other's entries
            pass
        return True

    def _release_lock(fd: int) -> None:
        import contextlib
        import msvcrt

        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        os.close(fd)

else:

    def _try_lock(fd: int) -> bool:
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # locked by another process
            return False
        except OSError:  # no locking here: saves may then lose each other's entries
            pass
        return True

    def _release_lock(fd: int) -> None:
        os.close(fd)  # which releases the flock
