"""LiveTable: a Line-API table that caches each row and repaints only the cells that changed."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from btse_tui.ui.widgets.format import fit
from btse_tui.ui.widgets.live_table_cells import TONES, CellStyling
from btse_tui.ui.widgets.live_table_model import (
    Align,
    Column,
    Formatter,
    RowKey,
    RowModel,
    Toner,
    _Row,
)
from btse_tui.ui.widgets.live_table_viewport import Viewport

__all__ = ["TONES", "Align", "Column", "Formatter", "LiveTable", "RowKey", "Toner"]


class LiveTable(RowModel, CellStyling, Viewport, ScrollView, can_focus=True):
    """A fast table for values that change many times a second (markets, orders, balances).

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
        self._all_columns: tuple[Column, ...] = tuple(columns)
        self._columns_by_key = {column.key: column for column in self._all_columns}
        self._visible: tuple[Column, ...] = self._all_columns
        self._column_x: dict[str, int] = {}
        self._table_width = 0
        self._show_header = show_header
        self._show_cursor = show_cursor
        self._pin_marker = pin_marker[:1] or " "
        self._empty_text = empty_text
        self._flash_duration = flash_duration
        self._resort_interval = resort_interval
        self._search_keys: tuple[str, ...] = tuple(
            search_keys or ((self._all_columns[0].key,) if self._all_columns else ())
        )
        self._clock = clock
        self._held_height: int | None = None  # viewport height held through a `batch`

        self._rows: dict[RowKey, _Row] = {}
        self._seq = 0
        self._order: list[RowKey] = []
        self._index: dict[RowKey, int] = {}
        self._pinned: frozenset[RowKey] = frozenset()
        self._sort_column: str | None = None
        self._sort_reverse = False
        self._filter_text = ""
        self._filter_terms: tuple[str, ...] = ()
        self._predicate: Callable[[Mapping[str, Any]], bool] | None = None
        self._cursor_key: RowKey | None = None
        self._cursor_index = 0

        self._flashes: dict[tuple[RowKey, str], tuple[str, float, str]] = {}
        self._flash_timer: Timer | None = None
        self._resort_timer: Timer | None = None
        self._low_bandwidth = False
        self._styles: dict[str, Style] | None = None
        self._header_strip: Strip | None = None
        self._layout_width = -1
        self._layout_columns()

    # ------------------------------------------------------------------ hooks for subclasses

    def _selected_message(self, key: RowKey) -> Message | None:
        """The message Enter posts for row `key` (subclasses return their own)."""
        return self.Selected(self, key)

    def _highlighted_message(self, key: RowKey | None) -> Message | None:
        """The message posted when the cursor moves to `key` (subclasses return their own)."""
        return self.Highlighted(self, key)

    # ------------------------------------------------------------------ rendering

    def notify_style_update(self) -> None:
        """Theme or focus changed: drop every cached strip."""
        super().notify_style_update()
        self._styles = None
        self._header_strip = None
        for row in self._rows.values():
            row.cells.clear()
            row.strip = None
        self.refresh()

    def _render_header(self) -> Strip:
        if self._header_strip is None:
            styles = self._style_map()
            header = styles["header"]
            sorted_style = styles["header-sorted"]
            segments = [Segment(" ", header)]
            for i, column in enumerate(self._visible):
                if i:
                    segments.append(Segment(" ", header))
                label = column.label
                style = header
                if column.key == self._sort_column:
                    arrow = "▼" if self._sort_reverse else "▲"
                    label = f"{label}{arrow}" if column.align != "right" else f"{arrow}{label}"
                    style = sorted_style
                segments.append(Segment(fit(label, column.width, column.align), style))
            width = max(self._table_width, self.size.width)
            self._header_strip = Strip(segments).extend_cell_length(width, header)
        return self._header_strip

    def _render_row(self, row: _Row, is_cursor: bool) -> Strip:
        state = (is_cursor, row.key in self._pinned)
        if row.strip is not None and row.strip_state == state:
            return row.strip
        if row.strip_state != state:
            row.cells.clear()
        styles = self._style_map()
        base = styles["cursor"] if is_cursor else styles["base"]
        marker = Segment(self._pin_marker, base + styles["pin"]) if state[1] else Segment(" ", base)
        segments = [marker]
        cells = row.cells
        gap = Segment(" ", base)
        for i, column in enumerate(self._visible):
            if i:
                segments.append(gap)
            cell = cells.get(column.key)
            if cell is None:
                style = base
                tone = row.tones.get(column.key)
                if tone is not None:
                    style = style + styles.get(tone, Style())
                flash = self._flashes.get((row.key, column.key))
                if flash is not None:
                    style = style + styles[flash[2]]
                text = fit(row.texts.get(column.key, ""), column.width, column.align)
                cell = cells[column.key] = Segment(text, style)
            segments.append(cell)
        width = max(self._table_width, self.size.width)
        strip = Strip(segments).extend_cell_length(width, base)
        row.strip = strip
        row.strip_state = state
        return strip

    def render_line(self, y: int) -> Strip:
        """Render viewport line `y` from the cached strips."""
        width = self.size.width
        scroll_x = int(self.scroll_x)
        styles = self._style_map()
        if self._show_header and y == 0:
            strip = self._render_header()
        else:
            index = int(self.scroll_y) + y - self._header_height
            if 0 <= index < len(self._order):
                row = self._rows[self._order[index]]
                strip = self._render_row(row, self._show_cursor and index == self._cursor_index)
            elif index == 0 and not self._order:
                text = "  " + (self._empty_text if not self._rows else "No rows match the filter")
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
            for column in self._visible:
                start = self._column_x[column.key]
                if start <= x < start + column.width:
                    if column.key == self._sort_column:
                        self.sort_by(column.key, not self._sort_reverse)
                    else:
                        self.sort_by(column.key, column.align == "right")
                    return
            return
        index = int(self.scroll_y) + offset.y - self._header_height
        if 0 <= index < len(self._order):
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
        keys = [c.key for c in self._visible]
        if not keys:
            return
        if self._sort_column in keys:
            position = keys.index(self._sort_column) + 1
            if position >= len(keys):
                self.sort_by(None)
                return
        else:
            position = 0
        column = self._columns_by_key[keys[position]]
        self.sort_by(column.key, column.align == "right")

    def action_flip_sort(self) -> None:
        """Flip the sort direction."""
        if self._sort_column is not None:
            self.sort_by(self._sort_column, not self._sort_reverse)
