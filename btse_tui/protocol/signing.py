"""BTSE request signing: HMAC-SHA384 over path + nonce + body, and a strictly increasing nonce."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

#: REST paths under these prefixes are signed without the prefix (BTSE treats it as host).
_HOST_PREFIXES = ("/spot",)
WS_SPOT_PATH = "/ws/spot"


def sign(secret: str, message: str) -> str:
    """Return the lowercase hex HMAC-SHA384 of `message` keyed by `secret` (both UTF-8)."""
    return hmac.new(secret.encode(), message.encode(), hashlib.sha384).hexdigest()


def signing_path(url_or_path: str) -> str:
    """Return the path BTSE signs for a request URL: no host, no query, `/spot` prefix removed.

    `/spot/api/v3.3/order?symbol=X` -> `/api/v3.3/order`;
    `/public-api/wallet/v1/user/assets` stays whole (host-root APIs sign their full path).
    """
    path = urlsplit(url_or_path).path or "/"
    for prefix in _HOST_PREFIXES:
        if path.startswith(prefix + "/"):
            return path[len(prefix) :]
    return path


def signature_message(path: str, nonce: str, body: bytes | str = b"") -> str:
    """Return the exact string that is signed: urlpath + nonce + body text."""
    body_text = body.decode() if isinstance(body, bytes | bytearray) else body
    return f"{path}{nonce}{body_text}"


def rest_headers(
    api_key: str, secret: str, path: str, nonce: str, body: bytes | str = b""
) -> dict[str, str]:
    """Return the three BTSE auth headers for a request to `path` carrying exactly `body`."""
    return {
        "request-api": api_key,
        "request-nonce": nonce,
        "request-sign": sign(secret, signature_message(signing_path(path), nonce, body)),
    }


def ws_auth_args(api_key: str, secret: str, nonce: str, path: str = WS_SPOT_PATH) -> list[str]:
    """Return the `args` of an `authKeyExpires` frame: key, nonce, HMAC(secret, path + nonce)."""
    return [api_key, nonce, sign(secret, f"{path}{nonce}")]


class NonceSource:
    """Millisecond nonces that never repeat or go backwards, even when the wall clock does.

    `offset_ms` corrects for measured clock skew against the exchange (server - local).
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._last = 0
        self._lock = threading.Lock()
        self.offset_ms = 0

    def next(self) -> str:
        """Return the next nonce as a decimal string of epoch milliseconds."""
        with self._lock:
            candidate = int(self._clock() * 1000) + self.offset_ms
            self._last = max(candidate, self._last + 1)
            return str(self._last)
