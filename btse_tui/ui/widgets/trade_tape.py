"""TradeTapeView: the selected market's name and public trades, newest on top, own fills and
possibly missed prints marked."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widget import Widget

from btse_tui.protocol.models import Market, Side
from btse_tui.protocol.tape import TapePrint
from btse_tui.ui.widgets.format import (
    fit,
    fit_amount,
    fit_price,
    fmt_time_ms,
    price_decimals,
    size_decimals,
)
from btse_tui.ui.widgets.pane_lines import Staleness, changed_runs, repaint_changed

OWN_MARK = "●"
TIME_W = 8
#: Lines above the prints: the market's name with the column headings (or the stale note).
FIXED_LINES = 1
#: Where prints may be missing (the socket was down and REST could not bring them back).
GAP_TEXT = " prints missed here "
GAP_FILL = "┄"


@dataclass(frozen=True, slots=True)
class _Line:
    """What one screen line shows; equal lines are not repainted."""

    kind: str  # "header", "buy", "sell", "note", "gap"
    text: str = ""
    own: bool = False


class TradeTapeView(Widget):
    """Public trades of one market under its name, newest first: time, price (green when a
    buyer took the offer, red when a seller hit the bid), size. A `●` in the left gutter marks
    the trader's own fills; a `┄ prints missed here ┄` line, prints the socket missed that
    could not be fetched. Only the trades that fit are painted, and of the lines that change
    when a print arrives (every one moves down) only the cells that differ are repainted."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "trade-tape--header",
        "trade-tape--buy",
        "trade-tape--sell",
        "trade-tape--own",
        "trade-tape--note",
        "trade-tape--stale",
        "trade-tape--size",
        "trade-tape--gap",
    }

    DEFAULT_CSS = """
    TradeTapeView {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .trade-tape--header { background: $panel; color: $foreground-muted; text-style: bold; }
        & > .trade-tape--gap { color: $warning; }
        & > .trade-tape--buy { color: $success; }
        & > .trade-tape--sell { color: $error; }
        & > .trade-tape--size { color: $foreground; }
        & > .trade-tape--own { color: $warning; text-style: bold; }
        & > .trade-tape--note { color: $foreground-muted; }
        & > .trade-tape--stale { color: $foreground-disabled; }
    }
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """An empty tape; call `set_market` then `update`. `clock` (monotonic) times how long
        a stale tape has been without news."""
        super().__init__(name=name, id=id, classes=classes)
        self._clock = clock
        self._market: Market | None = None
        self._prints: tuple[TapePrint, ...] = ()
        self._staleness = Staleness(clock)
        self._lines: list[_Line] = []
        self._strips: dict[int, Strip] = {}
        self._styles: dict[str, Style] | None = None

    # ------------------------------------------------------------------ public API

    @property
    def market(self) -> Market | None:
        """The market shown (decides price and size decimals)."""
        return self._market

    @property
    def prints(self) -> tuple[TapePrint, ...]:
        """Every print held, newest first (more than fit on screen)."""
        return self._prints

    def set_market(self, market: Market | None) -> None:
        """Show `market`'s trades from now on: empty (and saying so) until `update`."""
        self._market = market
        self._prints = ()
        self._relayout(force=True)

    def update(self, prints: Sequence[TapePrint]) -> None:
        """Show `prints` (newest first) of the market shown; others' are ignored."""
        symbol = self._market.symbol if self._market is not None else None
        self._prints = tuple(p for p in prints if p.trade.symbol == symbol)
        self._relayout()

    def set_stale(self, stale: bool, reason: str = "", since: float | None = None) -> None:
        """Grey the tape out (its socket is not live) and say on the top line how long it has
        been without news (`since`, on the view's clock; default now) and why."""
        if self._staleness.set(stale, reason, since):
            self._relayout(force=True)

    @property
    def stale_text(self) -> str:
        """`STALE 14s — reconnecting` while stale, else empty (the top line's words)."""
        return self._staleness.text

    @property
    def lines_text(self) -> list[str]:
        """The plain text of every line, top to bottom (for tests and logs)."""
        return [line.text for line in self._lines]

    @property
    def rows(self) -> int:
        """Trades that fit at the current height."""
        return max(0, self.size.height - FIXED_LINES) if self.is_mounted else 0

    # ------------------------------------------------------------------ layout

    def _widths(self) -> tuple[int, int, int]:
        """Time, price and size columns (after the one-cell own-fill gutter)."""
        inner = max(0, self.size.width - 1)
        rest = max(0, inner - TIME_W - 2)
        price_w = max(6, min(13, rest // 2))
        size_w = max(4, min(11, rest - price_w))
        return TIME_W, price_w, size_w

    def _market_name(self) -> str:
        return self._market.symbol if self._market is not None else "Trades"

    def _header_text(self) -> str:
        """The market's name over the time column, the price and size headings over theirs
        (only the name when it is too long to leave them room)."""
        time_w, price_w, size_w = self._widths()
        text = (
            " " + " " * time_w + " " + fit("Price", price_w, "right") + " "
            + fit("Size", size_w, "right")
        )  # fmt: skip
        name = self._market_name()
        if len(name) + 2 > text.index("Price"):
            return fit(" " + name, self.size.width)
        return " " + name + text[1 + len(name) :]

    def _print_text(self, shown: TapePrint) -> str:
        time_w, price_w, size_w = self._widths()
        trade = shown.trade
        return (
            (OWN_MARK if shown.own else " ")
            + fit(fmt_time_ms(trade.timestamp_ms), time_w) + " "
            + fit(fit_price(trade.price, price_decimals(self._market), price_w), price_w, "right")
            + " "
            + fit(fit_amount(trade.size, size_decimals(self._market), size_w), size_w, "right")
        )  # fmt: skip

    def _build_lines(self) -> list[_Line]:
        height, width = self.size.height, self.size.width
        if height <= 0 or width <= 0:
            return []
        if self._staleness.stale:
            lines = [_Line("note", fit(f" {self._market_name()}  {self.stale_text}", width))]
        else:
            lines = [_Line("header", self._header_text())]
        if not self._prints:
            what = self._market.symbol if self._market is not None else "a market"
            lines.append(_Line("note", fit(f"waiting for {what} trades…", width, "center")))
            return lines[:height]
        gap = GAP_TEXT.center(width, GAP_FILL) if width >= len(GAP_TEXT) else fit("┄", width)
        for shown in self._prints:
            if len(lines) >= height:
                break
            if shown.gap_after:
                lines.append(_Line("gap", gap))
                if len(lines) >= height:
                    break
            kind = "buy" if shown.trade.side is Side.BUY else "sell"
            lines.append(_Line(kind, self._print_text(shown), shown.own))
        return lines

    def _changed_spans(self, a: _Line, b: _Line, width: int) -> Sequence[tuple[int, int]]:
        """The cells of print line `a` that differ in its successor `b`: when a print comes
        every line shows the one that was above it, and a time, price or size it shares with
        that one is not sent again (its price also when the side's colour changed)."""
        prints = ("buy", "sell")
        if a.kind not in prints or b.kind not in prints:
            return ((0, width),)
        forced: list[tuple[int, int]] = []
        if a.own != b.own:
            forced.append((0, 1))
        if a.kind != b.kind:
            time_w, price_w, _ = self._widths()
            forced.append((1 + time_w + 1, 1 + time_w + 1 + price_w))
        return changed_runs(a.text, b.text, width, forced)

    def _relayout(self, force: bool = False) -> None:
        """Rebuild the line descriptions and repaint the cells that differ."""
        if not self.is_mounted:
            return
        new = self._build_lines()
        old = self._lines
        self._lines = new
        repaint_changed(self, old, new, self._strips, force, spans=self._changed_spans)

    # ------------------------------------------------------------------ rendering

    def _style_map(self) -> dict[str, Style]:
        if self._styles is None:
            styles: dict[str, Style] = {"base": self.rich_style}
            for name in self.COMPONENT_CLASSES:
                short = name.removeprefix("trade-tape--")
                full = self.get_component_rich_style(name)
                if short == "header":
                    styles[short] = full
                else:
                    styles[short] = Style(color=full.color, bold=full.bold)
            self._styles = styles
        return self._styles

    def notify_style_update(self) -> None:
        """Theme changed: drop cached strips."""
        super().notify_style_update()
        self._styles = None
        self._strips.clear()
        self.refresh()

    def _render_print(self, line: _Line, width: int, styles: dict[str, Style]) -> Strip:
        base = styles["base"]
        text = line.text.ljust(width)[:width]
        time_w, price_w, _ = self._widths()
        price_start = 1 + time_w + 1
        price_end = price_start + price_w
        grey = base + styles["stale"]
        side = grey if self._staleness.stale else base + styles[line.kind]
        plain = grey if self._staleness.stale else base + styles["size"]
        segments = [
            Segment(text[:1], base + styles["own"] if line.own else base),
            Segment(text[1:price_start], grey if self._staleness.stale else base + styles["note"]),
            Segment(text[price_start:price_end], side),
            Segment(text[price_end:], plain),
        ]
        return Strip([s for s in segments if s.text], width)

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
            if line.kind == "header":
                strip = Strip([Segment(fit(line.text, width), styles["header"])], width)
            elif line.kind == "gap":
                style = styles["base"] + styles["stale" if self._staleness.stale else "gap"]
                strip = Strip([Segment(fit(line.text, width), style)], width)
            elif line.kind == "note":
                style = styles["base"] + styles["stale" if self._staleness.stale else "note"]
                strip = Strip([Segment(fit(line.text, width), style)], width)
            else:
                strip = self._render_print(line, width, styles)
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
        """The rows that fit and the column widths follow the size."""
        self._relayout(force=True)
