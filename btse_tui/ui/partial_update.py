"""Partial screen updates that write only the dirty cells, not the rest of the widget line.

Textual's `ChopsUpdate.render_segments` crops a refreshed region on the right but not on the
left (Textualize/textual#5625, "`Widget.refresh` Method Not Cropping To `Region` Start
Correctly", closed; Textual 8.2 still crops with `strip.crop(0, ...)`), so one changed cell at
the right edge of a table resends its whole row, which an SSH link pays for on every tick.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.control import Control
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate
from textual.strip import Strip

_original = ChopsUpdate.render_segments


def render_dirty_spans(self: ChopsUpdate, console: Console) -> str:
    """Terminal data for the update `self`: for each dirty span, only the cells inside it.

    Installed as `ChopsUpdate.render_segments`. Each span (y, x1, x2) is cut to exactly
    [x1, x2) of every widget strip it overlaps.
    """
    sequences: list[str] = []
    append = sequences.append
    move_to = Control.move_to
    chops = self.chops
    chop_ends = self.chop_ends
    last_y = self.spans[-1][0]
    for y, x1, x2 in self.spans:
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


def _probe() -> ChopsUpdate:
    """Two lines of two styled strips; spans that start where a strip starts, so Textual's own
    rendering and ours must agree byte for byte (one whole line, one cropped on the right)."""
    left = Strip([Segment("ab", Style(color="red")), Segment("cd", Style(bold=True))])
    right = Strip([Segment("efgh", Style(color="blue"))])
    return ChopsUpdate(
        [{0: left, 4: right}, {0: left, 4: right}], [(0, 0, 8), (1, 4, 6)], [[4, 8], [4, 8]]
    )


def compatible() -> bool:
    """True when Textual's ChopsUpdate still holds and renders spans the way this patch reads.

    Behavioural, not a signature check: a probe update is built with Textual's constructor and
    rendered by Textual's method and by ours; any difference, or a changed shape, means no.
    """
    console = Console(color_system="truecolor", force_terminal=True, file=io.StringIO())
    try:
        textual_render = ChopsUpdate.render_segments
        if textual_render is render_dirty_spans:  # installed already: ask Textual's own
            textual_render = _original
        probe = _probe()
        theirs = textual_render(probe, console)
        ours = render_dirty_spans(probe, console)
    except (TypeError, AttributeError, KeyError, IndexError, ValueError):
        return False
    return bool(theirs) and theirs == ours


def install() -> bool:
    """Make every partial update write only its dirty cells (idempotent).

    Returns False, leaving Textual's own (correct, only wordier) updates, when a Textual upgrade
    changed the private class: the app must never break because an optimisation no longer fits.
    """
    if not compatible():
        return False
    ChopsUpdate.render_segments = render_dirty_spans
    return True


def uninstall() -> None:
    """Restore Textual's own partial update (for tests)."""
    ChopsUpdate.render_segments = _original
