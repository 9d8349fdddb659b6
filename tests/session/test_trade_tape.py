"""The session's trade tape: the followed market's prints from REST on selection, then live
from the socket, each once, newest first, the trader's own fills marked."""

from __future__ import annotations

from decimal import Decimal

from btse_tui.client.session import TradingSession
from btse_tui.protocol.events import FillsReceived, StreamState, TradesPrinted
from btse_tui.protocol.models import OrderRequest, OrderType, Side, TimeInForce
from btse_tui.protocol.session_events import TradesLoaded
from btse_tui.sim.hub import TRADE_BATCH
from btse_tui.sim.runner import SimServer
from tests.session.conftest import Running, fast_session, running


def crossing_buy(session: TradingSession, symbol: str) -> OrderRequest:
    market = session.markets[symbol]
    price = (session.tickers[symbol].last * Decimal("1.05")).quantize(market.tick)
    return OrderRequest(
        symbol, Side.BUY, OrderType.LIMIT, size=market.min_size * 3, price=price,
        time_in_force=TimeInForce.IOC,
    )  # fmt: skip


def engine_trades(sim: SimServer, symbol: str) -> list[str]:
    """The exchange's public prints of `symbol`, newest first (their trade ids)."""
    return [str(t.trade_id) for t in sim.call(lambda: sim.engine.recent_trades(symbol, 500))]


async def test_tape_backfills_goes_live_once_per_print_and_marks_own_fills(
    sim: SimServer,
) -> None:
    session = fast_session(sim)
    async with running(session, market="BTC-USDT") as run:
        # live: our crossing order prints on the tape, marked as ours
        mark = run.events.mark()
        await session.place(crossing_buy(session, "BTC-USDT"))
        await run.events.wait_kind(FillsReceived, after=mark)
        await run.events.wait_kind(TradesPrinted, after=mark, symbol="BTC-USDT")
        await run.events.wait_for(
            lambda e: (
                [p.trade.trade_id for p in session.recent_trades("BTC-USDT")]
                == engine_trades(sim, "BTC-USDT")
            )
        )
        tape = session.recent_trades("BTC-USDT")
        assert tape and all(p.own for p in tape)  # every print on a still market was ours

        # a market we do not follow trades meanwhile, more than the socket's first frame
        # brings (20): only the REST backfill can bring them all
        for _ in range(24):
            await session.place(crossing_buy(session, "ETH-USDT"))
        assert session.recent_trades("ETH-USDT") == ()
        assert len(engine_trades(sim, "ETH-USDT")) >= 24

        # switching: the old market's tape is gone, the new one is filled over REST
        mark = run.events.mark()
        session.select_market("ETH-USDT")
        assert session.recent_trades("BTC-USDT") == () == session.recent_trades("ETH-USDT")
        await run.events.wait_kind(TradesLoaded, after=mark, symbol="ETH-USDT")
        await run.events.wait_for(
            lambda e: (
                [p.trade.trade_id for p in session.recent_trades("ETH-USDT")]
                == engine_trades(sim, "ETH-USDT")
            )
        )
        eth = session.recent_trades("ETH-USDT")
        assert {p.trade.symbol for p in eth} == {"ETH-USDT"}
        assert all(p.own for p in eth)  # the fills were in the ledger before the prints came

        # back again: REST and the socket's first frame overlap, each print is shown once
        mark = run.events.mark()
        session.select_market("BTC-USDT")
        await run.events.wait_kind(TradesPrinted, after=mark, symbol="BTC-USDT")
        await run.events.wait_for(
            lambda e: (
                [p.trade.trade_id for p in session.recent_trades("BTC-USDT")]
                == engine_trades(sim, "BTC-USDT")
            )
        )
        stamps = [p.trade.timestamp_ms for p in session.recent_trades("BTC-USDT")]
        assert stamps == sorted(stamps, reverse=True)


def tape_ids(session: TradingSession, symbol: str) -> list[str]:
    return [p.trade.trade_id for p in session.recent_trades(symbol)]


async def trade_while_the_socket_is_down(
    sim: SimServer, session: TradingSession, run: Running, symbol: str, orders: int
) -> list[str]:
    """Take every socket down, print `orders` crossing buys over REST meanwhile (more than
    the socket's first frame brings back), and return the tape's newest print from before."""
    mark = run.events.mark()
    await session.place(crossing_buy(session, symbol))
    await run.events.wait_for(lambda e: tape_ids(session, symbol) == engine_trades(sim, symbol))
    before = tape_ids(session, symbol)
    sim.faults.drop_sockets = True
    await run.events.wait_state("spot", StreamState.DOWN, after=mark)
    for _ in range(orders):
        await session.place(crossing_buy(session, symbol))
    missed = engine_trades(sim, symbol)[: len(engine_trades(sim, symbol)) - len(before)]
    assert len(missed) > TRADE_BATCH  # the resubscribe's first frame cannot bring them all
    return before


async def test_prints_missed_while_the_socket_was_down_are_fetched_after_the_reconnect(
    sim: SimServer,
) -> None:
    session = fast_session(sim)
    async with running(session, market="BTC-USDT") as run:
        before = await trade_while_the_socket_is_down(sim, session, run, "BTC-USDT", 24)
        mark = run.events.mark()
        sim.faults.drop_sockets = False
        await run.events.wait_state("spot", StreamState.LIVE, after=mark)
        await run.events.wait_for(
            lambda e: tape_ids(session, "BTC-USDT") == engine_trades(sim, "BTC-USDT"),
            after=mark,
        )
        tape = session.recent_trades("BTC-USDT")
        assert [p.trade.trade_id for p in tape[-len(before) :]] == before  # nothing lost
        assert not any(p.gap_after for p in tape)  # and no gap left to show
        assert len({p.trade.trade_id for p in tape}) == len(tape)  # each print once


async def test_a_gap_the_exchange_cannot_fill_is_marked_until_a_retry_fills_it(
    sim: SimServer,
) -> None:
    session = fast_session(sim)
    session.feed.refill_retry_s = 0.2
    async with running(session, market="BTC-USDT") as run:
        before = await trade_while_the_socket_is_down(sim, session, run, "BTC-USDT", 24)
        mark = run.events.mark()
        sim.faults.http_500 = True  # REST fails: the missed prints cannot be fetched
        sim.faults.drop_sockets = False
        await run.events.wait_kind(TradesLoaded, after=mark, symbol="BTC-USDT", count=0)
        tape = session.recent_trades("BTC-USDT")
        gaps = [p.trade.trade_id for p in tape if p.gap_after]
        assert gaps == [before[0]]  # right after the newest print from before the outage
        assert tape_ids(session, "BTC-USDT") != engine_trades(sim, "BTC-USDT")

        sim.faults.http_500 = False  # the next try brings them and the mark goes
        await run.events.wait_for(
            lambda e: tape_ids(session, "BTC-USDT") == engine_trades(sim, "BTC-USDT"),
            after=mark,
        )
        assert not any(p.gap_after for p in session.recent_trades("BTC-USDT"))
