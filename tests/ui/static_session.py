"""A deterministic stand-in for TradingSession: fixed markets, prices, orders and clock."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from decimal import Decimal

from btse_tui.port import Emit
from btse_tui.protocol import session_events as se
from btse_tui.protocol.candles import INTERVALS, CandleBook
from btse_tui.protocol.errors import ConfigError
from btse_tui.protocol.events import (
    BookUpdated,
    FillsReceived,
    Pong,
    StreamState,
    StreamStateChanged,
    TradesPrinted,
)
from btse_tui.protocol.history import FillRecord, HistorySource, TradeRecord
from btse_tui.protocol.ledger import OrderLedger
from btse_tui.protocol.models import (
    AmendRequest,
    Balance,
    BookLevel,
    Candle,
    FeeRate,
    Fill,
    Market,
    Order,
    Side,
    Ticker,
    Trade,
)
from btse_tui.protocol.pnl import Position
from btse_tui.protocol.submission import OrderSubmission
from btse_tui.protocol.tape import TapePrint, TradeTape
from btse_tui.sim.engine.catalog import default_markets

D = Decimal
NOW_MS = 1_764_072_000_000  # a fixed instant: every timestamp on screen derives from it


def _markets() -> tuple[Market, ...]:
    return tuple(
        Market(
            spec.symbol,
            spec.base,
            spec.quote,
            spec.active,
            spec.min_price,
            spec.tick,
            spec.min_size,
            spec.max_size,
            spec.lot,
            spec.price_precision,
            spec.size_precision,
            spec.display_name,
        )
        for spec in default_markets()
    )


def _ticker(market: Market, index: int) -> Ticker:
    start = next(s.start_price for s in default_markets() if s.symbol == market.symbol)
    move = D(index % 7 - 3) / 100
    last = (start * (1 + move / 10)).quantize(market.tick)
    return Ticker(
        market.symbol,
        last,
        open=start,
        high=(last * D("1.03")).quantize(market.tick),
        low=(last * D("0.97")).quantize(market.tick),
        change_pct=(move * 10).quantize(D("0.01")),
        bid=last - market.tick,
        bid_size=D(1),
        ask=last + market.tick,
        ask_size=D(2),
        volume_base=D(1000 + index),
        volume_quote=D(4_000_000 + 250_000 * index),
        time_ms=NOW_MS,
    )


class StaticSession:
    """Emits one fixed picture of an account and then stays quiet."""

    def __init__(self) -> None:
        self.markets = {m.symbol: m for m in _markets()}
        self.tickers = {m.symbol: _ticker(m, i) for i, m in enumerate(self.markets.values())}
        self.balances = {
            "USDT": Balance("USDT", D("25000.00"), D("24000.00")),
            "BTC": Balance("BTC", D("0.52000000"), D("0.51000000")),
            "ETH": Balance("ETH", D("4.00000000"), D("4.00000000")),
        }
        self.ledger = OrderLedger()
        self.fees: dict[str, FeeRate] = {}
        self.selected: str | None = None
        self.resting = Order(
            "BTC-USDT",
            "ord-1",
            Side.BUY,
            2,
            cl_order_id="tui-demo-1",
            price=self.tickers["BTC-USDT"].last - 1000,
            original_size=D("0.01000"),
            current_size=D("0.01000"),
            remaining_size=D("0.01000"),
            timestamp_ms=NOW_MS - 60_000,
        )
        self.record = TradeRecord()
        self.history_source = HistorySource(from_exchange=True)
        self.tape = TradeTape()
        self.candle_book = CandleBook()
        self.backfill = True
        """Whether selecting a market brings its recent trades at once (as REST would)."""
        self._quiet = asyncio.Event()
        self._emit: Emit = lambda _event: None

    def open_orders(self, symbol: str | None = None) -> list[Order]:
        return self.ledger.open_orders(symbol)

    def done_orders(self, symbol: str | None = None) -> list[Order]:
        return self.record.done_orders(symbol)

    def fill_history(self, symbol: str | None = None) -> list[FillRecord]:
        return self.record.fills(symbol)

    def positions(self) -> dict[str, Position]:
        return self.record.positions()

    def _history(self) -> None:
        """An hour ago the trader bought 4 ETH (fee in ETH) and cancelled a BTC order."""
        eth = self.tickers["ETH-USDT"].last
        bought = Order(
            "ETH-USDT",
            "ord-h1",
            Side.BUY,
            4,
            price=eth - 100,
            original_size=D("4.5050"),
            total_filled=D("4.5050"),
            avg_fill_price=eth - 101,
            timestamp_ms=NOW_MS - 3_600_000,
        )
        cancelled = Order(
            "BTC-USDT",
            "ord-h2",
            Side.SELL,
            6,
            price=self.tickers["BTC-USDT"].last + 2000,
            original_size=D("0.01000"),
            timestamp_ms=NOW_MS - 1_800_000,
        )
        for order in (bought, cancelled):
            self.record.add_order(order)
        self.record.add_fills(
            [
                Fill(
                    "ETH-USDT",
                    "ord-h1",
                    "t-h1",
                    Side.BUY,
                    eth - 101,  # a tick of luck below the limit
                    D("4.5050"),
                    fee_amount=D("0.0050"),
                    fee_currency="ETH",
                    maker=True,
                    timestamp_ms=NOW_MS - 3_600_000,
                )
            ]
        )

    async def start(self, emit: Emit) -> None:
        self._emit = emit
        emit(se.MarketsLoaded(tuple(self.markets.values())))
        emit(se.TickersRefreshed(tuple(self.tickers.values())))
        emit(se.BalancesRefreshed(tuple(self.balances.values())))
        emit(se.FeesLoaded(D("0.001"), D("0.002")))
        self.ledger.apply_order(self.resting)
        emit(se.OrdersSnapshot((self.resting,)))
        self._history()
        emit(se.HistoryLoaded(self.history_source, 2, 1))
        emit(se.ClockSkew(12.0, False))
        emit(se.RestHealth(True))

    async def run_spot(self) -> None:
        emit = self._emit
        emit(StreamStateChanged("spot", StreamState.LIVE, "logged in, 3 topics"))
        emit(Pong(4.0, "spot"))
        filled = Order(
            "ETH-USDT",
            "ord-2",
            Side.SELL,
            4,
            price=self.tickers["ETH-USDT"].last,
            original_size=D("0.5000"),
            total_filled=D("0.5000"),
            avg_fill_price=self.tickers["ETH-USDT"].last,
            timestamp_ms=NOW_MS - 5_000,
        )
        self.record.add_order(filled)
        emit(se.OrderChanged(filled, new_state=True, from_stream=True))
        fills = (
            Fill(
                "ETH-USDT",
                "ord-2",
                "t-1",
                Side.SELL,
                filled.price,
                D("0.5000"),
                fee_amount=D("1.70"),
                fee_currency="USDT",
                maker=False,
                timestamp_ms=NOW_MS - 5_000,
            ),
        )
        self.record.add_fills(fills)
        emit(FillsReceived(fills))
        await self._quiet.wait()

    async def run_book(self) -> None:
        emit = self._emit
        emit(StreamStateChanged("oss", StreamState.LIVE, "1 topic"))
        emit(Pong(3.0, "oss"))
        if self.selected is not None:
            emit(self.book(self.selected))
        await self._quiet.wait()

    async def run_refresh(self) -> None:
        await self._quiet.wait()

    async def run_dead_mans_switch(self) -> None:
        await self._quiet.wait()

    def book(self, symbol: str) -> BookUpdated:
        market, ticker = self.markets[symbol], self.tickers[symbol]
        bids = tuple(
            BookLevel(ticker.bid - i * 5 * market.tick, D(i + 1) * market.min_size * 37)
            for i in range(20)
        )
        asks = tuple(
            BookLevel(ticker.ask + i * 5 * market.tick, D(20 - i) * market.min_size * 29)
            for i in range(20)
        )
        return BookUpdated(symbol, bids, asks, 1, NOW_MS)

    def trades(self, symbol: str, count: int = 8) -> list[Trade]:
        """`count` fixed prints of `symbol`, oldest first, one a second up to NOW_MS."""
        market, ticker = self.markets[symbol], self.tickers[symbol]
        return [
            Trade(
                symbol,
                f"{symbol}-{i}",
                ticker.last + (i % 3 - 1) * market.tick,
                market.min_size * (i * 7 % 11 + 1),
                Side.BUY if i % 3 else Side.SELL,
                NOW_MS - (count - i) * 1_000,
            )
            for i in range(count)
        ]

    def recent_trades(self, symbol: str) -> tuple[TapePrint, ...]:
        tape = self.tape
        return tape.prints if tape.symbol == symbol else ()

    def klines(self, symbol: str, interval: str, count: int = 40) -> list[Candle]:
        """`count` fixed candles of `symbol` up to NOW_MS, oldest first, a gentle zigzag."""
        market, ticker = self.markets[symbol], self.tickers[symbol]
        period = INTERVALS[interval]
        last = NOW_MS // 1000 // period * period
        out = []
        for i in range(count):
            base = ticker.last + ((i * 7) % 13 - 6) * 10 * market.tick
            close = base + ((i % 5) - 2) * 4 * market.tick
            high = max(base, close) + 3 * market.tick
            low = min(base, close) - 3 * market.tick
            volume = ticker.last * market.min_size * (i % 9 + 1) * 10
            out.append(Candle(last - (count - 1 - i) * period, base, high, low, close, volume))
        return out

    def candles(self, symbol: str, interval: str) -> tuple[Candle, ...]:
        series = self.candle_book.get(symbol, interval)
        return series.view(NOW_MS // 1000) if series is not None else ()

    def load_candles(self, symbol: str, interval: str) -> None:
        if symbol != self.candle_book.symbol or self.candle_book.get(symbol, interval):
            return
        self.candle_book.series(interval).load(self.klines(symbol, interval))
        self._emit(se.CandlesLoaded(symbol, interval, len(self.candles(symbol, interval))))

    def push_trades(self, trades: list[Trade]) -> None:
        """A trades frame of the followed market, as the socket brings it."""
        self.tape.add(trades)
        self.candle_book.add(trades)
        self._emit(TradesPrinted(trades[0].symbol, tuple(trades)))

    def select_market(self, symbol: str) -> None:
        self.selected = symbol
        own = [
            Fill(
                "BTC-USDT",
                "ord-0",
                "uuid-0",
                Side.BUY,
                t.price,
                t.size,
                timestamp_ms=t.timestamp_ms,
            )
            for t in self.trades("BTC-USDT")[5:6]
        ]  # one of BTC-USDT's prints was the trader's fill
        self.tape.reset(symbol, own)
        self.candle_book.follow(symbol)
        if self.backfill:
            self.tape.add(self.trades(symbol))  # the REST backfill of a real session
            self._emit(se.TradesLoaded(symbol, len(self.tape.prints)))

    def watch_quotes(self, symbols: Iterable[str]) -> None:
        """A picture has no live quotes."""

    def set_dead_mans_switch(self, seconds: float | None) -> None:
        """Nothing to arm on a picture."""

    async def place(self, submission: OrderSubmission) -> list[Order]:
        """A picture takes no orders."""
        raise ConfigError("a static picture takes no orders")

    async def cancel(self, order: Order) -> list[Order]:
        """A picture takes no orders."""
        raise ConfigError("a static picture takes no orders")

    async def cancel_all(self, symbol: str) -> list[Order]:
        """A picture takes no orders."""
        raise ConfigError("a static picture takes no orders")

    async def amend(self, request: AmendRequest) -> list[Order]:
        """A picture takes no orders."""
        raise ConfigError("a static picture takes no orders")

    async def close(self) -> None:
        self._quiet.set()
