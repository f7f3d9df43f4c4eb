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
    for index, others in candidates.items():
        mine = sets[index]
        matches = []
        for other in others:
            theirs = sets[other]
            small, large = sorted((len(mine), len(theirs)))
            if other == index or small < threshold * large - 1e-9:
                continue
            shared = len(mine & theirs)
            score = shared / (len(mine) + len(theirs) - shared)
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


def prefix_candidates(
    sets: Sequence[AbstractSet[bytes]], probes: Sequence[int], threshold: float
) -> dict[int, Collection[int]]:
    """Prefix filtering: with every set's elements in one global order, two
    sets of similarity at least t share an element among the first
    ``n - ceil(t * n) + 1`` of each. Only the sets that share one with a
    probe are candidates.

    The order puts rare elements first, so prefixes hold few common lines
    and the index stays small; elements of one set only come first of all,
    and since they cannot be shared, only the rest of a prefix is indexed.
    """
    from collections import Counter
    from math import ceil

    frequency: Counter[bytes] = Counter()
    for elements in sets:
        frequency.update(elements)
    shared = {element for element, count in frequency.items() if count > 1}
    rank = frequency.__getitem__

    def prefix(elements: AbstractSet[bytes]) -> list[bytes]:
        size = len(elements)
        # The small slack keeps a rounding error from shortening the prefix.
        length = size - ceil(threshold * size - 1e-9) + 1
        common = elements & shared
        length -= size - len(common)  # the unshared elements come first
        if length <= 0:
            return []
        ordered = sorted(common)  # ties in frequency broken the same way everywhere
        ordered.sort(key=rank)
        return ordered[:length]

    probe_prefixes = {index: prefix(sets[index]) for index in probes}
    wanted: set[bytes] = set().union(*probe_prefixes.values())
    postings: dict[bytes, list[int]] = {}
    for index, elements in enumerate(sets):
        if wanted.isdisjoint(elements):
            continue
        own = probe_prefixes[index] if index in probe_prefixes else prefix(elements)
        for element in wanted.intersection(own):
            postings.setdefault(element, []).append(index)
    candidates: dict[int, Collection[int]] = {}
    for index, probe_prefix in probe_prefixes.items():
        others: set[int] = set()
        for element in probe_prefix:
            others.update(postings[element])
        candidates[index] = others
    return candidates
