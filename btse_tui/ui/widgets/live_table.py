"""LiveTable: a Line-API table that caches each row and repaints only the cells that changed."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Literal

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from btse_tui.ui.widgets.format import MISSING, fit

Align = Literal["left", "right", "center"]
RowKey = Hashable
Formatter = Callable[[Any, Mapping[str, Any]], str]
Toner = Callable[[Any, Mapping[str, Any]], "str | None"]

#: Tones a column's `tone` callback may return; each maps to a `live-table--<tone>` class.
TONES: tuple[str, ...] = ("up", "down", "muted", "warning", "error", "accent", "info")

_FLASH_STRONG = 0.35  # fraction of the flash spent at full strength before fading


@dataclass(frozen=True, slots=True)
class Column:
    """One fixed-width column of a LiveTable.

    Attributes:
        key: Key of the value in each row's mapping.
        label: Header text.
        width: Width in cells (fixed: values never make the column move).
        align: "left", "right" (numbers) or "center".
        format: `(value, row) -> str`; default `str(value)`, `—` for None.
        tone: `(value, row) -> tone | None`, one of `TONES`, colours the cell's text.
        sort_key: `value -> comparable`; default the value itself (strings case-folded).
            None values always sort last.
        flash: Flash the cell green/red when its value rises/falls.
        priority: When the table is too narrow, columns with the lowest priority are hidden
            first (ties: the rightmost first). Columns with priority >= 100 are never hidden.
    """

    key: str
    label: str
    width: int
    align: Align = "left"
    format: Formatter | None = None
    tone: Toner | None = None
    sort_key: Callable[[Any], Any] | None = None
    flash: bool = False
    priority: int = 50


class _Row:
    """Internal state of one row: values, formatted texts, tones and render caches."""

    __slots__ = ("cells", "key", "seq", "strip", "strip_state", "texts", "tones", "values")

    def __init__(self, key: RowKey, values: dict[str, Any], seq: int) -> None:
        self.key = key
        self.values = values
        self.seq = seq
        self.texts: dict[str, str] = {}
        self.tones: dict[str, str | None] = {}
        self.cells: dict[str, Segment] = {}
        self.strip: Strip | None = None
        self.strip_state: tuple[bool, bool] = (False, False)


class LiveTable(ScrollView, can_focus=True):
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
            search_keys: Row keys whose values the text filter matches (default: the first
                column's key).
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

    # ------------------------------------------------------------------ public API: data

    @property
    def columns(self) -> tuple[Column, ...]:
        """All columns, including those hidden because the table is narrow."""
        return self._all_columns

    @property
    def visible_columns(self) -> tuple[Column, ...]:
        """The columns currently shown (narrow tables hide low-priority ones)."""
        return self._visible

    @property
    def row_count(self) -> int:
        """Number of rows held, whether or not the filter shows them."""
        return len(self._rows)

    @property
    def displayed_keys(self) -> tuple[RowKey, ...]:
        """Keys of the rows shown, top to bottom (pinned, filtered and sorted)."""
        return tuple(self._order)

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def get_row(self, key: RowKey) -> Mapping[str, Any] | None:
        """The values of row `key` (read-only view), or None."""
        row = self._rows.get(key)
        return None if row is None else dict(row.values)

    def cell_text(self, key: RowKey, column: str) -> str:
        """The text a cell shows (formatted), `""` if the row or column does not exist."""
        row = self._rows.get(key)
        if row is None:
            return ""
        return row.texts.get(column, "")

    def add_row(self, key: RowKey, values: Mapping[str, Any]) -> None:
        """Add a row (or update it if `key` exists). New rows never flash."""
        if key in self._rows:
            self.update_row(key, values)
            return
        self._seq += 1
        row = _Row(key, dict(values), self._seq)
        self._format_row(row)
        self._rows[key] = row
        self._rebuild_order()

    def update_row(self, key: RowKey, values: Mapping[str, Any]) -> bool:
        """Merge `values` into row `key`, repainting only the cells whose text or tone changed.

        Missing rows are added. Keys that are not columns are kept as row data for the
        formatters (e.g. decimals); changing one re-formats the whole row.

        Returns:
            True if any cell's text or tone changed.
        """
        row = self._rows.get(key)
        if row is None:
            self.add_row(key, values)
            return True
        old_values = row.values
        changed_keys: list[str] = []
        previous: dict[str, Any] = {}
        meta_changed = False
        for column_key, value in values.items():
            old = old_values.get(column_key, _ABSENT)
            if old is value or (old == value and type(old) is type(value)):
                continue
            old_values[column_key] = value
            if column_key in self._columns_by_key:
                changed_keys.append(column_key)
                previous[column_key] = old
            else:
                meta_changed = True
        if not changed_keys and not meta_changed:
            return False
        targets = (
            self._all_columns if meta_changed else [self._columns_by_key[k] for k in changed_keys]
        )
        dirty: list[str] = []
        for column in targets:
            text, tone = self._format_cell(column, row.values)
            if text != row.texts.get(column.key) or tone != row.tones.get(column.key):
                old_text = row.texts.get(column.key)
                row.texts[column.key] = text
                row.tones[column.key] = tone
                dirty.append(column.key)
                if column.flash and column.key in previous and text != old_text:
                    self._maybe_flash(row, column.key, previous[column.key], row.values[column.key])
        if self._sort_column in changed_keys:
            self._schedule_resort()
        if self._filter_terms or self._predicate is not None:
            shown = key in self._index
            if shown != self._matches(row):
                self._rebuild_order()
                return bool(dirty)
        for column_key in dirty:
            self._invalidate_cell(row, column_key)
        return bool(dirty)

    def update_cell(self, key: RowKey, column: str, value: Any) -> bool:
        """Set one value of row `key`; see `update_row`."""
        return self.update_row(key, {column: value})

    def remove_row(self, key: RowKey) -> None:
        """Remove row `key` if present."""
        if self._rows.pop(key, None) is None:
            return
        for flash_key in [k for k in self._flashes if k[0] == key]:
            del self._flashes[flash_key]
        self._rebuild_order()

    def set_rows(self, rows: Iterable[tuple[RowKey, Mapping[str, Any]]]) -> None:
        """Replace all rows with `rows` (in this insertion order), keeping the cursor by key.

        Rows that already exist are updated in place (changed cells repaint and flash);
        rows not in `rows` are removed.
        """
        incoming = list(rows)
        keys = [key for key, _ in incoming]
        same_keys = keys == list(self._rows)
        if same_keys:
            for key, values in incoming:
                self.update_row(key, values)
            return
        new_rows: dict[RowKey, _Row] = {}
        for key, values in incoming:
            row = self._rows.get(key)
            if row is None:
                self._seq += 1
                row = _Row(key, dict(values), self._seq)
                self._format_row(row)
            else:
                row.values.update(values)
                self._format_row(row)
                row.seq = len(new_rows)
            new_rows[key] = row
        for key, row in enumerate(new_rows.values()):
            row.seq = key
        self._seq = len(new_rows)
        self._rows = new_rows
        self._flashes = {k: v for k, v in self._flashes.items() if k[0] in new_rows}
        self._rebuild_order()

    def clear(self) -> None:
        """Remove every row."""
        self._rows.clear()
        self._flashes.clear()
        self._rebuild_order()

    # ------------------------------------------------------------------ public API: view

    @property
    def sort_column(self) -> str | None:
        """Key of the sort column, or None for insertion order."""
        return self._sort_column

    @property
    def sort_reverse(self) -> bool:
        """True when sorted descending."""
        return self._sort_reverse

    def sort_by(self, column: str | None, reverse: bool = False) -> None:
        """Sort by `column` (None: insertion order), descending if `reverse`. Stable."""
        if column is not None and column not in self._columns_by_key:
            raise KeyError(column)
        self._sort_column = column
        self._sort_reverse = reverse
        self._header_strip = None
        self._cursor_index = 0
        self._cursor_key = None
        self._rebuild_order()
        if self.is_mounted:
            self._scroll_to_row(0)

    def resort(self) -> None:
        """Re-apply sort and filter now (normally done at most every `resort_interval`)."""
        if self._resort_timer is not None:
            self._resort_timer.stop()
            self._resort_timer = None
        self._rebuild_order(keep_cursor_on_screen=True)

    @property
    def filter_text(self) -> str:
        """The current text filter ("" = none)."""
        return self._filter_text

    def set_filter(self, text: str) -> None:
        """Show only rows whose search values contain every word of `text` (case-insensitive)."""
        self._filter_text = text
        self._filter_terms = tuple(text.casefold().split())
        self._rebuild_order()

    def set_predicate(self, predicate: Callable[[Mapping[str, Any]], bool] | None) -> None:
        """Show only rows for whose values `predicate` is true (None: all). Combines with text."""
        self._predicate = predicate
        self._rebuild_order()

    @property
    def pinned(self) -> frozenset[RowKey]:
        """Keys of the pinned rows (kept on top, marked in the gutter)."""
        return self._pinned

    def set_pinned(self, keys: Iterable[RowKey]) -> None:
        """Pin exactly `keys` (rows that do not exist yet are pinned when added)."""
        pinned = frozenset(keys)
        if pinned == self._pinned:
            return
        changed = pinned ^ self._pinned
        self._pinned = pinned
        for key in changed:
            row = self._rows.get(key)
            if row is not None:
                row.strip = None
        self._rebuild_order()

    @property
    def cursor_key(self) -> RowKey | None:
        """Key of the cursor row, or None if no row is shown."""
        return self._cursor_key

    def move_cursor(self, key: RowKey) -> None:
        """Put the cursor on row `key` (if shown) and scroll it into view."""
        index = self._index.get(key)
        if index is not None:
            self._set_cursor_index(index)

    @property
    def low_bandwidth(self) -> bool:
        """When True, changed cells do not flash (fewer repaints over slow SSH links)."""
        return self._low_bandwidth

    @low_bandwidth.setter
    def low_bandwidth(self, value: bool) -> None:
        self._low_bandwidth = value
        if value and self._flashes:
            for (key, column_key), _ in list(self._flashes.items()):
                self._flashes.pop((key, column_key))
                row = self._rows.get(key)
                if row is not None:
                    self._invalidate_cell(row, column_key)

    @property
    def flashing_cells(self) -> dict[tuple[RowKey, str], str]:
        """Cells currently tinted: (row key, column key) → "flash-up"/"fade-down"/…."""
        return {cell: phase for cell, (_, _, phase) in self._flashes.items()}

    def advance_flashes(self, now: float | None = None) -> None:
        """Move flashes to their next phase and drop finished ones, repainting only those cells.

        Called by the table's own timer; tests call it with a fake `now`.
        """
        if not self._flashes:
            return
        now = self._clock() if now is None else now
        for cell, (direction, started, phase) in list(self._flashes.items()):
            elapsed = now - started
            if elapsed >= self._flash_duration:
                new_phase = ""
            elif elapsed >= self._flash_duration * _FLASH_STRONG:
                new_phase = f"fade-{direction}"
            else:
                new_phase = f"flash-{direction}"
            if new_phase == phase:
                continue
            if new_phase:
                self._flashes[cell] = (direction, started, new_phase)
            else:
                del self._flashes[cell]
            row = self._rows.get(cell[0])
            if row is not None:
                self._invalidate_cell(row, cell[1])
        if not self._flashes and self._flash_timer is not None:
            self._flash_timer.pause()

    # ------------------------------------------------------------------ hooks for subclasses

    def _selected_message(self, key: RowKey) -> Message | None:
        """The message Enter posts for row `key` (subclasses return their own)."""
        return self.Selected(self, key)

    def _highlighted_message(self, key: RowKey | None) -> Message | None:
        """The message posted when the cursor moves to `key` (subclasses return their own)."""
        return self.Highlighted(self, key)

    # ------------------------------------------------------------------ formatting

    def _format_cell(self, column: Column, values: Mapping[str, Any]) -> tuple[str, str | None]:
        value = values.get(column.key)
        if column.format is not None:
            text = column.format(value, values)
        elif value is None:
            text = MISSING
        else:
            text = str(value)
        tone = column.tone(value, values) if column.tone is not None else None
        return text, tone

    def _format_row(self, row: _Row) -> None:
        for column in self._all_columns:
            text, tone = self._format_cell(column, row.values)
            row.texts[column.key] = text
            row.tones[column.key] = tone
        row.cells.clear()
        row.strip = None

    def _maybe_flash(self, row: _Row, column_key: str, old: Any, new: Any) -> None:
        if self._low_bandwidth or self._flash_duration <= 0:
            return
        if not isinstance(old, int | float | Decimal) or not isinstance(new, int | float | Decimal):
            return
        if new == old:
            return
        direction = "up" if new > old else "down"
        self._flashes[(row.key, column_key)] = (direction, self._clock(), f"flash-{direction}")
        if self._flash_timer is not None:
            self._flash_timer.resume()

    # ------------------------------------------------------------------ ordering

    def _matches(self, row: _Row) -> bool:
        if self._predicate is not None and not self._predicate(row.values):
            return False
        if self._filter_terms:
            haystack = " ".join(
                str(row.values.get(key, "")) for key in self._search_keys
            ).casefold()
            return all(term in haystack for term in self._filter_terms)
        return True

    def _sorted(self, rows: list[_Row]) -> list[_Row]:
        column_key = self._sort_column
        if column_key is None:
            return sorted(rows, key=lambda r: r.seq)
        column = self._columns_by_key[column_key]
        keyed: list[tuple[Any, _Row]] = []
        missing: list[_Row] = []
        for row in rows:
            value = row.values.get(column_key)
            if value is None:
                missing.append(row)
                continue
            key = column.sort_key(value) if column.sort_key is not None else value
            if isinstance(key, str):
                key = key.casefold()
            if key is None:
                missing.append(row)
            else:
                keyed.append((key, row))
        keyed.sort(key=lambda item: item[1].seq)
        try:
            keyed.sort(key=lambda item: item[0], reverse=self._sort_reverse)
        except TypeError:
            keyed.sort(key=lambda item: str(item[0]), reverse=self._sort_reverse)
        missing.sort(key=lambda r: r.seq)
        return [row for _, row in keyed] + missing

    def _rebuild_order(self, keep_cursor_on_screen: bool = False) -> None:
        """Recompute which rows show in which order; full repaint."""
        if self._resort_timer is not None:
            self._resort_timer.stop()
            self._resort_timer = None
        old_cursor_key = self._cursor_key
        old_screen_offset = self._cursor_index - int(self.scroll_y)
        shown = [row for row in self._rows.values() if self._matches(row)]
        ordered = self._sorted(shown)
        if self._pinned:
            ordered = [r for r in ordered if r.key in self._pinned] + [
                r for r in ordered if r.key not in self._pinned
            ]
        self._order = [row.key for row in ordered]
        self._index = {key: i for i, key in enumerate(self._order)}
        for row in ordered:
            row.strip = None
        if old_cursor_key in self._index:
            self._cursor_index = self._index[old_cursor_key]
        else:
            self._cursor_index = min(self._cursor_index, max(0, len(self._order) - 1))
        new_key = self._order[self._cursor_index] if self._order else None
        self._cursor_key = new_key
        self._update_virtual_size()
        if keep_cursor_on_screen and new_key is not None and new_key == old_cursor_key:
            self._scroll_to_row(self._cursor_index - old_screen_offset)
        self._ensure_cursor_visible()
        self.refresh()
        if new_key != old_cursor_key and self.is_mounted:
            message = self._highlighted_message(new_key)
            if message is not None:
                self.post_message(message)

    def _schedule_resort(self) -> None:
        if self._resort_interval <= 0 or not self.is_mounted:
            self._rebuild_order(keep_cursor_on_screen=True)
            return
        if self._resort_timer is None:
            self._resort_timer = self.set_timer(self._resort_interval, self.resort)

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
        visible = list(self._all_columns)

        def total(columns: list[Column]) -> int:
            return 1 + sum(c.width for c in columns) + max(0, len(columns) - 1) + 1

        if width > 0:
            candidates = sorted(
                (c for c in visible if c.priority < 100),
                key=lambda c: (c.priority, -self._all_columns.index(c)),
            )
            while total(visible) > width and candidates:
                visible.remove(candidates.pop(0))
        self._visible = tuple(visible)
        x = 1
        self._column_x = {}
        for column in self._visible:
            self._column_x[column.key] = x
            x += column.width + 1
        self._table_width = total(visible)
        self._layout_width = width
        self._header_strip = None
        for row in self._rows.values():
            row.cells.clear()
            row.strip = None

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self._table_width, len(self._order) + self._header_height)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Hold the viewport height through a burst of updates: one layout lookup instead of
        one per changed cell (nothing can re-lay the table out inside synchronous code)."""
        held = self._held_height
        if held is None and self.is_mounted:
            self._held_height = self.scrollable_content_region.height
        try:
            yield
        finally:
            self._held_height = held

    def _row_y(self, index: int) -> int | None:
        """Viewport line of display index `index`, or None if off screen."""
        y = index - int(self.scroll_y) + self._header_height
        if y < self._header_height:
            return None
        height = self._held_height
        if y >= (self.scrollable_content_region.height if height is None else height):
            return None
        return y

    def _invalidate_cell(self, row: _Row, column_key: str) -> None:
        row.cells.pop(column_key, None)
        row.strip = None
        index = self._index.get(row.key)
        if index is None or not self.is_mounted:
            return
        y = self._row_y(index)
        x = self._column_x.get(column_key)
        if y is None or x is None:
            return
        width = self._columns_by_key[column_key].width
        self.refresh(Region(x - int(self.scroll_x), y, width, 1))

    def _refresh_row(self, index: int) -> None:
        if not self.is_mounted:
            return
        y = self._row_y(index)
        if y is not None:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_row(self, top: int) -> None:
        top = max(0, min(top, len(self._order) - self._page_height))
        if top != int(self.scroll_y):
            self.set_scroll(None, top)

    def _ensure_cursor_visible(self) -> None:
        if not self._order or not self.is_mounted:
            return
        top = int(self.scroll_y)
        page = self._page_height
        if self._cursor_index < top:
            self._scroll_to_row(self._cursor_index)
        elif self._cursor_index >= top + page:
            self._scroll_to_row(self._cursor_index - page + 1)

    def _set_cursor_index(self, index: int) -> None:
        if not self._order:
            return
        index = max(0, min(index, len(self._order) - 1))
        old_index = self._cursor_index
        old_key = self._cursor_key
        self._cursor_index = index
        self._cursor_key = self._order[index]
        for i in (old_index, index):
            if 0 <= i < len(self._order):
                row = self._rows[self._order[i]]
                row.cells.clear()
                row.strip = None
                self._refresh_row(i)
        self._ensure_cursor_visible()
        if self._cursor_key != old_key:
            message = self._highlighted_message(self._cursor_key)
            if message is not None:
                self.post_message(message)

    # ------------------------------------------------------------------ rendering

    def _style_map(self) -> dict[str, Style]:
        if self._styles is None:
            base = self.rich_style
            styles: dict[str, Style] = {"base": base}
            for name in self.COMPONENT_CLASSES:
                short = name.removeprefix("live-table--")
                full = self.get_component_rich_style(name)
                if short in TONES or short == "pin":
                    styles[short] = Style(color=full.color, bold=full.bold, italic=full.italic)
                elif short.startswith(("flash-", "fade-")):
                    # Own foreground too, so text stays readable on the cursor row.
                    styles[short] = Style(bgcolor=full.bgcolor, color=full.color)
                else:
                    styles[short] = full
            self._styles = styles
        return self._styles

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
        self._set_cursor_index(len(self._order) - 1)

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


class _Absent:
    """Marker for a value a row never had."""

    __slots__ = ()


_ABSENT = _Absent()
