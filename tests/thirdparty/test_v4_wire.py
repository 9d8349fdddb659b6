"""The spot v4 routes at the wire: sizing rules and the newer APIs' error envelope."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from btse_tui.sim.runner import SimServer
from tests.sim.rawbtse import Spot, auth_headers

V4 = "/api/v4/trade"


@pytest.fixture
def spot(sim: SimServer) -> Iterator[Spot]:
    key, secret = sim.demo_account
    assert sim.urls is not None
    client = Spot(sim.urls.rest, key, secret)
    yield client
    client.close()


def open_count(sim: SimServer) -> int:
    key = sim.demo_account.key
    return len(sim.call(lambda: sim.engine.open_orders(key)))


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (
            {"symbol": "ETH-USDT", "orderSide": "BUY", "orderType": "MARKET", "orderSize": "0.1"},
            "orderSize is not accepted for a MARKET BUY: send quoteOrderSize",
        ),
        (
            {"symbol": "ETH-USDT", "orderSide": "SELL", "orderType": "MARKET",
             "quoteOrderSize": "50"},
            "quoteOrderSize is only accepted for a MARKET BUY, not MARKET",
        ),
        (
            {"symbol": "ETH-USDT", "orderSide": "BUY", "orderType": "LIMIT", "orderSize": "0.1",
             "orderPrice": "1.005"},
            "1.005 is not a multiple of the tick 0.01",
        ),
        (
            {"symbol": "ETH-USDT", "orderSide": "BUY", "orderType": "OCO", "orderSize": "0.1"},
            "Invalid orderType parameter: 'OCO'",
        ),
    ],
)  # fmt: skip
def test_bad_v4_orders_get_the_envelope_and_nothing_is_placed(
    sim: SimServer, spot: Spot, body: dict, says: str
) -> None:
    before = open_count(sim)
    resp = spot.request("POST", f"{V4}/orders", body)
    assert resp.status_code == 400
    reply = resp.json()
    assert reply["success"] is False and reply["data"] is None
    assert reply["msg"].startswith("BADREQUEST: ") and says in reply["msg"]
    assert open_count(sim) == before


def test_v4_order_lookup_names_the_state_and_unknown_is_404(sim: SimServer, spot: Spot) -> None:
    bids, _ = sim.call(lambda: sim.engine.book_levels("ETH-USDT", 1))
    price = str((bids[0][0] / 2).quantize(Decimal("0.01")))
    body = {"symbol": "ETH-USDT", "orderSide": "BUY", "orderType": "LIMIT", "orderSize": "0.01",
            "orderPrice": price, "clOrderId": "v4-look"}  # fmt: skip
    [ack] = spot.request("POST", f"{V4}/orders", body).json()
    assert (ack["market"], ack["orderSide"], ack["type"], ack["userQuoteCurrency"]) == (
        "ETH-USDT",
        "BUY",
        76,
        "USDT",
    )
    found = spot.request("GET", f"{V4}/order", params={"clOrderId": "v4-look"}).json()
    assert found["orderId"] == ack["orderId"] and found["orderState"] == "ORDER_INSERTED"
    assert "status" not in found
    spot.request("DELETE", f"{V4}/orders", params={"symbol": "ETH-USDT", "orderId": ack["orderId"]})
    gone = spot.request("GET", f"{V4}/order", params={"orderId": ack["orderId"]}).json()
    assert gone["orderState"] == "ORDER_CANCELLED"
    missing = spot.request("GET", f"{V4}/order", params={"orderId": "nope"})
    assert missing.status_code == 404 and missing.json()["code"] == 16


def test_v4_paths_are_signed_like_v33(sim: SimServer, spot: Spot) -> None:
    """The signed path drops `/spot`: a signature over the full path is refused."""
    full_path = "/spot/api/v4/trade/orders"
    headers = auth_headers(spot.key, spot.secret, full_path)
    assert spot.http.get(full_path, headers=headers).status_code == 401
    assert spot.request("GET", f"{V4}/orders").status_code == 200
