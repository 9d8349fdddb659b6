"""The embedded exchange's replies have the shapes of the replies recorded from production BTSE.

Each reply is fetched over loopback from the real simulator and compared with its recorded
counterpart in tests/fixtures/btse_live: the same field names at every level and the same JSON
type for every field (numbers are one type, as JSON has it), so the two cannot drift apart.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from btse_tui.sim.runner import SimServer
from tests import btse_live
from tests.sim.rawbtse import Spot, connect, recv_until, ws_login, ws_subscribe

MK = "/public-api/market/v1"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape(value: Any) -> Any:
    """Field names and JSON types, recursively; an array is described by its first element."""
    kind = _kind(value)
    if kind == "object":
        return {key: shape(item) for key, item in value.items()}
    if kind == "array":
        return [shape(value[0])] if value else []
    return kind


def same_shape(ours: Any, recorded: Any) -> None:
    assert shape(ours) == shape(recorded)


def test_ticker_for_one_symbol(public: httpx.Client) -> None:
    reply = public.get(f"{MK}/ticker/24hr", params={"symbol": "ETH-USDT"}).json()
    same_shape(reply, btse_live.load("ticker_24hr_symbol_spot"))


def test_orderbook(public: httpx.Client) -> None:
    reply = public.get(f"{MK}/orderbook", params={"symbol": "ETH-USDT", "depth": 1}).json()
    same_shape(reply, btse_live.load("orderbook_depth1_spot"))
    assert len(reply["data"]["bids"]) == len(reply["data"]["asks"]) == 1


@pytest.mark.parametrize("recorded", ["klines_since_until_limit_spot", "klines_start_spot"])
def test_klines(public: httpx.Client, recorded: str) -> None:
    reply = public.get(f"{MK}/klines", params={"symbol": "ETH-USDT", "resolution": 60}).json()
    same_shape(reply, btse_live.load(recorded))
    times = [int(row[0]) for row in reply["data"]]
    assert times == sorted(times, reverse=True)  # newest first, as recorded


def test_public_trades(public: httpx.Client, spot: Spot) -> None:
    spot.place(symbol="ETH-USDT", side="BUY", type="MARKET", size=0.01)
    reply = public.get(f"{MK}/trades", params={"symbol": "ETH-USDT"}).json()
    same_shape(reply, btse_live.load("trades_spot"))


def test_server_time(public: httpx.Client) -> None:
    same_shape(public.get("/spot/api/v3.3/time").json(), btse_live.load("time"))


def test_wallet(spot: Spot) -> None:
    same_shape(
        spot.request("GET", "/api/v3.2/user/wallet").json(), btse_live.load("user_wallet_spot")
    )


def test_limit_order_ack(spot: Spot) -> None:
    (item,) = spot.place(
        symbol="ETH-USDT", side="BUY", type="LIMIT", price=1000, size=0.0001
    ).json()
    same_shape([item], btse_live.load("order_create_limit_spot"))
    spot.cancel("ETH-USDT", item["orderID"])


async def test_quote_buy_ack_notification_and_trade_history(sim: SimServer, spot: Spot) -> None:
    key, secret = sim.demo_account
    async with connect(sim.urls.ws_spot) as ws:
        await ws_login(ws, key, secret)
        await ws_subscribe(ws, ["notificationApiV3"])
        (item,) = spot.place(symbol="ETH-USDT", side="BUY", type="MARKET", price=100).json()
        recorded = btse_live.load("order_create_quote_buy_doc")
        same_shape([item], recorded)
        assert item["status"] == recorded[0]["status"] == 5  # quote dust is left
        assert item["price"] == item["avgFilledPrice"] > 0
        last = await recv_until(
            ws,
            lambda m: (
                m.get("topic") == "notificationApiV3"
                and m["data"]["orderID"] == item["orderID"]
                and m["data"]["status"] == item["status"]
            ),
        )
        assert last["data"]["price"] == last["data"]["avgFilledPrice"] == item["avgFilledPrice"]
    rows = spot.request(
        "GET",
        "/api/v3.3/user/trade_history",
        params={"symbol": "ETH-USDT", "orderID": item["orderID"]},
    ).json()
    for row in rows:
        row["clOrderID"] = "test spot market buy"  # ours sends none; the recording has one
    same_shape(rows, btse_live.load("trade_history_market_buy_spot"))
    assert Decimal(str(rows[0]["size"])) == 100


async def test_oss_snapshot(sim: SimServer) -> None:
    topic = "update:BTC-USDT_0"
    async with connect(sim.urls.ws_oss) as ws:
        await ws_subscribe(ws, [topic])
        frame = await recv_until(ws, lambda m: m.get("topic") == topic)
    same_shape(frame, btse_live.load("oss_update_snapshot_doc"))
    asks = [Decimal(price) for price, _ in frame["data"]["asks"]]
    assert asks[-1] == min(asks)  # the best ask is last, as BTSE sends it
