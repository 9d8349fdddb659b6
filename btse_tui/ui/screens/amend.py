"""AmendScreen: change a resting order's price and/or size, validated by the market's rules."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from btse_tui.protocol import rules
from btse_tui.protocol.errors import ValidationError
from btse_tui.protocol.models import AmendRequest, Market, Order
from btse_tui.ui.bridge import describe_order
from btse_tui.ui.order_review import build_amend

__all__ = ["AmendScreen"]


class AmendScreen(ModalScreen[AmendRequest | None]):
    """Edit price and size of `order`; Enter returns the AmendRequest, Esc returns None.

    Changing one field sends a PRICE or SIZE amend, changing both sends ALL. Values are
    quantised like a new order (a BUY price rounds down to the tick, a size down to the lot);
    the line under the inputs says what will be sent or why it cannot be.
    """

    DEFAULT_CSS = """
    AmendScreen {
        align: center middle;
        #dialog {
            width: 60;
            max-width: 100%;
            height: auto;
            border: thick $primary;
            background: $surface;
            padding: 0 1;
        }
        #order { color: $text-muted; margin-bottom: 1; height: auto; }
        .row { height: 1; }
        .name { width: 8; color: $text-muted; }
        .unit { width: auto; padding-left: 1; color: $text-muted; }
        Input { width: 1fr; }
        #verdict { margin-top: 1; height: auto; }
        #verdict.-error { color: $text-error; }
        #keys { color: $text-muted; margin-top: 1; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="amend.cancel"),
    ]

    def __init__(self, order: Order, market: Market) -> None:
        super().__init__()
        self.order = order
        self.market = market
        self.decided = False

    def compose(self) -> ComposeResult:
        order, market = self.order, self.market
        size = order.current_size or order.original_size
        with Vertical(id="dialog"):
            yield Static(describe_order(order, market), id="order", markup=False)
            with Horizontal(classes="row"):
                yield Label("Price", classes="name")
                yield Input(
                    rules.format_price(order.price, market) if order.price else "",
                    compact=True,
                    id="price",
                )
                yield Label(market.quote, classes="unit")
            with Horizontal(classes="row"):
                yield Label("Size", classes="name")
                yield Input(
                    rules.format_size(size, market) if size else "", compact=True, id="size"
                )
                yield Label(market.base, classes="unit")
            yield Static("", id="verdict")
            yield Static("enter amend · esc cancel", id="keys")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = f"Amend {self.order.symbol}"
        self.query_one("#price", Input).focus()
        self._verdict()

    def result(self) -> AmendRequest | ValidationError | None:
        """What the typed values would send (None: nothing changed)."""
        return build_amend(
            self.order,
            self.market,
            price_text=self.query_one("#price", Input).value,
            size_text=self.query_one("#size", Input).value,
        )

    def _verdict(self) -> AmendRequest | ValidationError | None:
        result = self.result()
        verdict = self.query_one("#verdict", Static)
        verdict.set_class(isinstance(result, ValidationError), "-error")
        if isinstance(result, ValidationError):
            verdict.update(Text(f"✗ {result}"))
        elif result is None:
            verdict.update("No change yet.")
        elif result.kind == "ALL":
            assert result.order_price is not None and result.order_size is not None
            verdict.update(
                f"Sends: price {rules.format_price(result.order_price, self.market)}, "
                f"size {rules.format_size(result.order_size, self.market)}"
            )
        else:
            assert result.value is not None
            what = "price" if result.kind == "PRICE" else "size"
            shown = (
                rules.format_price(result.value, self.market)
                if what == "price"
                else rules.format_size(result.value, self.market)
            )
            verdict.update(f"Sends: {what} {shown}")
        return result

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._verdict()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        result = self._verdict()
        if isinstance(result, AmendRequest) and not self.decided:
            self.decided = True
            self.dismiss(result)

    def action_cancel(self) -> None:
        """Leave the order as it is."""
        if not self.decided:
            self.decided = True
            self.dismiss(None)
