"""CancelAllScreen: "Cancel N orders on SYMBOL?" with a preview; returns True to cancel them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from btse_tui.ui.screens.confirm import environment_badge

__all__ = ["CancelAllScreen"]

#: How many preview lines are listed before `… and N more`.
PREVIEW_LINES = 8


class CancelAllScreen(ModalScreen[bool]):
    """Confirm cancelling every open order of one symbol: y/Enter → True, n/Esc → False."""

    DEFAULT_CSS = """
    CancelAllScreen {
        align: center middle;
        #dialog {
            width: 72;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            border: thick $warning;
            background: $surface;
            padding: 0 1;
        }
        #badge { width: 100%; content-align: center middle; text-style: bold;
                 background: $primary 40%; margin-bottom: 1; }
        #question { text-style: bold; }
        #preview { color: $text-muted; margin-top: 1; height: auto; }
        #buttons { height: 1; margin-top: 1; align-horizontal: center; }
        #buttons Button { margin: 0 2; }
        &.-production #badge { background: $error; color: $text; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "confirm", "Cancel the orders", id="cancel_all.confirm"),
        Binding("escape,n", "back", "Keep them", id="cancel_all.back"),
    ]

    def __init__(
        self,
        symbol: str,
        count: int,
        *,
        preview: Sequence[str] = (),
        environment: str = "",
        kind: str = "",
    ) -> None:
        super().__init__()
        self.symbol = symbol
        self.count = count
        """How many open orders the cancel hits (as the open-orders table knows them)."""
        self.preview = tuple(preview)
        """One line per order (e.g. `bridge.describe_order`), shown under the question."""
        self.environment = str(environment).lower()
        self.kind = kind
        """`BUY` or `SELL` when only that side's orders are cancelled ('' for all)."""
        self.decided = False

    def question(self) -> str:
        """`Cancel 3 orders on BTC-USDT?` (or the no-orders sentence)."""
        kind = f"{self.kind} " if self.kind else ""
        if self.count <= 0:
            return f"No open {kind}orders on {self.symbol}: nothing to cancel."
        noun = "order" if self.count == 1 else "orders"
        return f"Cancel {self.count} {kind}{noun} on {self.symbol}?"

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            if self.environment:
                yield Static(environment_badge(self.environment), id="badge")
            yield Static(self.question(), id="question")
            if self.preview:
                lines = list(self.preview[:PREVIEW_LINES])
                if len(self.preview) > PREVIEW_LINES:
                    lines.append(f"… and {len(self.preview) - PREVIEW_LINES} more")
                yield Static("\n".join(lines), id="preview", markup=False)
            with Horizontal(id="buttons"):
                if self.count > 0:
                    yes = Button(
                        f"Cancel {self.count} (y)", variant="error", compact=True, id="yes"
                    )
                    yes.can_focus = False
                    yield yes
                no = Button("Keep (n)" if self.count > 0 else "Close", compact=True, id="no")
                no.can_focus = False
                yield no

    def on_mount(self) -> None:
        self.set_class(self.environment == "production", "-production")
        title = f"Cancel {self.kind} orders" if self.kind else "Cancel all"
        self.query_one("#dialog").border_title = title

    def action_confirm(self) -> None:
        """Cancel them (only when there is something to cancel; once)."""
        if self.decided:
            return
        self.decided = True
        self.dismiss(self.count > 0)

    def action_back(self) -> None:
        """Keep the orders."""
        if not self.decided:
            self.decided = True
            self.dismiss(False)

    @on(Button.Pressed, "#yes")
    def _yes(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_confirm()

    @on(Button.Pressed, "#no")
    def _no(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_back()
