"""Pure order review: notional and fee estimates, judgment-call warnings, amend requests.

Used by the order form (costs line), the confirm screen (costs and warnings) and the amend
screen. Warnings never block an order; they are what a careful colleague would point out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from btse_tui.protocol import guards, rules
from btse_tui.protocol.decimal_text import plain_decimal
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
from btse_tui.ui.ticket.form_logic import parse_positive, quote_places

__all__ = [
    "DEFAULT_TAKER_RATE",
    "Costs",
    "FeeRates",
    "build_amend",
    "fee_note",
    "fee_pct",
    "format_quote",
    "liquidity",
    "order_costs",
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
    """e.g. `0.0288 USDT (0.12% taker)`, `0.0240 USDT (0.1% maker)`."""

    def line(self) -> str:
        """Both on one line: `Notional 24.00 USDT · fee ≈ 0.0288 USDT (0.12% taker)`."""
        return f"Notional {self.notional} · fee ≈ {self.fee}"


@dataclass(frozen=True, slots=True)
class FeeRates:
    """A market's fee rates (fractions, e.g. 0.001 = 0.1 %); `maker` None until it is known."""

    taker: Decimal = DEFAULT_TAKER_RATE
    maker: Decimal | None = None


def liquidity(request: OrderRequest, *, bid: Decimal | None, ask: Decimal | None) -> str | None:
    """`maker` or `taker`, as the order would trade when it reaches the book; None if unknown.

    Post-only is a maker; a market order a taker; a limit that would cross the best opposite
    price (`ask` for a BUY, `bid` for a SELL) is a taker, one that rests a maker. A stop or
    take-profit limit meets the book near its trigger price, so that stands in for the book.
    """
    if request.post_only:
        return "maker"
    if request.type is OrderType.MARKET or request.price is None:
        return "taker"
    if request.trigger_price is not None:
        bid = ask = request.trigger_price
    if request.side is Side.BUY:
        return None if not ask else ("taker" if request.price >= ask else "maker")
    return None if not bid else ("taker" if request.price <= bid else "maker")


def fee_note(fees: FeeRates, kind: str | None) -> tuple[Decimal, str]:
    """The rate to estimate with and how it is named: `0.1% maker`, `0.2% taker`.

    Unknown liquidity (no book yet) or a maker rate not loaded yet estimate at the taker rate,
    marked `≤` (the most it costs).
    """
    pct = fee_pct(fees.taker)
    if kind == "maker":
        if fees.maker is None:
            return fees.taker, f"≤{pct}, maker"
        return fees.maker, f"{fee_pct(fees.maker)} maker"
    if kind == "taker":
        return fees.taker, f"{pct} taker"
    return fees.taker, f"≤{pct}, book unknown"


def order_costs(
    request: OrderRequest,
    market: Market,
    *,
    fees: FeeRates = FeeRates(),
    reference: Decimal | None = None,
    bid: Decimal | None = None,
    ask: Decimal | None = None,
) -> Costs:
    """Notional and fee estimate (quote currency), at the maker or taker rate of `fees` as the
    order would trade against `bid` / `ask` (`liquidity`).

    A base-sized MARKET order is valued at its trigger price (stops) or at `reference` (the
    book's best bid/ask), and marked `≈`.
    """
    notional = rules.notional(request)
    approx = ""
    reference = request.trigger_price or reference  # a stop fills near its trigger, not now
    if notional is None and request.size is not None and reference:
        notional = request.size * reference
        approx = "≈ "
    kind = liquidity(request, bid=bid, ask=ask)
    rate, note = fee_note(fees, kind)
    if notional is None:
        return Costs("– (no price to value it)", f"– ({note})")
    places = quote_places(market)
    fee = rules.estimate_fee(request, rate, price=reference)
    return Costs(
        f"{approx}{_money(notional, places)} {market.quote}",
        f"{_money(fee, places + 2)} {market.quote} ({note})",
    )


def fee_pct(rate: Decimal) -> str:
    """A fee rate as a percentage: 0.0012 → `0.12%`."""
    return f"{plain_decimal(rate * 100, grouped=False)}%"


def format_quote(value: Decimal, market: Market) -> str:
    """A quote amount with separators and the quote's decimals (at least 2): `1,000.00`."""
    return _money(value, quote_places(market))


