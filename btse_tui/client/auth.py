"""httpx authentication that signs each BTSE request over exactly the bytes it sends."""

from __future__ import annotations

from collections.abc import Generator
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from btse_tui.config import Secret, Settings
from btse_tui.protocol import signing


class Nonces(Protocol):
    """Anything that hands out strictly increasing millisecond nonces (signing.NonceSource)."""

    def next(self) -> str:
        """The next nonce as a decimal string."""
        ...


class BtseAuth(httpx.Auth):
    """Adds `request-api`, `request-nonce` and `request-sign` to every request it handles.

    The signed message is `urlpath + nonce + body`: urlpath is the request path without query
    string, without the `/spot` prefix and without any path prefix of the configured REST root
    (`root_path`, for a REST URL such as `https://proxy.example/btse`); body is
    `request.content`, i.e. the very bytes httpx transmits (b"" for GET/DELETE).
    The secret only ever reaches the HMAC.
    """

    requires_request_body = True

    def __init__(
        self, api_key: str, secret: Secret, nonces: Nonces, *, root_path: str = ""
    ) -> None:
        if not api_key or not secret:
            raise ValueError("BtseAuth needs an API key and a secret")
        self._api_key = api_key
        self._secret = secret
        self._nonces = nonces
        self._root_path = root_path.rstrip("/")

    @property
    def api_key(self) -> str:
        """The key this auth signs for (not secret, but shown only as a hint in the UI)."""
        return self._api_key

    @property
    def nonces(self) -> Nonces:
        """The shared nonce source (also used by the WebSocket login)."""
        return self._nonces

    def signed_path(self, request: httpx.Request) -> str:
        """The urlpath part of the signature for `request`."""
        path = request.url.path
        if self._root_path and (path == self._root_path or path.startswith(self._root_path + "/")):
            path = path[len(self._root_path) :] or "/"
        return signing.signing_path(path)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign the request in place and send it once (no retries)."""
        body = request.content
        nonce = self._nonces.next()
        message = signing.signature_message(self.signed_path(request), nonce, body)
        request.headers["request-api"] = self._api_key
        request.headers["request-nonce"] = nonce
        request.headers["request-sign"] = signing.sign(self._secret.reveal(), message)
        yield request

    def __repr__(self) -> str:
        return f"BtseAuth(api_key={self._api_key[:4]!r}…, secret=Secret('****'))"


def build_auth(settings: Settings, nonces: Nonces, rest_url: str) -> BtseAuth | None:
    """The auth for `settings`' credentials against `rest_url`, or None without credentials."""
    if not settings.has_credentials or settings.api_key is None or settings.api_secret is None:
        return None
    return BtseAuth(
        settings.api_key, settings.api_secret, nonces, root_path=urlsplit(rest_url).path
    )
