"""BookStream: a sequence gap or crossed book leads to a resubscribe and a correct fresh book."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import pytest

from btse_tui.client.book_stream import BookStream
from btse_tui.client.stream import Backoff
from btse_tui.protocol.events import BookResync, BookUpdated, StreamState, StreamStateChanged
from btse_tui.protocol.models import BookLevel
from btse_tui.protocol.orderbook import OrderBook
from tests.client.wsfake import FakeConn, FakeWsServer

TOPIC = "update:BTC-USDT_0"


def quick() -> dict[str, object]:
    """Stream options: a fast reconnect and the configured liveness timings."""
    return {"backoff": Backoff(0.01, 0.05, jitter=0), "ping_interval": 5.0, "stale_after": 12.0}


D = Decimal


def book_frame(kind: str, seq: int, prev: int | None, bids: list, asks: list) -> dict:
    data = {
        "type": kind,
        "symbol": "BTC-USDT",
        "bids": bids,
        "asks": asks,
        "seqNum": seq,
        "timestamp": 1700000000000 + seq,
    }
    if prev is not None:
        data["prevSeqNum"] = prev
    return {"topic": TOPIC, "data": data}


class Snapshots:
    """on_subscribe hook: answers each subscribe of TOPIC with the next prepared snapshot."""

    def __init__(self, *frames: dict) -> None:
        self.frames = list(frames)
        self.sent = 0

    async def __call__(self, conn: FakeConn, topics: list[str]) -> None:
        if TOPIC in topics and self.frames:
            self.sent += 1
            await conn.send(self.frames.pop(0))


class Reader:
    def __init__(self, books: BookStream) -> None:
        self._it: AsyncIterator = books.events().__aiter__()
        self.seen: list[object] = []

    async def until(self, predicate: Callable[[object], bool], within: float = 5.0) -> object:
        async def scan() -> object:
            while True:
                event = await anext(self._it)
                self.seen.append(event)
                if predicate(event):
                    return event

        return await asyncio.wait_for(scan(), within)

    async def updated(self, seq: int) -> BookUpdated:
        event = await self.until(lambda e: isinstance(e, BookUpdated) and e.seq == seq)
        assert isinstance(event, BookUpdated)
        return event


FIRST = book_frame("snapshot", 1, None, [["100", "1"], ["99", "2"]], [["102", "3"], ["101", "1"]])
FRESH = book_frame("snapshot", 10, 9, [["98", "5"]], [["103", "2"], ["104", "1"]])


async def test_sequence_gap_resubscribes_and_rebuilds_the_book() -> None:
    snapshots = Snapshots(FIRST, FRESH)
    async with FakeWsServer(path="/ws/oss/spot", on_subscribe=snapshots) as server:
        books = BookStream.open(server.url, ["BTC-USDT"], depth=5, **quick())
        reader = Reader(books)
        try:
            first = await reader.updated(1)
            assert first.bids == (BookLevel(D(100), D(1)), BookLevel(D(99), D(2)))
            assert first.asks == (BookLevel(D(101), D(1)), BookLevel(D(102), D(3)))
            conn = server.connections[0]

            await conn.send(book_frame("delta", 2, 1, [["100", "0"], ["99.5", "4"]], []))
            second = await reader.updated(2)
            assert second.bids[0] == BookLevel(D("99.5"), D(4))

            # seq 3 is lost: the delta 3→4 does not follow 2; the next one must not re-trigger.
            await conn.send(book_frame("delta", 4, 3, [["99.7", "1"]], []))
            await conn.send(book_frame("delta", 5, 4, [["99.8", "1"]], []))
            resync = await reader.until(lambda e: isinstance(e, BookResync))
            assert resync == BookResync("BTC-USDT", "gap", TOPIC)
            await conn.next_message(lambda m: '"unsubscribe"' in m and TOPIC in m)
            await conn.next_message(lambda m: '"subscribe"' in m and TOPIC in m)

            fresh = await reader.updated(10)
            assert fresh.bids == (BookLevel(D(98), D(5)),)
            assert fresh.asks == (BookLevel(D(103), D(2)), BookLevel(D(104), D(1)))
            assert sum(isinstance(e, BookResync) for e in reader.seen) == 1
            book = books.book("BTC-USDT")
            assert book is not None and book.seq == 10
            assert book.as_dict()["bids"] == {D(98): D(5)}
            assert snapshots.sent == 2
        finally:
            await books.close()


async def test_crossed_book_resubscribes() -> None:
    snapshots = Snapshots(FIRST, FRESH)
    async with FakeWsServer(path="/ws/oss/spot", on_subscribe=snapshots) as server:
        books = BookStream.open(server.url, ["BTC-USDT"], **quick())
        reader = Reader(books)
        try:
            await reader.updated(1)
            conn = server.connections[0]
            await conn.send(book_frame("delta", 2, 1, [["101.5", "1"]], []))  # bid above ask
            resync = await reader.until(lambda e: isinstance(e, BookResync))
            assert isinstance(resync, BookResync) and resync.reason == "crossed"
            fresh = await reader.updated(10)
            assert fresh.bids[0].price < fresh.asks[0].price
        finally:
            await books.close()


async def test_reconnect_rebuilds_books_from_a_new_snapshot() -> None:
    snapshots = Snapshots(FIRST, FRESH)
    async with FakeWsServer(path="/ws/oss/spot", on_subscribe=snapshots) as server:
        books = BookStream.open(server.url, ["BTC-USDT"], **quick())
        reader = Reader(books)
        try:
            await reader.updated(1)
            await server.connections[0].drop()
            await reader.until(
                lambda e: isinstance(e, StreamStateChanged) and e.state is StreamState.CONNECTING
            )
            book = books.book("BTC-USDT")
            assert book is not None and not book.ready  # stale levels are not shown
            await reader.updated(10)
            assert book.ready and book.seq == 10
        finally:
            await books.close()


async def test_add_and_remove_symbols_at_runtime() -> None:
    async with FakeWsServer(path="/ws/oss/spot") as server:
        books = BookStream.open(server.url, [], **quick())
        reader = Reader(books)
        try:
            await reader.until(
                lambda e: isinstance(e, StreamStateChanged) and e.state is StreamState.LIVE
            )
            await books.add("ETH-USDT")
            conn = server.connections[0]
            await conn.next_message(lambda m: '"subscribe"' in m and "update:ETH-USDT_0" in m)
            assert books.symbols == ("ETH-USDT",)
            await books.remove("ETH-USDT")
            await conn.next_message(lambda m: '"unsubscribe"' in m)
            assert books.book("ETH-USDT") is None and books.stream.topics == ()
        finally:
            await books.close()


async def test_the_top_levels_are_built_when_read_not_after_every_delta(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    builds: list[int] = []
    top = OrderBook.top

    def counted(book: OrderBook, n: int = 20) -> tuple[list[BookLevel], list[BookLevel]]:
        builds.append(book.version)
        return top(book, n)

    monkeypatch.setattr(OrderBook, "top", counted)
    async with FakeWsServer(path="/ws/oss/spot", on_subscribe=Snapshots(FIRST)) as server:
        books = BookStream.open(server.url, ["BTC-USDT"], depth=5, **quick())
        reader = Reader(books)
        try:
            await reader.updated(1)
            conn = server.connections[0]
            for seq in range(2, 42):
                await conn.send(book_frame("delta", seq, seq - 1, [["99", str(seq)]], []))
            last = await reader.updated(41)
            assert builds == []  # forty updates, nothing read yet
            assert last.bids == (BookLevel(D(100), D(1)), BookLevel(D(99), D(41)))
            assert last.asks[0] == BookLevel(D(101), D(1))
            assert len(builds) == 1  # once for both sides and both reads
        finally:
            await books.close()
