"""The order form's display: rows shown, placeholders, reason lines, costs, submit button."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Button, Input, Label, Static

from btse_tui.protocol.errors import ValidationError
from btse_tui.protocol.models import Side
from btse_tui.ui import form_logic as fl
from btse_tui.ui.focus import focus_now
from btse_tui.ui.widgets.format import fmt_price, fmt_size
from btse_tui.ui.widgets.order_form_text import (
    available_text,
    costs_summary,
    reason_lines,
    submit_label,
)
from btse_tui.ui.widgets.side_switch import SideSwitch

__all__ = ["OrderFormDisplay"]

#: Inputs that can carry a reason line under them (ids match `form_logic.field_of`).
_REASON_IDS = ("trigger", "price", "amount", "size", "clid", "form")


class OrderFormDisplay:
    """Keeps what the form shows in step with its fields, market, ticker and balances.

    A mixin of `OrderForm`, whose `__init__` sets the state these methods read (`market`,
    `ticker`, `balances`, `fees`, `pending`, `_touched`, `_attempted`) and the `_shown`
    cache they keep; `_refresh_check` also stores the latest verdict in `check`.
    """

    def _layout(self) -> fl.FieldLayout:
        fields = self.fields()
        return fl.layout_for(fields.kind, fields.side, self.market)

    def focus_first_field(self) -> None:
        """Put the cursor in the first field to type (trigger, price, amount or size)."""
        layout = self._layout()
        for name, shown in (
            ("trigger", layout.trigger),
            ("price", layout.price),
            ("amount", layout.quote_amount),
            ("size", layout.size),
        ):
            if shown:
                focus_now(self.query_one(f"#{name}", Input))
                return

    def _apply_layout(self) -> None:
        """Show the inputs the kind/side needs and label them with the market's currencies."""
        if not self.is_mounted:
            return
        layout = self._layout()
        self.query_one("#row-trigger").set_class(not layout.trigger, "-hidden")
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
        for input_id in ("trigger", "price", "amount", "size", "clid"):
            if self._shown.get(f"reason-{input_id}", "").startswith("True"):
                self.query_one(f"#{input_id}", Input).focus()
                return
