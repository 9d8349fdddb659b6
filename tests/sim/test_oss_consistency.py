"""OSS book stream consistency: a raw client's book equals the engine's across 10,000 deltas."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from btse_tui.sim.context import SimConfig
from btse_tui.sim.runner import SimServer
from tests.sim.rawbtse import connect, recv_until, ws_subscribe

SYMBOL = "BTC-USDT"
TOPIC = f"update:{SYMBOL}_0"
DELTAS = 10_000


class ClientBook:
    """The client algorithm of btse-api.md §6.2, strict: any gap or cross is a failure here."""

    def __init__(self) -> None:
        self.bids: dict[Decimal, Decimal] = {}
        self.asks: dict[Decimal, Decimal] = {}
        self.last: int | None = None
        self.deltas = 0

    def apply(self, data: dict) -> None:
        if data["type"] == "snapshot":
            self.bids = {Decimal(p): Decimal(s) for p, s in data["bids"]}
            self.asks = {Decimal(p): Decimal(s) for p, s in data["asks"]}
            self.last = data["seqNum"]
            return
        assert self.last is not None, "delta before snapshot"
        assert data["prevSeqNum"] == self.last, "sequence gap"
        assert data["seqNum"] == data["prevSeqNum"] + 1
        for side, levels in ((self.bids, data["bids"]), (self.asks, data["asks"])):
            for p, s in levels:
                if s == "0":
                    assert Decimal(p) in side, "deleting an unknown level"
                    del side[Decimal(p)]
                else:
                    side[Decimal(p)] = Decimal(s)
        self.last = data["seqNum"]
        self.deltas += 1
        assert len(self.bids) <= 50 and len(self.asks) <= 50
        if self.bids and self.asks:
            assert max(self.bids) < min(self.asks), "crossed book"

    def levels(self) -> tuple[list, list]:
        return sorted(self.bids.items(), reverse=True), sorted(self.asks.items())


@pytest.fixture(scope="module")
def busy_sim() -> Iterator[SimServer]:
    """One market traded hard, so every flow step moves its book."""
    server = SimServer(SimConfig(flow_rate=0, flow_symbols=[SYMBOL], seed=7))
    server.start()
    yield server
    server.stop()


async def settle_and_compare(server: SimServer, ws, book: ClientBook) -> None:
    """Stop the flow, read up to the server's last seqNum, and compare with the engine."""
    server.flow_rate = 0
    seq = await server.acall(lambda: server.state.hub.book_seq(TOPIC))
    while book.last != seq:
        frame = await recv_until(ws, lambda m: m.get("topic") == TOPIC)
        book.apply(frame["data"])
    bids, asks = await server.acall(lambda: server.engine.book_levels(SYMBOL, 50))
    assert book.levels() == (bids, asks)


async def test_client_book_equals_engine_book_across_10000_deltas(busy_sim: SimServer) -> None:
    book = ClientBook()
    async with connect(busy_sim.urls.ws_oss) as ws:
        await ws_subscribe(ws, [TOPIC])
        book.apply((await recv_until(ws, lambda m: m.get("topic") == TOPIC))["data"])
        checkpoints = (DELTAS // 2, DELTAS)
        for target in checkpoints:
            busy_sim.flow_rate = 6000
            while book.deltas < target:
                frame = await recv_until(ws, lambda m: m.get("topic") == TOPIC, 10)
                book.apply(frame["data"])
            await settle_and_compare(busy_sim, ws, book)
        assert book.deltas >= DELTAS
