"""MarketsTable: every spot market with live last/bid/ask, 24h stats and the age of its data."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.timer import Timer

from btse_tui.protocol.models import Market, Ticker
from btse_tui.ui.widgets.format import (
    MISSING,
    age_step,
    decimals_of,
    fit_price,
    fmt_compact,
    fmt_pct,
    fmt_staleness,
    price_decimals,
)
from btse_tui.ui.widgets.live_table import Column, LiveTable, RowKey

#: Best bid/ask pushes are applied at most this often (seconds): a burst of quote changes for
#: one market costs one repaint (and one flash) instead of one per frame.
QUOTE_PERIOD_S = 0.1

#: Rows whose data is older than this many seconds show their age in the warning colour.
STALE_AFTER_S = 60

_TICKER_FIELDS: tuple[tuple[str, str], ...] = (
    ("last", "last"),
    ("change_pct", "chg"),
    ("bid", "bid"),
    ("ask", "ask"),
    ("volume_quote", "vol"),
    ("high", "high"),
    ("low", "low"),
)


#: Width of every price column; a price that needs more counts its leading zeros (`0.0₆10566`).
PRICE_WIDTH = 12


def _price(value: Any, row: Mapping[str, Any]) -> str:
    return fit_price(value, row.get("pd"), PRICE_WIDTH) if value is not None else MISSING


def _sign_tone(value: Any, row: Mapping[str, Any]) -> str | None:
    if value is None:
        return "muted"
    return "up" if value > 0 else "down" if value < 0 else None


def _age_tone(value: Any, row: Mapping[str, Any]) -> str | None:
    if value is None:
        return "muted"
    return "warning" if value >= STALE_AFTER_S else None


def _symbol_tone(value: Any, row: Mapping[str, Any]) -> str | None:
    return None if row.get("active", True) else "muted"


def market_columns() -> tuple[Column, ...]:
    """The markets table's columns (priority decides what narrow terminals hide first)."""
    return (
        Column("symbol", "Market", 11, tone=_symbol_tone, priority=100),
        Column("last", "Last", PRICE_WIDTH, "right", _price, flash=True, priority=100),
        Column("chg", "24h %", 8, "right", lambda v, r: fmt_pct(v), _sign_tone, priority=90),
        Column("bid", "Bid", PRICE_WIDTH, "right", _price, flash=True, priority=70),
        Column("ask", "Ask", PRICE_WIDTH, "right", _price, flash=True, priority=70),
        Column("vol", "Vol 24h", 7, "right", lambda v, r: fmt_compact(v), priority=60),
        Column("high", "High", PRICE_WIDTH, "right", _price, priority=30),
        Column("low", "Low", PRICE_WIDTH, "right", _price, priority=30),
        Column("age", "Age", 4, "right", lambda v, r: fmt_staleness(v), _age_tone, priority=80),
    )


