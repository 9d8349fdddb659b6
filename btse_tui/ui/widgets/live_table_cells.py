"""How a LiveTable's cells look: the change flashes of numeric cells and the style of each part."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from rich.style import Style

from btse_tui.ui.widgets.live_table_model import RowKey

#: Tones a column's `tone` callback may return; each maps to a `live-table--<tone>` class.
TONES: tuple[str, ...] = ("up", "down", "muted", "warning", "error", "accent", "info")

_FLASH_STRONG = 0.35  # fraction of the flash spent at full strength before fading

Cell = tuple[RowKey, str]


class Flashes:
    """Cells tinted after their number rose or fell: strong, then faded, then gone.

    Pure state on an injected clock; the table asks which phase a cell is in when it draws
    it and repaints the cells `advance` returns.
    """

    __slots__ = ("_by_row", "_clock", "duration", "enabled")

    def __init__(self, duration: float, clock: Callable[[], float]) -> None:
        """Flashes last `duration` seconds of `clock` (0: never flash)."""
        self.duration = duration
        self._clock = clock
        self.enabled = True
        # row → column → (direction, started, phase)
        self._by_row: dict[RowKey, dict[str, tuple[str, float, str]]] = {}

    def __bool__(self) -> bool:
        return bool(self._by_row)

    @property
    def phases(self) -> dict[Cell, str]:
        """Every tinted cell: (row key, column key) → "flash-up"/"fade-down"/…."""
        return {
            (key, column): phase
            for key, cells in self._by_row.items()
            for column, (_, _, phase) in cells.items()
        }

    def phase(self, key: RowKey, column: str) -> str | None:
        """The phase cell (`key`, `column`) is in, or None when it is not tinted."""
        cells = self._by_row.get(key)
        if cells is None:
            return None
        flash = cells.get(column)
        return None if flash is None else flash[2]

    def row_state(self, key: RowKey) -> tuple[tuple[str, str], ...] | None:
        """The phases of row `key`'s tinted cells (None: none), for a render cache key."""
        cells = self._by_row.get(key)
        if not cells:
            return None
        return tuple((column, phase) for column, (_, _, phase) in cells.items())

    def start(self, key: RowKey, column: str, old: Any, new: Any) -> bool:
        """Tint the cell if a number moved (not while disabled); True when it started."""
        if not self.enabled or self.duration <= 0:
            return False
        if not isinstance(old, int | float | Decimal) or not isinstance(new, int | float | Decimal):
            return False
        if new == old:
            return False
        direction = "up" if new > old else "down"
        self._by_row.setdefault(key, {})[column] = (direction, self._clock(), f"flash-{direction}")
        return True

    def advance(self, now: float | None = None) -> list[Cell]:
        """Move every flash to its phase at `now` (default: the clock); the cells that changed."""
        if not self._by_row:
            return []
        now = self._clock() if now is None else now
        changed: list[Cell] = []
        for key, cells in list(self._by_row.items()):
            for column, (direction, started, phase) in list(cells.items()):
                elapsed = now - started
                if elapsed >= self.duration:
                    new_phase = ""
                elif elapsed >= self.duration * _FLASH_STRONG:
                    new_phase = f"fade-{direction}"
                else:
                    new_phase = f"flash-{direction}"
                if new_phase == phase:
                    continue
                if new_phase:
                    cells[column] = (direction, started, new_phase)
                else:
                    del cells[column]
                changed.append((key, column))
            if not cells:
                del self._by_row[key]
        return changed

    def clear(self) -> list[Cell]:
        """Stop every flash; the cells that were tinted."""
        cells = list(self.phases)
        self._by_row.clear()
        return cells

    def forget(self, key: RowKey) -> None:
        """Drop the flashes of row `key` (it left the table)."""
        self._by_row.pop(key, None)

    def keep_only(self, keys: Iterable[RowKey]) -> None:
        """Drop the flashes of every row not in `keys`."""
        kept = set(keys)
        self._by_row = {key: cells for key, cells in self._by_row.items() if key in kept}


def part_styles(
    base: Style, component_classes: Iterable[str], component_style: Callable[[str], Style]
) -> dict[str, Style]:
    """The style of each part of the table, by short name (`base`, `header`, `up`, `flash-up`…).

    Tones and the pin mark only colour the text; flashes bring their own foreground too, so
    text stays readable on the cursor row.
    """
    styles: dict[str, Style] = {"base": base}
    for name in component_classes:
        short = name.removeprefix("live-table--")
        full = component_style(name)
        if short in TONES or short == "pin":
            styles[short] = Style(color=full.color, bold=full.bold, italic=full.italic)
        elif short.startswith(("flash-", "fade-")):
            styles[short] = Style(bgcolor=full.bgcolor, color=full.color)
        else:
            styles[short] = full
    return styles
