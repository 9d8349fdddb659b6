"""TradingSession against the embedded exchange: start-up, orders, resync report, journal."""

from __future__ import annotations

import asyncio
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from btse_tui import journal as jr
from btse_tui.client import session_sync
from btse_tui.protocol.events import FillsReceived, StreamState, TradesPrinted
from btse_tui.protocol.models import OrderRequest, OrderType, Side, TimeInForce
from btse_tui.protocol.session_events import (
    BalancesRefreshed,
    ClockSkew,
    FeesLoaded,
    HistoryLoaded,
    MarketsLoaded,
    OrderChanged,
    OrdersSnapshot,
    RestHealth,
    Resynced,
    TickersRefreshed,
)
from btse_tui.sim.runner import SimServer
from tests.session.conftest import fast_session, open_journal, running

SYMBOL = "BTC-USDT"


def resting_buy(session, below: str = "0.9", size: str = "0.001") -> OrderRequest:  # type: ignore[no-untyped-def]
    market = session.markets[SYMBOL]
    last = session.tickers[SYMBOL].last
    price = (last * Decimal(below)).quantize(market.tick)
    return OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT, size=Decimal(size), price=price)


def crossing_buy(session, size: str = "0.001") -> OrderRequest:  # type: ignore[no-untyped-def]
    market = session.markets[SYMBOL]
    last = session.tickers[SYMBOL].last
    price = (last * Decimal("1.05")).quantize(market.tick)
    return OrderRequest(
        SYMBOL,
        Side.BUY,
        OrderType.LIMIT,
        size=Decimal(size),
        price=price,
        time_in_force=TimeInForce.IOC,
    )


async def test_start_loads_everything_the_screen_needs(sim: SimServer) -> None:
    session = fast_session(sim)
    async with running(session, spot=False) as run:
        kinds = [type(e) for e in run.events.events]
        assert kinds[:7] == [
            ClockSkew,
            MarketsLoaded,
            TickersRefreshed,
            FeesLoaded,
            BalancesRefreshed,
            OrdersSnapshot,
            RestHealth,
        ]
        assert SYMBOL in session.markets and SYMBOL in session.tickers
        assert session.balances["USDT"].available > 0
        assert session.fee_rates == (Decimal("0.001"), Decimal("0.002"))
        assert session.skew_ms is not None and abs(session.skew_ms) < 1000
        assert session.rest_ok is True


async def test_each_order_state_is_reported_once_whether_ack_or_notification_comes_first(
    sim: SimServer, tmp_path: Path
) -> None:
    journal = open_journal(tmp_path)
    heard = asyncio.Event()
    append = journal.append

    def spy(kind: str, payload: Any, **kwargs: Any) -> None:
        append(kind, payload, **kwargs)
        if kind == jr.NOTIFICATION:
            heard.set()

    journal.append = spy  # type: ignore[method-assign]
    session = fast_session(sim, journal)
    async with running(session, market=SYMBOL) as run:
        mark = run.events.mark()
        [ack] = await session.place(resting_buy(session))
        await session.cancel(session.ledger.orders[ack.order_id])

        def notified(status: int) -> bool:
            return any(
                r.payload["order"]["order_id"] == ack.order_id
                and r.payload["order"]["status"] == status
                for r in journal.iter_kind(jr.NOTIFICATION)
            )

        for status in (2, 6):  # both notifications came, after or before their REST answers
            while not notified(status):
                heard.clear()
                await asyncio.wait_for(heard.wait(), 5)
        changes = [
            e for e in run.events.events[mark:]
            if isinstance(e, OrderChanged) and e.order.order_id == ack.order_id
        ]  # fmt: skip
        assert [e.order.status for e in changes if e.new_state] == [2, 6]
    journal.close()


async def test_place_folds_ack_notification_and_fills_and_journals_them(
    sim: SimServer, tmp_path: Path
) -> None:
    journal = open_journal(tmp_path)
    session = fast_session(sim, journal)
    async with running(session, market=SYMBOL) as run:
        resting = await session.place(resting_buy(session))
        order = resting[0]
        assert order.cl_order_id and order.is_open
        assert session.ledger.open_orders() == [session.ledger.orders[order.order_id]]
        assert not session.ledger.pending
        mark = run.events.mark()
        taker = (await session.place(crossing_buy(session)))[0]
        fills = await run.events.wait_kind(FillsReceived, after=mark)
        assert {f.order_id for f in fills.fills} == {taker.order_id}
        assert all(k[0] == taker.order_id for k in session.ledger.fills)
        await run.events.wait_for(
            lambda e: isinstance(e, OrderChanged) and e.order.order_id == taker.order_id,
            after=mark,
        )
        await run.events.wait_kind(TradesPrinted)  # the selected market's public trades
        cancelled = await session.cancel(session.ledger.orders[order.order_id])
        assert cancelled[0].status == 6
        assert session.ledger.open_orders() == []

    kinds = {e.kind for e in journal.recent(500)}
    assert {jr.ORDER_REQUEST, jr.ORDER_REPLY, jr.NOTIFICATION, jr.FILL, jr.CONNECTION} <= kinds
    requests = list(journal.iter_kind(jr.ORDER_REQUEST))
    assert [r.payload["action"] for r in requests] == ["place", "place", "cancel"]
    assert requests[0].payload["body"]["clOrderID"] == order.cl_order_id
    assert requests[0].payload["body"]["price"] == str(resting_buy(session).price)
    states = [
        e.payload["event"]
        for e in journal.iter_kind(jr.CONNECTION)
        if e.payload["stream"] == "spot"
    ]
    assert states[:2] == ["connecting", "live"]
    fill_rows = list(journal.iter_kind(jr.FILL))
    assert {r.payload["fill"]["trade_id"] for r in fill_rows} == {
        k[1] for k in session.ledger.fills
    }
    journal.close()


