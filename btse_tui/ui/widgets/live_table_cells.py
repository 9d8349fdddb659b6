"""LiveTable's cells: value formatting, tones, change flashes and the style each part uses."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from rich.style import Style

from btse_tui.ui.widgets.format import MISSING
from btse_tui.ui.widgets.live_table_model import Column, RowKey, _Row

#: Tones a column's `tone` callback may return; each maps to a `live-table--<tone>` class.
TONES: tuple[str, ...] = ("up", "down", "muted", "warning", "error", "accent", "info")

_FLASH_STRONG = 0.35  # fraction of the flash spent at full strength before fading


class CellStyling:
    """Formats values into cell texts and tones, flashes changed numbers and maps styles.

    A mixin of `LiveTable`, whose `__init__` sets the state these methods share.
    """

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

    # ------------------------------------------------------------------ styles

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
