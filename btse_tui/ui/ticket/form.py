"""OrderForm: keyboard-first order entry, live validation, balance shortcuts, one-shot submit.

The form never talks to the network. It turns what the trader typed into a quantised
`OrderRequest` (through the pure `ticket.form_logic`) and posts `OrderForm.Submitted(request)`
at most once per submission; the app answers with `submission_done()` when the ack, the error,
or the trader's "no" on the confirm screen comes back, and with `show_result(text, ok)` for the
outcome.

A result line belongs to the order last submitted: `order_changed(order)` keeps it up to date as
that order's outcome becomes known (found after a timeout, filled later), and it leaves as soon
as the trader starts the next order (edits a field, flips the side, changes the type).

What it shows (rows for the kind, reasons, costs, the submit label) comes from the pure
`ticket.form_logic` and `ticket.form_text`; the widget only keeps the screen in step with them.

| key        | action                                        |
|------------|-----------------------------------------------|
| enter      | submit (in any input), press (on a button)    |
| F5..F8     | size (or market-buy amount) = 25/50/75/100 %  |
| ←/→ space  | flip BUY/SELL when the side switch is focused |
| b / v      | BUY / SELL (app keys; also on the side switch)|
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from btse_tui.protocol.errors import ValidationError
from btse_tui.protocol.models import (
    Balance,
    Market,
    Order,
    OrderRequest,
    Side,
    Ticker,
    TimeInForce,
)
from btse_tui.ui.focus import focus_now
from btse_tui.ui.ticket import form_logic as fl
from btse_tui.ui.ticket import review
from btse_tui.ui.ticket.form_text import (
    available_text,
    checked_result,
    costs_summary,
    order_result,
    price_text,
    reason_lines,
    submit_label,
)
from btse_tui.ui.ticket.side_switch import SideSwitch
from btse_tui.ui.widgets.format import fmt_price, fmt_size

__all__ = ["FRACTION_KEYS", "OrderForm", "SideSwitch"]

#: F5…F8 fill 25/50/75/100 %: function keys reach the app as the same bytes in xterm, tmux,
#: screen, kitty and over SSH (alt+digit arrives as ESC digit, which Textual reads as ¡™£¢).
FRACTION_KEYS = Binding.Group("25/50/75/100%")

#: Inputs that can carry a reason line under them (ids match `form_logic.field_of`).
_REASON_IDS = (
    "trigger",
    "stop",
    "trail",
    "price",
    "amount",
    "size",
    "deviation",
    "stealth",
    "clid",
    "form",
)
#: Inputs in screen order (the first one shown gets the cursor; errors focus the first).
_INPUT_IDS = ("trigger", "stop", "trail", "price", "amount", "size", "deviation", "stealth")


def _shown_inputs(layout: fl.FieldLayout) -> set[str]:
    """The ids of the inputs a layout shows."""
    flags = {
        "trigger": layout.trigger,
        "stop": layout.stop,
        "trail": layout.trail,
        "price": layout.price,
        "amount": layout.quote_amount,
        "size": layout.size,
        "deviation": layout.peg,
        "stealth": layout.peg,
    }
    return {name for name, shown in flags.items() if shown}


class OrderForm(Vertical):
    """Order entry for one market: side, kind, prices, size, TIF, post-only, client id."""

    DEFAULT_CSS = """
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
        #stealth-name { padding: 0 1 0 2; }
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

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            f"f{index + 5}",
            f"fraction({index})",
            f"Size {int(fraction * 100)}% of balance",
            key_display=f"F{index + 5}",
            group=FRACTION_KEYS,
            id=f"order_form.fraction_{int(fraction * 100)}",
        )
        for index, fraction in enumerate(fl.FRACTIONS)
    ]

    class Submitted(Message):
        """The trader submitted a valid order: `request` is quantised and ready to confirm/send."""

        def __init__(self, form: OrderForm, request: OrderRequest) -> None:
            self.form = form
            self.request = request
            super().__init__()

        @property
        def control(self) -> OrderForm:
            """The form that submitted."""
            return self.form

    def __init__(
        self,
        *,
        fees: review.FeeRates | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.market: Market | None = None
        """The market orders are entered for (set by the app)."""
        self.ticker: Ticker | None = None
        self.balances: dict[str, Balance] = {}
        self.fees = fees or review.FeeRates()
        """The market's maker and taker rates for the fee estimate."""
        self.check: fl.FormCheck | None = None
        """The latest verdict on the fields (request or reasons)."""
        self.pending = False
        """True between a Submitted message and `submission_done()`."""
        self._touched: set[str] = set()
        self._attempted = False
        self._shown: dict[str, str] = {}
        self.result_for: str | None = None
        """Client order id of the order the result line is about (None: no result shown)."""

    # ------------------------------------------------------------------ composition

    def compose(self) -> ComposeResult:
        """The form's rows: side and balance, kind, trigger, price, size, fractions, TIF, …

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
        with Horizontal(classes="row -hidden", id="row-stop"):
            yield Label("Stop at", classes="name")
            yield Input(
                placeholder="stop leg limit",
                compact=True,
                id="stop",
                tooltip="OCO: the limit price the stop leg rests at once its trigger fires",
            )
            yield Label("", classes="unit quote-unit")
        yield Static("", classes="reason -hidden", id="reason-stop")
        with Horizontal(classes="row -hidden", id="row-trail"):
            yield Label("Trail", classes="name")
            yield Input(
                placeholder="distance",
                compact=True,
                id="trail",
                tooltip="trailing stop: the trigger follows the best price by this distance",
            )
            yield Label("", classes="unit quote-unit")
        yield Static("", classes="reason -hidden", id="reason-trail")
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
        with Horizontal(classes="row -hidden", id="row-peg"):
            yield Label("Dev %", classes="name")
            yield Input(
                placeholder="-10…10",
                compact=True,
                id="deviation",
                tooltip="PEG: percent off the index price (negative = below)",
            )
            yield Label("Show %", classes="unit", id="stealth-name")
            yield Input(
                "100",
                compact=True,
                id="stealth",
                tooltip="PEG stealth: percent of the size shown on the book",
            )
        yield Static("", classes="reason -hidden", id="reason-deviation")
        yield Static("", classes="reason -hidden", id="reason-stealth")
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

    def on_mount(self) -> None:
        self.border_title = "Order"
        self._apply_layout()
        self._refresh_check()

    # ------------------------------------------------------------------ public API

    def set_market(
        self, market: Market, ticker: Ticker | None, balances: Mapping[str, Balance]
    ) -> None:
        """Show `market`; a different symbol clears the typed prices and size."""
        changed = self.market is None or self.market.symbol != market.symbol
        self.market = market
        self.ticker = ticker
        self.balances = dict(balances)
        if changed and self.is_mounted:
            for input_id in ("trigger", "stop", "trail", "price", "amount", "size"):
                self.query_one(f"#{input_id}", Input).value = ""
            self._touched.clear()
            self._attempted = False
        self._apply_layout()
        self._refresh_check()

    def update_ticker(self, ticker: Ticker | None) -> None:
        """New top of book / last price for the current market (fee and warnings use it)."""
        if ticker is not None and self.market and ticker.symbol != self.market.symbol:
            return
        self.ticker = ticker
        self._refresh_placeholders()
        self._refresh_check()

    def update_balances(self, balances: Mapping[str, Balance]) -> None:
        """New wallet balances (the available amount and the balance check use them)."""
        self.balances = dict(balances)
        self._refresh_placeholders()
        self._refresh_check()

    def set_fees(self, maker: Decimal, taker: Decimal) -> None:
        """The market's maker and taker rates (fractions, e.g. 0.001) for the fee estimate."""
        self.fees = review.FeeRates(taker=taker, maker=maker)
        self._refresh_check()

    def costs_of(self, request: OrderRequest) -> review.Costs:
        """Notional and fee of `request` at the rate it would pay (maker or taker) now."""
        assert self.market is not None
        ticker = self.ticker
        return review.order_costs(
            request,
            self.market,
            fees=self.fees,
            reference=fl.reference_price(request.side, ticker),
            bid=ticker.bid if ticker else None,
            ask=ticker.ask if ticker else None,
        )

    def set_side(self, side: Side | str) -> None:
        """Select BUY or SELL (the app's `b` / `v` keys)."""
        self.query_one(SideSwitch).side = Side(side)

    def set_kind(self, kind: fl.OrderKind | str) -> None:
        """Select an order kind (LIMIT, MARKET, STOP_LIMIT, …)."""
        self.query_one("#kind", Select).value = fl.OrderKind(kind)

    def set_price(self, price: Decimal) -> None:
        """Put a price picked in the order book into the limit price (a market kind turns limit)."""
        kind = self.fields().kind
        if kind.is_market:
            self.set_kind(fl.OrderKind.STOP_LIMIT if kind.has_trigger else fl.OrderKind.LIMIT)
        self.query_one("#price", Input).value = price_text(price, self.market)

    def set_size(self, size: Decimal) -> None:
        """Put a size into the size input."""
        self.query_one("#size", Input).value = format(size, "f")

    def set_fraction(self, fraction: Decimal) -> None:
        """Fill `fraction` of the available balance into size (or the market-buy amount)."""
        if self.market is None:
            return
        fields = self.fields()
        result = fl.fraction_text(
            fields,
            self.market,
            fl.available_for(fields.side, self.market, self.balances),
            fraction,
            fl.reference_price(fields.side, self.ticker),
        )
        if isinstance(result, ValidationError):
            self._attempted = True
            self._refresh_check(extra=result)
            return
        input_id, text = result
        self.query_one(f"#{input_id}", Input).value = text

    def submission_done(self) -> None:
        """The pending submission is settled (ack, error or declined): allow the next one."""
        self.pending = False
        self._attempted = False
        self.query_one("#clid", Input).value = fl.new_client_order_id()
        self._refresh_check()

    def show_result(self, text: str, ok: bool | None) -> None:
        """Show the outcome of the last order, e.g. `inserted (status 2)`; `ok=None` for an
        outcome not known yet (no ✓, no ✗: the exchange may or may not have it)."""
        result = self.query_one("#result", Static)
        mark = "✓" if ok else "?" if ok is None else "✗"
        result.update(Text(f"{mark} {text}"))
        result.set_class(ok is True, "-ok")
        result.set_class(ok is False, "-error")
        result.set_class(ok is None, "-unknown")

    def order_changed(self, order: Order) -> None:
        """A new state of some order: the result line follows it if it is the one shown."""
        if order.cl_order_id is not None and order.cl_order_id == self.result_for:
            self.show_result(*order_result(order))

    def order_checked(self, cl_order_id: str | None, order: Order | None) -> None:
        """The check by client id of an unknown submission ended: if it is the order shown,
        say what it found (its state, or that the exchange has no trace of it)."""
        if cl_order_id is None or cl_order_id != self.result_for:
            return  # the form has moved on to another order
        self.show_result(*checked_result(order))

    def clear_result(self) -> None:
        """The trader started the next order: the last one's result leaves the form."""
        if not self.pending:
            self.result_for = None
        self.show_result_text("")

    def show_result_text(self, text: str) -> None:
        """Put `text` (plain, no mark) in the result line; '' empties it."""
        result = self.query_one("#result", Static)
        result.update(text)
        result.remove_class("-ok", "-error", "-unknown")

    def fields(self) -> fl.FormFields:
        """What is typed and picked right now."""
        kind = self.query_one("#kind", Select).value
        tif = self.query_one("#tif", Select).value
        return fl.FormFields(
            symbol=self.market.symbol if self.market else "",
            side=self.query_one(SideSwitch).side,
            kind=kind if isinstance(kind, fl.OrderKind) else fl.OrderKind.LIMIT,
            price=self.query_one("#price", Input).value,
            trigger_price=self.query_one("#trigger", Input).value,
            size=self.query_one("#size", Input).value,
            amount=self.query_one("#amount", Input).value,
            time_in_force=tif if isinstance(tif, TimeInForce) else TimeInForce.GTC,
            post_only=self.query_one("#post-only", Checkbox).value,
            cl_order_id=self.query_one("#clid", Input).value,
            stop_price=self.query_one("#stop", Input).value,
            trail_value=self.query_one("#trail", Input).value,
            deviation=self.query_one("#deviation", Input).value,
            stealth=self.query_one("#stealth", Input).value,
        )

    def submit(self) -> bool:
        """Post `Submitted` if the form is valid and nothing is pending; True when posted."""
        if self.pending:
            return False
        self._attempted = True
        self._refresh_check()
        if self.check is None or self.check.request is None:
            self._focus_first_error()
            return False
        self.pending = True
        self.result_for = self.check.request.cl_order_id
        self.show_result_text("")  # the last order's result is not this one's
        self.post_message(self.Submitted(self, self.check.request))
        self._refresh_check()
        return True

    # ------------------------------------------------------------------ what it shows

    def _field_layout(self) -> fl.FieldLayout:
        fields = self.fields()
        return fl.layout_for(fields.kind, fields.side, self.market)

    def focus_first_field(self) -> None:
        """Put the cursor in the first field to type (trigger, price, amount or size)."""
        shown_ids = _shown_inputs(self._field_layout())
        for name in _INPUT_IDS:
            if name in shown_ids:
                focus_now(self.query_one(f"#{name}", Input))
                return

    def _apply_layout(self) -> None:
        """Show the inputs the kind/side needs and label them with the market's currencies."""
        if not self.is_mounted:
            return
        layout = self._field_layout()
        self.query_one("#row-trigger").set_class(not layout.trigger, "-hidden")
        self.query_one("#row-stop").set_class(not layout.stop, "-hidden")
        self.query_one("#row-trail").set_class(not layout.trail, "-hidden")
        self.query_one("#row-peg").set_class(not layout.peg, "-hidden")
        self.query_one("#row-price").set_class(not layout.price, "-hidden")
        self.query_one("#row-amount").set_class(not layout.quote_amount, "-hidden")
        self.query_one("#row-size").set_class(not layout.size, "-hidden")
        self.query_one("#row-tif").set_class(not layout.time_in_force, "-hidden")
        self.query_one("#post-only").set_class(not layout.post_only, "-hidden")
        if self.market is not None:
            self.border_title = f"Order · {self.market.symbol}"
            for unit in self.query(".quote-unit").results(Label):
                unit.update(self.market.quote)
            self.query_one("#base-unit", Label).update(self.market.base)
        self._refresh_placeholders()

    def _refresh_placeholders(self) -> None:
        if not self.is_mounted:
            return
        last = self.ticker.last if self.ticker else None
        hint = f"last {fmt_price(last, self.market)}" if last else ""
        self.query_one("#price", Input).placeholder = hint or "limit price"
        self.query_one("#trigger", Input).placeholder = hint or "trigger price"
        if self.market is not None:
            self.query_one(
                "#size", Input
            ).placeholder = f"min {fmt_size(self.market.min_size, self.market)}"
        side = self.query_one(SideSwitch).side
        if self.market is None:
            self._update("#avail", "")
            return
        text = available_text(side, self.market, self.balances)
        self._update("#avail", text)  # unchanged text: no repaint, no re-layout

    def _refresh_check(self, extra: ValidationError | None = None) -> None:
        """Re-validate and show reasons, the notional/fee line and the submit button state."""
        if not self.is_mounted:
            return
        submit = self.query_one("#submit", Button)
        if self.market is None:
            self.check = None
            self._update("#summary", "Pick a market first")
            submit.disabled = True
            return
        fields = self.fields()
        layout = fl.layout_for(fields.kind, fields.side, self.market)
        available = fl.available_for(fields.side, self.market, self.balances)
        check = fl.check_fields(fields, self.market, available=available)
        self.check = check
        lines = reason_lines(
            check, layout, attempted=self._attempted, touched=self._touched, extra=extra
        )
        for input_id in _REASON_IDS:
            text, is_error = lines.get(input_id, ("", False))
            self._show(input_id, text, is_error)
        costs = self.costs_of(check.request) if check.request is not None else None
        self._update("#summary", costs_summary(costs, self.fees))
        submit.disabled = check.request is None or self.pending
        submit.variant = "success" if fields.side is Side.BUY else "error"
        submit.label = submit_label(fields, check.request, self.market, pending=self.pending)

    def _show(self, input_id: str, text: str, is_error: bool) -> None:
        """Show an error (red) or a rounding note (muted) under an input; '' hides the line."""
        key = f"reason-{input_id}"
        if self._shown.get(key) == f"{is_error}{text}":
            return
        self._shown[key] = f"{is_error}{text}"
        line = self.query_one(f"#{key}", Static)
        line.update(Text(f"{'✗' if is_error else '↳'} {text}") if text else "")
        line.set_class(not text, "-hidden")
        line.set_class(not is_error, "-note")
        if input_id != "form":
            self.query_one(f"#{input_id}", Input).set_class(is_error and bool(text), "-error")

    def _update(self, selector: str, text: str) -> None:
        if self._shown.get(selector) == text:
            return
        self._shown[selector] = text
        self.query_one(selector, Static).update(Text(text))

    def _focus_first_error(self) -> None:
        for input_id in (*_INPUT_IDS, "clid"):
            if self._shown.get(f"reason-{input_id}", "").startswith("True"):
                self.query_one(f"#{input_id}", Input).focus()
                return

    # ------------------------------------------------------------------ events

    @on(SideSwitch.Changed)
    def _side_changed(self, event: SideSwitch.Changed) -> None:
        event.stop()
        self.clear_result()
        self.set_class(event.side is Side.BUY, "-buy")
        self.set_class(event.side is Side.SELL, "-sell")
        self._apply_layout()
        self._refresh_check()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.clear_result()
        self._apply_layout()
        self._refresh_check()

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.clear_result()
        self._refresh_check()

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id:
            self._touched.add(event.input.id)
        if event.input.id != "clid":  # a fresh client id comes with every settled submission
            self.clear_result()
        self._refresh_check()

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit()

    @on(Button.Pressed, "#fractions Button")
    def _fraction_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        index = int((event.button.id or "fraction-0").rsplit("-", 1)[1])
        self.action_fraction(index)

    def action_fraction(self, index: int) -> None:
        """Fill 25/50/75/100 % (index 0..3) of the available balance."""
        self.set_fraction(fl.FRACTIONS[index])
