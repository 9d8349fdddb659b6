"""A partial screen update writes only the cells of each dirty span, not the line's start."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate
from textual.strip import Strip

from btse_tui.ui import partial_update
from btse_tui.ui.partial_update import render_dirty_spans


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


def test_patch_applies_to_the_installed_textual_and_refuses_another_shape(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pinned Textual takes the patch; a changed private class leaves Textual's own."""
    assert partial_update.install() is True
    assert ChopsUpdate.render_segments is render_dirty_spans
    partial_update.uninstall()

    class Reshaped:
        def __init__(self, chops: list, spans: list) -> None: ...

        def render_segments(self, console: Console) -> str:
            return ""

    monkeypatch.setattr(partial_update, "ChopsUpdate", Reshaped)
    assert partial_update.install() is False
    assert Reshaped.render_segments is not render_dirty_spans