def _money(value: Decimal, places: int) -> str:
    """`value` with separators and `places` decimals (half-even); total: never raises.

    The format spec rounds without the context's 28-digit limit that made `quantize` raise
    on large amounts; a non-finite value is written as it is.
    """
    if not value.is_finite():
        return str(value)
    text = f"{value:,.{max(0, places)}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def order_warnings(
    request: OrderRequest,
    market: Market,
    ticker: Ticker | None,
    *,
    max_deviation_pct: Decimal = Decimal(5),
    notional_cap: Decimal | None = None,
) -> list[str]:
    """Judgment calls the confirm screen shows in yellow (never blocking): `protocol.guards`
    fed with the market's ticker; `max_deviation_pct` is in percent (BTSE_MAX_PRICE_DEVIATION)."""
    return guards.order_warnings(
        request,
        ticker.last if ticker else None,
        max_deviation_pct,
        notional_cap,
        bid=ticker.bid if ticker else None,
        ask=ticker.ask if ticker else None,
    )


# --------------------------------------------------------------------------- amend


def build_amend(
    order: Order,
    market: Market,
    *,
    price_text: str,
    size_text: str,
    trigger_text: str | None = None,
) -> AmendRequest | ValidationError | None:
    """The amend for the changed field(s) of `order`, validated and quantised.

    Price or size alone sends PRICE or SIZE, both send ALL. `trigger_text` (only for an order
    with a pending trigger) alone sends TRIGGERPRICE; with price and/or size it sends ALL
    carrying price, size and trigger (the unchanged ones at their current values). None when
    nothing changed. Validation reuses the create-order rules on a LIMIT request with the new
    price and size (a STOP one when a trigger is given: an off-tick trigger is refused).
    A stop/take-profit MARKET order has no price: only its trigger moves (TRIGGERPRICE).
    """
    if order.is_peg:
        return ValidationError(
            "type", "PEG", "orders cannot be amended (BTSE: amend does not apply to algo orders)"
        )
    if order.trail_value is not None:
        return ValidationError(
            "trigger_price",
            order.trigger_price,
            "of a trailing stop follows the price by its trail and cannot be amended",
        )
    if order.order_type_name == "MARKET":
        return _market_trigger_amend(order, market, trigger_text)
    try:
        price = parse_positive("price", price_text)
        size = parse_positive("size", size_text)
        trigger = None if trigger_text is None else parse_positive("trigger_price", trigger_text)
        tx_type = TxType.LIMIT
        if trigger is not None:
            tx_type = order.tx_type if order.tx_type is not TxType.LIMIT else TxType.STOP
        checked = rules.validate_order(
            OrderRequest(
                symbol=market.symbol,
                side=order.side,
                type=OrderType.LIMIT,
                size=size,
                price=price,
                tx_type=tx_type,
                trigger_price=trigger,
            ),
            market,
        )
    except ValidationError as error:
        return error
    assert checked.price is not None and checked.size is not None
    current_size = order.current_size or order.original_size
    price_changed = order.price is None or checked.price != order.price
    size_changed = current_size is None or checked.size != current_size
    trigger_changed = trigger is not None and checked.trigger_price != order.trigger_price
    if trigger_changed:
        if price_changed or size_changed:
            return _amend(
                order,
                "ALL",
                order_price=checked.price,
                order_size=checked.size,
                trigger_price=checked.trigger_price,
            )
        return _amend(order, "TRIGGERPRICE", value=checked.trigger_price)
    if price_changed and size_changed:
        return _amend(order, "ALL", order_price=checked.price, order_size=checked.size)
    if price_changed:
        return _amend(order, "PRICE", value=checked.price)
    if size_changed:
        return _amend(order, "SIZE", value=checked.size)
    return None


def _amend(
    order: Order,
    kind: str,
    *,
    value: Decimal | None = None,
    order_price: Decimal | None = None,
    order_size: Decimal | None = None,
    trigger_price: Decimal | None = None,
) -> AmendRequest:
    """An amend of `order`, named by the exchange's id, else by the trader's clOrderID."""
    return AmendRequest(
        order.symbol,
        kind,
        order_id=order.order_id or None,
        cl_order_id=order.cl_order_id,
        value=value,
        order_price=order_price,
        order_size=order_size,
        trigger_price=trigger_price,
    )


def _market_trigger_amend(
    order: Order, market: Market, trigger_text: str | None
) -> AmendRequest | ValidationError | None:
    """A stop/take-profit MARKET order has no price to send: only its trigger can move."""
    if trigger_text is None or not order.awaits_trigger:
        return ValidationError("type", "MARKET", "only the trigger of a waiting stop can change")
    try:
        trigger = rules.check_trigger(parse_positive("trigger_price", trigger_text), market)
    except ValidationError as error:
        return error
    if trigger == order.trigger_price:
        return None
    return _amend(order, "TRIGGERPRICE", value=trigger)
