"""Between session events and the desk's widgets: frame-rate coalescing and plain-words lines.

Pure (no Textual), so it is unit-tested without an app: `Coalescer` keeps the last value per
key between two paints; `describe_order`, `describe_fill` and `connection_notice` say what
happened in the words the notifications pane shows.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, Literal, TypeVar

from btse_tui.protocol.decimal_text import plain_decimal
from btse_tui.protocol.events import AuthResult, StreamError
from btse_tui.protocol.models import FAILURE_STATUSES, Fill, Market, Order, OrderStatus
from btse_tui.ui.ticket.review import format_quote
from btse_tui.ui.widgets.format import fmt_price, fmt_size

__all__ = [
    "Coalescer",
    "ConnectionNotice",
    "connection_notice",
    "describe_fill",
    "describe_order",
]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


# --------------------------------------------------------------------------- coalescing


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


@dataclass(frozen=True, slots=True)
class ConnectionNotice:
    """Connection news for the trader, with the severity of a Textual notification."""

    text: str
    severity: Literal["information", "warning", "error"] = "information"


def connection_notice(event: object) -> ConnectionNotice | None:
    """What to tell the trader about a sign-in result or a stream error; None for any other
    event (the desk shows those in their own panes, or only the journal keeps them)."""
    match event:
        case AuthResult(success=True):
            return ConnectionNotice("Signed in: order and fill notifications are live")
        case AuthResult(success=False, message=text):
            reason = f": {text}" if text else ""
            return ConnectionNotice(
                f"Sign-in refused{reason} — no order or fill notifications", "error"
            )
        case StreamError(code=code, message=text, arg=arg):
            where = f" on {arg}" if arg else ""
            return ConnectionNotice(f"Stream error{where}: {text} (code {code})", "warning")
    return None


def _price(value: Decimal, market: Market | None) -> str:
    return fmt_price(value, market) if market is not None else plain_decimal(value)


def _size(value: Decimal, market: Market | None) -> str:
    return fmt_size(value, market) if market is not None else plain_decimal(value)


def _order_amount(order: Order, market: Market | None) -> str:
    """`0.0010 BTC-USDT` for base-sized orders, `50.00 USDT of ETH-USDT` for quote-sized ones."""
    if order.order_currency != "base" and order.original_quote_size:
        quote = market.quote if market else order.order_currency
        budget = plain_decimal(order.original_quote_size)
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
        tail.append(f"fee {plain_decimal(fill.fee_amount)} {fill.fee_currency}".rstrip())
    return f"{head}  {', '.join(tail)}" if tail else head
