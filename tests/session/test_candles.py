"""Candles over the wire: the embedded exchange's klines agree with the trades it printed, and the
session's live candle (klines backfill + socket trades) agrees with them too."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from btse_tui.client.session import TradingSession
from btse_tui.protocol.models import Candle, OrderRequest, OrderType, Side, TimeInForce, Trade
from btse_tui.protocol.session_events import CandlesLoaded
from btse_tui.sim.runner import SimServer
from tests.session.conftest import fast_session, running


def sweep(session: TradingSession, symbol: str, side: Side) -> OrderRequest:
    """An IOC order through several levels of the book: several prints at several prices."""
    market = session.markets[symbol]
    last = session.tickers[symbol].last
    factor = Decimal("1.01") if side is Side.BUY else Decimal("0.99")
    return OrderRequest(
        symbol, side, OrderType.LIMIT, size=market.min_size * 3000,
        price=(last * factor).quantize(market.tick), time_in_force=TimeInForce.IOC,
    )  # fmt: skip


def from_trades(trades: list[Trade], period: int) -> dict[int, Candle]:
    """What each period's candle must be: open = first trade, close = last, high, low, and
    the quote volume summed."""
    by_period: dict[int, list[Trade]] = defaultdict(list)
    for trade in sorted(trades, key=lambda t: (t.timestamp_ms, int(t.trade_id))):
        by_period[trade.timestamp_ms // 1000 // period * period].append(trade)
    return {
        start: Candle(
            start,
            ts[0].price,
            max(t.price for t in ts),
            min(t.price for t in ts),
            ts[-1].price,
            sum((t.price * t.size for t in ts), Decimal(0)),
        )
        for start, ts in by_period.items()
    }


async def test_klines_agree_with_the_printed_trades_and_with_the_live_candle(
    sim: SimServer,
) -> None:
    session = fast_session(sim)
    symbol = "BTC-USDT"
    async with running(session, market=symbol) as run:
        mark = run.events.mark()
        session.load_candles(symbol, "1m")
        await run.events.wait_kind(CandlesLoaded, after=mark, symbol=symbol, interval="1m")
        assert len(session.candles(symbol, "1m")) == 300  # a day of history on the exchange

        for side in (Side.BUY, Side.SELL, Side.BUY):
            await session.place(sweep(session, symbol, side))
        printed = await session.rest.trades(symbol, limit=500)
        assert len(printed) >= 6 and len({t.price for t in printed}) >= 4
        # every print reaches the session's candles over the socket
        await run.events.wait_for(
            lambda e: (
                {t.trade_id for t in printed}
                <= {p.trade.trade_id for p in session.recent_trades(symbol)}
            )
        )

        expected = from_trades(printed, 60)
        klines = {c.open_time_s: c for c in await session.rest.klines(symbol, 1, limit=5)}
        for start, candle in expected.items():
            assert klines[start] == candle  # the exchange's klines are its prints
        live = {c.open_time_s: c for c in session.candles(symbol, "1m")}
        for start, candle in expected.items():
            assert live[start] == candle  # the session's live candles say the same

        # a longer interval is the sum of its minutes, history included
        five = await session.rest.klines(symbol, 5, limit=2)
        minutes = await session.rest.klines(symbol, 1, limit=10)
        newest = five[-1]
        inside = [m for m in minutes if newest.open_time_s <= m.open_time_s]
        assert newest.volume == sum((m.volume for m in inside), Decimal(0))
        assert newest.close == inside[-1].close
        assert newest.high == max(m.high for m in inside)
        assert newest.low == min(m.low for m in inside)
