"""CandleChart: the selected market's candles in half-block cells, with volume, last price, the
trader's own orders and fills, a price and a time axis, and a cursor readout."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from btse_tui.protocol.candles import DEFAULT_INTERVAL, INTERVALS, next_interval
from btse_tui.protocol.models import Candle, Fill, Market, Order, Side
from btse_tui.ui.widgets.format import fit, fit_price, fmt_compact, price_decimals
from btse_tui.ui.widgets.pane_lines import Staleness, changed_runs, repaint_changed

#: Own fills remembered per market for their markers.
FILLS_KEPT = 200
#: Rows between two price labels on the axis.
LABEL_EVERY = 3
#: Columns between two time labels.
TIME_EVERY = 12
_EIGHTHS = " ▁▂▃▄▅▆▇█"

#: A screen line: its text and one style code per cell (equal lines are not repainted).
Line = tuple[str, str]

# style codes: " " base, "a" axis, "h" header, "n" note, "u"/"d" up/down candle, "U"/"D"
# up/down volume, "b"/"s" buy/sell order line, "l" last-price line, "L" last-price label,
# "f" own fill marker, "c" cursor
_CLASS_OF = {
    "a": "axis",
    "h": "header",
    "n": "note",
    "u": "up",
    "d": "down",
    "U": "up-volume",
    "D": "down-volume",
    "b": "buy",
    "s": "sell",
    "l": "last",
    "L": "last-label",
    "f": "fill",
    "c": "cursor",
}


class CandleChart(Widget, can_focus=True):
    """Candles of one market at one interval, one column each (the newest at the right):
    bodies and wicks in half blocks, volume bars under them, the last price as a dotted line
    with its label on the axis, each open order of the trader as a line at its price (green
    buy, red sell; a stop's trigger dashed), own fills as ▲/▼ on their candle. ←/→ (or a
    click) put a cursor on a candle and the top line reads its time, O/H/L/C and volume;
    `[`/`]` switch the interval. Only lines that changed are repainted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "interval(-1)", "Shorter", key_display="[",
                id="chart.shorter"),
        Binding("right_square_bracket", "interval(1)", "Longer", key_display="]",
                id="chart.longer"),
        Binding("left", "cursor(1)", "Older", show=False, id="chart.cursor_older"),
        Binding("right", "cursor(-1)", "Newer", show=False, id="chart.cursor_newer"),
        Binding("home", "cursor_end(1)", "Oldest", show=False, id="chart.cursor_oldest"),
        Binding("end,escape", "cursor_end(0)", "Newest", show=False, id="chart.cursor_off"),
    ]  # fmt: skip

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"chart--{name}" for name in _CLASS_OF.values()} | {
        "chart--stale"
    }

    DEFAULT_CSS = """
    CandleChart {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .chart--header { background: $panel; color: $foreground-muted; }
        & > .chart--axis { color: $foreground-muted; }
        & > .chart--note { color: $foreground-muted; }
        & > .chart--up { color: $success; }
        & > .chart--down { color: $error; }
        & > .chart--up-volume { color: $success-darken-2; }
        & > .chart--down-volume { color: $error-darken-2; }
        & > .chart--buy { color: $success-lighten-1; text-style: bold; }
        & > .chart--sell { color: $error-lighten-1; text-style: bold; }
        & > .chart--last { color: $foreground-muted; }
        & > .chart--last-label { color: $background; background: $foreground-muted; }
        & > .chart--fill { color: $warning; text-style: bold; }
        & > .chart--cursor { color: $background; background: $accent; }
        & > .chart--stale { color: $foreground-disabled; }
    }
    CandleChart:focus > .chart--header { color: $foreground; background: $primary 25%; }
    """

    class IntervalChanged(Message):
        """The trader asked for another interval."""

        def __init__(self, interval: str) -> None:
            super().__init__()
            self.interval = interval

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """An empty chart; call `set_market`, then `set_candles`. `clock` (monotonic) times
        how long a stale chart has been without news."""
        super().__init__(name=name, id=id, classes=classes)
        self._market: Market | None = None
        self.interval = DEFAULT_INTERVAL
        self._candles: tuple[Candle, ...] = ()
        self._orders: tuple[Order, ...] = ()
        self._fills: deque[Fill] = deque(maxlen=FILLS_KEPT)
        self.cursor: int | None = None
        """The candle under the cursor, counted from the newest (0); None: no cursor."""
        self._staleness = Staleness(clock)
        self._lines: list[Line] = []
        self._strips: dict[int, Strip] = {}
        self._styles: dict[str, Style] | None = None
        self._plot_width = 0
        self._axis_for: tuple[Candle, ...] = ()
        self._axis_w = 0

    # ------------------------------------------------------------------ public API

    @property
    def market(self) -> Market | None:
        """The market shown."""
        return self._market

    @property
    def candles(self) -> tuple[Candle, ...]:
        """Every candle held, oldest first (more than fit on screen)."""
        return self._candles

    def set_market(self, market: Market | None) -> None:
        """Show `market` from now on: empty, saying so, until its candles come."""
        if market is not None and self._market is not None and market == self._market:
            return
        self._market = market
        self._candles = ()
        self._orders = ()
        self._fills.clear()
        self.cursor = None
        self._relayout(force=True)

    def show_interval(self, interval: str) -> None:
        """Show candles of `interval` (empty until `set_candles` brings them)."""
        if interval != self.interval and interval in INTERVALS:
            self.interval = interval
            self._candles = ()
            self.cursor = None
            self._relayout()

    def set_candles(self, candles: Sequence[Candle]) -> None:
        """The candles of the market and interval shown, oldest first."""
        candles = tuple(candles)
        if candles != self._candles:
            self._candles = candles
            self._relayout()

    def set_orders(self, orders: Iterable[Order]) -> None:
        """The trader's open orders: each the market shown has is drawn as a line."""
        symbol = self._market.symbol if self._market is not None else None
        mine = tuple(o for o in orders if o.symbol == symbol and o.is_open)
        if mine != self._orders:
            self._orders = mine
            self._relayout()

    def add_fills(self, fills: Iterable[Fill]) -> None:
        """The trader's new fills: those of the market shown get a marker on their candle."""
        symbol = self._market.symbol if self._market is not None else None
        new = [f for f in fills if f.symbol == symbol]
        if new:
            self._fills.extend(new)
            self._relayout()

    def set_stale(self, stale: bool, reason: str = "", since: float | None = None) -> None:
        """Grey the chart out (its trades feed is not live) and say so on the top line."""
        if self._staleness.set(stale, reason, since):
            self._relayout(force=True)

    @property
    def stale(self) -> bool:
        """True while the chart is greyed out."""
        return self._staleness.stale

    @property
    def lines_text(self) -> list[str]:
        """The plain text of every line, top to bottom (for tests and logs)."""
        return [text for text, _ in self._lines]

    @property
    def lines(self) -> list[Line]:
        """Every line: its text and its per-cell style codes."""
        return list(self._lines)

    def shown_candle(self) -> Candle | None:
        """The candle the top line reads: the cursor's, else the newest."""
        visible = self._visible()
        if not visible:
            return None
        offset = min(self.cursor or 0, len(visible) - 1)
        return visible[-1 - offset]

    # ------------------------------------------------------------------ actions

    def action_interval(self, step: int) -> None:
        """Switch to the next shorter (-1) or longer (1) interval."""
        interval = next_interval(self.interval, step)
        if interval != self.interval:
            self.show_interval(interval)
            self.post_message(self.IntervalChanged(interval))

    def action_cursor(self, step: int) -> None:
        """Move the cursor `step` candles older (positive) or newer."""
        count = len(self._visible())
        if count == 0:
            return
        self.cursor = max(0, min(count - 1, (self.cursor or 0) + step if self.cursor is not None
                                 else (0 if step < 0 else step - 1)))  # fmt: skip
        self._relayout()

    def action_cursor_end(self, oldest: int) -> None:
        """Put the cursor on the oldest candle shown (1), or take it away (0)."""
        self.cursor = max(0, len(self._visible()) - 1) if oldest else None
        self._relayout()

    def on_click(self, event: events.Click) -> None:
        """A click on a candle puts the cursor on it."""
        visible = self._visible()
        x = event.x - (self._plot_width - len(visible))
        if 0 <= x < len(visible) and 0 <= event.y < self.size.height - 1:
            self.cursor = len(visible) - 1 - x
            self._relayout()

    # ------------------------------------------------------------------ layout

    def _decimals(self) -> int | None:
        return price_decimals(self._market)

    def _price(self, value: Decimal, width: int = 40) -> str:
        return fit_price(value, self._decimals(), width)

    def _axis_width(self) -> int:
        """Cells of the price axis: the widest price held, and a space."""
        candles = self._candles
        if not candles:
            return 0
        if self._axis_for is not candles:
            self._axis_for = candles
            self._axis_w = len(self._price(max(c.high for c in candles))) + 1
        return self._axis_w

    def _visible(self) -> tuple[Candle, ...]:
        width = self.size.width - self._axis_width()
        return self._candles[-width:] if width > 0 else ()

    def _build_lines(self) -> list[Line]:
        width, height = self.size.width, self.size.height
        if width <= 0 or height <= 0:
            return []
        axis_w = self._axis_width()
        plot_w = max(0, width - axis_w)
        self._plot_width = plot_w
        visible = self._visible()
        header = self._header(width, visible)
        if not visible or height < 4 + len(header) or plot_w < 4:
            what = self._market.symbol if self._market is not None else "a market"
            note = f"waiting for {what} {self.interval} candles…"
            return [*header, _plain(fit(note, width, "center"), "n")][:height]
        volume_h = 0 if height < 8 else max(1, (height - 2) // 5)
        price_h = height - 1 - len(header) - volume_h
        grid = _Grid(plot_w, price_h, visible, self._orders)
        grid.draw_candles()
        last = visible[-1].close
        grid.draw_level(last, "┈", "l")
        for order in grid.orders:
            price, dashed = _order_level(order)
            code = "b" if order.side is Side.BUY else "s"
            grid.draw_level(price, "╌" if dashed else "─", code)
        first_open = visible[0].open_time_s
        period = INTERVALS.get(self.interval, 60)
        for fill in self._fills:
            column = (fill.timestamp_ms // 1000 - first_open) // period
            if 0 <= column < len(visible):
                grid.mark(column, fill.price, "▲" if fill.side is Side.BUY else "▼", "f")
        axis = self._axis(grid, axis_w, last)
        lines = list(header)
        for text, codes, (axis_text, axis_codes) in zip(grid.text, grid.codes, axis, strict=True):
            lines.append((text + axis_text, codes + axis_codes))
        lines.extend(_volume_lines(visible, plot_w, axis_w, volume_h))
        lines.append(self._time_axis(visible, plot_w, width))
        return lines

    def _header(self, width: int, visible: Sequence[Candle]) -> list[Line]:
        """The top line: market, interval, staleness and the readout of the cursor's candle
        (time, O/H/L/C, volume); two lines when one is too narrow for the readout."""
        symbol = self._market.symbol if self._market is not None else ""
        first = [f" {symbol} {self.interval}"]
        if self._staleness.stale:
            first.append(self._staleness.text)
        candle = self.shown_candle() if visible else None
        second: list[str] = []
        if candle is not None:
            first.append(_time_label(candle.open_time_s, self.interval, full=True))
            price = self._price
            second = [
                f"O {price(candle.open)}", f"H {price(candle.high)}", f"L {price(candle.low)}",
                f"C {price(candle.close)}", f"V {fmt_compact(candle.volume)}",
            ]  # fmt: skip
        text = "  ".join(first + second)
        keys = "[ ] interval"
        if len(text) + len(keys) + 2 <= width:
            return [_plain(text.ljust(width - len(keys) - 1) + keys + " ", "h")]
        if len(text) <= width or not second:
            return [_plain(fit(text, width), "h")]
        close = second.pop(3)  # the close beside the time, the rest on the second line
        return [
            _plain(fit("  ".join([*first, close]), width), "h"),
            _plain(fit(" " + " ".join(second), width), "h"),
        ]

    def _axis(self, grid: _Grid, axis_w: int, last: Decimal) -> list[Line]:
        """The price axis beside each price row: labels every few rows, each own order's price
        in its colour and the last price reversed (which wins its row)."""
        rows: list[Line] = [(" " * axis_w, " " * axis_w)] * grid.rows
        for row in range(0, grid.rows, LABEL_EVERY):
            rows[row] = _plain(" " + fit(self._price(grid.price_at(row)), axis_w - 1, "right"), "a")
        for order in grid.orders:
            price, _ = _order_level(order)
            row = grid.row_of(price)
            code = "b" if order.side is Side.BUY else "s"
            rows[row] = _plain(" " + fit(self._price(price), axis_w - 1, "right"), code)
        row = grid.row_of(last)
        rows[row] = (" " + fit(self._price(last), axis_w - 1, "right"), " " + "L" * (axis_w - 1))
        return rows

    def _time_axis(self, visible: Sequence[Candle], plot_w: int, width: int) -> Line:
        text = [" "] * width
        codes = ["a"] * width
        offset = plot_w - len(visible)
        for index in range(len(visible) - 1, -1, -TIME_EVERY):
            label = _time_label(visible[index].open_time_s, self.interval)
            x = offset + index
            if x + len(label) > plot_w or x < 0:
                continue
            text[x : x + len(label)] = label
        if self.cursor is not None and visible:
            x = offset + len(visible) - 1 - min(self.cursor, len(visible) - 1)
            text[x] = "▲"
            codes[x] = "c"
        return "".join(text), "".join(codes)

    def _relayout(self, force: bool = False) -> None:
        """Rebuild the lines and repaint only those that differ (only their changed cells)."""
        if not self.is_mounted:
            return
        new = self._build_lines()
        old = self._lines
        self._lines = new
        repaint_changed(self, old, new, self._strips, force, spans=_changed_span)

    # ------------------------------------------------------------------ rendering

    def _style_map(self) -> dict[str, Style]:
        if self._styles is None:
            base = self.rich_style
            stale = base + self.get_component_rich_style("chart--stale")
            styles = {" ": base, "stale": stale}
            for code, name in _CLASS_OF.items():
                styles[code] = base + self.get_component_rich_style(f"chart--{name}")
            self._styles = styles
        return self._styles

    def notify_style_update(self) -> None:
        """Theme changed: drop cached strips."""
        super().notify_style_update()
        self._styles = None
        self._strips.clear()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """Render screen line `y` (cached until that line's content changes)."""
        strip = self._strips.get(y)
        if strip is not None:
            return strip
        width = self.size.width
        styles = self._style_map()
        if y >= len(self._lines):
            strip = Strip.blank(width, styles[" "])
        else:
            text, codes = self._lines[y]
            stale = self._staleness.stale
            segments = []
            start = 0
            for end in range(1, len(codes) + 1):
                if end == len(codes) or codes[end] != codes[start]:
                    code = codes[start]
                    style = styles["stale"] if stale and code != "h" else styles[code]
                    segments.append(Segment(text[start:end], style))
                    start = end
            strip = Strip(segments, width)
        self._strips[y] = strip
        return strip

    # ------------------------------------------------------------------ events

    def on_mount(self) -> None:
        """Build the first (empty) layout; while stale, count its age once a second."""
        self._relayout(force=True)
        self.set_interval(1.0, self._tick_stale)

    def _tick_stale(self) -> None:
        if self._staleness.stale:
            self._relayout()

    def on_resize(self, event: events.Resize) -> None:
        """The candles that fit follow the size."""
        self._relayout(force=True)


class _Grid:
    """The price rows of the plot: one column per candle, two price steps per row."""

    def __init__(
        self, width: int, rows: int, candles: Sequence[Candle], orders: Sequence[Order]
    ) -> None:
        self.width = width
        self.rows = rows
        self.candles = candles
        low = min(c.low for c in candles)
        high = max(c.high for c in candles)
        if high == low:
            pad = high / 1000 or Decimal(1)
            high, low = high + pad, low - pad
        self.high, self.low = high, low
        self.orders = [o for o in orders if low <= _order_level(o)[0] <= high]
        self._hi = float(high)
        self._scale = (rows * 2 - 1) / float(high - low)
        self._offset = width - len(candles)
        self._text = [[" "] * width for _ in range(rows)]
        self._codes = [[" "] * width for _ in range(rows)]

    @property
    def text(self) -> list[str]:
        return ["".join(row) for row in self._text]

    @property
    def codes(self) -> list[str]:
        return ["".join(row) for row in self._codes]

    def half(self, price: Decimal) -> int:
        """The half-row (0 = top) of `price`."""
        value = round((self._hi - float(price)) * self._scale)
        return max(0, min(self.rows * 2 - 1, value))

    def row_of(self, price: Decimal) -> int:
        return self.half(price) // 2

    def price_at(self, row: int) -> Decimal:
        """The price at the middle of `row`."""
        step = (self.high - self.low) / max(1, self.rows * 2 - 1)
        return self.high - step * Decimal(row * 2) - step / 2

    def draw_candles(self) -> None:
        for index, candle in enumerate(self.candles):
            x = self._offset + index
            code = "u" if candle.close >= candle.open else "d"
            wick_top, wick_bottom = self.half(candle.high), self.half(candle.low)
            body_top = self.half(max(candle.open, candle.close))
            body_bottom = self.half(min(candle.open, candle.close))
            for row in range(wick_top // 2, wick_bottom // 2 + 1):
                top, bottom = row * 2, row * 2 + 1
                body_up = body_top <= top <= body_bottom
                body_down = body_top <= bottom <= body_bottom
                if body_up and body_down:
                    char = "█"
                elif body_up:
                    char = "▀"
                elif body_down:
                    char = "▄"
                else:
                    wick_up = wick_top <= top <= wick_bottom
                    wick_down = wick_top <= bottom <= wick_bottom
                    char = "│" if wick_up and wick_down else "╵" if wick_up else "╷"
                self._text[row][x] = char
                self._codes[row][x] = code

    def draw_level(self, price: Decimal, char: str, code: str) -> None:
        """A horizontal line at `price` through the empty cells of its row."""
        if not self.low <= price <= self.high:
            return
        row = self.row_of(price)
        text, codes = self._text[row], self._codes[row]
        for x in range(self.width):
            if text[x] == " " or codes[x] == "l":
                text[x] = char
                codes[x] = code

    def mark(self, index: int, price: Decimal, char: str, code: str) -> None:
        """A marker on candle `index` at `price`."""
        if self.low <= price <= self.high:
            row = self.row_of(price)
            self._text[row][self._offset + index] = char
            self._codes[row][self._offset + index] = code


def _order_level(order: Order) -> tuple[Decimal, bool]:
    """Where an order's line goes and whether it is dashed: a waiting stop at its trigger."""
    if order.awaits_trigger and order.trigger_price is not None:
        return order.trigger_price, True
    return order.price or order.trigger_price or Decimal(0), False


def _volume_lines(candles: Sequence[Candle], plot_w: int, axis_w: int, rows: int) -> list[Line]:
    """Volume bars under the candles, in eighths of a cell; the axis shows the tallest."""
    if rows <= 0:
        return []
    top = max(c.volume for c in candles)
    offset = plot_w - len(candles)
    scale = rows * 8 / float(top) if top > 0 else 0.0
    levels = [int(float(c.volume) * scale) for c in candles]
    ups = ["U" if c.close >= c.open else "D" for c in candles]
    codes_line = " " * offset + "".join(ups) + "a" * axis_w
    lines: list[Line] = []
    for row in range(rows):
        floor = (rows - 1 - row) * 8
        bars = "".join(_EIGHTHS[max(0, min(8, level - floor))] for level in levels)
        label = " " + fit(f"V {fmt_compact(top)}" if row == 0 else "", axis_w - 1)
        lines.append((" " * offset + bars + label, codes_line))
    return lines


def _time_label(open_time_s: int, interval: str, full: bool = False) -> str:
    """`HH:MM` for intraday candles, `MM-DD` for daily ones (`full`: with the date too)."""
    at = time.localtime(open_time_s)
    if interval == "1d":
        return time.strftime("%Y-%m-%d" if full else "%m-%d", at)
    return time.strftime("%m-%d %H:%M" if full else "%H:%M", at)


def _plain(text: str, code: str) -> Line:
    return text, code * len(text)


def _changed_span(old: Line, new: Line, width: int) -> Sequence[tuple[int, int]]:
    """The column runs where two lines differ (text, or the style code of a cell), to repaint
    only those cells."""
    if len(old[0]) != len(new[0]):
        return ((0, width),)
    recoloured = changed_runs(old[1], new[1], width)
    return changed_runs(old[0], new[0], width, recoloured)
