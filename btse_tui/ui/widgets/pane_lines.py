"""What the book and the tape share: how stale a pane is, and repainting only its lines that
changed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from btse_tui.ui.widgets.format import fmt_age

L = TypeVar("L")


class Staleness:
    """Whether a pane's feed is stale, since when (on the pane's clock) and why."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.stale = False
        self._reason = ""
        self._since: float | None = None

    def set(self, stale: bool, reason: str = "", since: float | None = None) -> bool:
        """Record the state (`since` defaults to now, or to when it went stale if it already
        was); True when anything the pane shows changed."""
        if stale and since is None:
            since = self._since if self.stale else self._clock()
        if (stale, reason, since) == (self.stale, self._reason, self._since):
            return False
        self.stale = stale
        self._reason = reason
        self._since = since if stale else None
        return True

    @property
    def text(self) -> str:
        """`STALE 14s — reconnecting` while stale, else empty."""
        if not self.stale:
            return ""
        since = self._since
        age = f" {fmt_age(self._clock() - since)}" if since is not None else ""
        reason = f" — {self._reason}" if self._reason else ""
        return f"STALE{age}{reason}"


#: Unchanged cells between two changed runs of a line that are repainted rather than skipped:
#: each run costs a cursor move and its colours again (about 40 bytes in true colour).
MERGE_GAP = 6


def changed_runs(
    old: str, new: str, width: int, forced: Iterable[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """The column runs [start, end) in which line text `old` and `new` (padded or cut to
    `width`) differ, plus the `forced` runs (cells whose colour changed); runs closer than
    MERGE_GAP are joined."""
    old, new = old.ljust(width)[:width], new.ljust(width)[:width]
    dirty = [a != b for a, b in zip(old, new, strict=True)]
    for start, end in forced:
        for x in range(max(0, start), min(end, width)):
            dirty[x] = True
    runs: list[tuple[int, int]] = []
    x = 0
    while x < width:
        if not dirty[x]:
            x += 1
            continue
        start = x
        while x < width and dirty[x]:
            x += 1
        if runs and start - runs[-1][1] < MERGE_GAP:
            runs[-1] = (runs[-1][0], x)
        else:
            runs.append((start, x))
    return runs


def repaint_changed(
    widget: Widget,
    old: Sequence[L],
    new: Sequence[L],
    strips: dict[int, Strip],
    force: bool = False,
    spans: Callable[[L, L, int], Sequence[tuple[int, int]]] | None = None,
) -> None:
    """Drop the cached strips of the lines where `new` differs from `old` and refresh only
    those (only the column runs `spans` names, else the whole line); every line when `force`
    or when the number of lines changed."""
    if force or len(new) != len(old):
        strips.clear()
        widget.refresh()
        return
    width = widget.size.width
    for y, (a, b) in enumerate(zip(old, new, strict=True)):
        if a != b:
            strips.pop(y, None)
            runs = spans(a, b, width) if spans is not None else ((0, width),)
            widget.refresh(*(Region(start, y, end - start, 1) for start, end in runs))