async def test_reconnect_resyncs_and_reports_what_changed(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the socket is down, another device cancels one order, places a resting one and
    takes liquidity: the resync finds all of it and says so in one line. (The fill window has
    no safety margin beyond the clock estimate's own error: the fills must be found because
    they fall inside the outage itself.)"""
    journal = open_journal(tmp_path)
    session = fast_session(sim, journal)
    key = sim.demo_account.key
    async with running(session, market=SYMBOL) as run:
        first = (await session.place(resting_buy(session, "0.90")))[0]
        second = (await session.place(resting_buy(session, "0.91")))[0]
        assert run.events.of(Resynced) == []  # the first connection is not a resync

        mark = run.events.mark()
        sim.faults.drop_sockets = True  # new sockets are closed at once while on
        await run.events.wait_state("spot", StreamState.DOWN, after=mark)
        # the simulator runs on our own clock, so any skew measured over its /time (RTT/2
        # asymmetry, a busy loop) is error that moves the window's start; a fill a few ms
        # into the outage must not depend on that luck
        skew_error_ms = math.ceil(abs(session.skew_ms or 0.0)) + 1
        monkeypatch.setattr(session_sync, "RESYNC_MARGIN_MS", skew_error_ms)
        engine = sim.engine
        last = session.tickers[SYMBOL].last

        def elsewhere() -> tuple[str, int]:
            engine.cancel(key, first.order_id)
            other = engine.submit_order(
                key, SYMBOL, "BUY", "LIMIT", (last * Decimal("0.8")).quantize(Decimal("0.1")),
                Decimal("0.001"), cl_order_id="other-device",
            )  # fmt: skip
            taker = engine.submit_order(
                key, SYMBOL, "BUY", "LIMIT", (last * Decimal("1.05")).quantize(Decimal("0.1")),
                Decimal("0.002"), time_in_force="IOC",
            )  # fmt: skip
            n_fills = sum(
                1 for f in engine.account_for_key(key).fills if f.order_id == taker.order_id
            )
            return other.order_id, n_fills

        other_id, n_fills = sim.call(elsewhere)
        assert n_fills >= 1
        sim.faults.drop_sockets = False
        resynced = await run.events.wait_kind(Resynced, after=mark, within=10)
        assert resynced.text == f"resynced: 2 orders changed, {n_fills} fills recovered"
        assert session.ledger.closed[first.order_id].status == 6
        assert {o.order_id for o in session.ledger.open_orders()} == {second.order_id, other_id}
        at = run.events.events.index(resynced)
        snapshot = run.events.events[at - 1]  # the resync's snapshot comes right before
        assert isinstance(snapshot, OrdersSnapshot)
        assert {o.order_id for o in snapshot.orders} == {second.order_id, other_id}
        recovered = run.events.events[at - 2]
        assert isinstance(recovered, FillsReceived)
        assert len(recovered.fills) == n_fills

    entries = list(journal.iter_kind(jr.RECONCILE))
    assert entries[-1].payload["text"] == resynced.text
    assert any(e.payload.get("source") == "resync" for e in journal.iter_kind(jr.FILL))
    journal.close()


async def test_select_market_moves_trades_and_book_subscriptions(sim: SimServer) -> None:
    session = fast_session(sim)
    async with running(session, market=SYMBOL, book=True) as run:
        await run.events.wait_for(
            lambda e: type(e).__name__ == "BookUpdated" and e.symbol == SYMBOL
        )
        session.select_market("ETH-USDT")
        await run.events.wait_for(
            lambda e: type(e).__name__ == "BookUpdated" and e.symbol == "ETH-USDT"
        )
        assert session.books.symbols == ("ETH-USDT",)
        assert "tradeHistoryApi:ETH-USDT" in session.spot.topics
        assert "tradeHistoryApi:BTC-USDT" not in session.spot.topics


async def test_rest_outage_is_reported_once_and_so_is_the_recovery(sim: SimServer) -> None:
    session = fast_session(sim)
    session.refresher.tickers_every_s = 0.05
    async with running(session, spot=False, refresh=True) as run:
        # the start-up history (trade history per market) is done: only the refresh calls
        await run.events.wait_for(lambda e: isinstance(e, HistoryLoaded) and not e.source.loading)
        mark = run.events.mark()
        sim.faults.http_500 = True
        down = await run.events.wait_kind(RestHealth, ok=False, after=mark)
        assert down.detail.startswith("tickers: HTTP 500")
        sim.faults.http_500 = False
        up = await run.events.wait_kind(RestHealth, ok=True, after=mark)
        assert up.detail == ""
        health = [e for e in run.events.events[mark:] if isinstance(e, RestHealth)]
        assert health == [down, up]
        assert session.rest_ok is True
