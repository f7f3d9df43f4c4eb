from __future__ import annotations

import random
import zlib
from typing import TYPE_CHECKING

from hypothesis import given, settings
from hypothesis import strategies as st

from lucid_hooks import similarity
from lucid_hooks.similarity import hashed_prefix, similar_sets

if TYPE_CHECKING:
    from collections.abc import Collection


def test_prefix_filter_compares_few_pairs() -> None:
    """The candidates of 2,000 unrelated modules that share common lines are
    a few per module, not every other module."""
    rng = random.Random(5)
    common = [f"common line {n}".encode() for n in range(30)]
    sets = [
        {f"own {n} {k}".encode() for k in range(40)} | set(rng.sample(common, 10))
        for n in range(2000)
    ]

    candidates = similarity.prefix_candidates(sets, list(range(2000)), 0.85)

    assert sum(len(found) for found in candidates.values()) <= 2 * 2000


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sets(st.integers(0, 30), min_size=1, max_size=20), min_size=2, max_size=12),
    st.sampled_from([0.5, 0.7, 0.85, 0.9, 1.0]),
    st.sampled_from([similarity._BUCKET_SHIFT, 29, 31, 0]),
)
def test_similar_sets_is_exact(universe: list[set[int]], threshold: float, shift: int) -> None:
    """Directly and through the prefix filter, whatever the buckets the
    elements are counted in (a few wide ones, where most elements share a
    bucket and a count; or one per CRC-32 value)."""
    sets = [{str(element).encode() for element in elements} for elements in universe]
    probes = list(range(len(sets)))
    original = similarity._BUCKET_SHIFT
    # Not monkeypatch: hypothesis runs the body many times in one test.
    similarity._BUCKET_SHIFT = shift
    try:
        check_exact(sets, probes, threshold)
    finally:
        similarity._BUCKET_SHIFT = original


def check_exact(sets: list[set[bytes]], probes: list[int], threshold: float) -> None:
    def brute_force(index: int) -> list[tuple[float, int]]:
        found = []
        for other, theirs in enumerate(sets):
            if other != index:
                score = len(sets[index] & theirs) / len(sets[index] | theirs)
                if score >= threshold - 1e-9:
                    found.append((score, other))
        return sorted(found)

    direct = similar_sets(sets, probes, threshold)
    # The prefix filter asked about every set at once (a whole tree), and
    # about one alone (a commit of one file: its postings are only its own).
    every = similarity.prefix_candidates(sets, probes, threshold)
    for index in probes:
        assert sorted(direct[index]) == brute_force(index)
        assert verified(sets, index, every[index], threshold) == brute_force(index)
    for index in (probes[0], probes[-1]):
        alone = similarity.prefix_candidates(sets, [index], threshold)[index]
        assert verified(sets, index, alone, threshold) == brute_force(index)


def verified(
    sets: list[set[bytes]], index: int, candidates: Collection[int], threshold: float
) -> list[tuple[float, int]]:
    """The candidates as alike as the threshold, compared exactly."""
    found = []
    for other in candidates:
        if other != index:
            score = len(sets[index] & sets[other]) / len(sets[index] | sets[other])
            if score >= threshold - 1e-9:
                found.append((score, other))
    return sorted(found)


@settings(max_examples=150, deadline=None)
@given(
    st.sets(st.integers(0, 60), min_size=1, max_size=40),
    st.sets(st.integers(0, 60), max_size=5),
    st.sampled_from([0.5, 0.7, 0.85, 0.9, 1.0]),
)
def test_sets_that_alike_share_a_hashed_prefix_value(
    first: set[int], edits: set[int], threshold: float
) -> None:
    """What lets the index of check-duplicate-modules skip a module: no pair
    at least that alike has disjoint prefixes (the second set is the first
    with a few elements added or removed, so most pairs are alike)."""
    second = first ^ edits or first
    mine = {str(element).encode() for element in first}
    theirs = {str(element).encode() for element in second}
    score = len(mine & theirs) / len(mine | theirs)
    if score >= threshold - 1e-9:
        assert set(similarity.hashed_prefix(mine, threshold)) & set(
            similarity.hashed_prefix(theirs, threshold)
        )


@settings(max_examples=300, deadline=None)
@given(
    st.sets(st.integers(0, 25), min_size=1, max_size=20),
    st.sets(st.integers(0, 25), min_size=1, max_size=20),
    st.sampled_from([0.5, 0.7, 0.85, 0.9, 1.0]),
)
def test_may_be_similar_never_drops_a_similar_pair(
    first: set[int], second: set[int], threshold: float
) -> None:
    """The size and position filter on `hashed_prefix` values (what the
    module index keeps) says False only of pairs that are not that alike."""
    one = {str(n).encode() for n in first}
    two = {str(n).encode() for n in second}
    score = len(one & two) / len(one | two)
    prefixes = [hashed_prefix(elements, threshold) for elements in (one, two)]

    admitted = similarity.may_be_similar(len(one), prefixes[0], len(two), prefixes[1], threshold)

    if score >= threshold - 1e-9:
        assert admitted


def test_may_be_similar_drops_pairs_that_share_only_a_late_value() -> None:
    one = {f"a{n}".encode() for n in range(30)}
    two = {f"b{n}".encode() for n in range(29)} | {max(one, key=zlib.crc32)}
    prefixes = [hashed_prefix(elements, 0.85) for elements in (one, two)]

    assert not similarity.may_be_similar(30, prefixes[0], 30, prefixes[1], 0.85)
    assert not similarity.may_be_similar(30, prefixes[0], 10, prefixes[0], 0.85)  # sizes
    assert similarity.may_be_similar(30, prefixes[0], 30, prefixes[0], 0.85)
