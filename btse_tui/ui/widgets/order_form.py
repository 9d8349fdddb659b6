"""OrderForm: keyboard-first order entry, live validation, balance shortcuts, one-shot submit.

The form never talks to the network. It turns what the trader typed into a quantised
`OrderRequest` (through the pure `ui.form_logic`) and posts `OrderForm.Submitted(request)` at most
once per submission; the app answers with `submission_done()` when the ack, the error, or the
trader's "no" on the confirm screen comes back, and with `show_result(text, ok)` for the outcome.

A result line belongs to the order last submitted: `order_changed(order)` keeps it up to date as
that order's outcome becomes known (found after a timeout, filled later), and it leaves as soon
as the trader starts the next order (edits a field, flips the side, changes the type).

This module holds the widget's state, public API, input events and submit path; its widget tree
and CSS are in `order_form_layout`, what it shows in `order_form_display` (the texts come from the
pure `order_form_text`).

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
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Select, Static

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
from btse_tui.ui import form_logic as fl
from btse_tui.ui import order_review as review
from btse_tui.ui.widgets.order_form_display import OrderFormDisplay
from btse_tui.ui.widgets.order_form_layout import ORDER_FORM_CSS, compose_order_form
from btse_tui.ui.widgets.order_form_text import order_result, price_text
from btse_tui.ui.widgets.side_switch import SideSwitch

__all__ = ["FRACTION_KEYS", "OrderForm", "SideSwitch"]

#: F5…F8 fill 25/50/75/100 %: function keys reach the app as the same bytes in xterm, tmux,
#: screen, kitty and over SSH (alt+digit arrives as ESC digit, which Textual reads as ¡™£¢).
FRACTION_KEYS = Binding.Group("25/50/75/100%")


class OrderForm(OrderFormDisplay, Vertical):
    """Order entry for one market: side, kind, prices, size, TIF, post-only, client id."""

    DEFAULT_CSS = ORDER_FORM_CSS

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
        yield from compose_order_form()

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
            for input_id in ("trigger", "price", "amount", "size"):
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
        if order is None:
            self.show_result("not placed (checked by client id)", ok=False)
        else:
            self.show_result(f"{order.status_label} (status {order.status}, checked)", ok=True)

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
