"""Transport of the REST client: the httpx factory, the signed request, error mapping."""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.request import getproxies

import httpx

from btse_tui.client import limiter as buckets
from btse_tui.client.auth import BtseAuth
from btse_tui.client.http11 import Http11Transport
from btse_tui.client.limiter import RateLimiter
from btse_tui.protocol import codec
from btse_tui.protocol import endpoints as ep
from btse_tui.protocol.endpoints import BaseUrls
from btse_tui.protocol.errors import (
    BadValue,
    ConfigError,
    OrderRejected,
    RateLimited,
    RequestTimeout,
    TransportError,
)
from btse_tui.protocol.models import Order, OrderStatus

T = TypeVar("T")
DEFAULT_TIMEOUT_S = 10.0
ORDERS_BUCKET = buckets.ORDERS
_JSON = "application/json"
_MAX_TARGETS = 256


def make_http_client(
    timeout: float = DEFAULT_TIMEOUT_S,
    *,
    connect_timeout: float | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    max_connections: int = 10,
    tls: bool = True,
) -> httpx.AsyncClient:
    """The app's one HTTP client: explicit timeouts, keep-alive pool, no redirects, no auth.

    `timeout` bounds each read/write/pool wait; `connect_timeout` defaults to min(timeout, 5).
    Auth is passed per request by RestClient, so public calls stay unsigned. Requests go
    through the lean `Http11Transport` unless `transport` is given or the environment names a
    proxy (then httpx's own transport, which honours it). `tls=False` (a plain-http base URL,
    the demo) skips loading the CA bundle (~0.1 s at start-up): its context trusts no
    certificate, so an https request would fail, never go unverified.
    """
    verify: ssl.SSLContext | bool = True  # unused when `transport` is given: no CA load then
    if transport is None:
        verify = httpx.create_ssl_context() if tls else ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if not _proxy_configured():
            transport = Http11Transport(ssl_context=verify, max_connections=max_connections)
    return httpx.AsyncClient(
        verify=verify,
        timeout=httpx.Timeout(
            timeout, connect=min(timeout, 5.0) if connect_timeout is None else connect_timeout
        ),
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        ),
        headers={"Accept": _JSON, "User-Agent": "btse-tui"},
        transport=transport,
        follow_redirects=False,
    )


def _proxy_configured() -> bool:
    """True when HTTP(S)_PROXY or ALL_PROXY is set (httpx's transport handles proxies)."""
    proxies = getproxies()
    return any(proxies.get(scheme) for scheme in ("http", "https", "all"))


class OrderAckRejected(OrderRejected):
    """The exchange answered HTTP 200 but refused the order (status 8/15/16/17 in the ack).

    `order` is the refused ack item (its `message` says why); `orders` the whole reply.
    """

    def __init__(
        self,
        status: int,
        code: int | None,
        message: str,
        *,
        order: Order | None = None,
        orders: Sequence[Order] = (),
    ) -> None:
        self.order = order
        self.orders = tuple(orders)
        super().__init__(status, code, message)

    @classmethod
    def from_order(cls, order: Order, orders: Sequence[Order]) -> OrderAckRejected:
        """Build from the failing ack item."""
        message = order.message or OrderStatus.describe(order.status)
        return cls(200, order.status, message, order=order, orders=orders)


def _what(method: str, url: str) -> str:
    """`GET /path` for error messages (built only when one is raised: parsing costs ~13 µs)."""
    return f"{method} {httpx.URL(url).path}"


def _params(**values: Any) -> dict[str, str]:
    """Query parameters without the None ones; bools as true/false."""
    out: dict[str, str] = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        else:
            out[key] = str(value)
    return out


