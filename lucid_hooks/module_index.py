"""The persistent index of check-duplicate-modules: what a commit of a few
files needs to know of every other module of the tree, kept in the disk
cache and checked against each file's signature (git's object id for a file
git knows to be unchanged, else its stat data), so that a one-file commit on
a tree of 100,000 modules reads one small record per module instead of
every module's lines.

A record holds a module's key (equal for copies), its number of distinct
lines, its flags, and the CRC-32 values of its first lines in one fixed order
(`similarity.hashed_prefix`): a module can be as alike as the threshold to
another only if their prefixes share a value, so only those modules' lines
are loaded.

The records are kept in columns of builtin atoms, the prefixes of all of them
in one flat column: loading 100,000 records is then one `marshal` call and a
check of a few lists, with no object made per record until one is needed.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable

    from lucid_hooks.cache import Cache

# The number changes with the layout of what it holds.
NAMESPACE = "dup-index-4"
GENERATED = 1
# A run that changed fewer records than this (a commit of a few files) does
# not rewrite an index of 100,000: the next run reads those few files again.
# A small index, where the changes are a sixteenth of it or more, is saved.
SAVE_AFTER = 64


class Record(NamedTuple):
    """One module, as the index keeps it."""

    signature: str  # the file's signature when the record was made
    key: bytes | None
    size: int  # distinct lines; -1 for a file too big to normalise
    prefix: tuple[int, ...]  # `similarity.hashed_prefix` of its lines
    flags: int  # GENERATED


class Columns(NamedTuple):
    """The saved records, one list per field; record ``n``'s prefix values
    are ``prefix_values[prefix_ends[n - 1]:prefix_ends[n]]``."""

    paths: list[str]
    signatures: list[str]
    keys: list[bytes | None]
    sizes: list[int]
    flags: list[int]
    prefix_values: list[int]
    prefix_ends: list[int]


EMPTY = Columns([], [], [], [], [], [], [])


class ModuleIndex:
    """The saved records of one tree and one set of options, and what this
    run learnt: new or changed records, and which paths are gone."""

    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        self.position = {path: number for number, path in enumerate(columns.paths)}
        self.updates: dict[str, Record] = {}
        self.wanted: set[str] | None = None  # the paths to keep, when some are gone

    @classmethod
    def load(cls, cache: Cache, where: bytes) -> ModuleIndex:
        """The index the cache holds under ``where``, or an empty one."""
        kept = cache.get(NAMESPACE, where, tuple)
        return cls(_columns(kept) if kept is not None else EMPTY)

    def record(self, number: int) -> Record:
        columns = self.columns
        start = columns.prefix_ends[number - 1] if number else 0
        prefix = tuple(columns.prefix_values[start : columns.prefix_ends[number]])
        return Record(
            columns.signatures[number],
            columns.keys[number],
            columns.sizes[number],
            prefix,
            columns.flags[number],
        )

    def sharing_a_prefix_value(self, probes: Collection[int]) -> set[int]:
        """The numbers of the saved records whose prefix holds a probe."""
        ends = self.columns.prefix_ends
        return {
            bisect_right(ends, offset)
            for offset, value in enumerate(self.columns.prefix_values)
            if value in probes
        }

    def keyed(self, keys: Collection[bytes | None]) -> set[int]:
        """The numbers of the saved records with one of ``keys``."""
        return {number for number, key in enumerate(self.columns.keys) if key in keys}

    def keep(self, path: str, record: Record) -> None:
        number = self.position.get(path)
        if number is None or self.record(number) != record:
            self.updates[path] = record

    def keep_only(self, paths: Iterable[str]) -> None:
        """Forgets, when it next saves, the modules no longer in the tree."""
        wanted = set(paths)
        if not wanted.issuperset(self.position):
            self.wanted = wanted

    def save(self, cache: Cache, where: bytes, *, even_if_few: bool = False) -> None:
        """Writes the records when this run changed enough of them."""
        gone = 0 if self.wanted is None else len(self.position.keys() - self.wanted)
        changes = len(self.updates) + gone
        few = changes < SAVE_AFTER and 16 * changes < len(self.position)
        if changes == 0 or (few and not even_if_few):
            return
        records = {
            path: self.record(number)
            for path, number in self.position.items()
            if path not in self.updates and (self.wanted is None or path in self.wanted)
        }
        records.update(self.updates)
        cache.put(NAMESPACE, where, tuple(columns_of(records)))


def columns_of(records: dict[str, Record]) -> Columns:
    paths = sorted(records)
    rows = [records[path] for path in paths]
    values: list[int] = []
    ends: list[int] = []
    for row in rows:
        values.extend(row.prefix)
        ends.append(len(values))
    return Columns(
        paths,
        [row.signature for row in rows],
        [row.key for row in rows],
        [row.size for row in rows],
        [row.flags for row in rows],
        values,
        ends,
    )


def _columns(kept: tuple[object, ...]) -> Columns:
    """The columns of a saved index; none for anything else."""
    if len(kept) != len(Columns._fields) or not all(type(column) is list for column in kept):
        return EMPTY
    columns = Columns(*kept)  # type: ignore[arg-type]
    count = len(columns.paths)
    if any(len(column) != count for column in (*columns[:5], columns.prefix_ends)):
        return EMPTY
    ends = columns.prefix_ends
    # The types of a column gathered in C: this runs over every record.
    well_typed = (
        _types(columns.paths) <= {str}
        and _types(columns.signatures) <= {str}
        and _types(columns.keys) <= {bytes, type(None)}
        and _types(columns.sizes) <= {int}
        and _types(columns.flags) <= {int}
        and _types(columns.prefix_values) <= {int}
        and _types(ends) <= {int}
        and ends == sorted(ends)
        and (not ends or (ends[0] >= 0 and ends[-1] == len(columns.prefix_values)))
    )
    return columns if well_typed else EMPTY


def _types(column: Iterable[object]) -> set[type]:
    return set(map(type, column))
