"""A pane's scrollable size changed: update its scroll bars; lay out the screen only if needed."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget


def set_virtual_size(pane: ScrollView, size: Size) -> None:
    """Give `pane` the scrollable size `size`.

    Textual's `virtual_size` is a layout reactive: every change lays out the whole screen, and
    every scrolling pane then repaints its scroll bars. A row that opens or closes an order, or a
    notification line, would pay that on every event. A pane whose own size does not follow its
    content (no `auto` width or height) only needs its scroll bars and its own lines updated:
    this updates the scroll bars, and the caller repaints its lines (every caller does, once).
    A scroll bar that appears or goes still lays the screen out (its visibility is a layout
    reactive of its own). A pane not on screen (a hidden tab) just keeps the size: the layout
    that shows it sizes its scroll bars.
    """
    if size == pane.virtual_size:
        return
    styles = pane.styles
    width, height = styles.width, styles.height
    sized_by_content = width is None or height is None or width.is_auto or height.is_auto
    if sized_by_content:
        pane.virtual_size = size
        return
    pane.set_reactive(Widget.virtual_size, size)
    if not pane.is_mounted or not pane.size:
        return
    pane._scroll_update(size)  # scroll bars' length and thumb, scroll offsets kept in range
