"""LiveTable: a Line-API table that caches each row and repaints only the cells that changed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from btse_tui.ui.widgets.format import fit
from btse_tui.ui.widgets.live_table_cells import TONES, Flashes, part_styles
from btse_tui.ui.widgets.live_table_model import (
    Align,
    Column,
    ColumnLayout,
    Formatter,
    Row,
    RowKey,
    RowModel,
    Toner,
)
from btse_tui.ui.widgets.scroll_size import set_virtual_size

__all__ = ["TONES", "Align", "Column", "Formatter", "LiveTable", "RowKey", "Toner"]


class LiveTable(ScrollView, can_focus=True):
    """A fast table for values that change many times a second (markets, orders, balances).

    The rows live in a `RowModel` (plain data: values, shown texts, display order), the tints
    of changed numbers in `Flashes`; the widget owns both and draws from them, caching each
    row's strip under the row's update count.

    Rows are addressed by key. `update_row` compares the new values with the old ones and
    refreshes only the screen regions of the cells whose *text or tone* changed; rows off
    screen only drop their cached strip. Sorting is stable and numeric-aware, a text filter and
    a predicate can hide rows, pinned rows stay on top, and a cursor row can be moved with the
    keyboard or mouse. Changed numeric cells flash green (up) or red (down) and fade within
    `flash_duration` seconds, driven by one timer that repaints only the flashing cells.

    | Key | Action |
    | :- | :- |
    | up / down / pageup / pagedown / home / end | move the cursor |
    | enter | post `Selected` for the cursor row |
    | s | sort by the next column |
    | S | flip the sort direction |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False, id="table.cursor_up"),
        Binding("down", "cursor_down", "Down", show=False, id="table.cursor_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("home", "cursor_home", "First row", show=False, id="table.home"),
        Binding("end", "cursor_end", "Last row", show=False, id="table.end"),
        Binding("enter", "select_cursor", "Select", show=False, id="table.select"),
        Binding("s", "cycle_sort", "Sort column", id="table.sort"),
        Binding("S", "flip_sort", "Sort direction", show=False, id="table.sort_flip"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "live-table--header",
        "live-table--header-sorted",
        "live-table--cursor",
        "live-table--pin",
        "live-table--flash-up",
        "live-table--flash-down",
        "live-table--fade-up",
        "live-table--fade-down",
        "live-table--empty",
        *(f"live-table--{tone}" for tone in TONES),
    }

    DEFAULT_CSS = """
    LiveTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        scrollbar-size-vertical: 1;
        & > .live-table--header { background: $panel; color: $foreground-muted; text-style: bold; }
        & > .live-table--header-sorted { background: $panel; color: $accent; text-style: bold; }
        & > .live-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .live-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: bold;
        }
        &:focus > .live-table--header { color: $foreground; }
        & > .live-table--pin { color: $warning; }
        & > .live-table--up { color: $success; }
        & > .live-table--down { color: $error; }
        & > .live-table--muted { color: $foreground-muted; }
        & > .live-table--warning { color: $warning; }
        & > .live-table--error { color: $error; text-style: bold; }
        & > .live-table--accent { color: $accent; }
        & > .live-table--info { color: $primary-lighten-2; }
        & > .live-table--flash-up { background: $success 45%; color: $foreground; }
        & > .live-table--flash-down { background: $error 45%; color: $foreground; }
        & > .live-table--fade-up { background: $success 18%; color: $foreground; }
        & > .live-table--fade-down { background: $error 18%; color: $foreground; }
        & > .live-table--empty { color: $foreground-muted; text-style: italic; }
    }
    """

    class Selected(Message):
        """Enter (or a double click) on a row."""

        def __init__(self, table: LiveTable, key: RowKey) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> LiveTable:
            """The table the row belongs to."""
            return self.table

    class Highlighted(Message):
        """The cursor moved to another row (`key` is None when the table is empty)."""

        def __init__(self, table: LiveTable, key: RowKey | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> LiveTable:
            """The table the cursor moved in."""
            return self.table

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        show_header: bool = True,
        show_cursor: bool = True,
        pin_marker: str = "★",
        empty_text: str = "Nothing to show",
        flash_duration: float = 0.8,
        resort_interval: float = 1.0,
        search_keys: Sequence[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Create a table.

        Args:
            columns: The columns, left to right.
            show_header: Show the header line (labels and sort arrow).
            show_cursor: Highlight the cursor row (False for read-only lists like balances).
            pin_marker: One-cell mark shown in the left gutter of pinned rows.
            empty_text: Shown when no row passes the filter.
            flash_duration: Seconds a changed cell stays tinted (strong, then faded).
            resort_interval: When a value of the sort column changes, rows are re-sorted at most
                this often (seconds), so rows do not jump on every tick. 0 re-sorts at once.
            search_keys: Columns whose shown text the text filter matches (default: the
                first column); a key that is not a column matches nothing.
            clock: Monotonic seconds; inject a fake one in tests.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._model = RowModel(columns, search_keys)
        self._flashes = Flashes(flash_duration, clock)
        self._layout = ColumnLayout.fit(self._model.columns, 0)
        self._layout_width = -1
        self._show_header = show_header
        self._show_cursor = show_cursor
        self._pin_marker = pin_marker[:1] or " "
        self._empty_text = empty_text
        self._resort_interval = resort_interval
        self._clock = clock
        self._held_height: int | None = None  # viewport height held by `hold_viewport`
        self._cursor_key: RowKey | None = None
        self._cursor_index = 0
        self._flash_timer: Timer | None = None
        self._resort_timer: Timer | None = None
        self._settle_due = False  # a settle of size, scroll and paint is queued on the loop
        self._styles: dict[str, Style] | None = None
        # Render caches, keyed by what the drawing depends on: a row's update count, its
        # cursor/pin/flash state and `_generation` (bumped by a new layout or theme).
        self._generation = 0
        self._row_strips: dict[RowKey, tuple[Hashable, Strip]] = {}
        self._header_strip: tuple[Hashable, Strip] | None = None
        self._layout_columns()

    # ------------------------------------------------------------------ hooks for subclasses

    def _selected_message(self, key: RowKey) -> Message | None:
        """The message Enter posts for row `key` (subclasses return their own)."""
        return self.Selected(self, key)

    def _highlighted_message(self, key: RowKey | None) -> Message | None:
        """The message posted when the cursor moves to `key` (subclasses return their own)."""
        return self.Highlighted(self, key)

    # ------------------------------------------------------------------ public API: data

    @property
    def columns(self) -> tuple[Column, ...]:
        """All columns, including those hidden because the table is narrow."""
        return self._model.columns

    @property
    def visible_columns(self) -> tuple[Column, ...]:
        """The columns currently shown (narrow tables hide low-priority ones)."""
        return self._layout.visible

    def set_columns(self, columns: Iterable[Column]) -> None:
        """Replace the columns (e.g. wider ones for a wider pane): keys the rows use, the sort
        column among them; every row is re-formatted for the new widths."""
        if not self._model.set_columns(columns):
            return
        self._layout_columns()
        self._update_virtual_size()
        self.refresh()

    @property
    def row_count(self) -> int:
        """Number of rows held, whether or not the filter shows them."""
        return len(self._model)

    @property
    def displayed_keys(self) -> tuple[RowKey, ...]:
        """Keys of the rows shown, top to bottom (pinned, filtered and sorted)."""
        return tuple(self._model.order)

    def __contains__(self, key: object) -> bool:
        return key in self._model

    def get_row(self, key: RowKey) -> Mapping[str, Any] | None:
        """The values of row `key` (read-only view), or None."""
        row = self._model.row(key)
        return None if row is None else dict(row.values)

    def cell_text(self, key: RowKey, column: str) -> str:
        """The text a cell shows (formatted), `""` if the row or column does not exist."""
        row = self._model.row(key)
        return "" if row is None else row.texts.get(column, "")

    def add_row(self, key: RowKey, values: Mapping[str, Any]) -> None:
        """Add a row (or update it if `key` exists). New rows never flash."""
        if key in self._model:
            self.update_row(key, values)
            return
        self._model.add(key, values)
        self._reordered()

    def update_row(self, key: RowKey, values: Mapping[str, Any]) -> bool:
        """Merge `values` into row `key`, repainting only the cells whose text or tone changed.

        Missing rows are added. Keys that are not columns are kept as row data for the
        formatters (e.g. decimals); changing one re-formats the whole row.

        Returns:
            True if any cell's text or tone changed.
        """
        if key not in self._model:
            self.add_row(key, values)
            return True
        change = self._model.update(key, values)
        flashed = False
        for column, old, new in change.moved:
            flashed = self._flashes.start(key, column, old, new) or flashed
        if flashed and self._flash_timer is not None:
            self._flash_timer.resume()
        if change.sort_touched:
            self._schedule_resort()
        if change.reordered:
            self._reordered()
            return bool(change.dirty)
        for column in change.dirty:
            self._refresh_cell(key, column)
        return bool(change.dirty)

    def update_cell(self, key: RowKey, column: str, value: Any) -> bool:
        """Set one value of row `key`; see `update_row`."""
        return self.update_row(key, {column: value})

    def remove_row(self, key: RowKey) -> None:
        """Remove row `key` if present."""
        if not self._model.remove(key):
            return
        self._flashes.forget(key)
        self._row_strips.pop(key, None)
        self._reordered()

    def set_rows(self, rows: Iterable[tuple[RowKey, Mapping[str, Any]]]) -> None:
        """Replace all rows with `rows` (in this insertion order), keeping the cursor by key.

        Rows that already exist are updated in place (changed cells repaint and flash);
        rows not in `rows` are removed.
        """
        incoming = list(rows)
        if self._model.same_keys([key for key, _ in incoming]):
            for key, values in incoming:
                self.update_row(key, values)
            return
        self._model.replace(incoming)
        kept = {key for key, _ in incoming}
        self._flashes.keep_only(kept)
        self._row_strips = {k: v for k, v in self._row_strips.items() if k in kept}
        self._reordered()

    def clear(self) -> None:
        """Remove every row."""
        self._model.clear()
        self._flashes.clear()
        self._row_strips.clear()
        self._reordered()

    # ------------------------------------------------------------------ public API: view

    @property
    def sort_column(self) -> str | None:
        """Key of the sort column, or None for insertion order."""
        return self._model.sort_column

    @property
    def sort_reverse(self) -> bool:
        """True when sorted descending."""
        return self._model.sort_reverse

    def sort_by(self, column: str | None, reverse: bool = False) -> None:
        """Sort by `column` (None: insertion order), descending if `reverse`. Stable."""
        self._model.set_sort(column, reverse)
        self._cursor_index = 0
        self._cursor_key = None
        self._reordered()
        if self.is_mounted:
            self._scroll_to_row(0)

    def resort(self) -> None:
        """Re-apply sort and filter now (normally done at most every `resort_interval`)."""
        self._model.rebuild_order()
        self._reordered(keep_cursor_on_screen=True)

    @property
    def filter_text(self) -> str:
        """The current text filter ("" = none)."""
        return self._model.filter_text

    def set_filter(self, text: str) -> None:
        """Show only rows whose search columns' shown text contains every word of `text`
        (case-insensitive)."""
        self._model.set_filter(text)
        self._reordered()

    def set_predicate(self, predicate: Callable[[Mapping[str, Any]], bool] | None) -> None:
        """Show only rows for whose values `predicate` is true (None: all). Combines with text."""
        self._model.set_predicate(predicate)
        self._reordered()

    @property
    def pinned(self) -> frozenset[RowKey]:
        """Keys of the pinned rows (kept on top, marked in the gutter)."""
        return self._model.pinned

    def set_pinned(self, keys: Iterable[RowKey]) -> None:
        """Pin exactly `keys` (rows that do not exist yet are pinned when added)."""
        if self._model.set_pinned(keys):
            self._reordered()

    @contextmanager
    def hold_viewport(self) -> Iterator[None]:
        """Hold the viewport height through a burst of updates: one layout lookup instead of
        one per changed cell (nothing can re-lay the table out inside synchronous code)."""
        held = self._held_height
        if held is None and self.is_mounted:
            self._held_height = self.scrollable_content_region.height
        try:
            yield
        finally:
            self._held_height = held

    # ------------------------------------------------------------------ public API: flashes

    @property
    def low_bandwidth(self) -> bool:
        """When True, changed cells do not flash (fewer repaints over slow SSH links)."""
        return not self._flashes.enabled

    @low_bandwidth.setter
    def low_bandwidth(self, value: bool) -> None:
        self._flashes.enabled = not value
        if value:
            for key, column in self._flashes.clear():
                self._refresh_cell(key, column)

    @property
    def flashing_cells(self) -> dict[tuple[RowKey, str], str]:
        """Cells currently tinted: (row key, column key) → "flash-up"/"fade-down"/…."""
        return self._flashes.phases

    def advance_flashes(self, now: float | None = None) -> None:
        """Move flashes to their next phase and drop finished ones, repainting only those cells.

        Called by the table's own timer; tests call it with a fake `now`.
        """
        for key, column in self._flashes.advance(now):
            self._refresh_cell(key, column)
        if not self._flashes and self._flash_timer is not None:
            self._flash_timer.pause()

    # ------------------------------------------------------------------ public API: cursor

    @property
    def cursor_key(self) -> RowKey | None:
        """Key of the cursor row, or None if no row is shown."""
        return self._cursor_key

    def move_cursor(self, key: RowKey) -> None:
        """Put the cursor on row `key` (if shown) and scroll it into view."""
        index = self._model.index_of(key)
        if index is not None:
            self._set_cursor_index(index)

    def action_cursor_up(self) -> None:
        """Move the cursor one row up."""
        self._set_cursor_index(self._cursor_index - 1)

    def action_cursor_down(self) -> None:
        """Move the cursor one row down."""
        self._set_cursor_index(self._cursor_index + 1)

    def action_page_up(self) -> None:
        """Move the cursor one page up."""
        self._set_cursor_index(self._cursor_index - self._page_height)

    def action_page_down(self) -> None:
        """Move the cursor one page down."""
        self._set_cursor_index(self._cursor_index + self._page_height)

    def action_cursor_home(self) -> None:
        """Move the cursor to the first row."""
        self._set_cursor_index(0)

    def action_cursor_end(self) -> None:
        """Move the cursor to the last row."""
        self._set_cursor_index(len(self._model.order) - 1)

    # ------------------------------------------------------------------ order and cursor

    def _reordered(self, keep_cursor_on_screen: bool = False) -> None:
        """The model rebuilt its display order: follow the cursor row, repaint everything."""
        if self._resort_timer is not None:
            self._resort_timer.stop()
            self._resort_timer = None
        order = self._model.order
        old_cursor_key = self._cursor_key
        old_screen_offset = self._cursor_index - int(self.scroll_y)
        index = self._model.index_of(old_cursor_key)
        if index is not None:
            self._cursor_index = index
        else:
            self._cursor_index = min(self._cursor_index, max(0, len(order) - 1))
        new_key = order[self._cursor_index] if order else None
        self._cursor_key = new_key
        if keep_cursor_on_screen and new_key is not None and new_key == old_cursor_key:
            self._update_virtual_size()
            self._scroll_to_row(self._cursor_index - old_screen_offset)
            self._settle()
        else:
            self._settle_soon()
        if new_key != old_cursor_key and self.is_mounted:
            message = self._highlighted_message(new_key)
            if message is not None:
                self.post_message(message)

    def _settle_soon(self) -> None:
        """Size, scroll and repaint after the rows changed: once for a burst of changes
        (every event the socket delivered in one read), not once per row."""
        if not self.is_mounted:
            self._settle()
        elif not self._settle_due:
            self._settle_due = True
            asyncio.get_running_loop().call_soon(self._settle)

    def _settle(self) -> None:
        self._settle_due = False
        self._update_virtual_size()
        if self.has_focus or self.scroll_y > 0:
            self._ensure_cursor_visible()
        # else: a pane the trader is not using, shown from the top, stays at the top, so rows
        # that arrive above the cursor (the newest order, newest first) are seen, not scrolled
        # away to keep an old cursor row in view; focusing the pane brings the cursor back
        self.refresh()

    def on_focus(self) -> None:
        """The trader turned to the table: its cursor row is on screen."""
        self._ensure_cursor_visible()

    def _schedule_resort(self) -> None:
        if self._resort_interval <= 0 or not self.is_mounted:
            self.resort()
            return
        if self._resort_timer is None:
            self._resort_timer = self.set_timer(self._resort_interval, self.resort)

    def _set_cursor_index(self, index: int) -> None:
        order = self._model.order
        if not order:
            return
        index = max(0, min(index, len(order) - 1))
        old_index = self._cursor_index
        old_key = self._cursor_key
        self._cursor_index = index
        self._cursor_key = order[index]
        for i in (old_index, index):
            if 0 <= i < len(order):
                self._refresh_row(i)
        self._ensure_cursor_visible()
        if self._cursor_key != old_key:
            message = self._highlighted_message(self._cursor_key)
            if message is not None:
                self.post_message(message)

    # ------------------------------------------------------------------ geometry

    @property
    def _header_height(self) -> int:
        return 1 if self._show_header else 0

    @property
    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height - self._header_height)

    def _layout_columns(self) -> None:
        """Choose visible columns for the current width and compute their x positions."""
        # Reserve the vertical scrollbar so columns never hide/show as rows come and go.
        width = (
            max(0, self.size.width - self.styles.scrollbar_size_vertical) if self.is_mounted else 0
        )
        self._layout = ColumnLayout.fit(self._model.columns, width)
        self._layout_width = width
        self._generation += 1

    def _update_virtual_size(self) -> None:
        set_virtual_size(
            self, Size(self._layout.width, len(self._model.order) + self._header_height)
        )

    def _row_y(self, index: int) -> int | None:
        """Viewport line of display index `index`, or None if off screen."""
        y = index - int(self.scroll_y) + self._header_height
        if y < self._header_height:
            return None
        height = self._held_height
        if y >= (self.scrollable_content_region.height if height is None else height):
            return None
        return y

    def _refresh_cell(self, key: RowKey, column: str) -> None:
        """Repaint one cell's screen region, if it is on screen."""
        index = self._model.index_of(key)
        if index is None or not self.is_mounted:
            return
        y = self._row_y(index)
        x = self._layout.x.get(column)
        if y is None or x is None:
            return
        width = self._model.column(column).width
        self.refresh(Region(x - int(self.scroll_x), y, width, 1))

    def _refresh_row(self, index: int) -> None:
        if not self.is_mounted:
            return
        y = self._row_y(index)
        if y is not None:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_row(self, top: int) -> None:
        top = max(0, min(top, len(self._model.order) - self._page_height))
        if top != int(self.scroll_y):
            # set_scroll skips ScrollView's watcher: without a full refresh Textual would
            # serve lines cached at the old offset beside freshly rendered ones
            self.set_scroll(None, top)
            self.refresh()

    def _ensure_cursor_visible(self) -> None:
        if not self._model.order or not self.is_mounted:
            return
        top = int(self.scroll_y)
        page = self._page_height
        if self._cursor_index < top:
            self._scroll_to_row(self._cursor_index)
        elif self._cursor_index >= top + page:
            self._scroll_to_row(self._cursor_index - page + 1)

    # ------------------------------------------------------------------ rendering

    def notify_style_update(self) -> None:
        """Theme or focus changed: every cached strip is stale."""
        super().notify_style_update()
        self._styles = None
        self._generation += 1
        self.refresh()

    def _style_map(self) -> dict[str, Style]:
        if self._styles is None:
            self._styles = part_styles(
                self.rich_style, self.COMPONENT_CLASSES, self.get_component_rich_style
            )
        return self._styles

    def _render_header(self) -> Strip:
        model = self._model
        width = max(self._layout.width, self.size.width)
        state = (self._generation, model.sort_column, model.sort_reverse, width)
        if self._header_strip is not None and self._header_strip[0] == state:
            return self._header_strip[1]
        styles = self._style_map()
        header = styles["header"]
        sorted_style = styles["header-sorted"]
        segments = [Segment(" ", header)]
        for i, column in enumerate(self._layout.visible):
            if i:
                segments.append(Segment(" ", header))
            label = column.label
            style = header
            if column.key == model.sort_column:
                arrow = "▼" if model.sort_reverse else "▲"
                label = f"{label}{arrow}" if column.align != "right" else f"{arrow}{label}"
                style = sorted_style
            segments.append(Segment(fit(label, column.width, column.align), style))
        strip = Strip(segments).extend_cell_length(width, header)
        self._header_strip = (state, strip)
        return strip

    def _render_row(self, row: Row, is_cursor: bool) -> Strip:
        key = row.key
        pinned = key in self._model.pinned
        width = max(self._layout.width, self.size.width)
        flashes = self._flashes
        state = (self._generation, row.version, is_cursor, pinned, flashes.row_state(key), width)
        cached = self._row_strips.get(key)
        if cached is not None and cached[0] == state:
            return cached[1]
        styles = self._style_map()
        base = styles["cursor"] if is_cursor else styles["base"]
        marker = Segment(self._pin_marker, base + styles["pin"]) if pinned else Segment(" ", base)
        segments = [marker]
        gap = Segment(" ", base)
        for i, column in enumerate(self._layout.visible):
            if i:
                segments.append(gap)
            style = base
            tone = row.tones.get(column.key)
            if tone is not None:
                style = style + styles.get(tone, Style())
            phase = flashes.phase(key, column.key)
            if phase is not None:
                style = style + styles[phase]
            text = fit(row.texts.get(column.key, ""), column.width, column.align)
            segments.append(Segment(text, style))
        strip = Strip(segments).extend_cell_length(width, base)
        self._row_strips[key] = (state, strip)
        return strip

    def render_line(self, y: int) -> Strip:
        """Render viewport line `y` from the cached strips."""
        width = self.size.width
        scroll_x = int(self.scroll_x)
        styles = self._style_map()
        order = self._model.order
        if self._show_header and y == 0:
            strip = self._render_header()
        else:
            index = int(self.scroll_y) + y - self._header_height
            if 0 <= index < len(order):
                row = self._model.row(order[index])
                assert row is not None  # the order holds only rows the model has
                strip = self._render_row(row, self._show_cursor and index == self._cursor_index)
            elif index == 0 and not order:
                text = "  " + (
                    self._empty_text if not len(self._model) else "No rows match the filter"
                )
                strip = Strip([Segment(text, styles["base"] + styles["empty"])])
            else:
                return Strip.blank(width, styles["base"])
        return strip.crop_extend(scroll_x, scroll_x + width, styles["base"])

    # ------------------------------------------------------------------ events and actions

    def on_mount(self) -> None:
        """Start the (paused) flash timer and lay out the columns."""
        self._flash_timer = self.set_interval(0.1, self.advance_flashes, pause=not self._flashes)
        self._layout_columns()
        self._update_virtual_size()

    def on_resize(self, event: events.Resize) -> None:
        """Re-choose visible columns for the new width."""
        if self.size.width != self._layout_width:
            self._layout_columns()
            self._update_virtual_size()
        self._ensure_cursor_visible()
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        """Header click sorts by that column (again: flips); row click moves the cursor."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if self._show_header and offset.y == 0:
            x = offset.x + int(self.scroll_x)
            for column in self._layout.visible:
                start = self._layout.x[column.key]
                if start <= x < start + column.width:
                    if column.key == self.sort_column:
                        self.sort_by(column.key, not self.sort_reverse)
                    else:
                        self.sort_by(column.key, column.align == "right")
                    return
            return
        index = int(self.scroll_y) + offset.y - self._header_height
        if 0 <= index < len(self._model.order):
            self._set_cursor_index(index)
            if event.chain >= 2:
                self.action_select_cursor()

    def action_select_cursor(self) -> None:
        """Post the Selected message for the cursor row."""
        if self._cursor_key is None:
            return
        message = self._selected_message(self._cursor_key)
        if message is not None:
            self.post_message(message)

    def action_cycle_sort(self) -> None:
        """Sort by the next visible column (numbers descending first, text ascending)."""
        keys = [c.key for c in self._layout.visible]
        if not keys:
            return
        if self.sort_column in keys:
            position = keys.index(self.sort_column) + 1
            if position >= len(keys):
                self.sort_by(None)
                return
        else:
            position = 0
        column = self._model.column(keys[position])
        self.sort_by(column.key, column.align == "right")

    def action_flip_sort(self) -> None:
        """Flip the sort direction."""
        if self.sort_column is not None:
            self.sort_by(self.sort_column, not self.sort_reverse)
