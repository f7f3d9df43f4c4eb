"""The persistent index of check-duplicate-modules: what a commit of a few
files needs to know of every other module of the tree, kept in the disk
cache and checked against each file's stat data, so that a one-file commit on
a tree of 100,000 modules reads one small record per module instead of
every module's lines.

A record holds a module's key (equal for copies), its number of distinct
lines, its flags, and the CRC-32 values of its first lines in one fixed order
(`similarity.hashed_prefix`): a module can be as alike as the threshold to
another only if their prefixes share a value, so only those modules' lines
are loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, cast

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lucid_hooks.cache import Cache

# The number changes with the layout of what it holds.
NAMESPACE = "dup-index-1"
GENERATED = 1
MAIN_BLOCK = 2


class Record(NamedTuple):
    """One module, as the index keeps it."""

    signature: str  # its stat data when the record was made
    key: bytes | None
    size: int  # distinct lines; -1 for a file too big to normalise
    prefix: tuple[int, ...]  # `similarity.hashed_prefix` of its lines
    flags: int  # GENERATED, MAIN_BLOCK


class ModuleIndex:
    """Records by path, for one tree and one set of options; `changed` says
    whether the records differ from what the cache held."""

    def __init__(self, records: dict[str, Record]) -> None:
        self.records = records
        self.changed = False

    @classmethod
    def load(cls, cache: Cache, where: bytes) -> ModuleIndex:
        """The index the cache holds under ``where``, or an empty one."""
        kept = cache.get(NAMESPACE, where, tuple)
        return cls(_records(kept) if kept is not None else {})

    def get(self, path: str, signature: str) -> Record | None:
        """The record of ``path`` if the file has not changed since it was made."""
        record = self.records.get(path)
        return record if record is not None and record.signature == signature else None

    def keep(self, path: str, record: Record) -> None:
        if self.records.get(path) != record:
            self.records[path] = record
            self.changed = True

    def keep_only(self, paths: Iterable[str]) -> None:
        """Forgets the modules that are no longer in the tree."""
        wanted = set(paths)
        gone = [path for path in self.records if path not in wanted]
        for path in gone:
            del self.records[path]
        self.changed = self.changed or bool(gone)

    def save(self, cache: Cache, where: bytes) -> None:
        # In columns of builtin atoms: the cache checks every container it loads.
        paths = sorted(self.records)
        records = [self.records[path] for path in paths]
        columns = (paths, *(list(column) for column in zip(*records))) if records else ()
        cache.put(NAMESPACE, where, tuple(columns))


def _records(columns: tuple[object, ...]) -> dict[str, Record]:
    """The records of a saved index; none for anything else."""
    if len(columns) != 6 or not all(isinstance(column, list) for column in columns):
        return {}
    rows = zip(*cast("tuple[list[object], ...]", columns))
    found = {}
    for path, signature, key, size, prefix, flag in rows:
        if not (
            isinstance(path, str)
            and isinstance(signature, str)
            and (key is None or isinstance(key, bytes))
            and type(size) is int
            and isinstance(prefix, tuple)
            and type(flag) is int
        ):
            return {}
        found[path] = Record(signature, key, size, prefix, flag)
    return found