class RestBase:
    """Sends one request at a time to the Markets API (host root) or /spot/api/v3.x.

    Errors: HTTP errors raise the ApiError subclass for the status (codec.api_error);
    an httpx timeout raises RequestTimeout (outcome UNKNOWN — check, never resend blindly);
    other transport failures raise TransportError. Nothing is retried here.
    With a `limiter`, every call first waits for a slot in its bucket (markets, query, orders,
    wallet) and a 429 blocks the limiter for its Retry-After.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        urls: BaseUrls,
        auth: BtseAuth | None = None,
        *,
        limiter: RateLimiter | None = None,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._urls = urls
        self._auth = auth
        self._limiter = limiter
        self._root = urls.rest.rstrip("/")
        self._spot = urls.spot_rest
        self._clock = clock
        self._monotonic = monotonic
        self.last_time_rtt_ms: float | None = None
        self._targets: dict[tuple[str, tuple[tuple[str, str], ...]], httpx.URL] = {}
        #: told about every row a reply held that could not be true (it was left out)
        self.on_dropped: Callable[[list[BadValue]], None] | None = None

    @property
    def urls(self) -> BaseUrls:
        """The addresses this client talks to."""
        return self._urls

    @property
    def can_trade(self) -> bool:
        """True when private (signed) calls are possible."""
        return self._auth is not None

    # ------------------------------------------------------------------ transport

    async def _call(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        body: dict | None = None,
        signed: bool = False,
        bucket: str = buckets.QUERY,
    ) -> Any:
        """Send one request and return the decoded JSON (None for an empty body)."""
        if signed and self._auth is None:
            raise ConfigError(f"{_what(method, url)} needs BTSE_API_KEY and BTSE_API_SECRET")
        if self._limiter is not None:
            await self._limiter.acquire(bucket)
        headers = None
        content = None
        if body is not None:
            content = codec.dumps_body(body)
            headers = {"Content-Type": _JSON}
        try:
            response = await self._http.request(
                method,
                self._target(url, params),
                content=content,
                headers=headers,
                auth=self._auth if signed else None,
            )
        except httpx.TimeoutException as exc:
            raise RequestTimeout(
                f"{_what(method, url)}: no answer in time ({type(exc).__name__}); "
                "the outcome is unknown"
            ) from None
        except httpx.TransportError as exc:
            raise TransportError(f"{_what(method, url)}: {type(exc).__name__}: {exc}") from None
        if response.status_code >= 400:
            error = codec.api_error(
                response.status_code,
                response.content,
                response.headers.get("retry-after"),
                self._clock(),
            )
            if self._limiter is not None and isinstance(error, RateLimited):
                self._limiter.block(error.retry_after_s)
            raise error
        raw = response.content
        if not raw.strip():
            return None
        return codec.loads(raw)

    def _rows(
        self,
        decode: Callable[..., T],
        reply: Any,
        *args: Any,
        dropped: list[BadValue] | None = None,
    ) -> T:
        """`decode(reply, *args, bad)`: rows that cannot be true are left out, reported to
        `on_dropped` and added to `dropped` (when given) instead of failing the whole reply."""
        bad: list[BadValue] = []
        result = decode(reply, *args, bad)
        if bad:
            if dropped is not None:
                dropped.extend(bad)
            if self.on_dropped is not None:
                self.on_dropped(bad)
        return result

    def _target(self, url: str, params: Mapping[str, str] | None) -> httpx.URL:
        """The parsed URL with its query; repeated calls (tickers, open orders) reuse it.

        Parsing a URL with parameters costs httpx about 60 µs, a quarter of a loopback call.
        """
        key = (url, tuple(params.items()) if params else ())
        target = self._targets.get(key)
        if target is None:
            target = httpx.URL(url, params=params or None)
            if len(self._targets) >= _MAX_TARGETS:  # unique ones (cancel by id) must not pile up
                self._targets.clear()
            self._targets[key] = target
        return target

    async def _market(self, path: str, **params: Any) -> Any:
        return await self._call(
            "GET", self._root + path, params=_params(**params), bucket=buckets.MARKETS
        )

    async def _spot_get(self, path: str, *, signed: bool = False, **params: Any) -> Any:
        bucket = buckets.WALLET if path == ep.WALLET else buckets.QUERY
        return await self._call(
            "GET", self._spot + path, params=_params(**params), signed=signed, bucket=bucket
        )
