"""Zero-trust checks: every signing request is rate limited and may carry a bound token."""

import hashlib
import hmac
import time
from collections import deque


class TrustViolation(PermissionError):
    """Raised when a request fails a zero-trust check."""


class TrustNothingEngine:
    def __init__(self, secret: bytes, window_seconds: float = 60.0, rate_limit: int = 30) -> None:
        if len(secret) < 16:
            raise ValueError("secret must be at least 16 bytes")
        self._secret = secret
        self._window = window_seconds
        self._rate_limit = rate_limit
        self._history: dict[str, deque[float]] = {}

    def token(self, actor: str, message: bytes) -> str:
        mac = hmac.new(self._secret, actor.encode() + b"\x00" + message, hashlib.sha256)
        return mac.hexdigest()

    def check(self, actor: str, message: bytes, token: str | None = None) -> None:
        now = time.monotonic()
        history = self._history.setdefault(actor, deque())
        while history and now - history[0] > self._window:
            history.popleft()
        if len(history) >= self._rate_limit:
            raise TrustViolation(f"rate limit exceeded for {actor}")
        if token is not None and not hmac.compare_digest(token, self.token(actor, message)):
            raise TrustViolation("request token does not match")
        history.append(now)
