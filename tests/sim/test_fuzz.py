"""Hostile input against the embedded exchange: generated bad bodies, parameters and frames.

Every REST answer is below 500 (a BTSE-shaped error naming the field when the input is bad),
the server logs no handler failure, balances never go negative, locks match the open orders,
funds are conserved and no book is crossed — checked after every single request.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from websockets.sync.client import ClientConnection, connect

from btse_tui.sim.context import SimConfig
from btse_tui.sim.engine.records import FillHappened
from btse_tui.sim.runner import SimServer
from tests.sim.rawbtse import hmac384

SYMBOLS = ("BTC-USDT", "ETH-USDT", "ETH-BTC")
FUZZ = settings(
    max_examples=250,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Errors(logging.Handler):
    """Collects every ERROR record the server logs (a handler crash, an ASGI exception)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Exchange:
    """A still simulator, a signed client with strictly increasing nonces, and a ledger view."""

    def __init__(self, server: SimServer) -> None:
        self.server = server
        assert server.urls is not None
        self.key, self.secret = server.demo_account
        self.http = httpx.Client(base_url=server.urls.rest, timeout=10)
        self._nonces = itertools.count(int(time.time() * 1000))
        self.fees: dict[str, Decimal] = defaultdict(Decimal)
        server.call(lambda: server.engine.subscribe(self._on_event))
        self.initial = server.call(self.totals)

    def _on_event(self, event: object) -> None:
        if isinstance(event, FillHappened):
            self.fees[event.fill.fee_currency] += event.fill.fee_amount

    def keys(self) -> list[str]:
        flow = self.server.state.flow
        return [a.key for a in self.server.accounts] + [flow.maker_key, flow.taker_key]

    def totals(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = defaultdict(Decimal)
        for key in self.keys():
            for currency, balance in self.server.engine.account_for_key(key).balances.items():
                out[currency] += balance.total
        return dict(out)

    def signed(self, method: str, path: str, body: bytes = b"", params: dict | None = None):
        nonce = str(next(self._nonces))
        signed_path = path.removeprefix("/spot")
        headers = {
            "request-api": self.key,
            "request-nonce": nonce,
            "request-sign": hmac384(
                self.secret, signed_path + nonce + body.decode(errors="replace")
            ),
            "Content-Type": "application/json",
        }
        return self.http.request(method, path, content=body, params=params, headers=headers)

    def ensure_resting(self) -> None:
        """Keep one open order, `fuzz-rest` (an ETH-USDT buy far below the market), to amend."""
        engine = self.server.engine
        if not self.server.call(lambda: engine.open_orders(self.key, cl_order_id="fuzz-rest")):
            body = {"symbol": "ETH-USDT", "side": "BUY", "type": "LIMIT", "price": "1000.00"}
            body |= {"size": "0.5", "clOrderID": "fuzz-rest"}
            reply = self.signed("POST", "/spot/api/v3.3/order", _encode(body))
            assert reply.status_code == 200 and reply.json()[0]["status"] == 2, reply.text

    def check_invariants(self) -> None:
        """On the server loop: no negative balance, locks = open orders, funds conserved."""
        engine = self.server.engine
        for key in self.keys():
            account = engine.account_for_key(key)
            locked: dict[str, Decimal] = defaultdict(Decimal)
            for order in account.open_orders.values():
                assert order.locked >= 0, (key, order.order_id)
                locked[order.lock_currency] += order.locked
            for currency, balance in account.balances.items():
                assert balance.available >= 0, (key, currency, balance)
                assert balance.total >= 0, (key, currency, balance)
                assert balance.total - balance.available == locked[currency], (key, currency)
        now = self.totals()
        for currency, amount in self.initial.items():
            assert now[currency] + self.fees[currency] == amount, currency
        for symbol in SYMBOLS:
            bids, asks = engine.book_levels(symbol, 1)
            assert not (bids and asks) or bids[0][0] < asks[0][0], symbol


@pytest.fixture(scope="module")
def exchange() -> Iterator[Exchange]:
    with SimServer(SimConfig(flow_rate=0, ws_idle_timeout_s=600)) as server:
        client = Exchange(server)
        yield client
        client.http.close()


@pytest.fixture
def errors() -> Iterator[Errors]:
    handler = Errors()
    loggers = [logging.getLogger(name) for name in ("btse_tui.sim", "uvicorn.error")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


# ---------------------------------------------------------------- generated input

NUMERIC_TEXT = st.sampled_from(
    [
        "1E+40", "1e400", "-1e400", "1e-400", "99999999999999999999999999999999", "NaN",
        "-NaN", "sNaN", "Infinity", "-inf", "-0", "0", "0.1", "1", " 2 ", "1_000", "0x10",
        "97000.0", "0.001", "0.00000000000000000000000000000001", "1" * 400, "", "  ", "½",
        "²", "٣",
    ]
)  # fmt: skip
NUMBER = st.one_of(
    NUMERIC_TEXT,
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 5e-324]),
)
JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
VALUE = st.one_of(NUMBER, JUNK)
SYMBOL = st.one_of(st.sampled_from(SYMBOLS), JUNK)


