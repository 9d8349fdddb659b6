"""/ws/oss/spot against btse-api.md §6: snapshot then contiguous deltas, L1, error frames."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

from btse_tui.sim.runner import SimServer
from btse_tui.sim.wire import OSS_ERRORS
from tests import btse_live
from tests.sim.rawbtse import Spot, connect, recv_json, recv_until, ws_subscribe


def is_book(topic: str):
    return lambda m: m.get("topic") == topic


async def test_snapshot_then_contiguous_deltas_and_zero_deletes(sim: SimServer, spot: Spot) -> None:
    topic = "update:ETH-USDT_0"
    async with connect(sim.urls.ws_oss) as ws:
        ack = await ws_subscribe(ws, [topic])
        assert ack == {"event": "subscribe", "channel": [topic]}
        snap = await recv_until(ws, is_book(topic))
        data = snap["data"]
        assert data["type"] == "snapshot" and data["symbol"] == "ETH-USDT"
        assert isinstance(data["seqNum"], int) and isinstance(data["timestamp"], int)
        assert 0 < len(data["bids"]) <= 50 and 0 < len(data["asks"]) <= 50
        for price, size in data["bids"] + data["asks"]:
            assert isinstance(price, str) and isinstance(size, str)
            # the market's fixed decimals (ETH-USDT: tick 0.01, lot 0.0001), as BTSE writes them
            assert len(price.partition(".")[2]) == 2 and len(size.partition(".")[2]) == 4
        # bids best first; asks worst first, the best ask last (as BTSE sends them)
        bid_prices = [Decimal(p) for p, _ in data["bids"]]
        ask_prices = [Decimal(p) for p, _ in data["asks"]]
        assert bid_prices == sorted(bid_prices, reverse=True)
        assert ask_prices == sorted(ask_prices, reverse=True)
        last = data["seqNum"]
        best_ask = min(Decimal(p) for p, _ in data["asks"])
        # a new best bid appears, then disappears with size "0"
        price = best_ask - Decimal("0.01")
        (placed,) = spot.place(
            symbol="ETH-USDT", side="BUY", type="LIMIT", price=str(price), size=0.05
        ).json()
        delta = (await recv_until(ws, is_book(topic)))["data"]
        assert delta["type"] == "delta" and delta["prevSeqNum"] == last
        assert delta["seqNum"] == last + 1
        assert [str(price), "0.0500"] in delta["bids"]
        spot.cancel("ETH-USDT", placed["orderID"])
        delta2 = (await recv_until(ws, is_book(topic)))["data"]
        assert delta2["prevSeqNum"] == delta["seqNum"] and delta2["seqNum"] == delta["seqNum"] + 1
        assert [str(price), "0"] in delta2["bids"]


async def test_snapshot_l1(sim: SimServer, spot: Spot) -> None:
    async with connect(sim.urls.ws_oss) as ws:
        await ws_subscribe(ws, ["snapshotL1:SOL-USDT"])
        first = await recv_until(ws, lambda m: m.get("topic") == "snapshotL1:SOL-USDT")
        data = first["data"]
        assert data["type"] == "snapshotL1" and data["symbol"] == "SOL-USDT"
        assert len(data["bids"]) == 1 and len(data["asks"]) == 1
        ask = Decimal(data["asks"][0][0])
        (placed,) = spot.place(
            symbol="SOL-USDT", side="SELL", type="LIMIT", price=str(ask - Decimal("0.01")), size=1
        ).json()
        top = await recv_until(ws, lambda m: m.get("topic") == "snapshotL1:SOL-USDT")
        assert top["data"]["asks"] == [[str(ask - Decimal("0.01")), "1"]]
        spot.cancel("SOL-USDT", placed["orderID"])


async def test_error_frames(sim: SimServer) -> None:
    btse_texts = btse_live.load("oss_errors_doc")  # BTSE's own table, verbatim
    assert {str(code): text for code, text in OSS_ERRORS.items()} == btse_texts
    async with connect(sim.urls.ws_oss) as ws:
        await ws.send(json.dumps({"op": "subscribe", "args": ["update:NOPE-USDT_0"]}))
        err = await recv_json(ws)
        assert err == {
            "severity": "ERROR",
            "errors": [
                {
                    "arg": "update:NOPE-USDT_0",
                    "error": {
                        "code": 1000,
                        "message": "Market pair provided is currently not supported.",
                    },
                }
            ],
        }
        assert (await recv_json(ws)) == {"event": "subscribe", "channel": []}
        await ws.send(json.dumps({"op": "subscribe", "args": ["notificationApiV3"]}))
        err = await recv_json(ws)
        assert err["errors"][0]["arg"] == "notificationApiV3"
        assert err["errors"][0]["error"]["code"] == 1005
        await recv_json(ws)  # the (empty) ack
        await ws.send(json.dumps({"op": "authKeyExpires", "args": []}))
        err = await recv_json(ws)
        assert err["errors"][0]["error"]["code"] == 1001 and "arg" not in err["errors"][0]
        assert err["errors"][0]["error"]["message"] == btse_texts["1001"]
        await ws.send("{not json")
        err = await recv_json(ws)
        assert err["errors"][0]["error"]["code"] == 1002
        assert err["errors"][0]["error"]["message"] == btse_texts["1002"]


async def test_ping_and_unsubscribe_stops_the_stream(sim: SimServer, spot: Spot) -> None:
    topic = "update:LTC-USDT_0"
    async with connect(sim.urls.ws_oss) as ws:
        await ws.send("ping")
        assert await asyncio.wait_for(ws.recv(), 5) == "pong"
        await ws_subscribe(ws, [topic])
        await recv_until(ws, is_book(topic))
        ack = await ws_subscribe(ws, [topic], op="unsubscribe")
        assert ack == {"event": "unsubscribe", "channel": [topic]}
        (placed,) = spot.place(
            symbol="LTC-USDT", side="BUY", type="LIMIT", price=50, size=0.01
        ).json()
        spot.cancel("LTC-USDT", placed["orderID"])
        await ws.send("ping")
        assert await asyncio.wait_for(ws.recv(), 5) == "pong"  # no delta came before it


async def test_grouping_buckets_prices(sim: SimServer) -> None:
    topic = "update:BTC-USDT_2"
    async with connect(sim.urls.ws_oss) as ws:
        await ws_subscribe(ws, [topic])
        snap = (await recv_until(ws, is_book(topic)))["data"]
        assert snap["type"] == "snapshot"
        step = Decimal("10")  # tick 0.1 × 10²
        for price, _ in snap["bids"] + snap["asks"]:
            assert Decimal(price) % step == 0
        assert max(Decimal(p) for p, _ in snap["bids"]) < min(Decimal(p) for p, _ in snap["asks"])
