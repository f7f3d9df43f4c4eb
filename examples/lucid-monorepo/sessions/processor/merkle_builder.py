"""Streaming BLAKE2b Merkle accumulator: adds leaves one at a time in O(log n) memory."""

from hashlib import blake2b


def _node(left: bytes, right: bytes) -> bytes:
    return blake2b(b"node" + left + right, digest_size=32).digest()


class StreamingMerkleBuilder:
    def __init__(self) -> None:
        self._peaks: list[bytes | None] = []
        self.count = 0

    def add(self, digest: bytes) -> None:
        carry = blake2b(b"leaf" + digest, digest_size=32).digest()
        height = 0
        while height < len(self._peaks) and self._peaks[height] is not None:
            peak = self._peaks[height]
            assert peak is not None
            carry = _node(peak, carry)
            self._peaks[height] = None
            height += 1
        if height == len(self._peaks):
            self._peaks.append(carry)
        else:
            self._peaks[height] = carry
        self.count += 1

    def root(self) -> bytes:
        if not self.count:
            raise ValueError("no leaves added")
        acc: bytes | None = None
        for peak in self._peaks:
            if peak is not None:
                acc = peak if acc is None else _node(peak, acc)
        assert acc is not None
        return acc
