"""LiveTable's viewport: column layout, scrolling, the cursor and repainting changed cells."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from textual.geometry import Region, Size

from btse_tui.ui.widgets.live_table_model import Column, RowKey, _Row


class Viewport:
    """Maps rows and cells to screen regions, keeps the cursor in view and moves it.

    A mixin of `LiveTable`, whose `__init__` sets the state these methods share.
    """

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
            self.refresh()

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

    # ------------------------------------------------------------------ public API: cursor

    @property
    def cursor_key(self) -> RowKey | None:
        """Key of the cursor row, or None if no row is shown."""
        return self._cursor_key

    def move_cursor(self, key: RowKey) -> None:
        """Put the cursor on row `key` (if shown) and scroll it into view."""
        index = self._index.get(key)
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
        self._set_cursor_index(len(self._order) - 1)
