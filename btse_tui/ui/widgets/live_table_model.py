"""LiveTable's row model: columns, per-row state, the data API, sort, filter and pinning."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from rich.segment import Segment
from textual.strip import Strip

Align = Literal["left", "right", "center"]
RowKey = Hashable
Formatter = Callable[[Any, Mapping[str, Any]], str]
Toner = Callable[[Any, Mapping[str, Any]], "str | None"]


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


class _Absent:
    """Marker for a value a row never had."""

    __slots__ = ()


_ABSENT = _Absent()


class RowModel:
    """Rows by key, their display order (sort, filter, pins) and which cells an update dirtied.

    A mixin of `LiveTable`, whose `__init__` sets the state these methods share; changed cells
    are repainted through `Viewport._invalidate_cell`, order changes by a full `refresh`.
    """

    # ------------------------------------------------------------------ public API: data

    @property
    def columns(self) -> tuple[Column, ...]:
        """All columns, including those hidden because the table is narrow."""
        return self._all_columns

    @property
    def visible_columns(self) -> tuple[Column, ...]:
        """The columns currently shown (narrow tables hide low-priority ones)."""
        return self._visible

    def set_columns(self, columns: Iterable[Column]) -> None:
        """Replace the columns (e.g. wider ones for a wider pane): keys the rows use, the sort
        column among them; every row is re-formatted for the new widths."""
        new = tuple(columns)
        if new == self._all_columns:
            return
        self._all_columns = new
        self._columns_by_key = {column.key: column for column in new}
        for row in self._rows.values():
            self._format_row(row)
        self._layout_columns()
        self._update_virtual_size()
        self.refresh()

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
        """Show only rows whose search columns' shown text contains every word of `text`
        (case-insensitive)."""
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

    # ------------------------------------------------------------------ ordering

    def _matches(self, row: _Row) -> bool:
        if self._predicate is not None and not self._predicate(row.values):
            return False
        if self._filter_terms:
            # the cells' shown text, never hidden row data: what matches is what the row shows
            haystack = " ".join(row.texts.get(key, "") for key in self._search_keys).casefold()
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
