"""QuitScreen: asked before leaving while orders stay open and no dead man's switch is armed."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

__all__ = ["QuitScreen", "quit_question"]


def quit_question(open_orders: int) -> str:
    """`3 orders stay open on the exchange — q again to quit, any other key to stay`."""
    orders = "1 order stays" if open_orders == 1 else f"{open_orders} orders stay"
    return f"{orders} open on the exchange — q again to quit, any other key to stay"


class QuitScreen(ModalScreen[bool]):
    """One line and one key: `q` → True (quit), any other key or a click → False (stay)."""

    DEFAULT_CSS = """
    QuitScreen {
        align: center middle;
        #dialog {
            width: auto;
            max-width: 100%;
            height: auto;
            border: thick $warning;
            background: $surface;
            padding: 0 1;
        }
        #question { width: auto; text-style: bold; }
    }
    """

    def __init__(self, open_orders: int) -> None:
        super().__init__()
        self.open_orders = open_orders

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(quit_question(self.open_orders), id="question")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Quit?"

    def on_key(self, event: events.Key) -> None:
        """`q` quits; every other key keeps the app (and is not acted on further)."""
        event.stop()
        event.prevent_default()
        self.dismiss(event.key == "q")

    def on_click(self, event: events.Click) -> None:
        """A click anywhere stays."""
        event.stop()
        self.dismiss(False)
