"""Pure texts of the order form: reason lines, costs summary, submit label, available balance."""

from __future__ import annotations

from collections.abc import Mapping, Set
from decimal import Decimal

from btse_tui.protocol.errors import ValidationError
from btse_tui.protocol.models import Balance, Market, Order, OrderRequest, Side
from btse_tui.ui.ticket import form_logic as fl
from btse_tui.ui.ticket import review
from btse_tui.ui.widgets.format import fmt_price, fmt_size

__all__ = [
    "available_text",
    "costs_summary",
    "order_result",
    "price_text",
    "reason_lines",
    "submit_label",
]


def order_result(order: Order) -> tuple[str, bool]:
    """The result line for an order's state, `inserted (status 2)`, and whether it is good."""
    return f"{order.status_label} (status {order.status})", not order.is_failure


def checked_result(order: Order | None) -> tuple[str, bool]:
    """The result line once a check by client id ended: what it found, or that the exchange
    has no trace of the order."""
    if order is None:
        return "not placed (checked by client id)", False
    return f"{order.status_label} (status {order.status}, checked)", True


def price_text(price: Decimal, market: Market | None) -> str:
    """A picked price as the price input shows it: on the market's tick when there is one."""
    if market is not None and market.tick > 0:
        return format(price.quantize(market.tick.normalize()), "f")
    return format(price, "f")


def available_text(side: Side, market: Market, balances: Mapping[str, Balance]) -> str:
    """`avail 1,234.50 USDT` (BUY spends quote) or `avail 0.0120 BTC` (SELL spends base)."""
    available = fl.available_for(side, market, balances)
    currency = market.quote if side is Side.BUY else market.base
    if available is None:
        return f"avail – {currency}"
    if side is Side.BUY:
        return f"avail {review.format_quote(available, market)} {currency}"
    return f"avail {fmt_size(available, market)} {currency}"


def reason_lines(
    check: fl.FormCheck,
    layout: fl.FieldLayout,
    *,
    attempted: bool,
    touched: Set[str],
    extra: ValidationError | None = None,
) -> dict[str, tuple[str, bool]]:
    """The line under each input id as `(text, is_error)`; inputs without a line are left out.

    Rounding notes always show. An error shows once its input was typed in (or for the whole
    form), except that a missing value waits for a submit attempt; `extra` always shows.
    """
    lines: dict[str, tuple[str, bool]] = {
        input_id: (note, False) for input_id, note in check.notes.items()
    }
    for input_id, error in check.errors.items():
        shown = input_id == "form" or attempted or input_id in touched
        if shown and (attempted or not fl.is_missing(error)):
            lines[input_id] = (fl.reason_text(error, layout), True)
    if extra is not None:
        lines[fl.input_for(extra, layout)] = (fl.reason_text(extra, layout), True)
    return lines


def costs_summary(costs: review.Costs | None, fees: review.FeeRates) -> str:
    """Two lines, notional and estimated fee; dashes (and both rates) until it is valid."""
    if costs is not None:
        return f"{'Notional':<10}{costs.notional}\n{'Fee ≈':<10}{costs.fee}"
    rates = f"taker {review.fee_pct(fees.taker)}"
    if fees.maker is not None:
        rates = f"maker {review.fee_pct(fees.maker)} · {rates}"
    return f"{'Notional':<10}–\n{'Fee ≈':<10}– ({rates})"


def submit_label(
    fields: fl.FormFields,
    request: OrderRequest | None,
    market: Market | None,
    *,
    pending: bool,
) -> str:
    """`BUY 0.0012 BTC @ 20,000.0`, `SELL 0.0100 BTC @ market · stop`, `Sending…`."""
    if pending:
        return "Sending…"
    if request is None or market is None:
        return f"{fields.side.value} {fields.kind.label.lower()}"
    if request.size is not None:
        amount = f"{fmt_size(request.size, market)} {market.base}"
    elif request.price is not None:
        amount = f"{review.format_quote(request.price, market)} {market.quote} of"
        amount += f" {market.base}"
    else:
        amount = market.base
    kind = request.type.value
    if kind in ("LIMIT", "OCO") and request.price is not None:
        at = f" @ {fmt_price(request.price, market)}"
    elif kind == "PEG" and request.price is not None:
        limit = "≤" if request.side is Side.BUY else "≥"
        return f"{request.side.value} {amount} PEG {limit} {fmt_price(request.price, market)}"
    else:
        at = " @ market"
    head = f"{request.side.value} {amount}{at}"
    if kind == "OCO" and request.trigger_price is not None:
        return f"{head} · OCO stop {fmt_price(request.trigger_price, market)}"
    if request.trail_value is not None:
        return f"{head} · trail {fmt_price(request.trail_value, market)}"
    trigger = {"STOP": " · stop", "TRIGGER": " · TP"}.get(request.tx_type.value, "")
    return f"{request.side.value} {amount}{at}{trigger}"
