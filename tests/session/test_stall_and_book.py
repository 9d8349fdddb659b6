"""Silent stalls and broken book feeds: detected by the client itself and repaired to the truth."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal

import pytest

from btse_tui.config import load_settings
from btse_tui.protocol.endpoints import book_topic
from btse_tui.protocol.events import BookResync, BookUpdated, StreamState
from btse_tui.protocol.models import OrderRequest, OrderType, Side
from btse_tui.protocol.session_events import Resynced
from btse_tui.sim.context import SimConfig
from btse_tui.sim.runner import SimServer
from tests.session.conftest import (
    Running,
    TradingSession,
    fast_session,
    running,
    settings_for,
    urls_of,
)

SYMBOL = "BTC-USDT"


@pytest.fixture
def live_sim() -> Iterator[SimServer]:
    """Other traders keep BTC-USDT's book moving (OSS deltas flow all the time)."""
    server = SimServer(SimConfig(flow_rate=40, flow_symbols=[SYMBOL]))
    server.start()
    yield server
    server.faults.reset()
    server.stop()


async def test_a_silent_stall_is_detected_and_recovered_within_20_s(live_sim: SimServer) -> None:
    """Product defaults (ping 5 s, stale after 12 s). The server goes silent on both sockets and
    ignores pings; meanwhile an order is cancelled behind the app's back. The client notices on
    its own, reconnects, resyncs, and the screen is right again in under 20 s."""
    defaults = load_settings({}, None)
    settings = settings_for(
        live_sim,
        ping_interval_s=defaults.ping_interval_s,
        stale_after_s=defaults.stale_after_s,
    )
    session = TradingSession(settings, urls_of(live_sim))
    async with running(session, book=True, market=SYMBOL) as run:
        last = session.tickers[SYMBOL].last
        price = (last * Decimal("0.8")).quantize(session.markets[SYMBOL].tick)
        request = OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT, size=Decimal("0.01"), price=price)
        order = (await session.place(request))[0]
        await run.events.wait_kind(BookUpdated)

        mark = run.events.mark()
        live_sim.faults.stall = True
        stalled = time.monotonic()
        key = live_sim.demo_account.key
        assert live_sim.call(lambda: live_sim.engine.cancel(key, order.order_id))  # unseen

        stale = await run.events.wait_state("spot", StreamState.STALE, after=mark, within=15)
        detected = time.monotonic() - stalled
        window = defaults.ping_interval_s + 3.0  # one ping interval and the pong's grace
        assert detected <= window + 1.0  # shown stale long before the reconnect
        assert stale.reason == f"nothing received for {window:g} s"
        at = run.events.events.index(stale)
        again = await run.events.wait_state("spot", StreamState.STALE, after=at + 1, within=15)
        assert "nothing received for 12 s; reconnecting" in again.reason
        detected = time.monotonic() - stalled
        live_sim.faults.stall = False  # new connections work again (old ones stay silent)

        resynced = await run.events.wait_kind(Resynced, after=mark, within=20 - detected)
        await run.events.wait_state("oss", StreamState.LIVE, after=mark, within=5)
        await run.events.wait_kind(BookUpdated, after=run.events.mark(), within=5)
        recovered = time.monotonic() - stalled
        assert recovered < 20.0
        assert resynced.text == "resynced: 1 orders changed, 0 fills recovered"
        assert session.ledger.closed[order.order_id].status == 6
        assert session.ledger.open_orders() == []


async def book_matches_exchange(session: TradingSession, server: SimServer, run: Running) -> None:
    """Stop the market, wait until the app's book reaches the exchange's last seqNum, then
    compare every level of the 50-level window."""
    server.flow_rate = 0
    server.call(lambda: None)  # the flow loop has seen it: nothing moves any more
    seq = server.book_seq(book_topic(SYMBOL))
    book = session.books.book(SYMBOL)
    assert seq is not None and book is not None
    if book.seq != seq:
        await run.events.wait_for(
            lambda e: isinstance(e, BookUpdated) and e.symbol == SYMBOL and e.seq == seq,
            after=run.events.mark(),
        )
    bids, asks = server.call(lambda: server.engine.book_levels(SYMBOL, 50))
    mine = book.as_dict()
    assert mine["seq"] == seq
    assert mine["bids"] == dict(bids)
    assert mine["asks"] == dict(asks)


@pytest.mark.parametrize(
    ("fault", "reason"), [("skip_seq", "gap"), ("crossed_delta", "crossed")], ids=["gap", "crossed"]
)
async def test_a_broken_book_feed_ends_equal_to_the_exchange(
    live_sim: SimServer, fault: str, reason: str
) -> None:
    session = fast_session(live_sim, settings=settings_for(live_sim))
    async with running(session, spot=False, book=True, market=SYMBOL) as run:
        await run.events.wait_kind(BookUpdated, within=5)
        mark = run.events.mark()
        setattr(live_sim.faults, fault, True)
        resync = await run.events.wait_kind(BookResync, after=mark, within=5)
        setattr(live_sim.faults, fault, False)
        assert (resync.symbol, resync.reason) == (SYMBOL, reason)
        await run.events.wait_kind(BookUpdated, after=run.events.mark(), within=5)
        await book_matches_exchange(session, live_sim, run)
