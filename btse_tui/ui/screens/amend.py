"""AmendScreen: change an open order's price, size or pending trigger, checked by market rules."""

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
from btse_tui.ui.ticket.review import build_amend

__all__ = ["AmendScreen"]


class AmendScreen(ModalScreen[AmendRequest | None]):
    """Edit price, size and trigger of `order`; Enter returns the AmendRequest, Esc None.

    The Trigger row is there only while the order's trigger has not fired. Changing one field
    sends a PRICE, SIZE or TRIGGERPRICE amend; price and size together send ALL, and a trigger
    with either sends ALL carrying all three. Values are quantised like a new order (a BUY price
    rounds down to the tick, a size down to the lot, an off-tick trigger is refused); the line
    under the inputs says what will be sent or why it cannot be.
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
        #note { color: $text-muted; height: auto; }
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
        self.has_trigger = order.awaits_trigger
        """True when the order's trigger has not fired yet: the Trigger row is shown."""
        self.trigger_only = order.order_type_name == "MARKET"
        """A stop/take-profit market order: no price to amend, only the trigger row."""

    def compose(self) -> ComposeResult:
        order, market = self.order, self.market
        size = order.current_size or order.original_size
        with Vertical(id="dialog"):
            yield Static(describe_order(order, market), id="order", markup=False)
            if self.trigger_only:
                yield Static("A market order: only its trigger can move.", id="note")
            else:
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
            if self.has_trigger:
                assert order.trigger_price is not None
                with Horizontal(classes="row"):
                    yield Label("Trigger", classes="name")
                    yield Input(
                        rules.format_price(order.trigger_price, market), compact=True, id="trigger"
                    )
                    yield Label(market.quote, classes="unit")
            yield Static("", id="verdict")
            yield Static("enter amend · esc cancel", id="keys")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = f"Amend {self.order.symbol}"
        self.query_one("#trigger" if self.trigger_only else "#price", Input).focus()
        self._verdict()

    def result(self) -> AmendRequest | ValidationError | None:
        """What the typed values would send (None: nothing changed)."""
        return build_amend(
            self.order,
            self.market,
            price_text=self._text("#price"),
            size_text=self._text("#size"),
            trigger_text=self.query_one("#trigger", Input).value if self.has_trigger else None,
        )

    def _text(self, selector: str) -> str:
        inputs = self.query(selector)
        return inputs.first(Input).value if inputs else ""

    def _verdict(self) -> AmendRequest | ValidationError | None:
        result = self.result()
        verdict = self.query_one("#verdict", Static)
        verdict.set_class(isinstance(result, ValidationError), "-error")
        if isinstance(result, ValidationError):
            verdict.update(Text(f"✗ {result}"))
        elif result is None:
            verdict.update("No change yet.")
        else:
            verdict.update(f"Sends: {self._sends(result)}")
        return result

    def _sends(self, request: AmendRequest) -> str:
        """What `request` changes, in words: `price 19500.0, size 0.0020, trigger 21000.0`."""
        market = self.market
        if request.kind == "ALL":
            assert request.order_price is not None and request.order_size is not None
            parts = [
                f"price {rules.format_price(request.order_price, market)}",
                f"size {rules.format_size(request.order_size, market)}",
            ]
            if request.trigger_price is not None:
                parts.append(f"trigger {rules.format_price(request.trigger_price, market)}")
            return ", ".join(parts)
        assert request.value is not None
        if request.kind == "SIZE":
            return f"size {rules.format_size(request.value, market)}"
        what = "trigger" if request.kind == "TRIGGERPRICE" else "price"
        return f"{what} {rules.format_price(request.value, market)}"

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
