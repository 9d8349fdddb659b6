"""Pure glue from protocol events to UI messages: event → Message, coalescing, plain-words lines.

Nothing here touches Textual beyond the message classes of `ui.messages`, so it is unit-tested
without an app. The stream worker does, per event:

    if isinstance(event, BookSnapshot | BookDelta):     # book frames need state first
        result = books[event.symbol].apply(event)       # protocol.orderbook.OrderBook
        coalescer.put(("book", event.symbol), book_message(books[event.symbol]))
        # result.needs_resubscribe → ask the stream to resubscribe the topic
    elif (message := to_message(event)) is None: pass   # acks, unknown frames → journal only
    elif (key := coalesce_key(message)) is not None: coalescer.put(key, message)
    else: app.post_message(message)                     # orders, fills, notices: never merged

and a ≤ 20 Hz timer posts `coalescer.drain().values()`: the last value per key wins, so a burst of
ticks for one symbol costs one repaint, and an idle market costs nothing.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from decimal import Decimal
from typing import Generic, TypeVar

from textual.message import Message

from btse_tui.protocol.events import (
    AuthResult,
    BookTop,
    FillsReceived,
    OrderUpdated,
    Pong,
    StreamError,
    StreamEvent,
    StreamStateChanged,
)
from btse_tui.protocol.events import TradesPrinted as TradesPrintedEvent
from btse_tui.protocol.models import (
    FAILURE_STATUSES,
    BookLevel,
    Fill,
    Market,
    Order,
    OrderStatus,
)
from btse_tui.protocol.orderbook import OrderBook
from btse_tui.ui import messages as m
from btse_tui.ui.order_review import format_quote
from btse_tui.ui.widgets.format import fmt_price, fmt_size

__all__ = [
    "Coalescer",
    "book_message",
    "coalesce_key",
    "describe_fill",
    "describe_order",
    "local_hms",
    "severity_for",
    "to_message",
]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

#: Severity names `severity_for` returns, in the order a notifications pane might filter them.
SEVERITIES = ("filled", "partial", "cancelled", "rejected", "info")


# --------------------------------------------------------------------------- event → message


def to_message(event: StreamEvent) -> Message | None:
    """The UI message for one stream event, or None when the UI has nothing to show for it.

    Book snapshots and deltas return None: they must be applied to the book state
    (`protocol.orderbook`) in the worker, which then posts a coalesced `BookChanged`.
    Subscribe acks and unknown frames return None as well (they belong in the journal).
    """
    match event:
        case StreamStateChanged():
            return m.StreamStatus(event)
        case OrderUpdated(order=order):
            return m.OrderEvent(order)
        case FillsReceived(fills=fills):
            return m.FillsEvent(tuple(fills))
        case TradesPrintedEvent(symbol=symbol, trades=trades):
            return m.TradesPrinted(symbol, tuple(trades))
        case BookTop():
            bid = _level(event.bid, event.bid_size)
            ask = _level(event.ask, event.ask_size)
            return m.BookTopChanged(event.symbol, bid, ask)
        case Pong(rtt_ms=rtt):
            return m.PongReceived(rtt)
        case AuthResult(success=True):
            return m.ConnectionNotice("Signed in: order and fill notifications are live")
        case AuthResult(success=False, message=text):
            reason = f": {text}" if text else ""
            return m.ConnectionNotice(
                f"Sign-in refused{reason} — no order or fill notifications", "error"
            )
        case StreamError(code=code, message=text, arg=arg):
            where = f" on {arg}" if arg else ""
            return m.ConnectionNotice(f"Stream error{where}: {text} (code {code})", "warning")
    return None


def _level(price: Decimal | None, size: Decimal | None) -> BookLevel | None:
    if price is None:
        return None
    return BookLevel(price, size if size is not None else Decimal(0))


def book_message(book: OrderBook, depth: int = 20) -> m.BookChanged:
    """The `BookChanged` for the best `depth` levels of `book` (empty sides while it resyncs)."""
    bids, asks = book.top(depth)
    return m.BookChanged(book.symbol, tuple(bids), tuple(asks), book.seq or 0)


def coalesce_key(message: Message) -> Hashable | None:
    """The key under which a high-rate message coalesces, or None if it must never be merged."""
    match message:
        case m.TickerUpdated(ticker=ticker):
            return ("ticker", ticker.symbol)
        case m.BookChanged(symbol=symbol):
            return ("book", symbol)
        case m.BookTopChanged(symbol=symbol):
            return ("top", symbol)
        case m.PongReceived():
            return ("pong",)
        case m.BalancesUpdated():
            return ("balances",)
    return None


class Coalescer(Generic[K, V]):
    """Last value wins per key between two drains; keys keep their first-put order.

    Not thread-safe by design: the stream worker and the flush timer both run on the app's
    event loop.
    """

    __slots__ = ("_pending", "dropped")

    def __init__(self) -> None:
        self._pending: dict[K, V] = {}
        self.dropped = 0
        """How many values were overwritten before being drained (a measure of the saving)."""

    def put(self, key: K, value: V) -> None:
        """Remember `value` for `key`, replacing any value not yet drained."""
        if key in self._pending:
            self.dropped += 1
        self._pending[key] = value

    def drain(self) -> dict[K, V]:
        """Everything pending since the last drain (empty when idle), and forget it."""
        pending, self._pending = self._pending, {}
        return pending

    def __len__(self) -> int:
        return len(self._pending)

    def __bool__(self) -> bool:
        return bool(self._pending)


# --------------------------------------------------------------------------- plain words


def local_hms(timestamp_ms: int) -> str:
    """Local wall-clock time `HH:MM:SS` of a millisecond timestamp (`--:--:--` when unknown)."""
    if timestamp_ms <= 0:
        return "--:--:--"
    return time.strftime("%H:%M:%S", time.localtime(timestamp_ms / 1000))


def _price(value: Decimal, market: Market | None) -> str:
    return fmt_price(value, market) if market is not None else _plain(value)


def _size(value: Decimal, market: Market | None) -> str:
    return fmt_size(value, market) if market is not None else _plain(value)


def _plain(value: Decimal) -> str:
    """A decimal as the exchange sent it: separators, no exponent, no trailing zeros."""
    return f"{value.normalize():,f}"


def _order_amount(order: Order, market: Market | None) -> str:
    """`0.0010 BTC-USDT` for base-sized orders, `50.00 USDT of ETH-USDT` for quote-sized ones."""
    if order.order_currency != "base" and order.original_quote_size:
        quote = market.quote if market else order.order_currency
        budget = _plain(order.original_quote_size)
        if market is not None:
            budget = format_quote(order.original_quote_size, market)
        return f"{budget} {quote} of {order.symbol}"
    size = order.original_size or order.current_size or order.remaining_size
    if size is None:
        return order.symbol
    return f"{_size(size, market)} {order.symbol}"


def describe_order(order: Order, market: Market | None = None) -> str:
    """One plain-words line, e.g. `BUY 0.0010 BTC-USDT @ 20,000.0  inserted` (the pane adds
    the time)."""
    parts = [order.side.value, _order_amount(order, market)]
    if order.order_type == 77:
        parts.append("@ market")
    elif order.price:
        parts.append(f"@ {_price(order.price, market)}")
    # a create reply carries the trigger flag but no txType: say "trigger" when the kind is unknown
    if (order.tx_type.value != "LIMIT" or order.is_trigger) and order.trigger_price:
        kind = "stop" if order.tx_type.value == "STOP" else "trigger"
        parts.append(f"({kind} {_price(order.trigger_price, market)})")
    status = order.status_label
    if order.status in (OrderStatus.ORDER_PARTIALLY_TRANSACTED, OrderStatus.ORDER_FULLY_TRANSACTED):
        filled = order.total_filled or order.filled_size
        if filled:
            status += f" {_size(filled, market)}"
            if order.avg_fill_price:
                status += f" @ {_price(order.avg_fill_price, market)}"
    elif order.status in FAILURE_STATUSES or order.status == OrderStatus.TIMEOUT:
        status += f" (status {order.status})"
        if order.message:
            status += f": {order.message}"
    return f"{' '.join(parts)}  {status}"


def describe_fill(fill: Fill, market: Market | None = None) -> str:
    """One line, e.g. `FILL BUY 0.0010 BTC-USDT @ 20,000.0  maker, fee 0.000001 BTC`."""
    head = (
        f"FILL {fill.side.value} {_size(fill.size, market)} {fill.symbol} "
        f"@ {_price(fill.price, market)}"
    )
    tail = []
    if fill.maker is not None:
        tail.append("maker" if fill.maker else "taker")
    if fill.fee_amount:
        tail.append(f"fee {_plain(fill.fee_amount)} {fill.fee_currency}".rstrip())
    return f"{head}  {', '.join(tail)}" if tail else head


def severity_for(order: Order) -> str:
    """`filled`, `partial`, `cancelled`, `rejected` (refusals and unknown outcomes) or `info`."""
    status = order.status
    if status == OrderStatus.ORDER_FULLY_TRANSACTED:
        return "filled"
    if status == OrderStatus.ORDER_PARTIALLY_TRANSACTED:
        return "partial"
    if status in (OrderStatus.ORDER_CANCELLED, OrderStatus.ORDER_REFUNDED):
        return "cancelled"
    if status in FAILURE_STATUSES or status == OrderStatus.TIMEOUT:
        return "rejected"
    return "info"
