"""Signed spot endpoints against btse-api.md §2 and §4: auth, order lifecycle, shapes, limits."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import httpx
import pytest

from btse_tui.sim.access.ratelimit import RateLimitConfig
from btse_tui.sim.context import SimConfig
from btse_tui.sim.runner import SimServer
from tests.sim.rawbtse import Spot, auth_headers, hmac384, no_exponent

ORDER = "/api/v3.3/order"
V33_ITEM_KEYS = {
    "status",
    "symbol",
    "orderType",
    "price",
    "side",
    "orderID",
    "timestamp",
    "triggerPrice",
    "stopPrice",
    "trigger",
    "message",
    "clOrderID",
    "stealth",
    "deviation",
    "postOnly",
    "orderDetailType",
    "originalOrderBaseSize",
    "originalOrderQuoteSize",
    "currentOrderBaseSize",
    "currentOrderQuoteSize",
    "remainingOrderBaseSize",
    "remainingOrderQuoteSize",
    "filledBaseSize",
    "totalFilledBaseSize",
    "orderCurrency",
    "avgFilledPrice",
    "time_in_force",
}


def resting_buy(spot: Spot, cl: str = "cli-1", symbol: str = "ETH-USDT") -> dict:
    resp = spot.place(
        symbol=symbol, side="BUY", type="LIMIT", price=1000.5, size=0.01, clOrderID=cl
    )
    assert resp.status_code == 200, resp.text
    (item,) = resp.json()
    return item


# ---------------------------------------------------------------- authentication


def test_missing_headers_is_401_api_parameter_mandatory(sim: SimServer) -> None:
    resp = httpx.get(sim.urls.spot_rest + "/api/v3.3/user/open_orders")
    assert resp.status_code == 401
    assert resp.json() == {
        "status": 401,
        "error": "Unauthorized",
        "code": resp.json()["code"],
        "message": "api parameter is mandatory",
    }


def test_bad_signature_stale_nonce_and_signed_query_are_401(sim: SimServer) -> None:
    key, secret = sim.demo_account
    url = sim.urls.spot_rest + "/api/v3.3/user/open_orders"
    wrong = auth_headers(key, secret + "x", "/api/v3.3/user/open_orders")
    assert httpx.get(url, headers=wrong).json()["message"] == "Signature verification failed"
    stale_nonce = str(int(time.time() * 1000) - 31_000)
    stale = auth_headers(key, secret, "/api/v3.3/user/open_orders", nonce=stale_nonce)
    resp = httpx.get(url, headers=stale)
    assert resp.status_code == 401 and resp.json()["message"] == "Invalid nonce"
    # signing the query string (or the /spot prefix) is wrong (§2.1)
    with_query = auth_headers(key, secret, "/api/v3.3/user/open_orders?symbol=BTC-USDT")
    resp = httpx.get(url, params={"symbol": "BTC-USDT"}, headers=with_query)
    assert resp.status_code == 401
    with_prefix = auth_headers(key, secret, "/spot/api/v3.3/user/open_orders")
    assert httpx.get(url, headers=with_prefix).status_code == 401
    unknown = auth_headers("nobody", secret, "/api/v3.3/user/open_orders")
    assert httpx.get(url, headers=unknown).status_code == 401
    good = auth_headers(key, secret, "/api/v3.3/user/open_orders")
    assert httpx.get(url, params={"symbol": "BTC-USDT"}, headers=good).status_code == 200


def test_signature_covers_exact_body_bytes(sim: SimServer) -> None:
    key, secret = sim.demo_account
    body = {"symbol": "ETH-USDT", "side": "BUY", "type": "LIMIT", "price": 1000, "size": 0.01}
    compact = json.dumps(body, separators=(",", ":"))
    spaced = json.dumps(body)
    headers = auth_headers(key, secret, ORDER, compact)
    resp = httpx.post(sim.urls.spot_rest + ORDER, content=spaced, headers=headers)
    assert resp.status_code == 401 and resp.json()["message"] == "Signature verification failed"
    headers = auth_headers(key, secret, ORDER, spaced)
    resp = httpx.post(sim.urls.spot_rest + ORDER, content=spaced, headers=headers)
    assert resp.status_code == 200 and resp.json()[0]["status"] == 2


def test_lowercase_hex_of_hmac_sha384_matches_the_published_ws_vector() -> None:
    # btse-api.md §2.3 vector 3: our test signer is the one the reference verified
    secret = "848db84ac252b6726e5f6e7a711d9c96d9fd77d020151b45839a5b59c37203bx"
    assert hmac384(secret, "/ws/spot1624985375123") == (
        "c410d38c681579adb335885800cff24c66171b7cc8376cfe43da1408c581748156b89bcc5a115bb496413bda481139fb"
    )


def test_permissions_are_403(sim: SimServer) -> None:
    ro_key, ro_secret = sim.account("readonly")
    readonly = Spot(sim.urls.rest, ro_key, ro_secret)
    resp = readonly.place(symbol="ETH-USDT", side="BUY", type="LIMIT", price=1000, size=0.01)
    assert resp.status_code == 403
    assert resp.json()["status"] == 403 and resp.json()["error"] == "Forbidden"
    assert readonly.request("GET", "/api/v3.3/user/fees").status_code == 200
    to_key, to_secret = sim.account("tradeonly")
    trader = Spot(sim.urls.rest, to_key, to_secret)
    assert trader.request("GET", "/api/v3.2/user/wallet").status_code == 403
    history = trader.request("GET", "/api/v3.3/user/trade_history", params={"symbol": "BTC-USDT"})
    assert history.status_code == 403
    assert trader.request("GET", "/api/v3.3/user/open_orders").status_code == 200


# ---------------------------------------------------------------- order lifecycle


def test_create_get_open_amend_cancel(spot: Spot) -> None:
    item = resting_buy(spot, "life-1")
    assert item.keys() == V33_ITEM_KEYS
    assert item["status"] == 2 and item["orderType"] == 76 and item["side"] == "BUY"
    assert item["price"] == 1000.5 and item["clOrderID"] == "life-1"
    assert item["originalOrderBaseSize"] == 0.01 and item["originalOrderQuoteSize"] is None
    assert item["remainingOrderQuoteSize"] is None and item["orderCurrency"] == "base"
    assert item["time_in_force"] == "GTC" and item["trigger"] is False
    oid = item["orderID"]

    got = spot.request("GET", ORDER, params={"orderID": oid})
    obj = got.json()
    assert got.status_code == 200 and isinstance(obj, dict)
    assert obj["timeInForce"] == "GTC" and "time_in_force" not in obj
    assert obj["status"] == 2 and obj["orderID"] == oid and obj["triggerOrder"] is False
    by_cl = spot.request("GET", ORDER, params={"clOrderID": "life-1"}).json()
    assert by_cl["orderID"] == oid

    rows = spot.request("GET", "/api/v3.3/user/open_orders", params={"symbol": "ETH-USDT"}).json()
    row = next(r for r in rows if r["orderID"] == oid)
    assert row["orderState"] == "STATUS_ACTIVE" and "status" not in row
    assert row["timeInForce"] == "GTC" and row["remainingOrderBaseSize"] == 0.01

    amend = spot.request(
        "PUT", ORDER, {"symbol": "ETH-USDT", "orderID": oid, "type": "PRICE", "value": 1001}
    )
    (amended,) = amend.json()
    assert amended["status"] == 123 and amended["price"] == 1001
    assert amended["originalPrice"] == 1000.5

    cancel = spot.cancel("ETH-USDT", oid)
    (cancelled,) = cancel.json()
    assert cancel.status_code == 200 and cancelled["status"] == 6 and cancelled["orderID"] == oid
    gone = spot.request("GET", "/api/v3.3/user/open_orders", params={"orderID": oid}).json()
    assert gone == []
    (again,) = spot.cancel("ETH-USDT", oid).json()
    assert again["status"] == 16


def test_cancel_by_symbol_and_by_cl_order_id(spot: Spot) -> None:
    a = resting_buy(spot, "grp", "BTC-USD")
    resting_buy(spot, "other", "BTC-USD")
    by_cl = spot.request("DELETE", ORDER, params={"symbol": "BTC-USD", "clOrderID": "grp"}).json()
    assert [i["orderID"] for i in by_cl] == [a["orderID"]]
    rest = spot.request("DELETE", ORDER, params={"symbol": "BTC-USD"}).json()
    assert [i["clOrderID"] for i in rest] == ["other"]


def test_a_cl_order_id_already_open_is_refused_and_free_again_once_closed(spot: Spot) -> None:
    first = resting_buy(spot, "twice", "BTC-USD")
    again = spot.place(symbol="ETH-USDT", side="BUY", type="LIMIT", price=1000, size=0.01,
                       clOrderID="twice")  # fmt: skip
    assert again.status_code == 400
    body = again.json()
    assert (body["status"], body["error"], body["code"]) == (400, "Bad Request", -2)
    assert "clOrderID" in body["message"] and "'twice'" in body["message"]
    assert first["orderID"] in body["message"]
    open_ids = [o["orderID"] for o in spot.request("GET", "/api/v3.3/user/open_orders").json()
                if o["clOrderID"] == "twice"]  # fmt: skip
    assert open_ids == [first["orderID"]]  # nothing was placed
    spot.request("DELETE", ORDER, params={"symbol": "BTC-USD", "clOrderID": "twice"})
    reused = resting_buy(spot, "twice", "BTC-USD")  # a closed order's id may be used again
    assert reused["status"] == 2 and reused["orderID"] != first["orderID"]
    spot.request("DELETE", ORDER, params={"symbol": "BTC-USD"})


def test_bad_orders_are_400_with_btse_codes_and_business_failures_200(spot: Spot) -> None:
    resp = spot.place(symbol="ETH-USDT", side="BUY", type="LIMIT", price=1000, size=0.00001)
    assert resp.status_code == 400
    body = resp.json()
    assert body["status"] == 400 and body["error"] == "Bad Request" and body["code"] == 301
    resp = spot.place(symbol="ETH-USDT", side="BUY", type="LIMIT", price=1000.001, size=0.01)
    assert resp.status_code == 400 and resp.json()["code"] == 302
    resp = spot.place(symbol="ETH-USDT", side="BUY", type="LIMIT", price=3000, size=9999)
    (item,) = resp.json()
    assert resp.status_code == 200 and item["status"] == 8 and item["message"]
    bad_json = httpx.post(
        spot.base + "/spot" + ORDER,
        content=b"{nope",
        headers=auth_headers(spot.key, spot.secret, ORDER, "{nope"),
    )
    assert bad_json.status_code == 400


def test_market_buy_fills_and_trade_history(spot: Spot) -> None:
    resp = spot.place(symbol="SOL-USDT", side="BUY", type="MARKET", size=1, clOrderID="mb")
    (item,) = resp.json()
    assert item["status"] == 4 and item["orderType"] == 77
    assert item["totalFilledBaseSize"] == 1 and item["avgFilledPrice"] > 0
    assert no_exponent(resp.text)
    rows = spot.request(
        "GET", "/api/v3.3/user/trade_history", params={"symbol": "SOL-USDT", "clOrderID": "mb"}
    ).json()
    assert rows and all(r["orderId"] == item["orderID"] for r in rows)
    assert "orderID" not in rows[0]
    assert sum(Decimal(str(r["filledSize"])) for r in rows) == 1
    assert rows[0]["feeCurrency"] == "SOL" and rows[0]["wallet"] == "SPOT@"
    assert rows[0]["base"] == "SOL" and rows[0]["quote"] == "USDT"


def test_quote_sized_market_buy_has_null_base_halves(spot: Spot) -> None:
    (item,) = spot.place(symbol="XRP-USDT", side="BUY", type="MARKET", price=50).json()
    assert item["orderCurrency"] == "quote"
    assert item["originalOrderQuoteSize"] == 50 and item["originalOrderBaseSize"] is None


def test_quote_sized_market_buy_reports_fill_price_and_status_5_while_quote_is_left(
    spot: Spot,
) -> None:
    (item,) = spot.place(
        symbol="XRP-USDT", side="BUY", type="MARKET", price=50, clOrderID="qb"
    ).json()
    # as BTSE's "Quote Buy" reply: `price` is the average fill, not the 50 USDT budget
    assert item["price"] == item["avgFilledPrice"] and item["avgFilledPrice"] > 0
    left = Decimal(str(item["remainingOrderQuoteSize"]))
    assert item["status"] == (5 if left > 0 else 4)
    rows = spot.request(
        "GET", "/api/v3.3/user/trade_history", params={"symbol": "XRP-USDT", "clOrderID": "qb"}
    ).json()
    assert rows
    for row in rows:  # the fill price, and the quote amount as `size`
        assert row["price"] == row["filledPrice"] and row["size"] == 50
    assert (
        spot.request("GET", "/api/v3.3/user/open_orders", params={"symbol": "XRP-USDT"}).json()
        == []
    )


def test_trade_history_window_over_7_days_is_clamped_not_refused(spot: Spot) -> None:
    spot.place(symbol="LTC-USDT", side="BUY", type="MARKET", size=0.1, clOrderID="wk")
    now = int(time.time() * 1000)
    month = {"symbol": "LTC-USDT", "clOrderID": "wk", "startTime": now - 30 * 86_400_000}
    resp = spot.request(
        "GET", "/api/v3.3/user/trade_history", params={**month, "endTime": now + 1000}
    )
    assert resp.status_code == 200 and resp.json()  # the last 7 days of the window
    before = {**month, "endTime": now - 3_600_000}
    resp = spot.request("GET", "/api/v3.3/user/trade_history", params=before)
    assert resp.status_code == 200 and resp.json() == []


def test_fees_wallet_and_cancel_all_after(spot: Spot) -> None:
    fee = spot.request("GET", "/api/v3.3/user/fees", params={"symbol": "BTC-USDT"}).json()
    assert fee == {"symbol": "BTC-USDT", "makerFee": 0.001, "takerFee": 0.002}
    fees = spot.request("GET", "/api/v3.3/user/fees").json()
    assert isinstance(fees, list) and len(fees) >= 30
    wallet = spot.request("GET", "/api/v3.2/user/wallet")
    assert no_exponent(wallet.text)
    usdt = next(r for r in wallet.json() if r["currency"] == "USDT")
    assert usdt.keys() == {"currency", "total", "available"}
    assert isinstance(usdt["total"], int | float) and usdt["total"] >= usdt["available"] > 0
    armed = spot.request("POST", "/api/v3.3/order/cancelAllAfter", {"timeout": 60000})
    assert armed.status_code == 200
    disarmed = spot.request("POST", "/api/v3.3/order/cancelAllAfter", {"timeout": 0})
    assert disarmed.status_code == 200
    assert spot.request("POST", "/api/v3.3/order/cancelAllAfter", {}).status_code == 400


def test_order_peg_alias_places_an_order(spot: Spot) -> None:
    body = {"symbol": "ETH-USDT", "side": "SELL", "type": "LIMIT", "price": 9000, "size": 0.01}
    resp = spot.request("POST", "/api/v3.3/order/peg", body)
    (item,) = resp.json()
    assert item["status"] == 2
    spot.cancel("ETH-USDT", item["orderID"])


# ---------------------------------------------------------------- rate limits (§7.4)


def test_rate_limits_are_off_by_default(spot: Spot) -> None:
    codes = {spot.request("GET", "/api/v3.3/user/fees").status_code for _ in range(40)}
    assert codes == {200}


def test_rate_limits_answer_429_with_retry_after_seconds() -> None:
    limits = RateLimitConfig(
        enabled=True,
        limits={"query": (3, 1.0), "order": (75, 1.0), "wallet": (5, 1.0), "markets": (4, 2.0)},
        ladder=(2.0, 300.0, 900.0),
    )
    with SimServer(SimConfig(flow_rate=0, rate_limits=limits)) as server:
        key, secret = server.demo_account
        client = Spot(server.urls.rest, key, secret)
        codes = [client.request("GET", "/api/v3.3/user/fees").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        blocked = client.request("GET", "/api/v3.3/user/fees")
        assert blocked.status_code == 429 and blocked.headers["Retry-After"] in ("1", "2")
        assert blocked.json()["status"] == 429
        # another key has its own bucket; the Markets API counts per IP over 2 s
        other = Spot(server.urls.rest, *server.account("demo2"))
        assert other.request("GET", "/api/v3.3/user/fees").status_code == 200
        markets = [
            httpx.get(server.urls.rest + "/public-api/market/v1/markets").status_code
            for _ in range(5)
        ]
        assert markets == [200, 200, 200, 200, 429]


@pytest.mark.parametrize("path", ["/api/v3.3/user/open_orders", "/api/v3.3/user/fees"])
def test_private_endpoints_require_auth(sim: SimServer, path: str) -> None:
    assert httpx.get(sim.urls.spot_rest + path).status_code == 401
