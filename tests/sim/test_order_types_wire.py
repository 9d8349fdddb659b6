"""OCO, trailing stops and PEG on the embedded exchange, over HTTP and /ws/spot (§4.1, §5.3).

Each test gets a fresh, still market (ETH-USDT: last 3412.55, best bid 3411.56, best ask
3412.92, tick 0.01); another account (demo2) prints trades inside the spread to move the last
price: it rests a small SELL at the price and buys it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from btse_tui.sim.context import SimConfig
from btse_tui.sim.runner import SimServer
from tests.sim.rawbtse import Spot, connect, recv_until, ws_login, ws_subscribe

SYMBOL = "ETH-USDT"


@pytest.fixture
def fresh() -> Iterator[SimServer]:
    server = SimServer(SimConfig(flow_rate=0, ws_idle_timeout_s=60))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def me(fresh: SimServer) -> Iterator[Spot]:
    client = Spot(fresh.urls.rest, *fresh.demo_account)
    yield client
    client.close()


@pytest.fixture
def other(fresh: SimServer) -> Iterator[Spot]:
    client = Spot(fresh.urls.rest, *fresh.account("demo2"))
    yield client
    client.close()


def print_trade(other: Spot, price: str, size: str = "0.001") -> None:
    """demo2 trades `size` with itself at `price` (inside the spread): the last price moves."""
    for side in ("SELL", "BUY"):
        other.place(symbol=SYMBOL, side=side, type="LIMIT", price=price, size=size)


def open_orders(me: Spot) -> list[dict[str, Any]]:
    reply = me.request("GET", "/api/v3.3/user/open_orders", params={"symbol": SYMBOL})
    return reply.json()


def is_note(order_id: str, status: int) -> Any:
    return lambda m: (
        m.get("topic") == "notificationApiV3"
        and m["data"]["orderID"] == order_id
        and m["data"]["status"] == status
    )


OCO_SELL = {
    "symbol": SYMBOL,
    "side": "SELL",
    "type": "OCO",
    "txType": "LIMIT",
    "size": 0.01,
    "price": 3412.8,  # the limit leg, above the market
    "triggerPrice": 3412.0,  # the stop leg fires at or below this
    "stopPrice": 3411.9,  # and then rests as a SELL at this
    "clOrderID": "oco-1",
}


async def test_oco_limit_leg_fill_cancels_the_stop_leg(
    fresh: SimServer, me: Spot, other: Spot
) -> None:
    async with connect(fresh.urls.ws_spot) as ws:
        await ws_login(ws, *fresh.demo_account)
        await ws_subscribe(ws, ["notificationApiV3"])
        limit_leg, stop_leg = me.place(**OCO_SELL).json()
        assert (limit_leg["status"], stop_leg["status"]) == (2, 9)
        assert limit_leg["clOrderID"] == stop_leg["clOrderID"] == "oco-1"
        assert limit_leg["orderType"] == stop_leg["orderType"] == 76
        assert limit_leg["trigger"] is False and limit_leg["price"] == 3412.8
        assert stop_leg["trigger"] is True and stop_leg["triggerPrice"] == 3412
        assert stop_leg["price"] == 3411.9
        rows = {r["orderID"]: r for r in open_orders(me)}
        assert set(rows) == {limit_leg["orderID"], stop_leg["orderID"]}
        assert rows[stop_leg["orderID"]]["triggerOrderType"] == 1001

        other.place(symbol=SYMBOL, side="BUY", type="LIMIT", price=3412.8, size=0.01)
        filled = await recv_until(ws, is_note(limit_leg["orderID"], 4))
        cancelled = await recv_until(ws, is_note(stop_leg["orderID"], 6))
    assert filled["data"]["txType"] == cancelled["data"]["txType"] == 3  # OCO (D-notifications)
    assert cancelled["data"]["orderUserInitiated"] is False
    assert open_orders(me) == []


async def test_oco_stop_leg_trigger_cancels_the_limit_leg(
    fresh: SimServer, me: Spot, other: Spot
) -> None:
    async with connect(fresh.urls.ws_spot) as ws:
        await ws_login(ws, *fresh.demo_account)
        await ws_subscribe(ws, ["notificationApiV3"])
        limit_leg, stop_leg = me.place(**OCO_SELL).json()
        print_trade(other, "3411.95")  # at or below the trigger 3412.00
        await recv_until(ws, is_note(stop_leg["orderID"], 10))
        await recv_until(ws, is_note(limit_leg["orderID"], 6))
    (row,) = open_orders(me)
    assert row["orderID"] == stop_leg["orderID"] and row["triggered"] is True
    assert row["price"] == 3411.9  # the stop leg now rests at its stopPrice
    book = fresh.call(lambda: fresh.engine.book_levels(SYMBOL, 5))
    assert (pytest.approx(3411.9), pytest.approx(0.01)) in [
        (float(p), float(s)) for p, s in book[1]
    ]


def test_cancelling_one_oco_leg_cancels_both(me: Spot) -> None:
    limit_leg, stop_leg = me.place(**OCO_SELL).json()
    reply = me.cancel(SYMBOL, limit_leg["orderID"]).json()
    assert [(i["orderID"], i["status"]) for i in reply] == [
        (limit_leg["orderID"], 6),
        (stop_leg["orderID"], 6),
    ]
    assert open_orders(me) == []


def test_oco_stop_leg_trigger_price_can_be_amended(me: Spot) -> None:
    _, stop_leg = me.place(**OCO_SELL).json()
    body = {
        "symbol": SYMBOL,
        "orderID": stop_leg["orderID"],
        "type": "TRIGGERPRICE",
        "value": 3411.8,
    }
    (ack,) = me.request("PUT", "/api/v3.3/order", body).json()
    assert ack["status"] == 123 and ack["triggerPrice"] == 3411.8
    assert len(open_orders(me)) == 2


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"price": 3411.5}, "must be above the trigger price 3412"),
        ({"stopPrice": None}, "stopPrice parameter is mandatory"),
        ({"triggerPrice": None}, "triggerPrice parameter is mandatory"),
        ({"txType": "STOP"}, "for an OCO order"),
    ],
)
def test_oco_bodies_that_cannot_be_true_get_400(me: Spot, change: dict, words: str) -> None:
    body = {k: v for k, v in {**OCO_SELL, **change}.items() if v is not None}
    reply = me.place(**body)
    assert reply.status_code == 400 and words in reply.json()["message"]
    assert open_orders(me) == []


async def test_trailing_stop_follows_the_price_and_fires_when_it_comes_back(
    fresh: SimServer, me: Spot, other: Spot
) -> None:
    async with connect(fresh.urls.ws_spot) as ws:
        await ws_login(ws, *fresh.demo_account)
        await ws_subscribe(ws, ["notificationApiV3"])
        (placed,) = me.place(
            symbol=SYMBOL, side="SELL", type="MARKET", txType="STOP", size=0.01, trailValue=0.3
        ).json()
        assert placed["status"] == 9 and placed["triggerPrice"] == 3412.25  # 3412.55 - 0.30
        oid = placed["orderID"]
        print_trade(other, "3412.75")  # a new high: the trigger follows to 3412.45
        inserted = await recv_until(ws, is_note(oid, 9))
        assert inserted["data"]["triggerPrice"] == 3412.25 and inserted["data"]["txType"] == 1
        moved = await recv_until(ws, is_note(oid, 9))  # the socket says where it moved
        assert moved["data"]["triggerPrice"] == 3412.45
        (row,) = open_orders(me)
        assert row["trailValue"] == 0.3 and row["triggerPrice"] == 3412.45
        print_trade(other, "3412.50")  # lower, but above the trigger: nothing moves or fires
        print_trade(other, "3412.60")  # below the high: the trigger stays
        assert open_orders(me)[0]["triggerPrice"] == 3412.45
        print_trade(other, "3412.45")  # came back by the trail: fires, sells at market
        await recv_until(ws, is_note(oid, 10))
        done = await recv_until(ws, is_note(oid, 4))
    assert done["data"]["avgFilledPrice"] == 3411.56  # the best bid
    assert open_orders(me) == []


def test_trailing_buy_trigger_follows_the_low(me: Spot, other: Spot) -> None:
    (placed,) = me.place(
        symbol=SYMBOL, side="BUY", type="MARKET", txType="STOP", price=50, trailValue=0.2
    ).json()
    assert placed["triggerPrice"] == 3412.75 and placed["orderCurrency"] == "quote"
    print_trade(other, "3412.10")
    assert open_orders(me)[0]["triggerPrice"] == 3412.3
    print_trade(other, "3412.30")
    assert open_orders(me) == []  # fired and spent its budget


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"type": "LIMIT", "price": 3400}, "only valid for MARKET STOP"),
        ({"trailValue": 0.305}, "multiple of the tick 0.01"),
    ],
)
def test_trailing_bodies_that_cannot_be_true_get_400(me: Spot, change: dict, words: str) -> None:
    body = {"symbol": SYMBOL, "side": "SELL", "type": "MARKET", "txType": "STOP", "size": 0.01}
    reply = me.place(**{**body, "trailValue": 0.3, **change})
    assert reply.status_code == 400 and words in reply.json()["message"]


def test_trailing_stop_trigger_cannot_be_amended(me: Spot) -> None:
    (placed,) = me.place(
        symbol=SYMBOL, side="SELL", type="MARKET", txType="STOP", size=0.01, trailValue=0.3
    ).json()
    body = {"symbol": SYMBOL, "orderID": placed["orderID"], "type": "TRIGGERPRICE", "value": 3400}
    reply = me.request("PUT", "/api/v3.3/order", body)
    assert reply.status_code == 400 and "follows the price" in reply.json()["message"]


def test_peg_follows_the_index_within_its_deviation_and_limit(me: Spot, other: Spot) -> None:
    (placed,) = me.place(
        symbol=SYMBOL, side="BUY", type="PEG", size=0.01, price=3412.5, deviation=-0.01, stealth=50
    ).json()
    assert placed["orderType"] == 80 and placed["status"] == 2
    assert placed["price"] == 3412.2  # 3412.55 x 0.9999 = 3412.2087, down to the tick
    assert placed["deviation"] == -0.01 and placed["stealth"] == 50
    print_trade(other, "3412.75")
    (row,) = open_orders(me)
    assert row["price"] == 3412.4 and row["pegPriceDeviation"] == -0.01
    assert row["pegPriceMax"] == 3412.5
    print_trade(other, "3412.90")  # 3412.5587 would pass the limit: held at 3412.50
    assert open_orders(me)[0]["price"] == 3412.5


def test_peg_cannot_be_amended_and_bad_pegs_get_400(me: Spot) -> None:
    (placed,) = me.place(
        symbol=SYMBOL, side="SELL", type="PEG", size=0.01, price=3412, deviation=0.5, stealth=100
    ).json()
    assert placed["price"] == 3429.62  # 3412.55 x 1.005 = 3429.61275, up to the tick
    body = {"symbol": SYMBOL, "orderID": placed["orderID"], "type": "PRICE", "value": 3420}
    reply = me.request("PUT", "/api/v3.3/order", body)
    assert reply.status_code == 400 and "algo (PEG)" in reply.json()["message"]
    base = {"symbol": SYMBOL, "side": "BUY", "type": "PEG", "size": 0.01, "price": 3400}
    too_far = me.place(**base, deviation=-10.5, stealth=10)
    assert (
        too_far.status_code == 400 and "-10.5 must be from -10 to 10" in too_far.json()["message"]
    )
    unseen = me.place(**base, deviation=-1)
    assert (
        unseen.status_code == 400 and "stealth parameter is mandatory" in unseen.json()["message"]
    )