@st.composite
def order_bodies(draw: st.DrawFn) -> dict:
    """A sensible order with one or two fields replaced by hostile values (or dropped)."""
    body: dict = {
        "symbol": draw(st.sampled_from(SYMBOLS)),
        "side": draw(st.sampled_from(["BUY", "SELL"])),
        "type": draw(st.sampled_from(["LIMIT", "MARKET"])),
        "price": draw(st.sampled_from(["97000.0", "3400.00", "0.03500", "0.1"])),
        "size": draw(st.sampled_from(["0.001", "0.01", "1", "0.00001"])),
    }
    extras = {
        "txType": st.sampled_from(["LIMIT", "STOP", "TRIGGER", "TAKEPROFIT"]),
        "triggerPrice": st.sampled_from(["96000.0", "3300.00"]),
        "time_in_force": st.sampled_from(["GTC", "IOC", "FOK", "HALFMIN"]),
        "postOnly": st.booleans(),
        "clOrderID": st.sampled_from(["fuzz-1", "fuzz-2", "fuzz-rest"]),
    }
    for key in draw(st.lists(st.sampled_from(sorted(extras)), max_size=3, unique=True)):
        body[key] = draw(extras[key])
    fields = [*body, "symbol", "side", "type", "price", "size", "triggerPrice", "clOrderID"]
    for key in draw(st.lists(st.sampled_from(fields), min_size=1, max_size=2, unique=True)):
        if draw(st.booleans()) and key in body:
            del body[key]
        else:
            body[key] = draw(VALUE if key != "symbol" else SYMBOL)
    return body


@st.composite
def amend_bodies(draw: st.DrawFn) -> dict:
    """An amend of the resting order `fuzz-rest` with hostile values."""
    kind = draw(st.one_of(st.sampled_from(["PRICE", "SIZE", "TRIGGERPRICE", "ALL"]), JUNK))
    body: dict = {"symbol": "ETH-USDT", "clOrderID": "fuzz-rest", "type": kind}
    if kind == "ALL":
        for key in draw(
            st.lists(st.sampled_from(["orderPrice", "orderSize", "triggerPrice"]), min_size=1)
        ):
            body[key] = draw(VALUE)
    else:
        body["value"] = draw(VALUE)
    for key in draw(st.lists(st.sampled_from(["symbol", "clOrderID", "orderID"]), max_size=1)):
        body[key] = draw(JUNK)
    return body


QUERY_TEXT = st.one_of(NUMERIC_TEXT, st.sampled_from(SYMBOLS), st.text(max_size=12))
QUERY = st.dictionaries(
    st.sampled_from(
        [
            "symbol", "orderID", "clOrderID", "startTime", "endTime", "count", "depth", "limit",
            "start", "end", "resolution", "group", "limit_bids", "limit_asks", "isFull",
            "symbols", "currency",
        ]
    ),
    QUERY_TEXT,
    max_size=5,
)  # fmt: skip
PUBLIC_PATHS = st.sampled_from(
    [
        "/public-api/market/v1/markets", "/public-api/market/v1/ticker/24hr",
        "/public-api/market/v1/orderbook", "/public-api/market/v1/trades",
        "/public-api/market/v1/klines", "/spot/api/v3.3/market_summary",
        "/spot/api/v3.3/orderbook", "/spot/api/v3.3/orderbook/L2", "/spot/api/v3.3/trades",
        "/spot/api/v3.3/price", "/spot/api/v3.3/ohlcv", "/spot/api/v3.3/time",
    ]
)  # fmt: skip


def _encode(body: object) -> bytes:
    return json.dumps(body, default=str).encode()


RAW_BODY = st.one_of(
    st.binary(max_size=40),
    st.sampled_from([b"", b"[]", b"null", b"{", b'"x"', b"1e400", b'{"a":NaN}', b"\xff\xfe"]),
    JUNK.map(_encode),
)
REQUEST = st.one_of(
    st.tuples(st.just("POST"), st.just("/spot/api/v3.3/order"), order_bodies().map(_encode)),
    st.tuples(st.just("PUT"), st.just("/spot/api/v3.3/order"), amend_bodies().map(_encode)),
    st.tuples(
        st.just("POST"),
        st.just("/spot/api/v3.3/order/cancelAllAfter"),
        st.fixed_dictionaries({"timeout": VALUE}).map(_encode),
    ),
    st.tuples(
        st.sampled_from(["POST", "PUT"]),
        st.sampled_from(["/spot/api/v3.3/order", "/spot/api/v3.3/order/cancelAllAfter"]),
        RAW_BODY,
    ),
)
SIGNED_QUERIES = st.sampled_from(
    [
        ("DELETE", "/spot/api/v3.3/order"), ("GET", "/spot/api/v3.3/order"),
        ("GET", "/spot/api/v3.3/user/open_orders"), ("GET", "/spot/api/v3.3/user/trade_history"),
        ("GET", "/spot/api/v3.3/user/fees"), ("GET", "/spot/api/v3.2/user/wallet"),
    ]
)  # fmt: skip


