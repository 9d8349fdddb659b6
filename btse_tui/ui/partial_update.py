"""Partial screen updates that write only the dirty cells, not the rest of the widget line."""

from __future__ import annotations

import inspect

from rich.console import Console
from rich.control import Control
from textual._compositor import ChopsUpdate

_original = ChopsUpdate.render_segments
#: the private shape this patch was written against (Textual 8.x); another shape → no patch
EXPECTED_FIELDS = ("self", "chops", "spans", "chop_ends")


def render_dirty_spans(update: ChopsUpdate, console: Console) -> str:
    """Terminal data for `update`: for each dirty span, only the cells inside it.

    Textual's own `ChopsUpdate.render_segments` crops a widget's line on the right but not on
    the left, so one changed cell at the right edge of a table resends the whole row. Here each
    span (y, x1, x2) is cut to exactly [x1, x2) of every widget strip it overlaps.
    """
    sequences: list[str] = []
    append = sequences.append
    move_to = Control.move_to
    chops = update.chops
    chop_ends = update.chop_ends
    last_y = update.spans[-1][0]
    for y, x1, x2 in update.spans:
        line = chops[y]
        ends = chop_ends[y]
        for end, (x, strip) in zip(ends, line.items(), strict=False):
            if strip is None or x >= x2 or end <= x1:
                continue
            start = x1 if x1 > x else x
            stop = x2 if x2 < end else end
            if start != x or stop != end:
                strip = strip.crop(start - x, stop - x)
            append(move_to(start, y).segment.text)
            append(strip.render(console))
        if y != last_y:
            append("\n")
    return "".join(sequences)


def compatible() -> bool:
    """True when Textual's ChopsUpdate still has the private shape this patch reads."""
    try:
        fields = tuple(inspect.signature(ChopsUpdate.__init__).parameters)
    except (TypeError, ValueError):
        return False
    return fields == EXPECTED_FIELDS and callable(getattr(ChopsUpdate, "render_segments", None))


def install() -> bool:
    """Make every partial update write only its dirty cells (idempotent).

    Returns False, leaving Textual's own (correct, only wordier) updates, when a Textual upgrade
    changed the private class: the app must never break because an optimisation no longer fits.
    """
    if not compatible():
        return False
    ChopsUpdate.render_segments = render_dirty_spans  # type: ignore[method-assign,assignment]
    return True


def uninstall() -> None:
    """Restore Textual's own partial update (for tests)."""
    ChopsUpdate.render_segments = _original  # type: ignore[method-assign]
