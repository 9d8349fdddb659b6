"""RestClient over httpx.MockTransport: signed bytes, error mapping, no retries, typed replies."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

import httpx
import pytest

from btse_tui.client.auth import BtseAuth
from btse_tui.client.limiter import RateLimiter
from btse_tui.client.rest import OrderAckRejected, RestClient, make_http_client
from btse_tui.config import Secret
from btse_tui.protocol import codec, signing
from btse_tui.protocol.endpoints import BaseUrls
from btse_tui.protocol.errors import (
    ApiError,
    AuthenticationError,
    ConfigError,
    NotFound,
    OrderRejected,
    PermissionDenied,
    RateLimited,
    RequestTimeout,
    ServerError,
    TransportError,
)
from btse_tui.protocol.models import OrderRequest, OrderType, Side

SECRET = "848db84ac252b6726e5f6e7a711d9c96d9fd77d020151b45839a5b59c37203bx"
KEY = "4e9536c79f0fdd72bf04f2430982d3f61d9d76c996f0175bbba470d69d59816x"
URLS = BaseUrls("https://testapi.btse.io", "wss://x/ws/spot", "wss://x/ws/oss/spot")
NOW_S = 1_700_000_000.0

Handler = Callable[[httpx.Request], httpx.Response]


def ack(status: int = 2, message: str = "", **extra: object) -> dict:
    row = {
        "status": status,
        "symbol": "ETH-USDT",
        "orderType": 76,
        "price": 2500,
        "side": "BUY",
        "orderID": "0d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "timestamp": 1700000000456,
        "triggerPrice": 0,
        "trigger": False,
        "message": message,
        "clOrderID": "cli-42",
        "postOnly": False,
        "originalOrderBaseSize": 0.01,
        "originalOrderQuoteSize": None,
        "currentOrderBaseSize": 0.01,
        "remainingOrderBaseSize": 0.01,
        "filledBaseSize": 0,
        "totalFilledBaseSize": 0,
        "orderCurrency": "base",
        "avgFilledPrice": 0,
        "time_in_force": "GTC",
    }
    row.update(extra)
    return row


class Recorder:
    """A MockTransport handler that records requests and answers from a function."""

    def __init__(self, answer: Handler) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer(request)


def client(answer: Handler, *, auth: bool = True, **kwargs: object) -> tuple[RestClient, Recorder]:
    recorder = Recorder(answer)
    http = make_http_client(2.0, transport=httpx.MockTransport(recorder))
    btse_auth = BtseAuth(KEY, Secret(SECRET), signing.NonceSource()) if auth else None
    return RestClient(http, URLS, btse_auth, clock=lambda: NOW_S, **kwargs), recorder


LIMIT_BUY = OrderRequest(
    symbol="ETH-USDT",
    side=Side.BUY,
    type=OrderType.LIMIT,
    size=Decimal("0.00001"),
    price=Decimal("2500.10"),
    cl_order_id="cli-42",
)


async def test_place_order_signs_exactly_the_bytes_sent() -> None:
    rest, rec = client(lambda r: httpx.Response(200, json=[ack()]))
    orders = await rest.place_order(LIMIT_BUY)
    assert [o.order_id for o in orders] == ["0d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"]
    (request,) = rec.requests
    assert request.method == "POST"
    assert request.url == "https://testapi.btse.io/spot/api/v3.3/order"
    assert request.headers["content-type"] == "application/json"
    assert request.content == codec.dumps_body(codec.order_body(LIMIT_BUY))
    assert b'"size":0.00001' in request.content  # plain number, no exponent
    nonce = request.headers["request-nonce"]
    expected = signing.sign(SECRET, "/api/v3.3/order" + nonce + request.content.decode())
    assert request.headers["request-sign"] == expected


async def test_failure_status_inside_200_raises_order_rejected_with_the_order() -> None:
    rest, _ = client(lambda r: httpx.Response(200, json=[ack(8, "Insufficient balance")]))
    with pytest.raises(OrderRejected) as info:
        await rest.place_order(LIMIT_BUY)
    exc = info.value
    assert isinstance(exc, OrderAckRejected)
    assert exc.status == 200 and exc.code == 8
    assert exc.order is not None and exc.order.status == 8 and exc.order.is_failure
    assert "Insufficient balance" in str(exc)


async def test_oco_ack_returns_both_legs() -> None:
    legs = [ack(2), ack(9, orderID="leg-2", trigger=True)]
    rest, _ = client(lambda r: httpx.Response(200, json=legs))
    orders = await rest.place_order(LIMIT_BUY)
    assert [o.status for o in orders] == [2, 9]


@pytest.mark.parametrize(
    ("status", "body", "exc_type"),
    [
        (
            401,
            {"status": 401, "code": -7, "message": "Signature verification failed"},
            AuthenticationError,
        ),
        (403, {"status": 403, "message": "Permission denied"}, PermissionDenied),
        (404, b"", NotFound),
        (500, {"status": 500, "message": "Internal error"}, ServerError),
        (502, b"<html>bad gateway</html>", ServerError),
        (
            400,
            {"status": 400, "error": "Bad Request", "code": 301, "message": "Invalid order size"},
            OrderRejected,
        ),
        (
            400,
            {"status": 400, "errorCode": -2, "message": "symbol parameter is mandatory"},
            ApiError,
        ),
    ],
)
async def test_http_errors_map_to_the_error_tree(
    status: int, body: dict | bytes, exc_type: type[ApiError]
) -> None:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    rest, rec = client(lambda r: httpx.Response(status, content=content))
    with pytest.raises(exc_type) as info:
        await rest.place_order(LIMIT_BUY)
    assert type(info.value) is exc_type
    assert info.value.status == status
    assert len(rec.requests) == 1  # never retried


@pytest.mark.parametrize(
    ("retry_after", "expected_s"),
    [
        ("7", 7.0),  # seconds to wait (D-error-codes)
        (str(int((NOW_S + 5) * 1000)), 5.0),  # unlock time, epoch ms (G33)
        (str(int(NOW_S + 12)), 12.0),  # unlock time, epoch s
        (None, 1.0),
    ],
)
async def test_429_retry_after_in_either_unit(retry_after: str | None, expected_s: float) -> None:
    headers = {"Retry-After": retry_after} if retry_after else {}
    body = {"status": 429, "message": "Rate limit exceeded"}
    limiter = RateLimiter(clock=lambda: 0.0)
    rest, rec = client(lambda r: httpx.Response(429, json=body, headers=headers), limiter=limiter)
    with pytest.raises(RateLimited) as info:
        await rest.tickers()
    assert info.value.retry_after_s == pytest.approx(expected_s)
    assert limiter.block_remaining() == pytest.approx(expected_s)  # the limiter holds
    assert len(rec.requests) == 1


@pytest.mark.parametrize("method", ["place", "amend", "cancel"])
async def test_timeout_is_request_timeout_and_never_retried(method: str) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    rest, rec = client(answer)
    with pytest.raises(RequestTimeout) as info:
        if method == "place":
            await rest.place_order(LIMIT_BUY)
        elif method == "amend":
            from btse_tui.protocol.models import AmendRequest

            await rest.amend_order(
                AmendRequest("ETH-USDT", "PRICE", order_id="x", value=Decimal("2501"))
            )
        else:
            await rest.cancel_order("ETH-USDT", order_id="x")
    assert "unknown" in str(info.value)
    assert len(rec.requests) == 1


async def test_connect_error_is_transport_error_not_timeout() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    rest, _ = client(answer)
    with pytest.raises(TransportError) as info:
        await rest.wallet()
    assert not isinstance(info.value, RequestTimeout)


async def test_cancel_sends_query_and_signs_path_only() -> None:
    rest, rec = client(lambda r: httpx.Response(200, json=[ack(6)]))
    orders = await rest.cancel_order("ETH-USDT", cl_order_id="cli-42")
    assert orders[0].status == 6
    (request,) = rec.requests
    assert request.method == "DELETE" and request.content == b""
    assert dict(request.url.params) == {"symbol": "ETH-USDT", "clOrderID": "cli-42"}
    nonce = request.headers["request-nonce"]
    assert request.headers["request-sign"] == signing.sign(SECRET, "/api/v3.3/order" + nonce)


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(404, content=b""),
        httpx.Response(200, json=ack(16, "Order not found")),
        httpx.Response(400, json={"status": 400, "errorCode": 16, "message": "Order not found"}),
        httpx.Response(200, content=b""),
    ],
)
async def test_get_order_unknown_is_none(response: httpx.Response) -> None:
    rest, rec = client(lambda r: response)
    assert await rest.get_order(cl_order_id="cli-42") is None
    assert dict(rec.requests[0].url.params) == {"clOrderID": "cli-42"}


async def test_get_order_found_and_other_errors_still_raise() -> None:
    rest, _ = client(lambda r: httpx.Response(200, json=ack(5)))
    found = await rest.get_order(order_id="abc")
    assert found is not None and found.status == 5
    rest, _ = client(lambda r: httpx.Response(401, json={"message": "Authenticate failed"}))
    with pytest.raises(AuthenticationError):
        await rest.get_order(order_id="abc")


async def test_private_call_without_credentials_is_a_config_error() -> None:
    rest, rec = client(lambda r: httpx.Response(200, json=[]), auth=False)
    with pytest.raises(ConfigError):
        await rest.open_orders()
    assert rec.requests == []


async def test_public_calls_are_unsigned_and_decoded() -> None:
    envelope = {
        "success": True,
        "code": 1,
        "msg": "Success",
        "time": 1700000000123,
        "data": [
            {"symbol": "BTC-USDT", "lastPrice": "50000.5", "bidPrice": "50000", "askPrice": "50001"}
        ],
    }
    rest, rec = client(lambda r: httpx.Response(200, json=envelope))
    (ticker,) = await rest.tickers(["BTC-USDT", "ETH-USDT"])
    assert ticker.last == Decimal("50000.5")
    (request,) = rec.requests
    assert request.url.path == "/public-api/market/v1/ticker/24hr"
    assert json.loads(request.url.params["symbols"]) == ["BTC-USDT", "ETH-USDT"]
    assert "request-sign" not in request.headers


async def test_wallet_uses_v32_path() -> None:
    rest, rec = client(
        lambda r: httpx.Response(200, json=[{"currency": "USDT", "total": 10.5, "available": 9}])
    )
    (balance,) = await rest.wallet()
    assert balance.currency == "USDT" and balance.locked == Decimal("1.5")
    request = rec.requests[0]
    nonce = request.headers["request-nonce"]
    assert request.url.path == "/spot/api/v3.2/user/wallet"
    assert request.headers["request-sign"] == signing.sign(SECRET, "/api/v3.2/user/wallet" + nonce)


async def test_clock_skew_compensates_half_the_round_trip() -> None:
    ticks = iter([50.0, 50.2])  # monotonic: 200 ms round trip
    rest = RestClient(
        make_http_client(
            2.0,
            transport=httpx.MockTransport(
                lambda r: httpx.Response(
                    200, json={"iso": "2023-11-14T22:13:21.100Z", "epoch": 1700000001}
                )
            ),
        ),
        URLS,
        clock=lambda: NOW_S,  # local wall clock when sending: ...000.000
        monotonic=lambda: next(ticks),
    )
    skew = await rest.clock_skew_ms()
    # server 1700000001.100 vs local mid-flight 1700000000.100 → exchange is 1 s ahead
    assert skew == pytest.approx(1000.0)
    assert rest.last_time_rtt_ms == pytest.approx(200.0)


async def test_clock_skew_without_iso_uses_mid_second() -> None:
    ticks = iter([0.0, 0.0])
    rest = RestClient(
        make_http_client(
            2.0,
            transport=httpx.MockTransport(
                lambda r: httpx.Response(200, json={"iso": "", "epoch": int(NOW_S) + 2})
            ),
        ),
        URLS,
        clock=lambda: NOW_S,
        monotonic=lambda: next(ticks),
    )
    assert await rest.clock_skew_ms() == pytest.approx(2500.0)


def test_http_client_has_explicit_timeouts() -> None:
    http = make_http_client(3.0)
    assert http.timeout.read == 3.0 and http.timeout.connect == 3.0
    assert make_http_client(30.0).timeout.connect == 5.0
