"""A flooded Stream stays bounded: market data coalesces per topic, no order event is lost."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable
from decimal import Decimal

from btse_tui.client.stream import Backoff, Stream
from btse_tui.protocol import codec
from btse_tui.protocol.events import (
    BookDelta,
    BookSnapshot,
    BookTop,
    FillsReceived,
    OrderUpdated,
)
from btse_tui.protocol.orderbook import BookResult, OrderBook
from tests.client.wsfake import FakeConn, FakeWsServer

SYMBOL = "BTC-USDT"
BOOK = f"update:{SYMBOL}_0"
TOP = f"snapshotL1:{SYMBOL}"
TOPICS = [BOOK, TOP, "notificationApiV3", "fills"]


def notification(n: int) -> str:
    return json.dumps(
        {
            "topic": "notificationApiV3",
            "data": {
                "symbol": SYMBOL, "orderID": f"order-{n}", "clOrderID": f"cl-{n}",
                "side": "BUY", "orderType": 76, "price": 20000, "status": 2,
                "timestamp": 1700000000000 + n, "originalOrderBaseSize": 0.01,
                "currentOrderBaseSize": 0.01, "filledBaseSize": 0, "totalFilledBaseSize": 0,
                "remainingBaseSize": 0.01, "avgFilledPrice": 0, "orderCurrency": "BTC",
                "time_in_force": "GTC", "postOnly": False,
            },
        }
    )  # fmt: skip


def fill(n: int) -> str:
    row = {
        "orderId": f"order-{n}", "serialId": str(n), "clOrderId": f"cl-{n}", "type": "76",
        "symbol": SYMBOL, "side": "BUY", "price": "20000", "size": "0.01",
        "feeAmount": "0.00001", "feeCurrency": "BTC", "base": "BTC", "quote": "USDT",
        "maker": True, "timestamp": str(1700000000000 + n), "tradeId": f"trade-{n}",
    }  # fmt: skip
    return json.dumps({"topic": "fills", "data": [row]})


def book(kind: str, seq: int, bids: list[list[str]], asks: list[list[str]]) -> str:
    data = {"type": kind, "symbol": SYMBOL, "bids": bids, "asks": asks, "seqNum": seq}
    data["timestamp"] = 1700000000000 + seq
    if kind == "delta":
        data["prevSeqNum"] = seq - 1
    return json.dumps({"topic": BOOK, "data": data})


def top(n: int) -> str:
    bid, ask = str(19000 + n % 500), str(21000 + n % 500)
    data = {"bids": [[bid, "1"]], "asks": [[ask, "1"]], "symbol": SYMBOL}
    data["timestamp"] = 1700000000000 + n
    return json.dumps({"topic": TOP, "data": data})


def flood(deltas: int, orders_every: int, fills_every: int) -> list[str]:
    """A snapshot, then `deltas` book deltas with quotes, notifications and fills between."""
    rng = random.Random(13)
    frames = [book("snapshot", 1, [["19990", "1"]], [["20010", "1"]])]
    for i in range(deltas):
        bids = [[str(19900 + rng.randrange(90)), str(rng.randrange(4))] for _ in range(3)]
        asks = [[str(20011 + rng.randrange(90)), str(rng.randrange(4))] for _ in range(3)]
        frames.append(book("delta", i + 2, bids, asks))
        frames.append(top(i))
        if i % orders_every == 0:
            frames.append(notification(i))
        if i % fills_every == 0:
            frames.append(fill(i))
    return frames


def streamed(url: str, max_backlog: int = 10_000) -> Stream:
    return Stream(
        url,
        topics=TOPICS,
        backoff=Backoff(0.01, 0.05, jitter=0),
        ping_interval=30.0,
        stale_after=60.0,
        max_backlog=max_backlog,
    )


async def until(condition: Callable[[], bool], within: float = 20.0) -> None:
    """Wait (bounded) until `condition()` on the stream's counters holds (they have no event)."""
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.005)


async def connected(server: FakeWsServer) -> FakeConn:
    conn = await server.next_connection()
    await conn.next_message(lambda m: '"subscribe"' in m)
    return conn


async def test_a_consumer_far_behind_gets_the_latest_book_and_every_order_event() -> None:
    frames = flood(deltas=6000, orders_every=7, fills_every=11)
    orders = [f"order-{i}" for i in range(6000) if i % 7 == 0]
    fills = [f"order-{i}" for i in range(6000) if i % 11 == 0]
    async with FakeWsServer(path="/ws/oss/spot") as server:
        stream = streamed(server.url)
        events = stream.events()
        try:
            stream.start()
            conn = await connected(server)
            for text in frames:
                await conn.send(text)
            await conn.send(notification(99_999))  # the last frame
            await until(lambda: stream.received >= len(frames) + 1)

            # Nothing was read meanwhile: what waits is every order event and fill, plus one
            # book event, one quote and a few state changes, acks and a pong, not 12,000 frames.
            waiting = len(stream.backlog)
            assert waiting == stream.backlog.peak
            assert waiting <= len(orders) + len(fills) + 1 + 8

            seen_orders: list[str] = []
            seen_fills: list[str] = []
            quotes: list[BookTop] = []
            ours = OrderBook(SYMBOL, depth=1000)
            async for event in events:
                if isinstance(event, OrderUpdated):
                    if event.order.order_id == "order-99999":
                        break
                    seen_orders.append(event.order.order_id or "")
                elif isinstance(event, FillsReceived):
                    seen_fills.extend(f.order_id for f in event.fills)
                elif isinstance(event, BookSnapshot | BookDelta):
                    assert ours.apply(event) is BookResult.OK
                elif isinstance(event, BookTop):
                    quotes.append(event)
        finally:
            await stream.close()
    assert seen_orders == orders  # every one, in order
    assert seen_fills == fills
    reference = OrderBook(SYMBOL, depth=1000)
    for text in frames:
        for event in codec.decode_frame(text):
            if isinstance(event, BookSnapshot | BookDelta):
                assert reference.apply(event) is BookResult.OK
    assert ours.as_dict() == reference.as_dict() and ours.seq == 6001
    assert [q.bid for q in quotes] == [Decimal(19000 + 5999 % 500)]  # the last quote only


async def test_past_its_limit_of_order_events_the_stream_stops_reading_until_caught_up() -> None:
    count = 1000
    async with FakeWsServer() as server:
        stream = streamed(server.url, max_backlog=64)
        events = stream.events()
        try:
            stream.start()
            conn = await connected(server)
            sender = asyncio.create_task(_send_all(conn, [notification(i) for i in range(count)]))
            await until(lambda: stream.backlog.full)
            assert len(stream.backlog) <= 64 + 4
            assert stream.received < count  # the rest waits in the socket, not in memory
            seen: list[str] = []
            async for event in events:
                if isinstance(event, OrderUpdated):
                    seen.append(event.order.order_id or "")
                    if len(seen) == count:
                        break
            await sender
        finally:
            await stream.close()
    assert seen == [f"order-{i}" for i in range(count)]
    assert stream.backlog.peak <= 64 + 4


async def _send_all(conn: FakeConn, frames: list[str]) -> None:
    for text in frames:
        await conn.send(text)
