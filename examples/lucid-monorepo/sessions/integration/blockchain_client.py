"""JSON-RPC client that anchors session Merkle roots on the Lucid chain."""

import itertools
from typing import Any

import httpx


class BlockchainError(RuntimeError):
    """Raised when the node answers with a JSON-RPC error."""


class BlockchainClient:
    def __init__(self, rpc_url: str, timeout: float = 10.0) -> None:
        self._rpc_url = rpc_url
        self._timeout = timeout
        self._ids = itertools.count(1)

    def _call(self, method: str, params: list[Any]) -> Any:
        request = {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params}
        response = httpx.post(self._rpc_url, json=request, timeout=self._timeout)
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            raise BlockchainError(f"{method}: {body['error']}")
        return body.get("result")

    def anchor(self, session_id: str, merkle_root: bytes) -> str:
        """Submit the root and return the transaction id."""
        return str(self._call("lucid_anchorSession", [session_id, merkle_root.hex()]))

    def lookup(self, session_id: str) -> dict[str, Any] | None:
        result = self._call("lucid_getAnchor", [session_id])
        return dict(result) if result else None

    def block_height(self) -> int:
        return int(self._call("lucid_blockHeight", []))
