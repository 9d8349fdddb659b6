"""The key footer, its keys born with their final `-compact` class (no restyle per key)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    """Textual's Footer, cheaper to (re)compose: each FooterKey starts `compact=True` and is
    then bound to the footer's False, so every key restyled itself twice on every recompose
    (focus and binding changes recompose the footer). Here a key gets its final value and
    class before it is mounted; the binding then changes nothing."""

    def compose(self) -> ComposeResult:
        compact = self.compact
        for widget in super().compose():
            bound = getattr(widget, "_reactive_connect", None) or {}
            if isinstance(widget, FooterKey) and "compact" in bound:  # not the palette key
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact")
            yield widget
