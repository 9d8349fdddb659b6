"""The BTSE spot REST client: typed calls over one injected httpx.AsyncClient, never retried."""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

import httpx
import orjson

from btse_tui.client import limiter as buckets
from btse_tui.client.auth import BtseAuth
from btse_tui.client.limiter import RateLimiter
from btse_tui.protocol import codec
from btse_tui.protocol import endpoints as ep
from btse_tui.protocol.endpoints import BaseUrls
from btse_tui.protocol.errors import (
    ApiError,
    AuthenticationError,
    BadValue,
    ConfigError,
    NotFound,
    OrderRejected,
    PermissionDenied,
    RateLimited,
    RequestTimeout,
    ServerError,
    TransportError,
)
from btse_tui.protocol.models import (
    AmendRequest,
    Balance,
    Candle,
    ExchangeInfo,
    FeeRate,
    Fill,
    Market,
    Order,
    OrderBookSnapshot,
    OrderRequest,
    OrderStatus,
    ServerTime,
    Ticker,
    Trade,
)
from btse_tui.protocol.submission import OrderSubmission

__all__ = ["DEFAULT_TIMEOUT_S", "OrderAckRejected", "RestClient", "RestSender", "make_http_client"]

T = TypeVar("T")
DEFAULT_TIMEOUT_S = 10.0
_JSON = "application/json"
_MAX_TARGETS = 256
#: rows that cannot be true, as a decoder reports them (they were left out of its result)
Dropped = Callable[[list[BadValue]], None]


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
    through httpx's own transport (which honours a proxy named in the environment) unless
    `transport` is given. `tls=False` (a plain-http base URL, the demo) skips loading the CA
    bundle (a start-up cost, benchmarks/README.md): its context trusts no certificate, so an
    https request would fail, never go unverified.
    """
    verify: ssl.SSLContext | bool = True  # unused when `transport` is given: no CA load then
    if transport is None:
        verify = httpx.create_ssl_context() if tls else ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
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


class RestSender:
    """Sends one request and returns its decoded JSON: the one place where a failure below
    (httpx, the connection, the reply's bytes) becomes an error of the BtseError tree.

    An HTTP error status raises the ApiError subclass for it (codec.api_error); no answer in
    time raises RequestTimeout (outcome UNKNOWN — check, never resend blindly), and so does
    a reply not complete within the client's connect plus read timeout (httpx's timeouts are
    per read: a body that trickles in a byte at a time would never end otherwise); any other
    httpx failure (refused, reset, a malformed or undecodable reply) raises TransportError; a
    body that is not JSON raises ProtocolError. Nothing is retried. With a `limiter`, every
    call first waits for a slot in its bucket and a 429 blocks the limiter for its Retry-After.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        auth: BtseAuth | None,
        limiter: RateLimiter | None,
        clock: Callable[[], float],
    ) -> None:
        self._http = http
        self.auth = auth
        self._limiter = limiter
        self._clock = clock
        self._targets: dict[tuple[str, tuple[tuple[str, str], ...]], httpx.URL] = {}
        limits = http.timeout
        self._deadline_s = None if limits.read is None else limits.read + (limits.connect or 0)

    async def send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        body: dict[str, Any] | None = None,
        signed: bool = False,
        bucket: str = buckets.QUERY,
    ) -> Any:
        """The decoded JSON of the reply (None for an empty body)."""
        if signed and self.auth is None:
            raise ConfigError(f"{_what(method, url)} needs BTSE_API_KEY and BTSE_API_SECRET")
        if self._limiter is not None:
            await self._limiter.acquire(bucket)
        headers = None
        content = None
        if body is not None:
            content = codec.dumps_body(body)
            headers = {"Content-Type": _JSON}
        try:
            async with asyncio.timeout(self._deadline_s):
                response = await self._http.request(
                    method,
                    self._target(url, params),
                    content=content,
                    headers=headers,
                    auth=self.auth if signed else None,
                )
        except (httpx.TimeoutException, TimeoutError) as exc:
            raise RequestTimeout(
                f"{_what(method, url)}: no answer in time ({type(exc).__name__}); "
                "the outcome is unknown"
            ) from None
        except httpx.HTTPError as exc:  # refused, reset, malformed framing, bad encoding …
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
        return codec.loads(raw)  # ProtocolError when it is not JSON

    def _target(self, url: str, params: Mapping[str, str] | None) -> httpx.URL:
        """The parsed URL with its query; repeated calls (tickers, open orders) reuse it.

        Parsing a URL with parameters is a large part of a loopback call (benchmarks/README.md).
        """
        key = (url, tuple(params.items()) if params else ())
        target = self._targets.get(key)
        if target is None:
            target = httpx.URL(url, params=params or None)
            if len(self._targets) >= _MAX_TARGETS:  # unique ones (cancel by id) must not pile up
                self._targets.clear()
            self._targets[key] = target
        return target


