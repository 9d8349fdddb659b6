"""OrderBookView: the market's name and grouping, asks above, bids below, size bars and running
totals, spread in the middle, own orders marked."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from btse_tui.protocol.book_grouping import (
    MAX_GROUP,
    BookSide,
    group_levels,
    group_step,
    own_buckets,
)
from btse_tui.protocol.models import BookLevel, Market
from btse_tui.protocol.orderbook import BOOK_WINDOW
from btse_tui.ui.widgets.format import (
    MISSING,
    fit,
    fit_amount,
    fit_price,
    fmt_bps,
    fmt_decimal,
    price_decimals,
    size_decimals,
)
from btse_tui.ui.widgets.pane_lines import Staleness, repaint_changed

OWN_MARK = "●"
#: Lines that are not levels: the title (market and grouping), the column header, the spread.
FIXED_LINES = 3


@dataclass(frozen=True, slots=True)
class _Line:
    """What one screen line shows; equal lines are not repainted."""

    kind: str  # "title", "header", "bid", "ask", "spread", "blank"
    text: str = ""
    bar: int = 0
    own: bool = False
    cursor: bool = False
    price: Decimal | None = None


def _changed_span(a: _Line, b: _Line, width: int) -> tuple[tuple[int, int]]:
    """The columns [start, end) in which level line `a` and its successor `b` look different:
    a changed size repaints the size cells (and the bar's edge), not the whole line."""
    if a.kind != b.kind or a.own != b.own or a.cursor != b.cursor or a.kind not in ("bid", "ask"):
        return ((0, width),)
    old, new = a.text.ljust(width)[:width], b.text.ljust(width)[:width]
    start, end = width, 0
    if old != new:
        start = next(i for i in range(width) if old[i] != new[i])
        end = width - next(i for i in range(width) if old[width - 1 - i] != new[width - 1 - i])
    if a.bar != b.bar:
        edges = (width - a.bar if a.bar else width, width - b.bar if b.bar else width)
        start, end = min(start, *edges), max(end, *edges)
    return ((start, end) if start < end else (0, width),)


class OrderBookView(Widget, can_focus=True):
    """The focused market's book: its name and price grouping on top, then the asks, the
    spread line, the bids; as many levels as the height holds.

    Each level shows its price, its size and the running total from the best level out.
    With a grouping coarser than the tick, bids fold down and asks up onto its multiples and
    their sizes add up. Bars behind each level grow with its size relative to the largest size
    shown. A `●` in the left gutter marks a level holding one of the trader's resting orders.
    Only lines whose content changed are repainted.

    | Key | Action |
    | :- | :- |
    | up / down | move the level cursor |
    | enter | post `PricePicked` for the cursor level |
    | + / - | group the levels coarser / finer (multiples of the tick) |
    | click | post `PricePicked` for the clicked level |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False, id="book.cursor_up"),
        Binding("down", "cursor_down", "Down", show=False, id="book.cursor_down"),
        Binding("enter", "pick", "Use price", id="book.pick"),
        Binding("plus", "group_coarser", "Group coarser", id="book.group_coarser"),
        Binding("minus", "group_finer", "Group finer", id="book.group_finer"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "order-book--title",
        "order-book--header",
        "order-book--bid",
        "order-book--ask",
        "order-book--bid-bar",
        "order-book--ask-bar",
        "order-book--own",
        "order-book--spread",
        "order-book--crossed",
        "order-book--cursor",
        "order-book--stale",
        "order-book--size",
    }

    DEFAULT_CSS = """
    OrderBookView {
        background: $surface;
        color: $foreground;
        height: 1fr;
        min-width: 24;
        & > .order-book--title { background: $panel; color: $foreground; text-style: bold; }
        & > .order-book--header { background: $panel; color: $foreground-muted; text-style: bold; }
        & > .order-book--bid { color: $success; }
        & > .order-book--ask { color: $error; }
        & > .order-book--size { color: $foreground; }
        & > .order-book--bid-bar { background: $success 20%; }
        & > .order-book--ask-bar { background: $error 20%; }
        & > .order-book--own { color: $warning; text-style: bold; }
        & > .order-book--spread { background: $panel; color: $foreground; }
        & > .order-book--crossed { background: $error; color: $text; text-style: bold; }
        & > .order-book--cursor { background: $block-cursor-blurred-background; }
        &:focus > .order-book--cursor { background: $block-cursor-background; }
        & > .order-book--stale { color: $foreground-disabled; }
    }
    """

    class PricePicked(Message):
        """The trader picked a level's price (Enter or click) to fill the order form."""

        def __init__(self, book: OrderBookView, price: Decimal, side: BookSide) -> None:
            super().__init__()
            self.book = book
            self.price = price
            self.side = side

        @property
        def control(self) -> OrderBookView:
            """The book the price was picked from."""
            return self.book

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        levels_held: int = BOOK_WINDOW,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Create an empty book; call `set_market` then `update`. `clock` (monotonic) times
        how long a stale book has been without news; `levels_held` is the most levels per
        side the source keeps (a side that full may go deeper than it shows)."""
        super().__init__(name=name, id=id, classes=classes)
        self._clock = clock
        self._levels_held = levels_held
        self._market: Market | None = None
        self._raw: tuple[tuple[BookLevel, ...], tuple[BookLevel, ...]] = ((), ())
        self._own_orders: tuple[frozenset[Decimal], frozenset[Decimal]] = (
            frozenset(),
            frozenset(),
        )
        self._bids: tuple[BookLevel, ...] = ()  # as shown: grouped
        self._asks: tuple[BookLevel, ...] = ()
        self._own_bids: frozenset[Decimal] = frozenset()  # shown bid prices holding own orders
        self._own_asks: frozenset[Decimal] = frozenset()
        self._group = 0
        self._groups: dict[str, int] = {}  # the grouping chosen per market
        self._staleness = Staleness(clock)
        self._cursor: tuple[BookSide, int] | None = None
        self._lines: list[_Line] = []
        self._strips: dict[int, Strip] = {}
        self._styles: dict[str, Style] | None = None

    # ------------------------------------------------------------------ public API

    @property
    def market(self) -> Market | None:
        """The market shown (decides price and size decimals)."""
        return self._market

    def set_market(self, market: Market | None) -> None:
        """Show `market`'s book from now on (at the grouping last chosen for it); clears the
        levels until the next `update`."""
        self._market = market
        self._group = self._groups.get(market.symbol, 0) if market is not None else 0
        self._raw = ((), ())
        self._own_orders = (frozenset(), frozenset())
        self._cursor = None
        self._regroup()
        self._relayout(force=True)

    def update(
        self,
        bids: Sequence[BookLevel],
        asks: Sequence[BookLevel],
        own_bids: Iterable[Decimal] = (),
        own_asks: Iterable[Decimal] = (),
    ) -> None:
        """Show new levels (each side best first) and the prices of the trader's open buy
        (`own_bids`) and sell (`own_asks`) orders."""
        self._raw = (tuple(bids), tuple(asks))
        self._own_orders = (frozenset(own_bids), frozenset(own_asks))
        self._regroup()
        self._relayout()

    @property
    def group(self) -> int:
        """The grouping shown: 0 = the tick, up to MAX_GROUP (BTSE's `group` numbers)."""
        return self._group

    @property
    def group_step(self) -> Decimal | None:
        """The price step levels are grouped by (None while the market is unknown)."""
        market = self._market
        if market is None or market.tick <= 0:
            return None
        return group_step(market.tick, self._group)

    def set_group(self, group: int) -> None:
        """Group the levels by step `group` (clamped to 0..MAX_GROUP), kept for this market."""
        group = max(0, min(MAX_GROUP, group))
        if self.group_step is None or group == self._group:
            return
        self._group = group
        if self._market is not None:
            self._groups[self._market.symbol] = group
        self._cursor = None
        self._regroup()
        self._relayout(force=True)

    def _regroup(self) -> None:
        """The shown levels and own-order marks from the raw book at the current grouping."""
        bids, asks = self._raw
        own_bids, own_asks = self._own_orders
        step = self.group_step
        if step is None or self._group == 0:
            self._bids, self._asks = bids, asks
            self._own_bids, self._own_asks = own_bids, own_asks
            return
        held = self._levels_held
        self._bids = group_levels(bids, step, "bid", deeper=len(bids) >= held)
        self._asks = group_levels(asks, step, "ask", deeper=len(asks) >= held)
        self._own_bids = own_buckets(own_bids, step, "bid")
        self._own_asks = own_buckets(own_asks, step, "ask")

    def set_stale(self, stale: bool, reason: str = "", since: float | None = None) -> None:
        """Grey the book out (stream stale or resyncing) and say on the spread line how long
        it has been without news (`since`, on the view's clock; default now) and why."""
        if self._staleness.set(stale, reason, since):
            self._relayout(force=True)

    @property
    def stale_text(self) -> str:
        """`STALE 14s — reconnecting` while stale, else empty (the spread line's words)."""
        return self._staleness.text

    def _tick_stale(self) -> None:
        if self._staleness.stale:
            self._relayout()

    @property
    def depth(self) -> int:
        """Ask levels the current height holds (bids get as many, or one more)."""
        return max(0, (self.size.height - FIXED_LINES) // 2) if self.is_mounted else 0

    @property
    def bid_depth(self) -> int:
        """Bid levels the current height holds."""
        return max(0, self.size.height - FIXED_LINES - self.depth) if self.is_mounted else 0

    @property
    def levels(self) -> tuple[tuple[BookLevel, ...], tuple[BookLevel, ...]]:
        """The bids and asks as shown (grouped), each best first."""
        return self._bids, self._asks

    @property
    def spread(self) -> Decimal | None:
        """Best ask minus best bid of the book itself (not of its groups), or None if a side
        is empty."""
        bids, asks = self._raw
        if not bids or not asks:
            return None
        return asks[0].price - bids[0].price

    @property
    def lines_text(self) -> list[str]:
        """The plain text of every line, top to bottom (for tests and logs)."""
        return [line.text for line in self._lines]

    def pick(self, side: BookSide, index: int) -> None:
        """Post `PricePicked` for level `index` (0 = best) of `side`, if it exists."""
        levels = self._bids if side == "bid" else self._asks
        if 0 <= index < len(levels):
            self.post_message(self.PricePicked(self, levels[index].price, side))

    # ------------------------------------------------------------------ layout

    def _widths(self) -> tuple[int, int, int]:
        inner = max(0, self.size.width - 2)
        price_w = max(6, inner * 38 // 100)
        size_w = max(4, (inner - price_w - 2) // 2)
        total_w = max(0, inner - price_w - size_w - 2)
        return price_w, size_w, total_w

    def _level_text(self, price: Decimal, size: Decimal, total: Decimal) -> str:
        price_w, size_w, total_w = self._widths()
        pd = price_decimals(self._market)
        sd = size_decimals(self._market)
        text = fit(fit_price(price, pd, price_w), price_w, "right") + " "
        text += fit(fit_amount(size, sd, size_w), size_w, "right")
        if total_w >= 4:
            text += " " + fit(fit_amount(total, sd, total_w), total_w, "right")
        return text

    def _title_text(self) -> str:
        """The market's name on the left, the grouping step on the right."""
        width = max(0, self.size.width)
        market = self._market
        name = f" {market.symbol}" if market is not None else " Book"
        step = self.group_step
        if step is None:
            return fit(name, width)
        value = fmt_decimal(step, price_decimals(market))
        right = ""
        for right in (f"group {value} ", f"{value} ", ""):
            if len(name) + 1 + len(right) <= width:
                break
        return fit(name, width - len(right)) + right

    def _header_text(self) -> str:
        price_w, size_w, total_w = self._widths()
        text = fit("Price", price_w, "right") + " " + fit("Size", size_w, "right")
        if total_w >= 4:
            text += " " + fit("Total", total_w, "right")
        return text

    def _spread_text(self) -> tuple[str, bool]:
        width = max(0, self.size.width)
        if self._staleness.stale:
            return fit(self.stale_text, width, "center"), False
        if not self._raw[0] and not self._raw[1]:
            what = self._market.symbol if self._market else "book"
            return fit(f"waiting for {what}…", width, "center"), False
        spread = self.spread
        if spread is None:
            return fit("spread " + MISSING, width, "center"), False
        if spread <= 0:
            return fit(
                f"CROSSED {fmt_decimal(spread, price_decimals(self._market))}", width, "center"
            ), True
        mid = (self._raw[1][0].price + self._raw[0][0].price) / 2
        absolute = fmt_decimal(spread, price_decimals(self._market))
        text = f"spread {absolute}  {fmt_bps(spread, mid)}"
        if len(text) > width:
            text = f"{absolute} {fmt_bps(spread, mid)}"
        return fit(text, width, "center"), False

    def _build_lines(self) -> list[_Line]:
        height = self.size.height
        width = self.size.width
        if height <= 0 or width <= 0:
            return []
        slots = max(0, height - FIXED_LINES)
        ask_slots = slots // 2
        bid_slots = slots - ask_slots
        asks = self._asks[:ask_slots]
        bids = self._bids[:bid_slots]
        max_size = max((level.size for level in (*asks, *bids)), default=Decimal(0))
        lines: list[_Line] = [
            _Line("title", self._title_text()),
            _Line("header", " " + self._header_text()),
        ]

        bar_room = max(1, width - 2 - self._widths()[0])

        def bar(size: Decimal) -> int:
            # Bars live right of the price column so prices always read cleanly.
            if max_size <= 0 or size <= 0:
                return 0
            return max(1, int(size / max_size * bar_room))

        ask_lines: list[_Line] = []
        total = Decimal(0)
        for index, level in enumerate(asks):
            total += level.size
            own = level.price in self._own_asks
            ask_lines.append(
                _Line(
                    "ask",
                    (OWN_MARK if own else " ") + self._level_text(level.price, level.size, total),
                    bar(level.size),
                    own,
                    self._cursor == ("ask", index),
                    level.price,
                )
            )
        lines.extend([_Line("blank")] * (ask_slots - len(ask_lines)))
        lines.extend(reversed(ask_lines))
        spread_text, crossed = self._spread_text()
        lines.append(_Line("crossed" if crossed else "spread", spread_text))
        total = Decimal(0)
        for index, level in enumerate(bids):
            total += level.size
            own = level.price in self._own_bids
            lines.append(
                _Line(
                    "bid",
                    (OWN_MARK if own else " ") + self._level_text(level.price, level.size, total),
                    bar(level.size),
                    own,
                    self._cursor == ("bid", index),
                    level.price,
                )
            )
        lines.extend([_Line("blank")] * (bid_slots - len(bids)))
        return lines[:height]

    def _relayout(self, force: bool = False) -> None:
        """Rebuild line descriptions and repaint only lines that differ."""
        if not self.is_mounted:
            return
        if self._cursor is not None:
            side, index = self._cursor
            count = len(self._bids if side == "bid" else self._asks)
            limit = self.depth if side == "ask" else self.bid_depth
            if count == 0:
                self._cursor = None
            elif index >= min(count, limit):
                self._cursor = (side, max(0, min(count, limit) - 1))
        new = self._build_lines()
        old = self._lines
        self._lines = new
        repaint_changed(self, old, new, self._strips, force, spans=_changed_span)

    # ------------------------------------------------------------------ rendering

    def _style_map(self) -> dict[str, Style]:
        if self._styles is None:
            styles: dict[str, Style] = {"base": self.rich_style}
            for name in self.COMPONENT_CLASSES:
                short = name.removeprefix("order-book--")
                full = self.get_component_rich_style(name)
                if short.endswith("-bar") or short == "cursor":
                    styles[short] = Style(bgcolor=full.bgcolor)
                elif short in ("bid", "ask", "own", "stale", "size"):
                    styles[short] = Style(color=full.color, bold=full.bold)
                else:
                    styles[short] = full
            self._styles = styles
        return self._styles

    def notify_style_update(self) -> None:
        """Theme or focus changed: drop cached strips."""
        super().notify_style_update()
        self._styles = None
        self._strips.clear()
        self.refresh()

    def _render_level(self, line: _Line, width: int, styles: dict[str, Style]) -> Strip:
        base = styles["base"]
        if line.cursor:
            base = base + styles["cursor"]
        side_style = styles[line.kind]
        if self._staleness.stale:
            side_style = styles["stale"]
        text = line.text.ljust(width)[:width]
        price_w = self._widths()[0]
        # Style spans: marker, price (side colour), rest (size colour).
        spans: list[tuple[int, int, Style]] = [
            (0, 1, base + (styles["own"] if line.own else Style())),
            (1, 1 + price_w, base + side_style),
            (
                1 + price_w,
                width,
                base + (styles["stale"] if self._staleness.stale else styles["size"]),
            ),
        ]
        bar_start = width - line.bar if line.bar else width
        bar_style = styles[f"{line.kind}-bar"]
        segments: list[Segment] = []
        for start, end, style in spans:
            if start >= end:
                continue
            if end <= bar_start or line.cursor:
                segments.append(Segment(text[start:end], style))
            elif start >= bar_start:
                segments.append(Segment(text[start:end], style + bar_style))
            else:
                segments.append(Segment(text[start:bar_start], style))
                segments.append(Segment(text[bar_start:end], style + bar_style))
        return Strip(segments, width)

    def render_line(self, y: int) -> Strip:
        """Render screen line `y` (cached until that line's content changes)."""
        strip = self._strips.get(y)
        if strip is not None:
            return strip
        width = self.size.width
        styles = self._style_map()
        if y >= len(self._lines):
            strip = Strip.blank(width, styles["base"])
        else:
            line = self._lines[y]
            if line.kind in ("title", "header"):
                strip = Strip([Segment(fit(line.text, width), styles[line.kind])], width)
            elif line.kind in ("spread", "crossed"):
                style = styles[line.kind]
                if self._staleness.stale:
                    style = style + styles["stale"]
                strip = Strip([Segment(fit(line.text, width), style)], width)
            elif line.kind == "blank":
                strip = Strip.blank(width, styles["base"])
            else:
                strip = self._render_level(line, width, styles)
        self._strips[y] = strip
        return strip

    # ------------------------------------------------------------------ events and actions

    def on_mount(self) -> None:
        """Build the first (empty) layout; while stale, count its age once a second."""
        self._relayout(force=True)
        self.set_interval(1.0, self._tick_stale)

    def on_resize(self, event: events.Resize) -> None:
        """Depth and column widths follow the size."""
        self._relayout(force=True)

    def _line_level(self, y: int) -> tuple[BookSide, int] | None:
        if not (0 <= y < len(self._lines)):
            return None
        line = self._lines[y]
        if line.kind not in ("bid", "ask") or line.price is None:
            return None
        levels = self._bids if line.kind == "bid" else self._asks
        for index, level in enumerate(levels):
            if level.price == line.price:
                return ("bid" if line.kind == "bid" else "ask"), index
        return None

    def on_click(self, event: events.Click) -> None:
        """A click on a level picks its price and moves the cursor there."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        found = self._line_level(offset.y)
        if found is not None:
            self._cursor = found
            self._relayout()
            self.pick(*found)

    def action_cursor_up(self) -> None:
        """Move up: deeper into the bids' best, then across the spread into the asks."""
        if self._cursor is None:
            self._cursor = ("ask", 0) if self._asks else ("bid", 0) if self._bids else None
        elif self._cursor[0] == "bid":
            index = self._cursor[1] - 1
            self._cursor = (
                ("bid", index) if index >= 0 else ("ask", 0) if self._asks else ("bid", 0)
            )
        else:
            index = min(self._cursor[1] + 1, max(0, min(len(self._asks), self.depth) - 1))
            self._cursor = ("ask", index)
        self._relayout()

    def action_cursor_down(self) -> None:
        """Move down: from the asks across the spread into the bids."""
        bid_depth = self.bid_depth
        if self._cursor is None:
            self._cursor = ("bid", 0) if self._bids else ("ask", 0) if self._asks else None
        elif self._cursor[0] == "ask":
            index = self._cursor[1] - 1
            self._cursor = (
                ("ask", index) if index >= 0 else ("bid", 0) if self._bids else ("ask", 0)
            )
        else:
            index = min(self._cursor[1] + 1, max(0, min(len(self._bids), bid_depth) - 1))
            self._cursor = ("bid", index)
        self._relayout()

    def action_pick(self) -> None:
        """Post `PricePicked` for the cursor level."""
        if self._cursor is not None:
            self.pick(*self._cursor)

    def action_group_coarser(self) -> None:
        """Group the levels by the next larger multiple of the tick."""
        self.set_group(self._group + 1)

    def action_group_finer(self) -> None:
        """Group the levels by the next smaller multiple of the tick (down to the tick)."""
        self.set_group(self._group - 1)
