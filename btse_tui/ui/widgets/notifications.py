"""NotificationLog: a bounded, colour-coded log of order events with sticky errors on top."""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import VisualType
from textual.widgets import Static

from btse_tui.protocol.models import Market, Order, OrderStatus
from btse_tui.ui.widgets.format import fit, fmt_clock
from btse_tui.ui.widgets.scroll_size import set_virtual_size


class Severity(StrEnum):
    """How a line is coloured."""

    INFO = "info"
    FILLED = "filled"
    PARTIAL = "partial"
    CANCELLED = "cancelled"
    ERROR = "error"
    CONNECTION = "connection"


_ALIASES = {
    "success": Severity.FILLED,
    "partially filled": Severity.PARTIAL,
    "canceled": Severity.CANCELLED,
    "rejected": Severity.ERROR,
    "warning": Severity.CONNECTION,
}


def _severity(value: Severity | str) -> Severity:
    if isinstance(value, Severity):
        return value
    try:
        return Severity(value)
    except ValueError:
        return _ALIASES.get(value, Severity.INFO)


def severity_for_order(order: Order) -> Severity:
    """The colour of a line about `order`'s current status."""
    status = order.status
    if status in (OrderStatus.ORDER_FULLY_TRANSACTED, OrderStatus.ORDER_TRANSACTED):
        return Severity.FILLED
    if status == OrderStatus.ORDER_PARTIALLY_TRANSACTED:
        return Severity.PARTIAL
    if status in (OrderStatus.ORDER_CANCELLED, OrderStatus.ORDER_REFUNDED):
        return Severity.CANCELLED
    if order.is_failure or status in (OrderStatus.TIMEOUT, OrderStatus.MARKET_UNAVAILABLE):
        return Severity.ERROR
    return Severity.INFO


@dataclass(frozen=True, slots=True)
class LogLine:
    """One stored notification."""

    serial: int
    stamp: str
    text: str
    severity: Severity
    sticky: bool = False

    @property
    def plain(self) -> str:
        """`HH:MM:SS  text` as shown."""
        return f"{self.stamp}  {self.text}"


#: Cells before a line's words: ` HH:MM:SS  `; wrapped words continue under the first word.
STAMP_CELLS = 11
#: Room kept on a sticky line for `  (+N earlier)  [x] dismiss` when counting its rows.
STICKY_SUFFIX_CELLS = 28
#: An event the exchange dates this much before it reached us also shows its own time.
LATE_AFTER_S = 2.0


def wrap_words(text: str, width: int) -> list[str]:
    """`text` in rows of at most `width` cells, broken at the last space that fits (a word
    longer than a row is split); spaces inside a row are kept. Greedy like `textwrap.wrap` but
    several times faster, which matters at thousands of notifications a second."""
    rows: list[str] = []
    text = text.rstrip(" ")
    while len(text) > width:
        cut = text.rfind(" ", 0, width + 1)
        if cut <= 0:
            rows.append(text[:width])
            text = text[width:]
        else:
            rows.append(text[:cut].rstrip(" "))
            text = text[cut:].lstrip(" ")
    rows.append(text)
    return rows


def wrap_line(prefix: str, text: str, width: int) -> list[str]:
    """`prefix + text` in rows of at most `width` cells, later rows indented under the text
    (when at least 12 cells are left for it), long words broken; nothing is dropped."""
    if width <= 0:
        return [""]
    if len(prefix) + len(text) <= width:
        return [prefix + text]
    indent = len(prefix)
    if width - indent < 12:
        return wrap_words(prefix + text, width)
    rows = wrap_words(text, width - indent)
    return [prefix + rows[0]] + [" " * indent + row for row in rows[1:]]