class RestClient:
    """BTSE spot REST: `RestClient(http, urls, auth=None, *, limiter=None)`.

    Market data comes from the host-root Markets API and /spot/api/v3.3 (unsigned); trading
    calls are signed by `auth` (they raise ConfigError without it). Every failure is raised as
    RestSender maps it; nothing is retried here.
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
        self._sender = RestSender(http, auth, limiter, clock)
        self._urls = urls
        self._root = urls.rest.rstrip("/")
        self._spot = urls.spot_rest
        self._clock = clock
        self._monotonic = monotonic
        self.last_time_rtt_ms: float | None = None
        #: told about every row a reply held that could not be true (it was left out)
        self.on_dropped: Dropped | None = None

    @property
    def urls(self) -> BaseUrls:
        """The addresses this client talks to."""
        return self._urls

    @property
    def can_trade(self) -> bool:
        """True when private (signed) calls are possible."""
        return self._sender.auth is not None

    # ------------------------------------------------------------------ market data (unsigned)

    async def markets(self, symbol: str | None = None) -> list[Market]:
        """All markets (or one) with their trading rules; `Market.type` tells Spot from futures."""
        return self._rows(codec.markets, await self._market(ep.MARKETS, symbol=symbol))

    async def exchange_info(self, symbols: Sequence[str] | None = None) -> ExchangeInfo:
        """Rate limits and market rules."""
        return codec.exchange_info(await self._market(ep.EXCHANGE_INFO, **_selector(symbols)))

    async def tickers(self, symbols: Sequence[str] | None = None) -> list[Ticker]:
        """24-hour tickers of the given symbols, or of every market."""
        return self._rows(codec.tickers, await self._market(ep.TICKER_24HR, **_selector(symbols)))

    async def orderbook(self, symbol: str, depth: int | None = None) -> OrderBookSnapshot:
        """REST order book (Markets API; depth 5, 20 or 50 on the real exchange)."""
        return codec.orderbook(await self._market(ep.ORDERBOOK, symbol=symbol, depth=depth), symbol)

    async def trades(self, symbol: str, limit: int | None = None) -> list[Trade]:
        """Recent public trades (limit ≤ 500)."""
        reply = await self._market(ep.TRADES, symbol=symbol, limit=limit)
        return self._rows(codec.trades, reply, symbol)

    async def klines(
        self,
        symbol: str,
        resolution: int | str,
        start: int | None = None,
        end: int | None = None,
        limit: int | None = None,
    ) -> list[Candle]:
        """Candles; `resolution` in minutes (1, 5, 15, …), `start`/`end` in epoch SECONDS."""
        reply = await self._market(
            ep.KLINES, symbol=symbol, resolution=resolution, start=start, end=end, limit=limit
        )
        return self._rows(codec.klines, reply)

    async def market_summary(self, symbol: str | None = None) -> list[tuple[Market, Ticker]]:
        """Legacy spot market summary: rules and 24 h stats in one call."""
        return self._rows(
            codec.market_summary, await self._spot_get(ep.MARKET_SUMMARY, symbol=symbol)
        )

    async def server_time(self) -> ServerTime:
        """The exchange clock (`epoch` in seconds)."""
        return codec.server_time(await self._spot_get(ep.TIME))

    async def clock_skew_ms(self) -> float:
        """Server minus local clock in ms, measured over one /time call with RTT/2 compensation.

        Positive means the exchange is ahead. Resolution is the server's (≈ ±500 ms when it
        only reports whole seconds). Assign `round(skew)` to `NonceSource.offset_ms` to correct
        nonces. The round trip is kept in `last_time_rtt_ms`.
        """
        sent_wall = self._clock()
        started = self._monotonic()
        st = await self.server_time()
        rtt_s = self._monotonic() - started
        self.last_time_rtt_ms = rtt_s * 1000
        local_ms = (sent_wall + rtt_s / 2) * 1000
        return _server_ms(st) - local_ms

    # ------------------------------------------------------------------ trading (signed)

    async def place_order(self, order: OrderSubmission | OrderRequest) -> list[Order]:
        """POST an order — a submission's body exactly as built (and shown); returns the ack
        items (2 for OCO).

        Raises OrderAckRejected (an OrderRejected) when the first item is a failure status
        8/15/16/17 — `exc.order` holds it. RequestTimeout means the order may exist: query it
        by clOrderID, do not resend.
        """
        submission = order if isinstance(order, OrderSubmission) else OrderSubmission.of(order)
        reply = await self._order("POST", body=dict(submission.body))
        return codec.acked_as_sent(submission.request, _checked(codec.orders(reply)))

    async def amend_order(self, request: AmendRequest) -> list[Order]:
        """PUT an amend; returns the ack (status 123). Failure statuses raise OrderAckRejected."""
        reply = await self._order("PUT", body=codec.amend_body(request))
        return _checked(codec.orders(reply))

    async def cancel_order(
        self, symbol: str, order_id: str | None = None, cl_order_id: str | None = None
    ) -> list[Order]:
        """DELETE one order (order_id), all orders with a clOrderID, or — with neither — ALL
        orders of `symbol`. Items come back as the exchange sent them (status 6 cancelled,
        16 not found); nothing is raised for per-item statuses."""
        params = codec.cancel_params(symbol, order_id=order_id, cl_order_id=cl_order_id)
        return codec.orders(await self._order("DELETE", params=params))

    async def get_order(
        self, order_id: str | None = None, cl_order_id: str | None = None
    ) -> Order | None:
        """One order by id or clOrderID (open, or cancelled in the last 30 min); None if unknown."""
        if not order_id and not cl_order_id:
            raise ValueError("get_order needs order_id or cl_order_id")
        try:
            reply = await self._spot_get(
                ep.ORDER,
                signed=True,
                orderID=order_id or None,
                clOrderID=None if order_id else cl_order_id,
            )
        except NotFound:
            return None
        except ApiError as exc:
            if _means_not_found(exc):
                return None
            raise
        if reply is None or reply == [] or reply == {}:
            return None
        found = codec.order(reply)
        if found.status == OrderStatus.ORDER_NOTFOUND:
            return None
        return found

    async def open_orders(
        self,
        symbol: str | None = None,
        order_id: str | None = None,
        cl_order_id: str | None = None,
        *,
        dropped: list[BadValue] | None = None,
    ) -> list[Order]:
        """The trader's open orders (all symbols when `symbol` is None); rows that cannot be
        true are left out (and added to `dropped`)."""
        reply = await self._spot_get(
            ep.OPEN_ORDERS, signed=True, symbol=symbol, orderID=order_id, clOrderID=cl_order_id
        )
        return self._rows(codec.open_orders, reply, dropped=dropped)

    async def trade_history(
        self,
        symbol: str,
        *,
        start_ms: int | None = None,
        end_ms: int | None = None,
        count: int | None = None,
        order_id: str | None = None,
        cl_order_id: str | None = None,
        match_symbol: bool | None = None,
    ) -> list[Fill]:
        """The trader's own fills of `symbol` (window ≤ 7 days, times in epoch ms)."""
        reply = await self._spot_get(
            ep.TRADE_HISTORY,
            signed=True,
            symbol=symbol,
            startTime=start_ms,
            endTime=end_ms,
            count=count,
            orderID=order_id,
            clOrderID=cl_order_id,
            isMatchSymbol=match_symbol,
        )
        return self._rows(codec.trade_history, reply)

    async def fees(self, symbol: str | None = None) -> list[FeeRate]:
        """Maker/taker fee rates (one symbol or all)."""
        return self._rows(codec.fees, await self._spot_get(ep.FEES, signed=True, symbol=symbol))

    async def wallet(self, *, dropped: list[BadValue] | None = None) -> list[Balance]:
        """Spot balances (v3.2 wallet); a row that cannot be true (a negative balance …) is
        left out (and added to `dropped`)."""
        return self._rows(
            codec.wallet, await self._spot_get(ep.WALLET, signed=True), dropped=dropped
        )

    async def cancel_all_after(self, timeout_ms: int) -> None:
        """Arm (or re-arm) the dead man's switch: all orders are cancelled if not re-armed
        within `timeout_ms`."""
        body = codec.cancel_all_after_body(timeout_ms)
        await self._sender.send(
            "POST", self._spot + ep.CANCEL_ALL_AFTER, body=body, signed=True, bucket=buckets.ORDERS
        )

    # ------------------------------------------------------------------ internals

    async def _market(self, path: str, **params: Any) -> Any:
        return await self._sender.send(
            "GET", self._root + path, params=_params(**params), bucket=buckets.MARKETS
        )

    async def _spot_get(self, path: str, *, signed: bool = False, **params: Any) -> Any:
        bucket = buckets.WALLET if path == ep.WALLET else buckets.QUERY
        return await self._sender.send(
            "GET", self._spot + path, params=_params(**params), signed=signed, bucket=bucket
        )

    async def _order(
        self,
        method: str,
        *,
        body: dict[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Any:
        return await self._sender.send(
            method,
            self._spot + ep.ORDER,
            params=params,
            body=body,
            signed=True,
            bucket=buckets.ORDERS,
        )

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


def _what(method: str, url: str) -> str:
    """`GET /path` for error messages (built only when one is raised: parsing it has a cost)."""
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


def _server_ms(st: ServerTime) -> float:
    """Server time in ms: the ISO string when it carries milliseconds, else mid-second of epoch."""
    if st.iso:
        try:
            parsed = datetime.fromisoformat(st.iso.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            iso_ms = parsed.timestamp() * 1000
            if abs(iso_ms / 1000 - st.epoch_s) < 2:
                return iso_ms
    return st.epoch_s * 1000 + 500.0


def _selector(symbols: Sequence[str] | None) -> dict[str, str]:
    """Markets API selector: `symbol` for one, `symbols` (JSON array) for several, none for all."""
    if not symbols:
        return {}
    if isinstance(symbols, str):
        return {"symbol": symbols}
    if len(symbols) == 1:
        return {"symbol": symbols[0]}
    return {"symbols": orjson.dumps(list(symbols)).decode()}


def _checked(items: list[Order]) -> list[Order]:
    """Raise OrderAckRejected when the (first) ack item is a failure status."""
    if items and items[0].is_failure:
        raise OrderAckRejected.from_order(items[0], items)
    return items


def _means_not_found(exc: ApiError) -> bool:
    """An error reply that says 'no such order' (status 16 or the wording), not a real failure."""
    if isinstance(exc, RateLimited | AuthenticationError | PermissionDenied | ServerError):
        return False
    return exc.code == OrderStatus.ORDER_NOTFOUND or "not found" in exc.message.lower()
