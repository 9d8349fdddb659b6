"""/ws/spot against btse-api.md §2.2 and §5: ping, acks, login, notifications, fills, trades."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import websockets

from btse_tui.sim.context import SimConfig
from btse_tui.sim.runner import SimServer
from tests.sim.rawbtse import (
    Spot,
    connect,
    hmac384,
    no_exponent,
    recv_json,
    recv_until,
    ws_login,
    ws_subscribe,
)


async def test_ping_is_answered_with_bare_pong(sim: SimServer) -> None:
    async with connect(sim.urls.ws_spot) as ws:
        await ws.send("ping")
        assert await asyncio.wait_for(ws.recv(), 5) == "pong"


async def test_subscribe_ack_lists_only_valid_topics(sim: SimServer) -> None:
    async with connect(sim.urls.ws_spot) as ws:
        ack = await ws_subscribe(
            ws,
            [
                "notificationApiV3",
                "fills",
                "tradeHistoryApi:BTC-USDT",
                "tradeHistoryApi:NOPE-USDT",
                "update:BTC-USDT_0",  # a book topic on /ws/spot is silently dropped
                "bogus",
            ],
        )
        assert ack == {
            "event": "subscribe",
            "channel": ["notificationApiV3", "fills", "tradeHistoryApi:BTC-USDT"],
        }
        ack = await ws_subscribe(ws, ["fills", "bogus"], op="unsubscribe")
        assert ack == {"event": "unsubscribe", "channel": ["fills"]}


async def test_login_success_and_failures(sim: SimServer) -> None:
    key, secret = sim.demo_account
    async with connect(sim.urls.ws_spot) as ws:
        assert await ws_login(ws, key, "wrong-secret") == {"event": "login", "success": False}
        stale = str(int(time.time() * 1000) - 60_000)
        frame = {"op": "authKeyExpires", "args": [key, stale, hmac384(secret, "/ws/spot" + stale)]}
        await ws.send(json.dumps(frame))
        assert await recv_json(ws) == {"event": "login", "success": False}
        assert await ws_login(ws, key, secret) == {"event": "login", "success": True}


async def test_non_json_and_unknown_op_get_error_frames(sim: SimServer) -> None:
    async with connect(sim.urls.ws_spot) as ws:
        await ws.send("hello")
        err = await recv_json(ws)
        assert err["severity"] == "ERROR" and err["errors"][0]["error"]["code"] == 1002
        await ws.send(json.dumps({"op": "dance", "args": []}))
        err = await recv_json(ws)
        assert err["errors"][0]["error"]["code"] == 1001


async def test_order_notifications_and_fills(sim: SimServer, spot: Spot) -> None:
    key, secret = sim.demo_account
    async with connect(sim.urls.ws_spot) as ws:
        assert (await ws_login(ws, key, secret))["success"] is True
        await ws_subscribe(ws, ["notificationApiV3", "fills"])
        (placed,) = spot.place(
            symbol="ETH-USDT", side="BUY", type="LIMIT", price=1200, size=0.02, clOrderID="n1"
        ).json()
        raw = await asyncio.wait_for(ws.recv(), 5)
        assert no_exponent(raw)
        note = json.loads(raw)
        assert note["topic"] == "notificationApiV3" and isinstance(note["data"], dict)
        data = note["data"]
        assert data["orderID"] == placed["orderID"] and data["status"] == 2
        assert data["side"] == "MODE_BUY" and data["orderType"] == 76 and data["txType"] == 0
        assert data["clOrderID"] == "n1" and data["originalOrderBaseSize"] == 0.02
        assert data["originalOrderQuoteSize"] == 0 and data["remainingQuoteSize"] == 0
        assert data["remainingBaseSize"] == 0.02 and data["time_in_force"] == "GTC"
        spot.cancel("ETH-USDT", placed["orderID"])
        note = await recv_until(ws, lambda m: m.get("topic") == "notificationApiV3")
        assert note["data"]["status"] == 6 and note["data"]["orderUserInitiated"] is True

        (taken,) = spot.place(
            symbol="ETH-USDT", side="SELL", type="MARKET", size=0.01, clOrderID="f1"
        ).json()
        fill = await recv_until(ws, lambda m: m.get("topic") == "fills")
        (item,) = fill["data"]
        assert item["orderId"] == taken["orderID"] and item["clOrderId"] == "f1"
        for field in ("price", "size", "feeAmount", "timestamp", "serialId", "type"):
            assert isinstance(item[field], str), field
        assert item["type"] == "77" and item["side"] == "SELL" and item["maker"] is False
        assert item["feeCurrency"] == "USDT" and item["base"] == "ETH" and item["quote"] == "USDT"
        done = await recv_until(
            ws, lambda m: m.get("topic") == "notificationApiV3" and m["data"]["status"] == 4
        )
        assert done["data"]["side"] == "MODE_SELL" and done["data"]["totalFilledBaseSize"] == 0.01


async def test_private_topics_without_login_deliver_nothing(sim: SimServer, spot: Spot) -> None:
    async with connect(sim.urls.ws_spot) as ws:
        ack = await ws_subscribe(ws, ["notificationApiV3"])
        assert ack["channel"] == ["notificationApiV3"]
        (placed,) = spot.place(
            symbol="ETH-USDT", side="BUY", type="LIMIT", price=1100, size=0.01
        ).json()
        spot.cancel("ETH-USDT", placed["orderID"])
        await ws.send("ping")  # the pong proves everything before it was delivered
        assert await asyncio.wait_for(ws.recv(), 5) == "pong"


async def test_other_accounts_orders_are_not_delivered(sim: SimServer, spot: Spot) -> None:
    other = Spot(sim.urls.rest, *sim.account("demo2"))
    key, secret = sim.demo_account
    async with connect(sim.urls.ws_spot) as ws:
        await ws_login(ws, key, secret)
        await ws_subscribe(ws, ["notificationApiV3"])
        (theirs,) = other.place(
            symbol="ETH-USDT", side="BUY", type="LIMIT", price=1100, size=0.01
        ).json()
        (mine,) = spot.place(
            symbol="ETH-USDT", side="BUY", type="LIMIT", price=1100, size=0.01
        ).json()
        note = await recv_json(ws)
        assert note["data"]["orderID"] == mine["orderID"] != theirs["orderID"]
        other.cancel("ETH-USDT", theirs["orderID"])
        spot.cancel("ETH-USDT", mine["orderID"])


async def test_public_trades_topic(sim: SimServer, spot: Spot) -> None:
    async with connect(sim.urls.ws_spot) as ws:
        await ws_subscribe(ws, ["tradeHistoryApi:LTC-USDT"])
        spot.place(symbol="LTC-USDT", side="BUY", type="MARKET", size=0.5)
        frame = await recv_until(
            ws,
            lambda m: (
                m.get("topic") == "tradeHistoryApi:LTC-USDT"
                and any(t["size"] == 0.5 or t["side"] == "BUY" for t in m["data"])
            ),
        )
        trade = frame["data"][0]
        assert trade.keys() == {"symbol", "side", "size", "price", "tradeId", "timestamp"}
        assert isinstance(trade["price"], int | float) and isinstance(trade["tradeId"], int)


async def test_idle_sockets_are_closed_and_pings_keep_them_open() -> None:
    with SimServer(SimConfig(flow_rate=0, ws_idle_timeout_s=0.6)) as server:
        async with connect(server.urls.ws_spot) as idle, connect(server.urls.ws_spot) as alive:
            loop = asyncio.get_running_loop()
            start = loop.time()

            async def keep_pinging() -> None:
                while True:
                    await alive.send("ping")
                    await asyncio.sleep(0.2)  # the client's ping cadence, not a wait for state

            pinger = asyncio.create_task(keep_pinging())
            try:
                with pytest.raises(websockets.ConnectionClosed):
                    while True:
                        await asyncio.wait_for(idle.recv(), 5)
                assert loop.time() - start >= 0.5
                assert alive.state is websockets.State.OPEN
            finally:
                pinger.cancel()


async def test_table_notification_style() -> None:
    with SimServer(SimConfig(flow_rate=0, notification_style="table")) as server:
        key, secret = server.demo_account
        client = Spot(server.urls.rest, key, secret)
        async with connect(server.urls.ws_spot) as ws:
            await ws_login(ws, key, secret)
            await ws_subscribe(ws, ["notificationApiV3"])
            client.place(symbol="ETH-USDT", side="SELL", type="LIMIT", price=9000, size=0.01)
            note = await recv_json(ws)
            assert note["data"]["side"] == "SELL" and note["data"]["orderCurrency"] == "base"
