"""A partial screen update writes only the cells of each dirty span, not the line's start.

The patch works around Textualize/textual#5625 (a refreshed region is cropped on the right
only); these tests run a real Textual app through its own display path with and without it.
"""

from __future__ import annotations

import re

import pyte
import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate
from textual.app import App, ComposeResult
from textual.drivers.headless_driver import HeadlessDriver
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from btse_tui.ui import partial_update
from btse_tui.ui.partial_update import render_dirty_spans

WIDTH, HEIGHT, CELL = 60, 6, 6
COLOURS = ("red", "green", "blue", "yellow", "magenta", "cyan")


def test_only_the_dirty_cells_are_written() -> None:
    red, blue = Style(color="red"), Style(color="blue")
    line = Strip([Segment("a" * 10, red), Segment("b" * 10, red), Segment("c" * 10, blue)])
    right = Strip([Segment("z" * 10, red)])
    update = ChopsUpdate([{0: line, 30: right}], [(0, 22, 25), (0, 33, 35)], [[30, 40]])
    console = Console(color_system="truecolor", force_terminal=True, width=40)
    out = render_dirty_spans(update, console)
    assert out == "\x1b[1;23H\x1b[34mccc\x1b[0m\x1b[1;34H\x1b[31mzz\x1b[0m"
    full = ChopsUpdate([{0: line}], [(0, 0, 30)], [[30]])
    assert render_dirty_spans(full, console) == full.render_segments(console)


class Terminal(HeadlessDriver):
    """A driver that keeps what the app writes, so the app takes its real (non-headless) path."""

    written: list[str]

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        self.written.append(data)


class Grid(Widget):
    """A Line-API table of CELL-wide coloured cells, refreshed one cell at a time."""

    DEFAULT_CSS = "Grid { width: 100%; height: 100%; }"

    def __init__(self) -> None:
        super().__init__()
        self.cells = [[f"{row}{col}".ljust(CELL, ".") for col in range(10)] for row in range(6)]

    def render_line(self, y: int) -> Strip:
        row = self.cells[y] if y < len(self.cells) else []
        return Strip(
            [Segment(text, Style(color=COLOURS[col % 6])) for col, text in enumerate(row)]
        ).extend_cell_length(WIDTH)

    def set_cell(self, row: int, col: int, text: str) -> None:
        self.cells[row][col] = text
        self.refresh(Region(col * CELL, row, CELL, 1))


class GridApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Grid()


async def change_one_cell() -> tuple[str, list[list[tuple[str, str]]]]:
    """Run the app, change the cell at row 2, column 8; return the bytes of that one update and
    the terminal's picture afterwards (character and colour of every cell)."""
    written: list[str] = []
    Terminal.written = written
    app = GridApp(driver_class=Terminal)
    async with app.run_test(headless=False, size=(WIDTH, HEIGHT)) as pilot:
        await pilot.pause()
        before = len(written)
        app.query_one(Grid).set_cell(2, 8, "NEW!!!")
        await pilot.pause()
        update = "".join(written[before:])
    screen = pyte.Screen(WIDTH, HEIGHT)
    pyte.Stream(screen).feed("".join(written))
    picture = [
        [(screen.buffer[y][x].data, screen.buffer[y][x].fg) for x in range(WIDTH)]
        for y in range(HEIGHT)
    ]
    return update, picture


def visible(data: str) -> str:
    """The printable characters of terminal data (escape sequences left out)."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]", "", data).replace("\n", "")


async def test_a_real_app_writes_only_the_changed_cell_and_paints_the_same_screen() -> None:
    partial_update.uninstall()
    try:
        theirs, textual_picture = await change_one_cell()
        assert partial_update.install() is True
        ours, patched_picture = await change_one_cell()
    finally:
        partial_update.uninstall()
    # the patched method is what Textual's display path called: only the cell went out
    assert visible(ours) == "NEW!!!"
    # the reason for the patch (textual#5625): Textual's own resends the row up to the cell
    assert visible(theirs).endswith("NEW!!!") and len(visible(theirs)) == 9 * CELL, (
        "Textual now crops the left of a refresh itself: partial_update may be unneeded"
    )
    # and the user sees exactly the same screen, characters and colours
    assert patched_picture == textual_picture
    row = "".join(char for char, _ in patched_picture[2])
    assert row == "".join(f"2{col}".ljust(CELL, ".") for col in range(8)) + "NEW!!!" + "29...."
    colour = {x: patched_picture[2][x][1] for x in (47, 48, 53, 54)}
    assert colour[48] == colour[53] == patched_picture[0][48][1] != colour[47]  # the cell's own
    assert colour[54] == patched_picture[0][54][1] != colour[53]  # the next cell kept its own


def test_the_installed_textual_takes_the_patch() -> None:
    try:
        assert partial_update.install() is True
        assert ChopsUpdate.render_segments is render_dirty_spans
        assert partial_update.compatible() is True  # still checks against Textual's own
    finally:
        partial_update.uninstall()
    assert ChopsUpdate.render_segments is not render_dirty_spans


def test_a_reshaped_textual_class_keeps_textual_own_updates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Reshaped:
        def __init__(self, chops: list[object], spans: list[object]) -> None: ...

        def render_segments(self, console: Console) -> str:
            return ""

    monkeypatch.setattr(partial_update, "ChopsUpdate", Reshaped)
    assert partial_update.install() is False
    assert Reshaped.render_segments is not render_dirty_spans


def test_a_textual_that_renders_spans_differently_keeps_its_own_updates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Same constructor, other meaning (here: spans as (y, x, width)): the probe disagrees."""

    class Remeant(ChopsUpdate):
        def render_segments(self, console: Console) -> str:
            spans = [(y, x, x + width) for y, x, width in self.spans]
            return ChopsUpdate(self.chops, spans, self.chop_ends).render_segments(console)

    monkeypatch.setattr(partial_update, "ChopsUpdate", Remeant)
    assert partial_update.install() is False
    assert Remeant.render_segments is not render_dirty_spans
