"""Finding the sets most like a few others, without comparing all pairs.

Jaccard similarity over sets of lines; exact, so results never depend on
chance or on how many sets are asked about at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Sequence
    from collections.abc import Set as AbstractSet

# Below this many probe-to-set comparisons, comparing every probe with every
# set directly is cheaper than building the prefix index.
DIRECT_COMPARISONS = 50_000


def similar_sets(
    sets: Sequence[AbstractSet[bytes]], probes: Iterable[int], threshold: float
) -> dict[int, list[tuple[float, int]]]:
    """For each probe, the other sets whose Jaccard similarity with it is at
    least ``threshold``, as ``(similarity, index)``; exact, whichever way the
    candidates are found."""
    probes = list(probes)
    candidates: dict[int, Collection[int]]
    if len(probes) * len(sets) <= DIRECT_COMPARISONS:
        candidates = {index: range(len(sets)) for index in probes}
    else:
        candidates = prefix_candidates(sets, probes, threshold)
    result: dict[int, list[tuple[float, int]]] = {}
    get = sets.__getitem__
    for index, others in candidates.items():
        mine = get(index)
        size = len(mine)
        # Sets this alike have sizes within a factor of the threshold.
        smallest = threshold * size - 1e-9
        largest = (size + 1e-9) / threshold if threshold > 0 else float("inf")
        matches = []
        for other in others:
            if other == index:
                continue
            theirs = get(other)
            count = len(theirs)
            if count < smallest or count > largest:
                continue
            shared = len(mine & theirs)
            score = shared / (size + count - shared)
            if score >= threshold - 1e-9:
                matches.append((score, other))
        result[index] = matches
    return result


def hashed_prefix(elements: AbstractSet[bytes], threshold: float) -> tuple[int, ...]:
    """The CRC-32 values of the first elements of a set in the order of
    their CRC-32 (then their bytes), as many as prefix filtering needs at
    ``threshold``: two sets that alike share a value. The order needs no
    other set, so the prefix can be kept in the set's own record and
    compared with any other's later."""
    from math import ceil
    from zlib import crc32

    size = len(elements)
    length = size - ceil(threshold * size - 1e-9) + 1
    # The first values in that order are the smallest values, ties included.
    return tuple(sorted(map(crc32, elements))[:length])


def may_be_similar(
    size: int,
    prefix: Sequence[int],
    other_size: int,
    other_prefix: Sequence[int],
    threshold: float,
) -> bool:
    """Whether two sets of these sizes and `hashed_prefix` values can have
    Jaccard similarity ``threshold``: their sizes within its factor, and
    enough left after their first shared value (in the order of the values,
    nothing earlier is shared) to make the overlap it needs. Exact: False
    only when they cannot."""
    if min(size, other_size) < threshold * max(size, other_size) - 1e-9:
        return False
    positions: dict[int, int] = {}
    for position, value in enumerate(prefix):
        positions.setdefault(value, position)
    needed = threshold / (1 + threshold) * (size + other_size) - 1e-9
    for other_position, value in enumerate(other_prefix):
        first = positions.get(value)
        if first is not None:
            return min(size - first, other_size - other_position) >= needed
    return False


# The global order puts rare elements first, so that prefixes hold few
# common lines and candidate lists stay short. How rare is told by counting
# buckets of CRC-32 values (2**20 of them), not elements: the memory stays
# bounded whatever the number of distinct elements (100,000 modules hold
# millions of lines), and a bucket's count is never below its elements'.
_BUCKET_SHIFT = 12


def prefix_candidates(
    sets: Sequence[AbstractSet[bytes]], probes: Sequence[int], threshold: float
) -> dict[int, Collection[int]]:
    """Prefix filtering: with every set's elements in one global order, two
    sets of similarity at least t share an element among the first
    ``n - ceil(t * n) + 1`` of each. Only the sets that share one with a
    probe are candidates. The order is by the count of the element's bucket,
    then its CRC-32; elements of one CRC-32 tie, but a prefix is a list of
    CRC-32 values, the same whichever of them comes first."""
    from collections import Counter
    from itertools import repeat
    from math import ceil
    from operator import lshift, or_, rshift
    from zlib import crc32

    counts: Counter[int] = Counter()
    for elements in sets:
        counts.update(map(rshift, map(crc32, elements), repeat(_BUCKET_SHIFT)))
    count_of = counts.__getitem__

    def prefix(elements: AbstractSet[bytes]) -> list[tuple[int, int]]:
        """The CRC-32 values of the set's first elements in the order,
        each with its position there: sets that share an element share its
        value (others may too, by chance, and are compared for nothing). An
        element alone in its bucket is held by no other set: it takes its
        place in the prefix, but needs no value."""
        size = len(elements)
        # The small slack keeps a rounding error from shortening the prefix.
        length = size - ceil(threshold * size - 1e-9) + 1
        if length <= 0:
            return []
        values = list(map(crc32, elements))
        ranks = map(count_of, map(rshift, values, repeat(_BUCKET_SHIFT)))
        # Each element as one integer, its bucket's count above its CRC-32,
        # sorted in C. Elements of one CRC-32 tie, but give the same value;
        # a value's position is that of its first element (the bound below
        # only grows with an earlier position).
        keys = sorted(map(or_, map(lshift, ranks, repeat(32)), values))
        found: dict[int, int] = {}
        for position, key in enumerate(keys[:length]):
            if key >> 32 > 1:
                found.setdefault(key & 0xFFFFFFFF, position)
        return list(found.items())

    probe_prefixes = {index: prefix(sets[index]) for index in probes}
    wanted: set[int] = {value for pairs in probe_prefixes.values() for value, _ in pairs}
    # value -> (set, the value's position in the set's order, the set's size)
    postings: dict[int, list[tuple[int, int, int]]] = {}
    for index in range(len(sets)):
        elements = sets[index]
        own = probe_prefixes[index] if index in probe_prefixes else prefix(elements)
        size = len(elements)
        for value, position in own:
            if value in wanted:
                postings.setdefault(value, []).append((index, position, size))
    share = threshold / (1 + threshold)
    candidates: dict[int, Collection[int]] = {}
    for index, probe_prefix in probe_prefixes.items():
        size = len(sets[index])
        met: set[int] = set()
        others: set[int] = set()
        for value, position in probe_prefix:
            for other, other_position, other_size in postings[value]:
                if other in met:
                    continue
                met.add(other)
                # Positional filtering: at the first shared element, nothing
                # before it in either order is shared, so at most it and what
                # follows in the shorter rest can be; Jaccard t needs an
                # overlap of t/(1+t) of both sizes.
                rest = min(size - position, other_size - other_position)
                if rest >= share * (size + other_size) - 1e-9:
                    others.add(other)
        candidates[index] = others
    return candidates
