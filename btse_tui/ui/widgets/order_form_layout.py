"""The order form's widget tree and its stylesheet (ids and classes the form queries)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from btse_tui.protocol.models import TimeInForce
from btse_tui.ui import form_logic as fl
from btse_tui.ui.widgets.side_switch import SideSwitch

__all__ = ["ORDER_FORM_CSS", "compose_order_form"]

#: `OrderForm.DEFAULT_CSS`: rows, reason lines, the fraction buttons and the submit button.
ORDER_FORM_CSS = """
OrderForm {
    height: auto;
    border: round $border-blurred;
    border-title-color: $text;
    border-title-style: bold;
    padding: 0 1;
    &:focus-within { border: round $border; }
    &.-sell:focus-within { border: round $error 70%; }
    &.-buy:focus-within { border: round $success 70%; }
    .row { height: 1; }
    #head { height: 1; margin-bottom: 1; }
    #avail { width: 1fr; content-align: right middle; color: $text-muted; }
    .name { width: 10; color: $text-muted; }
    .unit { width: auto; min-width: 4; padding-left: 1; color: $text-muted; }
    Input { width: 1fr; }
    Input.-error { background-tint: $error 25%; }
    Select { width: 1fr; }
    #tif { width: 1fr; }
    #post-only { width: auto; margin-left: 1; }
    .reason { color: $text-error; height: auto; padding-left: 8; }
    .reason.-note { color: $text-warning; }
    #fractions { height: 1; padding-left: 10; }
    #fractions Button { width: 1fr; min-width: 5; margin-right: 1; }
    #summary { height: auto; margin-top: 1; }
    #submit { width: 100%; margin-top: 1; }
    #result { height: auto; color: $text-muted; }
    #result.-ok { color: $text-success; }
    #result.-error { color: $text-error; }
    #result.-unknown { color: $text-warning; }
    .-hidden { display: none; }
}
"""


def compose_order_form() -> ComposeResult:
    """Yield the form's rows: side and balance, kind, trigger, price, size, fractions, TIF, …

    Every input that can carry a reason has a hidden `reason-<id>` line under it.
    """
    with Horizontal(id="head"):
        yield SideSwitch(id="side-switch")
        yield Label("", id="avail")
    with Horizontal(classes="row"):
        yield Label("Type", classes="name")
        yield Select(
            [(kind.label, kind) for kind in fl.OrderKind],
            value=fl.OrderKind.LIMIT,
            allow_blank=False,
            compact=True,
            id="kind",
        )
    with Horizontal(classes="row", id="row-trigger"):
        yield Label("Trigger", classes="name")
        yield Input(placeholder="trigger price", compact=True, id="trigger")
        yield Label("", classes="unit quote-unit")
    yield Static("", classes="reason -hidden", id="reason-trigger")
    with Horizontal(classes="row", id="row-price"):
        yield Label("Price", classes="name")
        yield Input(
            placeholder="limit price", compact=True, id="price", tooltip="limit price per unit"
        )
        yield Label("", classes="unit quote-unit")
    yield Static("", classes="reason -hidden", id="reason-price")
    with Horizontal(classes="row -hidden", id="row-amount"):
        yield Label("Amount", classes="name")
        yield Input(
            placeholder="to spend",
            compact=True,
            id="amount",
            tooltip="quote amount to spend at market",
        )
        yield Label("", classes="unit quote-unit")
    yield Static("", classes="reason -hidden", id="reason-amount")
    with Horizontal(classes="row", id="row-size"):
        yield Label("Size", classes="name")
        yield Input(placeholder="size", compact=True, id="size")
        yield Label("", classes="unit", id="base-unit")
    yield Static("", classes="reason -hidden", id="reason-size")
    with Horizontal(id="fractions"):
        for index, fraction in enumerate(fl.FRACTIONS):
            button = Button(
                f"{int(fraction * 100)}%",
                compact=True,
                id=f"fraction-{index}",
                tooltip=f"F{index + 5}: {int(fraction * 100)}% of the available balance",
            )
            button.can_focus = False
            yield button
    with Horizontal(classes="row", id="row-tif"):
        yield Label("TIF", classes="name")
        yield Select(
            [(tif.value, tif) for tif in TimeInForce],
            value=TimeInForce.GTC,
            allow_blank=False,
            compact=True,
            id="tif",
        )
        yield Checkbox("Post-only", compact=True, id="post-only")
    with Horizontal(classes="row"):
        yield Label("Client ID", classes="name")
        yield Input(fl.new_client_order_id(), compact=True, id="clid", max_length=32)
    yield Static("", classes="reason -hidden", id="reason-clid")
    yield Static("", id="summary")
    yield Static("", classes="reason -hidden", id="reason-form")
    yield Button("BUY", variant="success", compact=True, id="submit", disabled=True)
    yield Static("", id="result")
