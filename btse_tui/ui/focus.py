"""Focus a widget at once, so that keys already typed ahead land in it."""

from __future__ import annotations

from textual.widget import Widget


def focus_now(widget: Widget) -> None:
    """Give `widget` focus before the next queued key is handled.

    `Widget.focus()` waits for the next refresh, so keys typed in one burst after the one that
    moved the focus ("b95000<Tab>0.001" over a lagging SSH link) would reach the widget left
    behind. If the widget cannot take focus yet (it appears only after the refresh), this
    falls back to that deferred focus.
    """
    screen = widget.screen
    screen.set_focus(widget)
    if screen.focused is not widget:
        widget.focus()
