"""OpenOrdersTable: the trader's resting orders, newest first, updated in place by order id.

Both legs of an OCO share one row (keyed by their common clOrderID): Type `OCO`, Price and
Size are the limit leg's, Status names the stop leg's trigger (`+stop 3,412.00`). Once one
leg has ended the row shows the other, and says what happened to the first
(`stop cancelled`, `limit cancelled`). A trailing stop shows Type `TRAIL` and its current
trigger in Status (`trail 3,412.45`), which moves as the exchange reports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from textual import events
from textual.message import Message

from btse_tui.protocol.models import Market, Order, OrderStatus, Side, TxType
from btse_tui.ui.widgets.format import (
    MISSING,
    decimals_of,
    fit_amount,
    fit_price,
    fmt_decimal,
    fmt_time_ms,
)
from btse_tui.ui.widgets.live_table import Column, LiveTable, RowKey

PRICE_WIDTH = 12
SIZE_WIDTH = 10
FILLED_WIDTH = 11
#: The Status column takes what the pane leaves, between these (`timed out — check status`).
STATUS_WIDTH_MIN = 16
STATUS_WIDTH_MAX = 24


def _price(value: Any, row: Mapping[str, Any]) -> str:
    if value is None:
        return "MARKET"
    return fit_price(value, row.get("pd"), PRICE_WIDTH)


def _kind(order: Order) -> str:
    """LIMIT / MARKET / PEG, OCO for either OCO leg, TRAIL for a trailing stop, or STOP and
    TP (take-profit) for orders waiting on a trigger price."""
    if order.is_oco:
        return "OCO"
    if order.trail_value is not None:
        return "TRAIL"
    if order.tx_type is TxType.TRIGGER:
        return "TP"
    if order.tx_type is TxType.STOP or order.is_trigger:
        return "STOP"
    return order.order_type_name


def _status(order: Order, market: Market | None) -> str:
    """The status in words; a stop waiting on its trigger says where: `stop 87,525.0`."""
    if order.awaits_trigger and order.trigger_price is not None:
        places = None if market is None else decimals_of(market.tick)
        return f"{_kind(order).lower()} {fmt_decimal(order.trigger_price, places)}"
    if order.is_peg and order.peg_deviation is not None:
        deviation = fmt_decimal(order.peg_deviation, None)
        sign = "+" if order.peg_deviation > 0 else ""
        return f"peg {sign}{deviation}% · {order.status_label}"  # Type may be hidden
    return order.status_label


def row_key(order: Order) -> str:
    """The row an order is shown on: its OCO pair's (by the shared clOrderID), else its own."""
    if order.is_oco and order.cl_order_id:
        return f"oco:{order.symbol}:{order.cl_order_id}"
    return order.order_id


def _lead_leg(legs: Mapping[str, Order]) -> Order:
    """The leg an OCO row is about: the open limit leg, else the open stop leg, else any."""
    open_legs = [leg for leg in legs.values() if leg.is_open] or list(legs.values())
    return min(open_legs, key=lambda leg: leg.trigger_price is not None)


def _size_in(width: int) -> Callable[[Any, Mapping[str, Any]], str]:
    def size(value: Any, row: Mapping[str, Any]) -> str:
        return MISSING if value is None else fit_amount(value, row.get("sd"), width)

    return size


def _side_tone(value: Any, row: Mapping[str, Any]) -> str | None:
    return "up" if value == Side.BUY else "down"


def _status_tone(value: Any, row: Mapping[str, Any]) -> str | None:
    status = row.get("status_code")
    if status == OrderStatus.ORDER_PARTIALLY_TRANSACTED:
        return "info"
    if status in (OrderStatus.TRIGGER_INSERTED, OrderStatus.TIMEOUT):
        return "warning"
    return "muted"


def _filled_tone(value: Any, row: Mapping[str, Any]) -> str | None:
    return "info" if value else "muted"


def _time(value: Any, row: Mapping[str, Any]) -> str:
    return fmt_time_ms(value or 0)


def _side(value: Any, row: Mapping[str, Any]) -> str:
    return str(value)


