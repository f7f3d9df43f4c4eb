"""End-user client. Run from the repository root: ``python -m user_content.client.user_client``."""

import json
import logging
import os
import sys
from typing import Any

import httpx

from ..wallet.user_wallet import UserWallet

log = logging.getLogger("lucid.user_client")


class UserClient:
    def __init__(self, base_url: str, token: str, timeout: float = 10.0) -> None:
        self._client = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        )

    def sessions(self) -> list[dict[str, Any]]:
        response = self._client.get("/sessions")
        response.raise_for_status()
        return list(response.json())

    def wallet(self, owner: str) -> UserWallet:
        response = self._client.get(f"/wallets/{owner}")
        response.raise_for_status()
        return UserWallet.model_validate(response.json())

    def close(self) -> None:
        self._client.close()


def main() -> int:
    logging.basicConfig(level=logging.INFO)
    base_url = os.environ.get("LUCID_API_URL", "http://sessions-api:8080")
    token = os.environ.get("LUCID_TOKEN")
    if not token:
        log.error("LUCID_TOKEN is not set")
        return 2
    client = UserClient(base_url, token)
    try:
        print(json.dumps(client.sessions(), indent=2))
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
