"""SessionPort: the trading session as the desk sees it — the calls it makes, the read-only
views it reads and the events it receives."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol

from btse_tui.protocol.events import BookResync, BookUpdated, StreamEvent
from btse_tui.protocol.history import FillRecord, HistorySource
from btse_tui.protocol.models import (
    AmendRequest,
    Balance,
    Candle,
    FeeRate,
    Market,
    Order,
    Ticker,
)
from btse_tui.protocol.pnl import Position
from btse_tui.protocol.session_events import SessionEvent
from btse_tui.protocol.submission import OrderSubmission
from btse_tui.protocol.tape import TapePrint

__all__ = ["DeskEvent", "Emit", "SessionPort"]

#: Everything a session hands to the desk: socket events (states, pongs, fills, books …) and
#: the session's own (`protocol.session_events`: loads, order changes, health …).
DeskEvent = StreamEvent | BookUpdated | BookResync | SessionEvent
#: The desk's sink for events; always called on the desk's event loop.
Emit = Callable[[DeskEvent], None]


class SessionPort(Protocol):
    """One trading account as the desk uses it.

    Lifecycle: `start(emit)` once (the only time the sink is given), then each `run_*` loop in
    a worker of its own until cancelled or `close()`. Every change reaches `emit`, once: an
    order's new state comes as `OrderChanged` whether an ack, a notification or a check
    brought it, never as a return value the desk must merge in.

    The views (`markets`, `tickers`, `balances`, `fees`, `open_orders`, `recent_trades`,
    `done_orders`, `fill_history`, `positions`, `history_source`, `candles`) are the
    session's current picture; the desk reads them and never changes them.
    """

    # ------------------------------------------------------------------ views

    @property
    def markets(self) -> Mapping[str, Market]:
        """Every spot market by symbol, with its trading rules."""
        ...

    @property
    def tickers(self) -> Mapping[str, Ticker]:
        """The latest 24-hour ticker of each market by symbol."""
        ...

    @property
    def balances(self) -> Mapping[str, Balance]:
        """Wallet balances by currency (empty without credentials)."""
        ...

    @property
    def fees(self) -> Mapping[str, FeeRate]:
        """The account's maker/taker fee rates by symbol (empty until loaded)."""
        ...

    def open_orders(self, symbol: str | None = None) -> Sequence[Order]:
        """The orders the session holds as open, oldest first (optionally of one market)."""
        ...

    def recent_trades(self, symbol: str) -> Sequence[TapePrint]:
        """The followed market's latest public trades, newest first (at most TAPE_LENGTH),
        each marked when it was one of the trader's fills; empty for any other market and
        until its trades arrive (over REST on selection, then live: `TradesLoaded`,
        `TradesPrinted`)."""
        ...

    def done_orders(self, symbol: str | None = None) -> Sequence[Order]:
        """The trader's orders that are done — filled, cancelled, rejected, triggered —
        newest first (optionally of one market): this session's and the journal's (BTSE has
        no order-history call). Changes come as `OrderChanged`."""
        ...

    def fill_history(self, symbol: str | None = None) -> Sequence[FillRecord]:
        """The trader's fills, newest first (optionally of one market), each with the price
        it is measured against and its slippage: the exchange's trade history joined with the
        journal's and the live ones (`HistoryLoaded`, then `FillsReceived`)."""
        ...

    def positions(self) -> Mapping[str, Position]:
        """P&L per market from the trader's fills (average cost, fees included), by symbol;
        kept across restarts (rebuilt from the journal and the trade history)."""
        ...

    @property
    def history_source(self) -> HistorySource:
        """Where the history and P&L came from: the exchange, or only the journal (and why)."""

    def candles(self, symbol: str, interval: str) -> Sequence[Candle]:
        """The followed market's candles at `interval` (a key of `protocol.candles.INTERVALS`),
        oldest first, at most CANDLES_KEPT, the open one last and flat candles for periods up
        to now without a trade; empty for any other market and until `load_candles` was
        called (its klines then come as `CandlesLoaded`; trades keep them live)."""
        ...

    # ------------------------------------------------------------------ lifecycle

    async def start(self, emit: Emit) -> None:
        """Load the starting picture over REST and keep `emit` as the sink of every event.

        Failures are reported as events (`RestHealth(False)`), not raised; the loops keep
        trying.

        Raises:
            BtseError: only for a failure that makes the session unusable (the desk shows
                it and the loops still start).
        """
        ...

    async def run_spot(self) -> None:
        """Consume the private socket (orders, fills) until cancelled; reconcile after every
        reconnect."""
        ...

    async def run_book(self) -> None:
        """Consume the book socket (the selected market's book, the watched quotes) until
        cancelled."""
        ...

    async def run_refresh(self) -> None:
        """Refresh tickers, balances, markets, fees and the clock skew until cancelled."""
        ...

    async def run_dead_mans_switch(self) -> None:
        """Keep the dead man's switch armed while it is on, until cancelled."""
        ...

    async def close(self) -> None:
        """Stop every loop and close the sockets; safe to call twice."""
        ...

    # ------------------------------------------------------------------ following

    def select_market(self, symbol: str) -> None:
        """Follow `symbol`: its order book and its public trades."""
        ...

    def load_candles(self, symbol: str, interval: str) -> None:
        """Fetch the followed market's klines at `interval` in the background, once per
        market and interval (`CandlesLoaded` when they arrive)."""
        ...

    def watch_quotes(self, symbols: Iterable[str]) -> None:
        """Keep live best bid/ask for these markets (those on screen); others keep tickers."""
        ...

    def set_dead_mans_switch(self, seconds: float | None) -> None:
        """Arm the dead man's switch with `seconds` (None or 0: disarm it)."""
        ...

    # ------------------------------------------------------------------ orders

    async def place(self, submission: OrderSubmission) -> Sequence[Order]:
        """Send `submission.body` once, exactly as built. Returns the ack items (for scripts
        and tests; the desk learns the result from `OrderChanged`, like every other change).

        Raises:
            ValidationError: its clOrderID was already sent (nothing is sent twice).
            RateLimited: a 429 block is running; nothing was sent.
            ConfigError: no API key and secret are configured; nothing was sent.
            BtseError: any other failure. When `outcome_unknown(error)` is True the exchange
                may have the order: `OrderUnknown` was emitted and `OrderChecked` follows; the
                order is never resent.
        """
        ...

    async def cancel(self, order: Order) -> Sequence[Order]:
        """Cancel one order; its new state comes as `OrderChanged`.

        Raises:
            RateLimited: a 429 block is running; nothing was sent.
            ConfigError: no credentials.
            BtseError: the exchange refused or did not answer.
        """
        ...

    async def cancel_all(self, symbol: str) -> Sequence[Order]:
        """Cancel every open order of `symbol`; returns one item per cancelled order.

        Raises:
            RateLimited: a 429 block is running; nothing was sent.
            ConfigError: no credentials.
            BtseError: the exchange refused or did not answer.
        """
        ...

    async def amend(self, request: AmendRequest) -> Sequence[Order]:
        """Change an open order's price, size or trigger; its new state comes as
        `OrderChanged`.

        Raises:
            RateLimited: a 429 block is running; nothing was sent.
            ConfigError: no credentials.
            BtseError: the exchange refused or did not answer.
        """
        ...
