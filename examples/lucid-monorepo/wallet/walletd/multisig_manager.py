"""M-of-N signature collection for high-value anchors."""

from dataclasses import dataclass, field

from wallet.keys import verify


@dataclass
class MultisigRequest:
    message: bytes
    threshold: int
    signers: dict[str, bytes]
    signatures: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 1 <= self.threshold <= len(self.signers):
            raise ValueError("threshold must be between 1 and the number of signers")

    def add_signature(self, signer: str, signature: bytes) -> bool:
        public_key = self.signers.get(signer)
        if public_key is None or not verify(public_key, self.message, signature):
            return False
        self.signatures[signer] = signature
        return True

    @property
    def complete(self) -> bool:
        return len(self.signatures) >= self.threshold


class MultisigManager:
    def __init__(self) -> None:
        self._requests: dict[str, MultisigRequest] = {}

    def open(self, request_id: str, request: MultisigRequest) -> None:
        self._requests[request_id] = request

    def submit(self, request_id: str, signer: str, signature: bytes) -> bool:
        request = self._requests[request_id]
        return request.add_signature(signer, signature) and request.complete

    def pending(self) -> list[str]:
        return sorted(rid for rid, req in self._requests.items() if not req.complete)
