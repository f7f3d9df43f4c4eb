"""Zstandard compression of session chunks."""

import zstandard


class Compressor:
    def __init__(self, level: int = 10) -> None:
        if not 1 <= level <= 22:
            raise ValueError("zstd level must be between 1 and 22")
        self.level = level
        self._compressor = zstandard.ZstdCompressor(level=level, write_checksum=True)
        self._decompressor = zstandard.ZstdDecompressor()
        self.bytes_in = 0
        self.bytes_out = 0

    def compress(self, data: bytes) -> bytes:
        packed = self._compressor.compress(data)
        self.bytes_in += len(data)
        self.bytes_out += len(packed)
        return packed

    def decompress(self, data: bytes) -> bytes:
        return self._decompressor.decompress(data)

    @property
    def ratio(self) -> float:
        return self.bytes_out / self.bytes_in if self.bytes_in else 1.0
