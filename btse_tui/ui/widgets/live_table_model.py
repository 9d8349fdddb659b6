"""The rows of a LiveTable as plain data: columns, values, shown texts, display order, layout.

Nothing here knows Textual: `RowModel` holds the rows by key, formats their cells, keeps them
sorted, filtered and pinned, and tells its caller which cells an update changed (`RowChange`);
`ColumnLayout` says which columns fit a width and where each one starts.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from btse_tui.ui.widgets.format import MISSING

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


class Row:
    """One row: its values, the text and tone each cell shows, and its update count.

    `version` is the model's update count when a cell's text or tone last changed (never
    reused, not even by a row re-added under the same key), so a renderer may cache what it
    drew for the row under that number.
    """

    __slots__ = ("key", "seq", "texts", "tones", "values", "version")

    def __init__(self, key: RowKey, values: dict[str, Any], seq: int) -> None:
        self.key = key
        self.values = values
        self.seq = seq
        self.texts: dict[str, str] = {}
        self.tones: dict[str, str | None] = {}
        self.version = 0


@dataclass(frozen=True, slots=True)
class RowChange:
    """What one `RowModel.update` changed in a row that exists.

    Attributes:
        dirty: Columns whose shown text or tone changed (the cells to repaint).
        moved: `(column, old value, new value)` of flash columns whose text changed.
        reordered: The row entered or left the filter: the display order was rebuilt.
        sort_touched: A value of the sort column changed (the order may be stale now).
    """

    dirty: tuple[str, ...] = ()
    moved: tuple[tuple[str, Any, Any], ...] = ()
    reordered: bool = False
    sort_touched: bool = False


NO_CHANGE = RowChange()


class _Absent:
    """Marker for a value a row never had."""

    __slots__ = ()


_ABSENT = _Absent()


def format_cell(column: Column, values: Mapping[str, Any]) -> tuple[str, str | None]:
    """The text and tone `column` shows for a row with `values`."""
    value = values.get(column.key)
    if column.format is not None:
        text = column.format(value, values)
    elif value is None:
        text = MISSING
    else:
        text = str(value)
    tone = column.tone(value, values) if column.tone is not None else None
    return text, tone


class RowModel:
    """Rows by key, their display order (sort, filter, pins) and which cells an update dirtied.

    Every call that can change the display order rebuilds it before returning; `order` and
    `index_of` always describe the rows as shown, top to bottom.
    """

    def __init__(self, columns: Iterable[Column], search_keys: Sequence[str] | None = None) -> None:
        """Hold no rows yet; the text filter matches the `search_keys` columns' shown text
        (default: the first column)."""
        self._columns: tuple[Column, ...] = tuple(columns)
        self._by_key = {column.key: column for column in self._columns}
        self._search_keys: tuple[str, ...] = tuple(
            search_keys or ((self._columns[0].key,) if self._columns else ())
        )
        self._rows: dict[RowKey, Row] = {}
        self._seq = 0
        self._order: list[RowKey] = []
        self._index: dict[RowKey, int] | None = {}  # display index by key; None: rebuild it
        self._order_stale = False  # the order may be unsorted: adds rebuild it
        self._scanned = False  # index_of scanned the order since its last change
        self._pinned: frozenset[RowKey] = frozenset()
        self._sort_column: str | None = None
        self._sort_reverse = False
        self._filter_text = ""
        self._filter_terms: tuple[str, ...] = ()
        self._predicate: Callable[[Mapping[str, Any]], bool] | None = None
        self._update_count = 0

    # ------------------------------------------------------------------ columns

    @property
    def columns(self) -> tuple[Column, ...]:
        """Every column, left to right."""
        return self._columns

    def column(self, key: str) -> Column:
        """The column `key` (KeyError if there is none)."""
        return self._by_key[key]

    def set_columns(self, columns: Iterable[Column]) -> bool:
        """Replace the columns and re-format every row; False when they are the same."""
        new = tuple(columns)
        if new == self._columns:
            return False
        self._columns = new
        self._by_key = {column.key: column for column in new}
        for row in self._rows.values():
            self._format_row(row)
        return True

    # ------------------------------------------------------------------ rows

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def row(self, key: RowKey) -> Row | None:
        """Row `key`, or None."""
        return self._rows.get(key)

    def add(self, key: RowKey, values: Mapping[str, Any]) -> None:
        """Add a new row (the caller checked `key` is not held) at its place in the order.

        The row goes in by binary search when the order is known to be sorted; otherwise (a
        sort value changed since the last rebuild, the row is pinned, or its sort value does
        not compare with the others) the order is rebuilt. A table of thousands of rows that
        gains one per order event must not sort them all every time.
        """
        self._seq += 1
        row = Row(key, dict(values), self._seq)
        self._format_row(row)
        self._rows[key] = row
        if not self._matches(row):
            return
        if self._order_stale or key in self._pinned:
            self.rebuild_order()
            return
        try:
            place = self._place_of_newest(row)
        except TypeError:
            self.rebuild_order()
            return
        self._order.insert(place, key)
        self._order_changed()

    def update(self, key: RowKey, values: Mapping[str, Any]) -> RowChange:
        """Merge `values` into the held row `key`; which cells changed and what follows.

        Keys that are not columns are kept as row data for the formatters (e.g. decimals);
        changing one re-formats the whole row.
        """
        row = self._rows[key]
        old_values = row.values
        changed: list[str] = []
        previous: dict[str, Any] = {}
        meta_changed = False
        for column_key, value in values.items():
            old = old_values.get(column_key, _ABSENT)
            if old is value or (old == value and type(old) is type(value)):
                continue
            old_values[column_key] = value
            if column_key in self._by_key:
                changed.append(column_key)
                previous[column_key] = old
            else:
                meta_changed = True
        if not changed and not meta_changed:
            return NO_CHANGE
        targets = self._columns if meta_changed else [self._by_key[k] for k in changed]
        dirty: list[str] = []
        moved: list[tuple[str, Any, Any]] = []
        for column in targets:
            text, tone = format_cell(column, row.values)
            old_text = row.texts.get(column.key)
            if text != old_text or tone != row.tones.get(column.key):
                row.texts[column.key] = text
                row.tones[column.key] = tone
                dirty.append(column.key)
                if column.flash and column.key in previous and text != old_text:
                    moved.append((column.key, previous[column.key], row.values[column.key]))
        if dirty:
            self._touch(row)
        reordered = False
        if (self._filter_terms or self._predicate is not None) and (
            (key in self._indexed()) != self._matches(row)
        ):
            self.rebuild_order()
            reordered = True
        sort_touched = self._sort_column in changed
        if sort_touched and not reordered:
            self._order_stale = True
        return RowChange(tuple(dirty), tuple(moved), reordered, sort_touched)

    def remove(self, key: RowKey) -> bool:
        """Drop row `key` (the others keep their order); False when it was not held."""
        if self._rows.pop(key, None) is None:
            return False
        index = self._find(key)
        if index is not None:
            del self._order[index]
            self._order_changed()
        return True

    def same_keys(self, keys: Sequence[RowKey]) -> bool:
        """True when exactly these rows are held, in this insertion order."""
        return list(keys) == list(self._rows)

    def replace(self, rows: Sequence[tuple[RowKey, Mapping[str, Any]]]) -> None:
        """Hold exactly `rows` in this insertion order (rows kept take the new values) and
        rebuild the order."""
        new_rows: dict[RowKey, Row] = {}
        for key, values in rows:
            row = self._rows.get(key)
            if row is None:
                row = Row(key, dict(values), 0)
            else:
                row.values.update(values)
            self._format_row(row)
            new_rows[key] = row
        for seq, row in enumerate(new_rows.values()):
            row.seq = seq
        self._seq = len(new_rows)
        self._rows = new_rows
        self.rebuild_order()

    def clear(self) -> None:
        """Drop every row."""
        self._rows.clear()
        self.rebuild_order()

    # ------------------------------------------------------------------ display order

    @property
    def order(self) -> Sequence[RowKey]:
        """Keys of the rows shown, top to bottom (pinned, filtered and sorted)."""
        return self._order

    def index_of(self, key: RowKey) -> int | None:
        """Display index of row `key`, or None when it is not shown."""
        if self._index is None and not self._scanned:
            self._scanned = True  # a second look-up before the next change builds the index
            return self._find(key)
        return self._indexed().get(key)

    @property
    def sort_column(self) -> str | None:
        """Key of the sort column, or None for insertion order."""
        return self._sort_column

    @property
    def sort_reverse(self) -> bool:
        """True when sorted descending."""
        return self._sort_reverse

    def set_sort(self, column: str | None, reverse: bool) -> None:
        """Sort by `column` (None: insertion order), descending if `reverse`; KeyError for a
        column that does not exist."""
        if column is not None and column not in self._by_key:
            raise KeyError(column)
        self._sort_column = column
        self._sort_reverse = reverse
        self.rebuild_order()

    @property
    def filter_text(self) -> str:
        """The current text filter ("" = none)."""
        return self._filter_text

    def set_filter(self, text: str) -> None:
        """Show only rows whose search columns' text contains every word of `text`."""
        self._filter_text = text
        self._filter_terms = tuple(text.casefold().split())
        self.rebuild_order()

    def set_predicate(self, predicate: Callable[[Mapping[str, Any]], bool] | None) -> None:
        """Show only rows for whose values `predicate` is true (None: all)."""
        self._predicate = predicate
        self.rebuild_order()

    @property
    def pinned(self) -> frozenset[RowKey]:
        """Keys of the pinned rows (kept on top)."""
        return self._pinned

    def set_pinned(self, keys: Iterable[RowKey]) -> bool:
        """Pin exactly `keys` and rebuild the order; False when nothing changed."""
        pinned = frozenset(keys)
        if pinned == self._pinned:
            return False
        self._pinned = pinned
        self.rebuild_order()
        return True

    def rebuild_order(self) -> None:
        """Recompute which rows show, in which order."""
        self._order_stale = False
        ordered = self._sorted([row for row in self._rows.values() if self._matches(row)])
        if self._pinned:
            ordered = [r for r in ordered if r.key in self._pinned] + [
                r for r in ordered if r.key not in self._pinned
            ]
        self._order = [row.key for row in ordered]
        self._order_changed()

    def _order_changed(self) -> None:
        self._index = None
        self._scanned = False

    def _indexed(self) -> dict[RowKey, int]:
        """Display index by key, rebuilt when the order changed since it was last asked."""
        if self._index is None:
            self._index = {key: i for i, key in enumerate(self._order)}
        return self._index

    def _find(self, key: RowKey) -> int | None:
        """Display index of `key` without building the index: one change (a row in, a row
        out) is usually followed by one look-up, and a scan is cheaper than a rebuild."""
        if self._index is not None:
            return self._index.get(key)
        order = self._order
        if order and order[-1] == key:  # the oldest row of a newest-first table
            return len(order) - 1
        try:
            return order.index(key)
        except ValueError:
            return None

    # ------------------------------------------------------------------ internals

    def _format_row(self, row: Row) -> None:
        for column in self._columns:
            text, tone = format_cell(column, row.values)
            row.texts[column.key] = text
            row.tones[column.key] = tone
        self._touch(row)

    def _touch(self, row: Row) -> None:
        self._update_count += 1
        row.version = self._update_count

    def _matches(self, row: Row) -> bool:
        if self._predicate is not None and not self._predicate(row.values):
            return False
        if self._filter_terms:
            # the cells' shown text, never hidden row data: what matches is what the row shows
            haystack = " ".join(row.texts.get(key, "") for key in self._search_keys).casefold()
            return all(term in haystack for term in self._filter_terms)
        return True

    def _sort_value(self, row: Row, column: Column) -> Any:
        """What row `row` sorts by in `column` (None: it sorts last, by age)."""
        value = row.values.get(column.key)
        if value is None:
            return None
        key = column.sort_key(value) if column.sort_key is not None else value
        return key.casefold() if isinstance(key, str) else key

    def _place_of_newest(self, row: Row) -> int:
        """Where the newest row `row` goes in a sorted order: after every row that sorts
        before it or equal to it (ties keep age order), pinned rows first, unsorted rows last.
        TypeError when its sort value does not compare with the others'."""
        order = self._order
        if self._sort_column is None:
            return len(order)
        column = self._by_key[self._sort_column]
        value = self._sort_value(row, column)
        if value is None:
            return len(order)
        rows, pinned = self._rows, self._pinned
        first = 0
        if pinned:
            while first < len(order) and order[first] in pinned:
                first += 1
        reverse = self._sort_reverse

        def sorts_after(key: RowKey) -> bool:
            other = self._sort_value(rows[key], column)
            if other is None:
                return True
            return bool(other < value) if reverse else bool(other > value)

        return bisect.bisect_left(order, True, first, len(order), key=sorts_after)

    def _sorted(self, rows: list[Row]) -> list[Row]:
        column_key = self._sort_column
        if column_key is None:
            return sorted(rows, key=lambda r: r.seq)
        column = self._by_key[column_key]
        keyed: list[tuple[Any, Row]] = []
        missing: list[Row] = []
        for row in rows:
            key = self._sort_value(row, column)
            if key is None:
                missing.append(row)
            else:
                keyed.append((key, row))
        keyed.sort(key=lambda item: item[1].seq)
        try:
            keyed.sort(key=lambda item: item[0], reverse=self._sort_reverse)
        except TypeError:  # values that do not compare: by their text, and rebuilt on adds
            keyed.sort(key=lambda item: str(item[0]), reverse=self._sort_reverse)
            self._order_stale = True
        missing.sort(key=lambda r: r.seq)
        return [row for _, row in keyed] + missing


@dataclass(frozen=True, slots=True)
class ColumnLayout:
    """The columns that fit a width and where each starts (x 0 is the pin gutter).

    Attributes:
        visible: The columns shown, left to right.
        x: Column key → first cell of that column.
        width: Cells the shown columns take, gutters and gaps included.
    """

    visible: tuple[Column, ...]
    x: Mapping[str, int]
    width: int

    @classmethod
    def fit(cls, columns: Sequence[Column], width: int) -> ColumnLayout:
        """Hide the lowest-priority columns (ties: the rightmost) until the rest fit `width`;
        `width` 0 (not laid out yet) shows every column."""
        visible = list(columns)

        def total(shown: list[Column]) -> int:
            return 1 + sum(c.width for c in shown) + max(0, len(shown) - 1) + 1

        if width > 0:
            candidates = sorted(
                (c for c in visible if c.priority < 100),
                key=lambda c: (c.priority, -columns.index(c)),
            )
            while total(visible) > width and candidates:
                visible.remove(candidates.pop(0))
        x: dict[str, int] = {}
        start = 1
        for column in visible:
            x[column.key] = start
            start += column.width + 1
        return cls(tuple(visible), x, total(visible))
