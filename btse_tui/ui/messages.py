"""App-level Textual messages: what the stream workers and order workers tell the widgets.

Every message is a small frozen-in-spirit dataclass carrying protocol models (never raw dicts).
High-rate messages override `can_replace` so a newer message for the same key supersedes a
queued older one (Textual drops the older of two *adjacent* queued messages when
`older.can_replace(newer)` is true):

| message            | rate        | replaced by a newer one when            |
|--------------------|-------------|-----------------------------------------|
| `TickerUpdated`    | tick        | same symbol                             |
| `TickersUpdated`   | ≤ 20 Hz     | the newer batch covers every symbol     |
| `BookChanged`      | ≤ 20 Hz     | same symbol (it carries the whole book) |
| `BookTopChanged`   | tick        | same symbol                             |
| `TradesPrinted`    | tick        | never (each print matters)              |
| `PongReceived`     | 15 s        | always (only the latest latency counts) |
| `BalancesUpdated`  | seconds     | always (it carries every balance)       |

Coalescing proper (last value wins per key, flushed at ≤ 20 Hz) lives in `bridge.Coalescer`;
`can_replace` is the second line of defence when the UI falls behind anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from btse_tui.protocol.errors import BtseError
from btse_tui.protocol.events import StreamStateChanged
from btse_tui.protocol.models import (
    AmendRequest,
    Balance,
    BookLevel,
    Fill,
    Market,
    Order,
    OrderRequest,
    Ticker,
    Trade,
)

__all__ = [
    "AmendResult",
    "BalancesUpdated",
    "BookChanged",
    "BookTopChanged",
    "CancelResult",
    "ConnectionNotice",
    "FillsEvent",
    "MarketsUpdated",
    "OpenOrdersLoaded",
    "OrderEvent",
    "OrderResult",
    "PongReceived",
    "StreamStatus",
    "TickerUpdated",
    "TickersUpdated",
    "TradesPrinted",
]


# --------------------------------------------------------------------------- market data


@dataclass
class TickerUpdated(Message):
    """One market's ticker changed (a single tick)."""

    ticker: Ticker

    def can_replace(self, message: Message) -> bool:
        """A newer tick for the same symbol supersedes this one."""
        return isinstance(message, TickerUpdated) and message.ticker.symbol == self.ticker.symbol


@dataclass
class TickersUpdated(Message):
    """A batch of tickers (symbol → ticker): a REST refresh or a coalesced flush."""

    tickers: dict[str, Ticker]

    def can_replace(self, message: Message) -> bool:
        """A newer batch supersedes this one only if it covers every symbol this one carries."""
        return isinstance(message, TickersUpdated) and message.tickers.keys() >= self.tickers.keys()


@dataclass
class MarketsUpdated(Message):
    """The market list and its trading rules were (re)loaded (symbol → market)."""

    markets: dict[str, Market]


@dataclass
class BookChanged(Message):
    """The whole visible order book of one symbol after applying snapshots and deltas.

    `bids` best (highest) first, `asks` best (lowest) first; `seq` is the last applied sequence.
    """

    symbol: str
    bids: tuple[BookLevel, ...]
    asks: tuple[BookLevel, ...]
    seq: int = 0

    def can_replace(self, message: Message) -> bool:
        """A newer book of the same symbol supersedes this one (each carries the full book)."""
        return isinstance(message, BookChanged) and message.symbol == self.symbol


@dataclass
class BookTopChanged(Message):
    """Best bid/ask of one symbol (`snapshotL1`)."""

    symbol: str
    bid: BookLevel | None
    ask: BookLevel | None

    def can_replace(self, message: Message) -> bool:
        """A newer top of book for the same symbol supersedes this one."""
        return isinstance(message, BookTopChanged) and message.symbol == self.symbol


@dataclass
class TradesPrinted(Message):
    """Public trades of one symbol, newest last. Never coalesced: every print is shown."""

    symbol: str
    trades: tuple[Trade, ...]


# --------------------------------------------------------------------------- account


@dataclass
class OrderEvent(Message):
    """One of the trader's orders changed state (notification, ack or reconcile)."""

    order: Order


@dataclass
class FillsEvent(Message):
    """One or more executions of the trader's orders."""

    fills: tuple[Fill, ...]


@dataclass
class OpenOrdersLoaded(Message):
    """The full list of open orders from REST (start-up or after a reconnect): replaces all."""

    orders: tuple[Order, ...]
    symbol: str | None = None


@dataclass
class BalancesUpdated(Message):
    """Wallet balances (currency → balance); each message carries the whole wallet."""

    balances: dict[str, Balance]

    def can_replace(self, message: Message) -> bool:
        """A newer wallet supersedes this one."""
        return isinstance(message, BalancesUpdated)


@dataclass
class OrderResult(Message):
    """Outcome of one create-order call: the exchange's order items, or the error.

    `orders` may hold a failure status inside an HTTP 200 (see `Order.is_failure`); `error` is
    set when nothing came back or the exchange refused the call. A `RequestTimeout` error means
    the outcome is unknown: check, never resend.
    """

    request: OrderRequest
    orders: tuple[Order, ...] = ()
    error: BtseError | None = None

    @property
    def ok(self) -> bool:
        """True when the exchange accepted the order (no error, no failure status)."""
        return (
            self.error is None and bool(self.orders) and not any(o.is_failure for o in self.orders)
        )


@dataclass
class AmendResult(Message):
    """Outcome of one amend call."""

    request: AmendRequest
    orders: tuple[Order, ...] = ()
    error: BtseError | None = None


@dataclass
class CancelResult(Message):
    """Outcome of a cancel (one order, by client id, or all of a symbol)."""

    symbol: str
    orders: tuple[Order, ...] = ()
    error: BtseError | None = None


# --------------------------------------------------------------------------- connection


@dataclass
class StreamStatus(Message):
    """A socket changed state (connecting / live / stale / down)."""

    event: StreamStateChanged


@dataclass
class PongReceived(Message):
    """A heartbeat came back; `rtt_ms` is the round trip when known."""

    rtt_ms: float | None = None

    def can_replace(self, message: Message) -> bool:
        """Only the latest latency matters."""
        return isinstance(message, PongReceived)


@dataclass
class ConnectionNotice(Message):
    """Connection news for the trader; severity is `information`, `warning` or `error`."""

    text: str
    severity: str = "information"
