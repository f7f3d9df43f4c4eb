"""Full SHA-256 Merkle tree over chunk digests, with inclusion proofs."""

import hashlib
from collections.abc import Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


class MerkleTree:
    def __init__(self, leaves: Sequence[bytes]) -> None:
        if not leaves:
            raise ValueError("a Merkle tree needs at least one leaf")
        self.levels: list[list[bytes]] = [[_sha256(LEAF_PREFIX + leaf) for leaf in leaves]]
        while len(self.levels[-1]) > 1:
            level = self.levels[-1]
            if len(level) % 2:
                level = [*level, level[-1]]
            self.levels.append(
                [_sha256(NODE_PREFIX + level[i] + level[i + 1]) for i in range(0, len(level), 2)]
            )

    @property
    def root(self) -> bytes:
        return self.levels[-1][0]

    def proof(self, index: int) -> list[tuple[bytes, bool]]:
        """Sibling hashes from leaf to root; the flag says the sibling is on the right."""
        path: list[tuple[bytes, bool]] = []
        for level in self.levels[:-1]:
            sibling = index ^ 1
            neighbour = level[sibling] if sibling < len(level) else level[index]
            path.append((neighbour, sibling > index))
            index //= 2
        return path

    @staticmethod
    def verify(leaf: bytes, proof: list[tuple[bytes, bool]], root: bytes) -> bool:
        node = _sha256(LEAF_PREFIX + leaf)
        for sibling, on_right in proof:
            node = _sha256(NODE_PREFIX + (node + sibling if on_right else sibling + node))
        return node == root
