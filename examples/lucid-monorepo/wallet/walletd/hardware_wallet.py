"""Adapter for hardware signers reached through an injected transport."""

from typing import Protocol


class Transport(Protocol):
    def exchange(self, command: bytes, payload: bytes) -> bytes: ...


class HardwareWalletError(RuntimeError):
    """Raised when the device rejects or fails a command."""


class HardwareWallet:
    CMD_PUBKEY = b"\x01"
    CMD_SIGN = b"\x02"
    STATUS_OK = b"\x90\x00"

    def __init__(self, transport: Transport, derivation_path: str = "m/44'/0'/0'/0/0") -> None:
        self._transport = transport
        self.derivation_path = derivation_path

    def _call(self, command: bytes, payload: bytes) -> bytes:
        reply = self._transport.exchange(command, payload)
        if not reply.endswith(self.STATUS_OK):
            raise HardwareWalletError(f"device status {reply[-2:].hex()}")
        return reply[:-2]

    def public_key(self) -> bytes:
        return self._call(self.CMD_PUBKEY, self.derivation_path.encode())

    def sign(self, message: bytes) -> bytes:
        if len(message) > 4096:
            raise ValueError("message too large for the device buffer")
        return self._call(self.CMD_SIGN, self.derivation_path.encode() + b"\x00" + message)