class NotificationLog(ScrollView, can_focus=True):
    """Lines in arrival order, each stamped with the time it arrived, newest at the bottom;
    follows new lines unless the trader scrolled up. A line wider than the pane wraps.

    Sticky lines (errors the trader must see) are also pinned at the top in a distinct style,
    also oldest first, until dismissed with `x` (newest first) or a click. Memory is bounded:
    at most `cap` lines and `sticky_cap` sticky ones are kept. Adds are coalesced into one
    repaint.

    | Key | Action |
    | :- | :- |
    | x | dismiss the newest sticky error |
    | up / down / pageup / pagedown / home / end | scroll |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "dismiss_sticky", "Dismiss error", id="notifications.dismiss"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "notification-log--stamp",
        "notification-log--info",
        "notification-log--filled",
        "notification-log--partial",
        "notification-log--cancelled",
        "notification-log--error",
        "notification-log--connection",
        "notification-log--sticky",
    }

    DEFAULT_CSS = """
    NotificationLog {
        background: $surface;
        color: $foreground;
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        & > .notification-log--stamp { color: $foreground-muted; }
        & > .notification-log--info { color: $foreground; }
        & > .notification-log--filled { color: $success; }
        & > .notification-log--partial { color: $primary-lighten-2; }
        & > .notification-log--cancelled { color: $foreground-disabled; }
        & > .notification-log--error { color: $error; text-style: bold; }
        & > .notification-log--connection { color: $warning; }
        & > .notification-log--sticky { background: $error; color: $text; text-style: bold; }
    }
    """

    #: Sticky lines shown at most at the top (the rest are counted).
    MAX_STICKY_SHOWN = 3

    def __init__(
        self,
        cap: int = 500,
        *,
        sticky_cap: int = 20,
        clock: Callable[[], float] = time.time,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Create an empty log keeping at most `cap` lines and `sticky_cap` sticky errors;
        `clock` (epoch seconds) stamps each line when it arrives."""
        super().__init__(name=name, id=id, classes=classes)
        self.cap = cap
        self._clock = clock
        self._log: deque[LogLine] = deque(maxlen=cap)
        self._sticky: deque[LogLine] = deque(maxlen=sticky_cap)
        self._serials = itertools.count(1)
        self._strip_cache: dict[tuple[int, int], Strip] = {}
        self._wrapped: dict[int, list[str]] = {}  # serial → rows at `_wrap_width`
        self._wrap_width = -1
        self._rows: deque[tuple[LogLine, int]] = deque()  # (line, row of it), the scrolled log
        self._rows_upto = 0  # serial of the newest line in `_rows`
        self._sticky_view: list[tuple[LogLine, str]] = []  # pinned rows, top to bottom
        self._flush_pending = False
        self._style_cache: dict[str, Style] | None = None

    # ------------------------------------------------------------------ public API

    def add(
        self,
        text: str,
        severity: Severity | str = Severity.INFO,
        sticky: bool = False,
        at: datetime | float | None = None,
        happened: float | None = None,
    ) -> None:
        """Append a line; `sticky=True` also pins it on top until dismissed.

        Args:
            text: Plain words, e.g. `BUY 0.0010 BTC-USDT @ 20,000.0  inserted`.
            severity: A `Severity` or its value ("filled", "error", …).
            sticky: Keep it visible on top until the trader dismisses it.
            at: When it arrived (datetime or epoch seconds); default the log's clock. Lines
                are listed in the order they are added, so this is the time in the margin.
            happened: When the exchange says it happened (epoch seconds); shown after the
                words as `(at HH:MM:SS)` when that is `LATE_AFTER_S` or more before arrival.
        """
        arrived = self._clock() if at is None else at
        if isinstance(arrived, int | float) and happened is not None:
            text += f"  (at {fmt_clock(happened)})" if arrived - happened >= LATE_AFTER_S else ""
        line = LogLine(next(self._serials), fmt_clock(arrived), text, _severity(severity), sticky)
        self._log.append(line)
        if sticky:
            self._sticky.append(line)
        if not self._flush_pending:
            self._flush_pending = True
            if self.is_mounted:
                self.call_later(self._flush)
            else:
                self._flush_pending = False

    def add_order(self, order: Order, market: Market | None = None) -> None:
        """Log an order event in plain words, coloured by status; failures are sticky."""
        severity = severity_for_order(order)
        from btse_tui.ui.bridge import describe_order

        # stamped on arrival: an order's own timestamp may be its creation or last change, and
        # lines dated by it would read out of order (a reconciled change listed after newer news)
        self.add(describe_order(order, market), severity, sticky=severity == Severity.ERROR)

    def dismiss_sticky(self) -> bool:
        """Dismiss the newest sticky line; False if there was none."""
        if not self._sticky:
            return False
        self._sticky.pop()
        self._update_virtual_size()
        self.refresh()
        return True

    def clear(self) -> None:
        """Forget every line, sticky ones included."""
        self._log.clear()
        self._sticky.clear()
        self._update_virtual_size()
        self.refresh()

    @property
    def visible_text(self) -> list[str]:
        """The rows on screen now, top to bottom, as plain text (for tests and logs)."""
        return [self.render_line(y).text.rstrip() for y in range(self.size.height)]

    @property
    def line_count(self) -> int:
        """Number of stored lines (never more than `cap`)."""
        return len(self._log)

    @property
    def lines(self) -> tuple[LogLine, ...]:
        """Stored lines, oldest first."""
        return tuple(self._log)

    @property
    def sticky(self) -> tuple[LogLine, ...]:
        """Undismissed sticky lines, oldest first."""
        return tuple(self._sticky)

    # ------------------------------------------------------------------ internals

    @property
    def _sticky_rows(self) -> int:
        return len(self._sticky_view)

    def _text_width(self) -> int:
        """Cells a row may fill: the scrollbar's column is kept free, so that wrapping does not
        change when the scrollbar comes and goes."""
        if not self.is_mounted:
            return 0
        return max(0, self.size.width - self.styles.scrollbar_size_vertical)

    def _wrap(self, line: LogLine, width: int) -> list[str]:
        rows = self._wrapped.get(line.serial)
        if rows is None:
            rows = self._wrapped[line.serial] = wrap_line(f" {line.stamp}  ", line.text, width)
        return rows

    def _rewrap(self) -> None:
        """Recompute which line each row shows (after adds, dismissals or a new width)."""
        width = self._text_width()
        if width != self._wrap_width:
            self._wrap_width = width
            self._wrapped.clear()
            self._strip_cache.clear()
            self._rows.clear()
            self._rows_upto = 0
        # only what changed: lines the cap pushed out leave the front, new lines join the end
        first = self._log[0].serial if self._log else self._rows_upto + 1
        shown = self._rows
        while shown and shown[0][0].serial < first:
            self._wrapped.pop(shown.popleft()[0].serial, None)
        added: list[LogLine] = []
        for line in reversed(self._log):
            if line.serial <= self._rows_upto:
                break
            added.append(line)
        for line in reversed(added):
            shown.extend((line, index) for index in range(len(self._wrap(line, width))))
        if self._log:
            self._rows_upto = self._log[-1].serial
        # newest sticky lines that fit in half the pane (at least one), oldest of them on top
        room = max(1, self.size.height // 2) if self.is_mounted else self.MAX_STICKY_SHOWN
        wrapped: list[tuple[LogLine, list[str]]] = []
        used = 0
        for line in reversed(list(self._sticky)[-self.MAX_STICKY_SHOWN :]):
            rows = wrap_line(f" ✖ {line.stamp}  ", line.text, max(1, width - STICKY_SUFFIX_CELLS))
            if wrapped and used + len(rows) > room:
                break
            wrapped.insert(0, (line, rows))
            used += len(rows)
        hidden = len(self._sticky) - len(wrapped)
        view: list[tuple[LogLine, str]] = []
        for number, (line, rows) in enumerate(wrapped):
            suffix = "  [x] dismiss" if number == len(wrapped) - 1 else ""
            if number == 0 and hidden:
                suffix = f"  (+{hidden} earlier){suffix}"
            if suffix:  # the line with the suffix may need another row; the others are as counted
                rows = wrap_line(f" ✖ {line.stamp}  ", line.text, max(1, width - len(suffix)))
            rows[0] += suffix
            view.extend((line, row) for row in rows)
        self._sticky_view = view

    def _update_virtual_size(self) -> None:
        self._rewrap()
        set_virtual_size(self, Size(self._text_width(), len(self._rows) + self._sticky_rows))

    def _flush(self) -> None:
        """Apply pending adds: one virtual-size change, one scroll, one repaint."""
        self._flush_pending = False
        follow = self.scroll_y >= self.max_scroll_y - 1
        self._update_virtual_size()
        if len(self._strip_cache) > 4 * max(10, self.size.height):
            self._strip_cache.clear()
        if follow:
            # force: the scrollbar may only appear at the next layout.
            self.scroll_to(y=self.max_scroll_y, animate=False, force=True, immediate=True)
        self.refresh()

    def _style_map(self) -> dict[str, Style]:
        if self._style_cache is None:
            styles: dict[str, Style] = {"base": self.rich_style}
            for name in self.COMPONENT_CLASSES:
                short = name.removeprefix("notification-log--")
                full = self.get_component_rich_style(name)
                styles[short] = (
                    full
                    if short == "sticky"
                    else Style(color=full.color, bold=full.bold, dim=full.dim)
                )
            self._style_cache = styles
        return self._style_cache

    def notify_style_update(self) -> None:
        """Theme changed: drop cached strips."""
        super().notify_style_update()
        self._style_cache = None
        self._strip_cache.clear()
        self.refresh()

    def _render_log_row(self, line: LogLine, index: int, width: int) -> Strip:
        key = (line.serial, index)
        strip = self._strip_cache.get(key)
        if strip is None:
            styles = self._style_map()
            base = styles["base"]
            text = self._wrap(line, self._wrap_width)[index]
            body = base + styles[line.severity.value]
            if index == 0:
                stamp = text[:STAMP_CELLS]
                segments = [
                    Segment(stamp, base + styles["stamp"]),
                    Segment(text[len(stamp) :], body),
                ]
            else:
                segments = [Segment(text, body)]
            strip = Strip(segments).crop_extend(0, width, base)
            self._strip_cache[key] = strip
        return strip

    def render_line(self, y: int) -> Strip:
        """Sticky errors first, then the scrolled log."""
        width = self.size.width
        styles = self._style_map()
        sticky_rows = self._sticky_rows
        if y < sticky_rows:
            text = self._sticky_view[y][1]
            return Strip([Segment(fit(text, width), styles["sticky"])], width)
        index = int(self.scroll_y) + y - sticky_rows
        if 0 <= index < len(self._rows):
            line, row = self._rows[index]
            return self._render_log_row(line, row, width)
        return Strip.blank(width, styles["base"])

    def on_resize(self, event: events.Resize) -> None:
        """Widths changed: re-wrap, staying at the newest line if that was in view."""
        follow = self.scroll_y >= self.max_scroll_y - 1
        self._update_virtual_size()
        if follow:
            self.scroll_to(y=self.max_scroll_y, animate=False, force=True, immediate=True)
        self.refresh()

    def on_mount(self) -> None:
        """Show lines added before mounting."""
        self._flush()

    def on_click(self, event: events.Click) -> None:
        """A click on a sticky line dismisses that line."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y >= self._sticky_rows:
            return
        self._sticky.remove(self._sticky_view[offset.y][0])
        self._update_virtual_size()
        self.refresh()

    def action_dismiss_sticky(self) -> None:
        """Key `x`."""
        self.dismiss_sticky()


class LastLine(Static):
    """The newest notification (narrow screens), wrapped onto as many rows as it needs (up to
    the height its CSS allows). The same text again costs nothing; a new text re-lays the
    screen out only when it needs another number of rows."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        """Create an empty line."""
        super().__init__("", id=id, classes=classes, markup=False)
        self._text: VisualType = ""
        self._rows = 1
        self._behind = False  # a text came while the line was not displayed

    def _rows_for(self, content: object) -> int:
        width = self.content_region.width if self.is_mounted else 0
        if not isinstance(content, str) or width <= 0:
            return 1
        return len(wrap_words(content, width))

    def update(self, content: VisualType = "", *, layout: bool = False) -> None:
        """Show `content` (plain text)."""
        if content == self._text and not layout:
            return
        self._text = content
        if not self.display:  # a wide screen hides it: shown when it is (on_show)
            self._behind = True
            return
        self._behind = False
        rows = self._rows_for(content)
        layout = layout or rows != self._rows
        self._rows = rows
        super().update(content, layout=layout)

    def on_show(self, event: events.Show) -> None:
        """Displayed again (the screen became narrow): the newest text, not the one before."""
        if self._behind:  # after the layout that showed it: a layout asked during it is lost
            self.call_later(self.update, self._text, layout=True)

    def on_resize(self, event: events.Resize) -> None:
        """Another width may need another number of rows."""
        rows = self._rows_for(self._text)
        if rows != self._rows:
            self._rows = rows
            self.refresh(layout=True)
