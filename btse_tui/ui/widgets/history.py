"""OrderHistoryTable and FillHistoryTable: the trader's done orders and fills, newest first,
each optionally narrowed to one market; a fill shows its fee and its slippage."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from btse_tui.protocol.history import HISTORY_LIMIT, FillRecord
from btse_tui.protocol.models import Market, Order, OrderStatus, Side
from btse_tui.ui.widgets.format import MISSING, decimals_of, fit_amount, fit_price, fmt_time_ms
from btse_tui.ui.widgets.live_table import Column, LiveTable

PRICE_WIDTH = 12
SIZE_WIDTH = 10
FEE_WIDTH = 15


def _time(value: Any, row: Mapping[str, Any]) -> str:
    return fmt_time_ms(value or 0)


def _price(value: Any, row: Mapping[str, Any]) -> str:
    if value is None:
        return "MARKET"
    return fit_price(value, row.get("pd"), PRICE_WIDTH) if value else MISSING


def _size(value: Any, row: Mapping[str, Any]) -> str:
    return MISSING if value is None else fit_amount(value, row.get("sd"), SIZE_WIDTH)


def _side(value: Any, row: Mapping[str, Any]) -> str:
    return str(value)


def _side_tone(value: Any, row: Mapping[str, Any]) -> str | None:
    return "up" if value == Side.BUY else "down"


def _done_tone(value: Any, row: Mapping[str, Any]) -> str | None:
    status = row.get("status_code")
    if status == OrderStatus.ORDER_FULLY_TRANSACTED:
        return "info"
    if status in (OrderStatus.ORDER_REJECTED, OrderStatus.INSUFFICIENT_BALANCE, 16, 17):
        return "error"
    if status == OrderStatus.TRIGGER_ACTIVATED:
        return "warning"
    return "muted"


def _status_text(order: Order) -> str:
    """The final state in words; a cancelled order that had filled says how much."""
    if order.status == OrderStatus.ORDER_CANCELLED and order.total_filled:
        return "cancelled, part filled"
    if order.status == OrderStatus.TRIGGER_ACTIVATED:
        return "triggered"
    return order.status_label


def order_history_columns() -> tuple[Column, ...]:
    """Columns of the done-orders table; Market, Side, Price and Status stay longest."""
    return (
        Column("time", "Time", 8, "left", _time, priority=75),
        Column("symbol", "Market", 11, priority=100),
        Column("side", "Side", 4, "left", _side, _side_tone, priority=100),
        Column("type", "Type", 6, "left", priority=20),
        Column("price", "Price", PRICE_WIDTH, "right", _price, priority=100),
        Column("size", "Size", SIZE_WIDTH, "right", _size, priority=70),
        Column("filled", "Filled", SIZE_WIDTH, "right", _size, priority=80),
        Column("avg", "Avg price", PRICE_WIDTH, "right", _price, priority=30),
        Column("status", "Status", 22, "left", tone=_done_tone, priority=90),
    )


def _fee(value: Any, row: Mapping[str, Any]) -> str:
    """The fee and its currency: `0.00001884 BTC`."""
    amount = fit_amount(value, None, FEE_WIDTH - 5) if value else "0"
    return f"{amount} {str(row.get('fee_ccy', ''))[:4]}".rstrip()


def _maker(value: Any, row: Mapping[str, Any]) -> str:
    return MISSING if value is None else ("maker" if value else "taker")


def fmt_slippage(bps: Decimal | None) -> str:
    """`+2.5 bp` (worse than the reference) / `-1.0 bp` (better) / `—` (no reference)."""
    if bps is None:
        return MISSING
    shown = bps.quantize(Decimal("0.1"))
    return f"{'+' if shown > 0 else ''}{shown} bp" if shown else "0.0 bp"


def _slippage(value: Any, row: Mapping[str, Any]) -> str:
    text = fmt_slippage(value)
    kind = row.get("ref_kind")
    return f"{text} mid" if value is not None and kind == "mid at send" else text


def _slippage_tone(value: Any, row: Mapping[str, Any]) -> str | None:
    if value is None or not value.quantize(Decimal("0.1")):
        return "muted"
    return "down" if value > 0 else "up"


def fill_history_columns() -> tuple[Column, ...]:
    """Columns of the fills table; Market, Side, Price, Size and Fee (with its currency)
    stay longest."""
    return (
        Column("time", "Time", 8, "left", _time, priority=60),
        Column("symbol", "Market", 11, priority=100),
        Column("side", "Side", 4, "left", _side, _side_tone, priority=100),
        Column("price", "Price", PRICE_WIDTH, "right", _price, priority=100),
        Column("size", "Size", SIZE_WIDTH, "right", _size, priority=100),
        Column("fee", "Fee", FEE_WIDTH, "right", _fee, priority=90),
        Column("maker", "M/T", 5, "left", _maker, priority=40),
        Column("slip", "Slippage", 11, "right", _slippage, _slippage_tone, priority=88),
    )


class _HistoryTable(LiveTable):
    """A read-mostly history list, newest first, narrowed to one market or showing all."""

    DEFAULT_CSS = """
    _HistoryTable { height: 1fr; }
    """

    def __init__(self, columns: tuple[Column, ...], empty: str, **kwargs: Any) -> None:
        super().__init__(columns, empty_text=empty, search_keys=("symbol",), **kwargs)
        self._markets: dict[str, Market] = {}
        self.market_filter: str | None = None
        self.sort_by("time", reverse=True)

    def set_markets(self, markets: Iterable[Market]) -> None:
        """Markets whose tick/lot decide the decimals of prices and sizes."""
        self._markets = {market.symbol: market for market in markets}

    def show_market(self, symbol: str | None) -> None:
        """Show only `symbol`'s rows (None: every market's)."""
        self.market_filter = symbol
        self.set_predicate(None if symbol is None else (lambda row: row.get("symbol") == symbol))

    def _decimals(self, symbol: str) -> dict[str, int | None]:
        market = self._markets.get(symbol)
        return {
            "pd": None if market is None else decimals_of(market.tick),
            "sd": None if market is None else decimals_of(market.lot),
        }


class OrderHistoryTable(_HistoryTable):
    """Done orders (filled, cancelled, rejected, triggered …) by order id, newest first."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(order_history_columns(), "No done orders yet", **kwargs)
        self._shown: dict[str, None] = {}  # the order ids shown, first added first

    def set_orders(self, orders: Iterable[Order]) -> None:
        """Show exactly these orders (at most HISTORY_LIMIT, the newest)."""
        rows = [(order.order_id, self._values(order)) for order in orders][:HISTORY_LIMIT]
        self.set_rows(rows)
        self._shown = dict.fromkeys(key for key, _ in reversed(rows))

    def upsert(self, order: Order) -> None:
        """Add or update one done order; past HISTORY_LIMIT rows the first one added goes
        (the session keeps as many: a desk left running for days stays bounded)."""
        self.update_row(order.order_id, self._values(order))
        self._shown[order.order_id] = None
        while len(self._shown) > HISTORY_LIMIT:
            oldest = next(iter(self._shown))
            del self._shown[oldest]
            self.remove_row(oldest)

    def _values(self, order: Order) -> dict[str, Any]:
        size = order.original_size if order.original_size is not None else order.current_size
        kind = order.order_type_name
        return {
            "time": order.timestamp_ms,
            "symbol": order.symbol,
            "side": order.side,
            "type": kind,
            "price": None if kind == "MARKET" else order.price,
            "size": size,
            "filled": order.total_filled,
            "avg": order.avg_fill_price if order.total_filled else Decimal(0),
            "status": _status_text(order),
            "status_code": order.status,
            **self._decimals(order.symbol),
        }


class FillHistoryTable(_HistoryTable):
    """The trader's fills by trade id, newest first: price, size, fee, maker/taker and the
    slippage from the order's limit (or the mid at send: marked `mid`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(fill_history_columns(), "No fills yet", **kwargs)

    def set_fills(self, records: Iterable[FillRecord]) -> None:
        """Show exactly these fills."""
        self.set_rows((_key(record), self._values(record)) for record in records)

    def _values(self, record: FillRecord) -> dict[str, Any]:
        fill = record.fill
        return {
            "time": fill.timestamp_ms,
            "symbol": fill.symbol,
            "side": fill.side,
            "price": fill.price,
            "size": fill.size,
            "fee": fill.fee_amount,
            "fee_ccy": fill.fee_currency,
            "maker": fill.maker,
            "slip": record.slippage_bps,
            "ref_kind": record.reference_kind,
            **self._decimals(fill.symbol),
        }


def _key(record: FillRecord) -> str:
    fill = record.fill
    return f"{fill.symbol}/{fill.trade_id or fill.order_id}@{fill.timestamp_ms}"
