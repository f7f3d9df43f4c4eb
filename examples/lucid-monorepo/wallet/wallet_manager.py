"""Wallet service: keys, policies, walletd backends. Run: ``python -m wallet.wallet_manager``."""

import json
import logging
import os

import requests

from wallet.keys import KeyPair, generate_keypair
from wallet.security.policy_validator import PolicyValidator
from wallet.security.trust_nothing_engine import TrustNothingEngine
from wallet.walletd.keystore_manager import KeystoreManager
from wallet.walletd.role_manager import Role, RoleManager

log = logging.getLogger("lucid.wallet")


class WalletManager:
    def __init__(
        self,
        keystore: KeystoreManager,
        roles: RoleManager,
        validator: PolicyValidator,
        engine: TrustNothingEngine,
    ) -> None:
        self._keystore = keystore
        self._roles = roles
        self._validator = validator
        self._engine = engine

    def create_key(self, key_id: str, owner: str) -> KeyPair:
        self._roles.require(owner, Role.ADMIN)
        pair = generate_keypair(key_id)
        self._keystore.store(pair)
        return pair

    def sign(self, key_id: str, actor: str, payload: dict[str, object]) -> bytes:
        self._roles.require(actor, Role.SIGNER)
        self._validator.validate(payload)
        message = json.dumps(payload, sort_keys=True).encode()
        self._engine.check(actor, message)
        return self._keystore.load(key_id).sign(message)


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    policy_path = os.environ.get("LUCID_WALLET_POLICY")
    validator = PolicyValidator.from_file(policy_path) if policy_path else PolicyValidator()
    roles = RoleManager()
    roles.grant("operator", Role.ADMIN | Role.SIGNER)
    engine = TrustNothingEngine(secret=os.urandom(32))
    manager = WalletManager(KeystoreManager(), roles, validator, engine)
    manager.create_key("anchor", "operator")
    signature = manager.sign("anchor", "operator", {"session_id": "demo", "root": "00" * 32})
    log.info("wallet ready, demo anchor signature %s", signature.hex())


if __name__ == "__main__":
    main()
