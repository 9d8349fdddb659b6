"""Pure order review: notional and fee estimates, judgment-call warnings, amend requests.

Used by the order form (costs line), the confirm screen (costs and warnings) and the amend
screen. Warnings never block an order; they are what a careful colleague would point out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from btse_tui.protocol import rules
from btse_tui.protocol.errors import ValidationError
from btse_tui.protocol.models import (
    AmendRequest,
    Market,
    Order,
    OrderRequest,
    OrderType,
    Side,
    Ticker,
    TxType,
)
from btse_tui.ui.form_logic import parse_positive, quote_places

__all__ = [
    "DEFAULT_TAKER_RATE",
    "Costs",
    "build_amend",
    "fee_pct",
    "format_quote",
    "order_costs",
    "order_summary",
    "order_warnings",
]

#: BTSE's base spot taker fee (0.12 %) until the account's own rate is known.
DEFAULT_TAKER_RATE = Decimal("0.0012")


@dataclass(frozen=True, slots=True)
class Costs:
    """What an order is worth and roughly costs in fees, as display text (quote currency)."""

    notional: str
    """e.g. `24.00 USDT`, `≈ 24.00 USDT` when valued at the book, `–` when unknown."""
    fee: str
    """e.g. `0.0288 USDT (0.12% taker)`."""

    def line(self) -> str:
        """Both on one line: `Notional 24.00 USDT · fee ≈ 0.0288 USDT (0.12% taker)`."""
        return f"Notional {self.notional} · fee ≈ {self.fee}"


def order_costs(
    request: OrderRequest,
    market: Market,
    *,
    fee_rate: Decimal = DEFAULT_TAKER_RATE,
    reference: Decimal | None = None,
) -> Costs:
    """Notional and taker-fee estimate (quote currency).

    A base-sized MARKET order is valued at its trigger price (stops) or at `reference` (the
    book's best bid/ask), and marked `≈`.
    """
    notional = rules.notional(request)
    approx = ""
    reference = request.trigger_price or reference  # a stop fills near its trigger, not now
    if notional is None and request.size is not None and reference:
        notional = request.size * reference
        approx = "≈ "
    pct = fee_pct(fee_rate)
    if notional is None:
        return Costs("– (no price to value it)", f"– ({pct} taker)")
    places = quote_places(market)
    fee = rules.estimate_fee(request, fee_rate, price=reference)
    return Costs(
        f"{approx}{_money(notional, places)} {market.quote}",
        f"{_money(fee, places + 2)} {market.quote} ({pct} taker)",
    )


def order_summary(
    request: OrderRequest,
    market: Market,
    *,
    fee_rate: Decimal = DEFAULT_TAKER_RATE,
    reference: Decimal | None = None,
) -> str:
    """`Notional 24.00 USDT · fee ≈ 0.0288 USDT (0.12% taker)`; `≈ ` when valued off the book."""
    return order_costs(request, market, fee_rate=fee_rate, reference=reference).line()


def fee_pct(rate: Decimal) -> str:
    """A fee rate as a percentage: 0.0012 → `0.12%`."""
    return f"{(rate * 100).normalize():f}%"


def format_quote(value: Decimal, market: Market) -> str:
    """A quote amount with separators and the quote's decimals (at least 2): `1,000.00`."""
    return _money(value, quote_places(market))


def _money(value: Decimal, places: int) -> str:
    return f"{value.quantize(Decimal(1).scaleb(-places)):,.{places}f}"


def order_warnings(
    request: OrderRequest,
    market: Market,
    ticker: Ticker | None,
    *,
    max_deviation: Decimal = Decimal("0.05"),
    notional_cap: Decimal | None = None,
) -> list[str]:
    """Judgment calls the confirm screen shows in yellow (they never block the order)."""
    warnings: list[str] = []
    last = ticker.last if ticker else None
    is_market = request.type is OrderType.MARKET
    if is_market:
        warnings.append("market order: fills at whatever the book offers")
    if not is_market and request.price and last:
        deviation = request.price / last - 1
        if abs(deviation) > max_deviation:
            pct = (abs(deviation) * 100).quantize(Decimal(1))
            where = "above" if deviation > 0 else "below"
            warnings.append(f"price {pct}% {where} last {_plain(last)}")
    if not is_market and request.price and ticker is not None and request.tx_type is TxType.LIMIT:
        crosses = (request.side is Side.BUY and ticker.ask and request.price >= ticker.ask) or (
            request.side is Side.SELL and ticker.bid and request.price <= ticker.bid
        )
        if crosses:
            if request.post_only:
                warnings.append("post-only order crosses the book: the exchange will reject it")
            else:
                warnings.append("crosses the book: fills at once as a taker")
    if request.trigger_price and last:
        warnings.extend(_trigger_warning(request, request.trigger_price, last))
    notional = rules.notional(request)
    if notional is not None and notional_cap is not None and notional > notional_cap:
        warnings.append(
            f"notional {_plain(notional)} {market.quote} above cap {_plain(notional_cap)}"
        )
    return warnings


def _trigger_warning(request: OrderRequest, trigger: Decimal, last: Decimal) -> list[str]:
    """A stop BUY triggers when the price rises to it, a take-profit BUY when it falls to it."""
    rising = (request.tx_type is TxType.STOP) == (request.side is Side.BUY)
    if (rising and trigger <= last) or (not rising and trigger >= last):
        side = "at or below" if rising else "at or above"
        return [f"trigger {_plain(trigger)} is already {side} last {_plain(last)}: fires at once"]
    return []


def _plain(value: Decimal) -> str:
    return f"{value.normalize():,f}"


# --------------------------------------------------------------------------- amend


def build_amend(
    order: Order,
    market: Market,
    *,
    price_text: str,
    size_text: str,
) -> AmendRequest | ValidationError | None:
    """The amend for the changed field(s) of `order` (PRICE, SIZE or ALL), validated and quantised.

    None when nothing changed. Validation reuses the create-order rules on a LIMIT request with
    the new price and size.
    """
    try:
        price = parse_positive("price", price_text)
        size = parse_positive("size", size_text)
        checked = rules.validate_order(
            OrderRequest(
                symbol=market.symbol, side=order.side, type=OrderType.LIMIT, size=size, price=price
            ),
            market,
        )
    except ValidationError as error:
        return error
    assert checked.price is not None and checked.size is not None
    current_size = order.current_size or order.original_size
    price_changed = order.price is None or checked.price != order.price
    size_changed = current_size is None or checked.size != current_size
    ident = {"order_id": order.order_id or None, "cl_order_id": order.cl_order_id}
    if price_changed and size_changed:
        return AmendRequest(
            order.symbol, "ALL", order_price=checked.price, order_size=checked.size, **ident
        )
    if price_changed:
        return AmendRequest(order.symbol, "PRICE", value=checked.price, **ident)
    if size_changed:
        return AmendRequest(order.symbol, "SIZE", value=checked.size, **ident)
    return None