def assert_answered(response: httpx.Response, errors: Errors) -> None:
    assert response.status_code < 500, (response.request.url, response.text)
    if response.status_code >= 400 and response.status_code != 405 and response.content:
        reply = response.json()  # BTSE-shaped: a JSON object with a message
        message = reply.get("message") or reply.get("msg")
        assert isinstance(message, str) and message, reply
    assert not errors.records, [r.getMessage() for r in errors.records]


# ---------------------------------------------------------------- REST


@FUZZ
@given(request=REQUEST)
def test_signed_bodies_never_break_the_exchange(
    exchange: Exchange, errors: Errors, request: tuple[str, str, bytes]
) -> None:
    method, path, body = request
    exchange.ensure_resting()
    assert_answered(exchange.signed(method, path, body), errors)
    exchange.server.call(exchange.check_invariants)


@FUZZ
@given(route=SIGNED_QUERIES, params=QUERY)
def test_signed_query_parameters_never_break_the_exchange(
    exchange: Exchange, errors: Errors, route: tuple[str, str], params: dict[str, str]
) -> None:
    method, path = route
    assert_answered(exchange.signed(method, path, params=params), errors)
    exchange.server.call(exchange.check_invariants)


@FUZZ
@given(path=PUBLIC_PATHS, params=QUERY)
def test_public_parameters_never_break_the_exchange(
    exchange: Exchange, errors: Errors, path: str, params: dict[str, str]
) -> None:
    assert_answered(exchange.http.get(path, params=params), errors)


def _header_bytes(text: str) -> bytes:
    """Latin-1 where it can (the server decodes headers so), UTF-8 bytes otherwise."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode()


HEADER_TEXT = st.text(st.characters(blacklist_categories=["Cc", "Cs"]), max_size=20).map(
    str.strip  # a header value cannot start or end with a space
)


@FUZZ
@given(
    nonce=st.one_of(HEADER_TEXT, st.sampled_from(["²", "١٢٣", "-1", "1" * 30, "1e3"])),
    sign=HEADER_TEXT,
)
def test_hostile_auth_headers_are_refused_with_401(
    exchange: Exchange, errors: Errors, nonce: str, sign: str
) -> None:
    headers = {"request-api": exchange.key, "request-nonce": nonce, "request-sign": sign}
    safe = {k: _header_bytes(v) for k, v in headers.items()}  # any bytes a client could send
    response = exchange.http.get("/spot/api/v3.3/user/open_orders", headers=safe)
    assert response.status_code == 401, response.text
    assert_answered(response, errors)


# ---------------------------------------------------------------- WebSocket


@pytest.fixture(scope="module")
def sockets(exchange: Exchange) -> Iterator[dict[str, ClientConnection]]:
    urls = exchange.server.urls
    assert urls is not None
    with connect(urls.ws_spot) as spot, connect(urls.ws_oss) as oss:
        yield {"spot": spot, "oss": oss}


TOPIC = st.one_of(
    st.sampled_from(
        [
            "notificationApiV3", "fills", "tradeHistoryApi:BTC-USDT", "tradeHistoryApi:NOPE",
            "update:BTC-USDT_0", "update:BTC-USDT_²", "update:BTC-USDT_99999999999999999999",
            "update:BTC-USDT", "snapshotL1:ETH-USDT", "snapshotL1:", "update:_1", ":",
        ]
    ),
    JUNK,
)  # fmt: skip
OP = st.one_of(
    st.sampled_from(["subscribe", "subscribe", "unsubscribe", "authKeyExpires", "login"]), JUNK
)
STRUCTURED_FRAME = st.fixed_dictionaries(
    {"op": OP, "args": st.one_of(st.lists(TOPIC, min_size=1, max_size=4), JUNK)}
).map(lambda frame: json.dumps(frame, default=str))
FRAME = st.one_of(
    STRUCTURED_FRAME,
    STRUCTURED_FRAME,
    STRUCTURED_FRAME,
    st.text(max_size=30),
    st.sampled_from(["", "{", "[]", "null", '{"op":"subscribe","args":[1e400]}', "1" * 5000]),
)


@FUZZ
@given(kind=st.sampled_from(["spot", "oss"]), frame=FRAME)
@example(kind="oss", frame='{"op":"subscribe","args":["update:BTC-USDT_\u00b2"]}')
def test_websocket_frames_never_break_the_socket(
    sockets: dict[str, ClientConnection], errors: Errors, kind: str, frame: str
) -> None:
    socket = sockets[kind]
    socket.send(frame)
    socket.send("ping")
    deadline = time.monotonic() + 5
    while (reply := socket.recv(timeout=max(0.01, deadline - time.monotonic()))) != "pong":
        assert isinstance(reply, str)  # answers come back in order; the socket stays open
    assert not errors.records, [r.getMessage() for r in errors.records]
