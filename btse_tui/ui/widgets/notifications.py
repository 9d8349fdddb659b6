"""NotificationLog: a bounded, colour-coded log of order events with sticky errors on top."""

from __future__ import annotations

import itertools
from collections import deque
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


class NotificationLog(ScrollView, can_focus=True):
    """Newest line at the bottom; follows new lines unless the trader scrolled up.

    Sticky lines (errors the trader must see) are also pinned at the top in a distinct style
    until dismissed with `x` (newest first) or a click. Memory is bounded: at most `cap` lines
    and `sticky_cap` sticky ones are kept. Adds are coalesced into one repaint.

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
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Create an empty log keeping at most `cap` lines and `sticky_cap` sticky errors."""
        super().__init__(name=name, id=id, classes=classes)
        self.cap = cap
        self._log: deque[LogLine] = deque(maxlen=cap)
        self._sticky: deque[LogLine] = deque(maxlen=sticky_cap)
        self._serials = itertools.count(1)
        self._strip_cache: dict[tuple[int, bool], Strip] = {}
        self._flush_pending = False
        self._style_cache: dict[str, Style] | None = None

    # ------------------------------------------------------------------ public API

    def add(
        self,
        text: str,
        severity: Severity | str = Severity.INFO,
        sticky: bool = False,
        at: datetime | float | None = None,
    ) -> None:
        """Append a line; `sticky=True` also pins it on top until dismissed.

        Args:
            text: Plain words, e.g. `BUY 0.0010 BTC-USDT @ 20,000.0  inserted`.
            severity: A `Severity` or its value ("filled", "error", …).
            sticky: Keep it visible on top until the trader dismisses it.
            at: When it happened (datetime or epoch seconds); default now.
        """
        line = LogLine(next(self._serials), fmt_clock(at), text, _severity(severity), sticky)
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

        stamp = order.timestamp_ms / 1000 if order.timestamp_ms else None
        self.add(
            describe_order(order, market), severity, sticky=severity == Severity.ERROR, at=stamp
        )

    def dismiss_sticky(self) -> bool:
        """Dismiss the newest sticky line; False if there was none."""
        if not self._sticky:
            return False
        self._sticky.pop()
        self._strip_cache.clear()
        self._update_virtual_size()
        self.refresh()
        return True

    def clear(self) -> None:
        """Forget every line, sticky ones included."""
        self._log.clear()
        self._sticky.clear()
        self._strip_cache.clear()
        self._update_virtual_size()
        self.refresh()

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
        return min(len(self._sticky), self.MAX_STICKY_SHOWN)

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(
            self.scrollable_content_region.width, len(self._log) + self._sticky_rows
        )

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

    def _render_log_line(self, line: LogLine, width: int, styles: dict[str, Style]) -> Strip:
        key = (line.serial, False)
        strip = self._strip_cache.get(key)
        if strip is None:
            base = styles["base"]
            stamp = Segment(f" {line.stamp}  ", base + styles["stamp"])
            body = Segment(line.text, base + styles[line.severity.value])
            strip = Strip([stamp, body]).crop_extend(0, width, base)
            self._strip_cache[key] = strip
        return strip

    def _render_sticky_line(self, row: int, width: int, styles: dict[str, Style]) -> Strip:
        shown = list(self._sticky)[-self.MAX_STICKY_SHOWN :]
        shown.reverse()  # newest on top: that is the one `x` dismisses
        line = shown[row]
        hidden = len(self._sticky) - len(shown)
        suffix = "  [x] dismiss"
        if row == len(shown) - 1 and hidden:
            suffix = f"  (+{hidden} more){suffix}"
        text = f" ✖ {line.stamp}  {line.text}"
        body = fit(text, max(0, width - len(suffix))) + suffix
        return Strip([Segment(fit(body, width), styles["sticky"])], width)

    def render_line(self, y: int) -> Strip:
        """Sticky errors first, then the scrolled log."""
        width = self.size.width
        styles = self._style_map()
        sticky_rows = self._sticky_rows
        if y < sticky_rows:
            return self._render_sticky_line(y, width, styles)
        index = int(self.scroll_y) + y - sticky_rows
        if 0 <= index < len(self._log):
            return self._render_log_line(self._log[index], width, styles)
        return Strip.blank(width, styles["base"])

    def on_resize(self, event: events.Resize) -> None:
        """Widths changed: re-render."""
        self._strip_cache.clear()
        self._update_virtual_size()

    def on_mount(self) -> None:
        """Show lines added before mounting."""
        self._flush()

    def on_click(self, event: events.Click) -> None:
        """A click on a sticky line dismisses that line."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y >= self._sticky_rows:
            return
        shown = list(self._sticky)[-self.MAX_STICKY_SHOWN :]
        shown.reverse()
        self._sticky.remove(shown[offset.y])
        self._strip_cache.clear()
        self._update_virtual_size()
        self.refresh()

    def action_dismiss_sticky(self) -> None:
        """Key `x`."""
        self.dismiss_sticky()


class LastLine(Static):
    """The newest notification on one line (narrow screens): a fixed-size line, so a new text
    repaints it without a re-layout, and the same text again costs nothing."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        """Create an empty line."""
        super().__init__("", id=id, classes=classes, markup=False)
        self._text: object = ""

    def update(self, content: VisualType = "", *, layout: bool = False) -> None:
        """Show `content` (plain text; no re-layout unless asked)."""
        if content == self._text and not layout:
            return
        self._text = content
        super().update(content, layout=layout)
