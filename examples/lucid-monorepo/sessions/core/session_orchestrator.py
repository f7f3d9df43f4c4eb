"""Session orchestrator: chunk, encrypt, build the Merkle root and anchor it on chain.

Run from the repository root: ``python -m sessions.core.session_orchestrator FILE...``.
"""

import hashlib
import logging
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from sessions.core.chunker import Chunker
from sessions.core.merkle_builder import MerkleTree
from sessions.core.session_generator import SessionGenerator
from sessions.encryption.encryptor import SessionEncryptor
from sessions.integration.blockchain_client import BlockchainClient
from sessions.security.policy_enforcer import PolicyEnforcer

log = logging.getLogger("lucid.sessions.orchestrator")


class SessionOrchestrator:
    def __init__(self, client: BlockchainClient, enforcer: PolicyEnforcer) -> None:
        self._generator = SessionGenerator()
        self._client = client
        self._enforcer = enforcer

    def finalize(self, owner: str, stream: Iterable[bytes]) -> str:
        self._enforcer.require(owner, "anchor")
        session = self._generator.new(owner)
        encryptor = SessionEncryptor(session.session_key)
        aad = session.session_id.encode()
        digests = [
            hashlib.sha256(encryptor.encrypt(chunk.index, chunk.data, aad)).digest()
            for chunk in Chunker(session.session_id).split(stream)
        ]
        return self._client.anchor(session.session_id, MerkleTree(digests).root)


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO)
    client = BlockchainClient(os.environ.get("LUCID_RPC_URL", "http://chain:8545"))
    policy = os.environ.get("LUCID_SESSION_POLICY")
    enforcer = PolicyEnforcer.from_file(policy) if policy else PolicyEnforcer({"*": {"anchor"}})
    orchestrator = SessionOrchestrator(client, enforcer)
    owner = os.environ.get("LUCID_OWNER", "operator")
    for name in argv:
        with Path(name).open("rb") as recording:
            tx = orchestrator.finalize(owner, iter(lambda: recording.read(1 << 20), b""))
        log.info("anchored %s in %s", name, tx)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
