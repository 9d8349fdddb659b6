"""Order and fill history and P&L through the embedded exchange: rows after a fill and a
cancel, the slippage of a limit and of a market order, the journal when the exchange is down,
and the P&L a restart rebuilds."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from btse_tui import journal as jr
from btse_tui.journal import Journal
from btse_tui.protocol.events import FillsReceived
from btse_tui.protocol.models import OrderRequest, OrderStatus, OrderType, Side, TimeInForce
from btse_tui.protocol.session_events import HistoryLoaded, OrderChanged
from btse_tui.sim.runner import SimServer
from tests.session.conftest import fast_session, open_journal, running
from tests.session.test_session_flow import SYMBOL, crossing_buy, resting_buy


def crossing_sell(session, size: str = "0.001") -> OrderRequest:  # type: ignore[no-untyped-def]
    market = session.markets[SYMBOL]
    price = (session.tickers[SYMBOL].last * Decimal("0.95")).quantize(market.tick)
    return OrderRequest(
        SYMBOL, Side.SELL, OrderType.LIMIT, size=Decimal(size), price=price,
        time_in_force=TimeInForce.IOC,
    )  # fmt: skip


async def test_a_fill_and_a_cancel_become_history_rows_with_slippage_from_the_limit(
    sim: SimServer,
) -> None:
    session = fast_session(sim)
    async with running(session, market=SYMBOL) as run:
        await run.events.wait_kind(HistoryLoaded)
        resting = (await session.place(resting_buy(session)))[0]
        request = crossing_buy(session)
        mark = run.events.mark()
        taker = (await session.place(request))[0]
        await run.events.wait_kind(FillsReceived, after=mark)
        await run.events.wait_for(
            lambda e: (
                isinstance(e, OrderChanged)
                and e.order.order_id == taker.order_id
                and not e.order.is_open
            ),
            after=mark,
        )
        await session.cancel(session.ledger.orders[resting.order_id])

        done = session.done_orders()
        assert [o.order_id for o in done] == [resting.order_id, taker.order_id]  # newest first
        assert done[0].status == OrderStatus.ORDER_CANCELLED
        assert done[1].status == OrderStatus.ORDER_FULLY_TRANSACTED
        assert session.done_orders("ETH-USDT") == []
        [record] = session.fill_history(SYMBOL)
        fill = record.fill
        assert fill.order_id == taker.order_id and fill.fee_currency == "BTC"
        assert record.reference_kind == "limit" and record.reference == request.price
        # bought below the limit: negative slippage (better), in basis points of the limit
        assert request.price is not None
        expected = (fill.price - request.price) / request.price * 10_000
        assert record.slippage_bps == expected < 0


async def test_a_market_order_is_measured_against_the_mid_at_send_and_journalled(
    sim: SimServer, tmp_path: Path
) -> None:
    journal = open_journal(tmp_path)
    session = fast_session(sim, journal)
    async with running(session, market=SYMBOL) as run:
        mid = session.mid(SYMBOL)
        assert mid is not None
        mark = run.events.mark()
        await session.place(OrderRequest(SYMBOL, Side.BUY, OrderType.MARKET, size=Decimal("0.001")))
        await run.events.wait_kind(FillsReceived, after=mark)
        records = session.fill_history(SYMBOL)
        assert records and {r.reference_kind for r in records} == {"mid at send"}
        assert {r.reference for r in records} == {mid}
        for r in records:
            assert r.slippage_bps == (r.fill.price - mid) / mid * 10_000
    [request] = list(journal.iter_kind(jr.ORDER_REQUEST))
    assert request.payload["mid"] == str(mid)
    journal.close()


async def _buy_then_sell_half(sim: SimServer, journal: Journal) -> tuple[object, int]:
    """Buy 0.002 BTC, sell 0.001 (both crossing); the position and the number of fills."""
    session = fast_session(sim, journal)
    async with running(session, market=SYMBOL) as run:
        for request in (crossing_buy(session, "0.002"), crossing_sell(session, "0.001")):
            mark = run.events.mark()
            order = (await session.place(request))[0]
            await run.events.wait_for(
                lambda e, oid=order.order_id: (
                    isinstance(e, OrderChanged) and e.order.order_id == oid and not e.order.is_open
                ),
                after=mark,
            )
            await run.events.wait_for(
                lambda _e, oid=order.order_id: any(
                    r.fill.order_id == oid for r in session.fill_history()
                ),
                after=mark,
            )
        position = session.positions()[SYMBOL]
        count = len(session.fill_history())
    return position, count


async def test_a_restart_rebuilds_the_same_pnl_from_journal_and_trade_history(
    sim: SimServer, tmp_path: Path
) -> None:
    journal = open_journal(tmp_path)
    before, fills = await _buy_then_sell_half(sim, journal)
    assert before.size > 0 and before.fills == fills  # type: ignore[attr-defined]
    journal.close()

    journal = open_journal(tmp_path)  # a new run: nothing but the journal and the exchange
    session = fast_session(sim, journal)
    async with running(session, market=SYMBOL) as run:
        loaded = await run.events.wait_for(
            lambda e: isinstance(e, HistoryLoaded) and not e.source.loading
        )
        assert loaded.source.from_exchange
        assert len(session.fill_history()) == fills  # journal + exchange, each trade once
        assert session.positions()[SYMBOL] == before
        assert [o.status for o in session.done_orders()] == [4, 4]
    journal.close()


async def test_the_journal_shows_the_history_when_the_exchange_is_down(
    sim: SimServer, tmp_path: Path
) -> None:
    journal = open_journal(tmp_path)
    before, fills = await _buy_then_sell_half(sim, journal)
    journal.close()

    sim.faults.http_500 = True
    journal = open_journal(tmp_path)
    session = fast_session(sim, journal)
    async with running(session, spot=False) as run:
        loaded = await run.events.wait_for(
            lambda e: isinstance(e, HistoryLoaded) and not e.source.loading
        )
        assert not loaded.source.from_exchange
        assert session.history_source.text == (
            "from the journal — the exchange could not be asked (HTTP 500)"
        )
        assert len(session.fill_history()) == fills
        assert session.positions()[SYMBOL] == before
        assert len(session.done_orders()) == 2
    journal.close()