class MarketsTable(LiveTable):
    """All markets, favourites pinned on top, live prices flashing on change.

    | Key | Action |
    | :- | :- |
    | f | toggle favourite of the cursor row (posts `FavouritesChanged`) |
    | enter, click on a row | post `Selected(symbol)` (a click moves the cursor there first) |
    | click on a header | sort by that column (again: flip direction) |
    | s / S | next sort column / flip direction |
    | arrows, pageup/pagedown, home/end | move the cursor (posts `Highlighted(symbol)`) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "toggle_favourite", "Favourite", id="markets.favourite"),
    ]

    DEFAULT_CSS = """
    MarketsTable { height: 1fr; }
    """

    class Selected(Message):
        """Enter or a click on a market row."""

        def __init__(self, table: MarketsTable, symbol: str) -> None:
            super().__init__()
            self.table = table
            self.symbol = symbol

        @property
        def control(self) -> MarketsTable:
            """The markets table."""
            return self.table

    class Highlighted(Message):
        """The cursor moved to another market (`symbol` None when nothing is shown)."""

        def __init__(self, table: MarketsTable, symbol: str | None) -> None:
            super().__init__()
            self.table = table
            self.symbol = symbol

        @property
        def control(self) -> MarketsTable:
            """The markets table."""
            return self.table

    class FavouritesChanged(Message):
        """The trader starred or unstarred a market; `favourites` is the whole new set."""

        def __init__(self, table: MarketsTable, favourites: frozenset[str]) -> None:
            super().__init__()
            self.table = table
            self.favourites = favourites

        @property
        def control(self) -> MarketsTable:
            """The markets table."""
            return self.table

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        quote_period: float = QUOTE_PERIOD_S,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Create an empty markets table; `clock` is the time base of `apply_tickers(now=…)`;
        quotes are applied every `quote_period` seconds (0: at once)."""
        super().__init__(
            market_columns(),
            empty_text="Loading markets…",
            search_keys=("symbol",),  # the filter matches what the row shows
            clock=clock,
            name=name,
            id=id,
            classes=classes,
        )
        self._seen: dict[str, float] = {}
        self._age_steps: dict[str, int] = {}
        self._age_timer: Timer | None = None
        self._quote_period = quote_period
        self._quotes: dict[str, tuple[Decimal | None, Decimal | None, float]] = {}
        self._quotes_armed = False

    def on_mount(self) -> None:
        """Start the once-a-second age refresh (LiveTable.on_mount runs too, via Textual)."""
        self._age_timer = self.set_interval(1.0, self.refresh_ages)

    # ------------------------------------------------------------------ public API

    def set_markets(self, markets: Iterable[Market]) -> None:
        """Show exactly these markets (in this order), keeping prices already received."""
        rows: list[tuple[RowKey, dict[str, Any]]] = []
        for market in markets:
            rows.append(
                (
                    market.symbol,
                    {
                        "symbol": market.symbol,
                        "pd": price_decimals(market),
                        "active": market.active,
                    },
                )
            )
        self.set_rows(rows)

    def apply_tickers(self, tickers: Iterable[Ticker], now: float | None = None) -> None:
        """Merge tickers into their rows; None fields keep the previous value.

        Args:
            tickers: Latest statistics per market (unknown symbols are added).
            now: Receipt time on the table's clock (default: read the clock); drives "Age".
        """
        now = self._clock() if now is None else now
        with self.hold_viewport():
            self._apply_tickers(tickers, now)

    def _apply_tickers(self, tickers: Iterable[Ticker], now: float) -> None:
        for ticker in tickers:
            values: dict[str, Any] = {"age": 0}
            for field, column in _TICKER_FIELDS:
                value = getattr(ticker, field)
                if value is not None:
                    values[column] = value
            symbol = ticker.symbol
            if symbol not in self:
                values["symbol"] = symbol
                reference = ticker.last or ticker.bid or ticker.ask
                values["pd"] = decimals_of(reference) if reference is not None else None
            self._seen[symbol] = now
            self._age_steps[symbol] = 0
            self.update_row(symbol, values)

    def apply_quote(
        self,
        symbol: str,
        bid: Decimal | None,
        ask: Decimal | None,
        now: float | None = None,
    ) -> None:
        """Update only best bid/ask of a known market (e.g. from a `BookTop`).

        While mounted, quotes are held and applied together every `quote_period` seconds (the
        latest per market wins; `flush_quotes` applies them now).
        """
        if symbol not in self:
            return
        now = self._clock() if now is None else now
        if self._quote_period <= 0 or not self.is_mounted:
            self._apply_quote(symbol, bid, ask, now)
            return
        held = self._quotes.get(symbol)
        if held is not None:
            bid = held[0] if bid is None else bid
            ask = held[1] if ask is None else ask
        self._quotes[symbol] = (bid, ask, now)
        if not self._quotes_armed:
            self._quotes_armed = True
            self.set_timer(self._quote_period, self.flush_quotes)

    def flush_quotes(self) -> None:
        """Apply the quotes held since the last flush."""
        self._quotes_armed = False
        quotes, self._quotes = self._quotes, {}
        for symbol, (bid, ask, now) in quotes.items():
            if symbol in self:
                self._apply_quote(symbol, bid, ask, now)

    def _apply_quote(
        self, symbol: str, bid: Decimal | None, ask: Decimal | None, now: float
    ) -> None:
        values: dict[str, Any] = {"age": 0}
        if bid is not None:
            values["bid"] = bid
        if ask is not None:
            values["ask"] = ask
        self._seen[symbol] = now
        self._age_steps[symbol] = 0
        self.update_row(symbol, values)

    def refresh_ages(self, now: float | None = None) -> None:
        """Recompute the "Age" cells (the timer calls this once a second).

        Ages are kept in coarse steps (`format.age_step`: blank while fresh, then 10s, 30s, 1m,
        …), so a cell is repainted only when its data crosses a step, not every second.
        """
        now = self._clock() if now is None else now
        steps = self._age_steps
        for symbol, seen in self._seen.items():
            step = age_step(now - seen) or 0
            if steps.get(symbol) != step and symbol in self:
                steps[symbol] = step
                self.update_cell(symbol, "age", step)

    @property
    def favourites(self) -> frozenset[str]:
        """Starred markets (pinned on top)."""
        return frozenset(str(key) for key in self.pinned)

    def set_favourites(self, symbols: Iterable[str]) -> None:
        """Star exactly `symbols` (does not post FavouritesChanged)."""
        self.set_pinned(symbols)

    def toggle_favourite(self, symbol: str | None = None) -> None:
        """Star/unstar `symbol` (default: the cursor row) and post `FavouritesChanged`."""
        symbol = symbol if symbol is not None else self.selected_symbol
        if symbol is None:
            return
        self.set_pinned(self.pinned ^ {symbol})
        self.post_message(self.FavouritesChanged(self, self.favourites))

    @property
    def selected_symbol(self) -> str | None:
        """The market under the cursor."""
        key = self.cursor_key
        return None if key is None else str(key)

    def action_toggle_favourite(self) -> None:
        """Key `f`."""
        self.toggle_favourite()

    # ------------------------------------------------------------------ mouse

    def on_click(self, event: events.Click) -> None:
        """A click on a market loads it, as Enter does (LiveTable only moves the cursor and
        waits for a double click); a header click is left to LiveTable, which sorts."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < self._header_height:
            return
        event.prevent_default()
        if event.chain > 1:
            return  # the first click of a double click already loaded the market
        index = int(self.scroll_y) + offset.y - self._header_height
        if 0 <= index < len(self._model.order):
            self._set_cursor_index(index)
            self.action_select_cursor()

    # ------------------------------------------------------------------ hooks

    def _selected_message(self, key: RowKey) -> Message | None:
        return self.Selected(self, str(key))

    def _highlighted_message(self, key: RowKey | None) -> Message | None:
        return self.Highlighted(self, None if key is None else str(key))