def open_order_columns(status_width: int = STATUS_WIDTH_MIN) -> tuple[Column, ...]:
    """Columns of the open-orders table; Market, Side, Price, Size and Status stay longest."""
    return (
        Column("time", "Time", 8, "left", _time, priority=40),
        Column("symbol", "Market", 11, priority=100),
        Column("side", "Side", 4, "left", _side, _side_tone, priority=100),
        Column("type", "Type", 6, "left", priority=30),
        Column("price", "Price", PRICE_WIDTH, "right", _price, priority=100),
        Column("size", "Size", SIZE_WIDTH, "right", _size_in(SIZE_WIDTH), priority=90),
        Column(
            "filled",
            "Filled",
            FILLED_WIDTH,
            "right",
            _size_in(FILLED_WIDTH),
            _filled_tone,
            priority=60,
        ),
        Column("status", "Status", status_width, "left", tone=_status_tone, priority=85),
    )


class OpenOrdersTable(LiveTable):
    """Open orders keyed by order id; closed orders leave the table.

    Enter posts `OpenOrdersTable.Selected(order)`; `selected_order()` is the cursor's order
    (the app binds cancel/amend keys to it). Sorting: `s` / `S` as in every LiveTable.
    """

    DEFAULT_CSS = """
    OpenOrdersTable { height: 1fr; }
    """

    class Selected(Message):
        """Enter on an order row."""

        def __init__(self, table: OpenOrdersTable, order: Order) -> None:
            super().__init__()
            self.table = table
            self.order = order

        @property
        def control(self) -> OpenOrdersTable:
            """The open-orders table."""
            return self.table

    class Highlighted(Message):
        """The cursor moved to another order (None when the table is empty)."""

        def __init__(self, table: OpenOrdersTable, order: Order | None) -> None:
            super().__init__()
            self.table = table
            self.order = order

        @property
        def control(self) -> OpenOrdersTable:
            """The open-orders table."""
            return self.table

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Create an empty table (sorted newest first)."""
        super().__init__(
            open_order_columns(),
            empty_text="No open orders",
            search_keys=("symbol", "side", "status"),
            name=name,
            id=id,
            classes=classes,
        )
        self._orders: dict[str, Order] = {}
        #: OCO rows: row key → the legs' latest states by order id (a closed leg stays while
        #: the other is open, so the row can say what became of it)
        self._pairs: dict[str, dict[str, Order]] = {}
        self._markets: dict[str, Market] = {}
        self._status_width = STATUS_WIDTH_MIN
        self.sort_by("time", reverse=True)

    def on_resize(self, event: events.Resize) -> None:
        """Give the Status column whatever width the shown columns leave (up to a limit)."""
        usable = self.size.width - self.styles.scrollbar_size_vertical
        if self._status_width != STATUS_WIDTH_MIN:
            self._status_width = STATUS_WIDTH_MIN
            self.set_columns(open_order_columns())
        self._layout_columns()
        shown = self.visible_columns
        used = 2 + sum(column.width for column in shown) + len(shown) - 1
        width = STATUS_WIDTH_MIN + max(0, min(STATUS_WIDTH_MAX - STATUS_WIDTH_MIN, usable - used))
        if width != self._status_width and any(c.key == "status" for c in shown):
            self._status_width = width
            self.set_columns(open_order_columns(width))

    # ------------------------------------------------------------------ public API

    def set_markets(self, markets: Iterable[Market]) -> None:
        """Markets whose tick/lot decide the decimals of prices and sizes."""
        self._markets = {market.symbol: market for market in markets}
        for key, values in self._rows():
            self.update_row(key, values)

    def upsert(self, order: Order) -> None:
        """Add or update `order`; an order that is no longer open is removed (an OCO row
        stays while either leg is open)."""
        key = row_key(order)
        if key in self._pairs or (order.is_oco and key != order.order_id):
            legs = self._pairs.setdefault(key, {})
            legs[order.order_id] = order
            if order.is_open:
                self._orders[order.order_id] = order
            else:
                self._orders.pop(order.order_id, None)
            if any(leg.is_open for leg in legs.values()):
                self.update_row(key, self._pair_values(legs))
            else:
                del self._pairs[key]
                self.remove_row(key)
            return
        if not order.is_open:
            self.remove_order(order.order_id)
            return
        self._orders[order.order_id] = order
        self.update_row(order.order_id, self._values(order))

    def remove_order(self, order_id: str) -> None:
        """Drop order `order_id` if shown (an OCO row goes once neither leg is open)."""
        order = self._orders.pop(order_id, None)
        for key, legs in list(self._pairs.items()):
            if order_id in legs:
                legs.pop(order_id)
                if order is None or not any(leg.is_open for leg in legs.values()):
                    del self._pairs[key]
                    self.remove_row(key)
                else:
                    self.update_row(key, self._pair_values(legs))
                return
        self.remove_row(order_id)

    def set_orders(self, orders: Iterable[Order]) -> None:
        """Replace everything with `orders` (closed ones are skipped), e.g. after a resync."""
        open_orders = [order for order in orders if order.is_open]
        self._orders = {order.order_id: order for order in open_orders}
        self._pairs = {}
        for order in open_orders:
            if order.is_oco and row_key(order) != order.order_id:
                self._pairs.setdefault(row_key(order), {})[order.order_id] = order
        self.set_rows(self._rows())

    def selected_order(self) -> Order | None:
        """The order under the cursor, or None. On an OCO row: the limit leg while it is open
        (cancelling either leg cancels both), else the stop leg."""
        key = self.cursor_key
        if key is None:
            return None
        legs = self._pairs.get(str(key))
        if legs is not None:
            return _lead_leg(legs)
        return self._orders.get(str(key))

    def row_orders(self, key: str) -> tuple[Order, ...]:
        """The orders a row shows: both legs of an OCO row (open or ended), else the one."""
        legs = self._pairs.get(key)
        if legs is not None:
            return tuple(legs.values())
        order = self._orders.get(key)
        return () if order is None else (order,)

    @property
    def orders(self) -> tuple[Order, ...]:
        """All open orders held (any order)."""
        return tuple(self._orders.values())

    # ------------------------------------------------------------------ internals

    def _rows(self) -> list[tuple[str, dict[str, Any]]]:
        paired = {oid for legs in self._pairs.values() for oid in legs}
        rows = [(key, self._pair_values(legs)) for key, legs in self._pairs.items()]
        rows += [(oid, self._values(o)) for oid, o in self._orders.items() if oid not in paired]
        return rows

    def _pair_values(self, legs: Mapping[str, Order]) -> dict[str, Any]:
        """One row for an OCO: the open leg's numbers; Status tells the legs apart."""
        lead = _lead_leg(legs)
        values = self._values(lead)
        market = self._markets.get(lead.symbol)
        stop = next((leg for leg in legs.values() if leg.trigger_price is not None), None)
        limit = next((leg for leg in legs.values() if leg.trigger_price is None), None)
        if stop is not None and limit is not None and stop.is_open and limit.is_open:
            places = None if market is None else decimals_of(market.tick)
            values["status"] = f"+stop {fmt_decimal(stop.trigger_price, places)}"
        else:
            ended = next((leg for leg in legs.values() if not leg.is_open), None)
            if ended is not None:
                leg_name = "stop" if ended.trigger_price is not None else "limit"
                values["status"] = f"{leg_name} {ended.status_label}"
        values["time"] = min(leg.timestamp_ms for leg in legs.values())
        return values

    def _values(self, order: Order) -> dict[str, Any]:
        market = self._markets.get(order.symbol)
        size = order.original_size if order.original_size is not None else order.current_size
        return {
            "time": order.timestamp_ms,
            "symbol": order.symbol,
            "side": order.side,
            "type": _kind(order),
            "price": order.price if order.price or order.order_type_name != "MARKET" else None,
            "size": size,
            "filled": order.total_filled,
            "status": _status(order, market),
            "status_code": order.status,
            "pd": None if market is None else decimals_of(market.tick),
            "sd": None if market is None else decimals_of(market.lot),
        }

    def _selected_message(self, key: RowKey) -> Message | None:
        order = self._orders.get(str(key))
        return None if order is None else self.Selected(self, order)

    def _highlighted_message(self, key: RowKey | None) -> Message | None:
        return self.Highlighted(self, None if key is None else self._orders.get(str(key)))
