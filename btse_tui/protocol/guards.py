"""Production guards: plain-words warnings about an order before it is sent (pure, Decimal)."""

from __future__ import annotations

from decimal import Decimal

from btse_tui.protocol.decimal_text import plain_decimal
from btse_tui.protocol.models import OrderRequest, OrderType, Side, TxType

HUNDRED = Decimal(100)


def _quote_of(symbol: str) -> str:
    """`BTC-USDT` → `USDT` (the last dash-separated part)."""
    return symbol.rpartition("-")[2] if "-" in symbol else ""


def _pct(value: Decimal) -> str:
    """A percentage with one decimal: `10.0%`."""
    return f"{value.quantize(Decimal('0.1'))}%"


def _deviation_warning(
    what: str, price: Decimal, reference: Decimal, ref_name: str, max_pct: Decimal
) -> str | None:
    if reference <= 0:
        return None
    deviation = (price / reference - 1) * HUNDRED
    if abs(deviation) <= max_pct:
        return None
    where = "above" if deviation > 0 else "below"
    return (
        f"{what} {plain_decimal(price)} is {_pct(abs(deviation))} {where} the {ref_name} "
        f"{plain_decimal(reference)} (limit {plain_decimal(max_pct)}%)"
    )


def order_notional(request: OrderRequest, last_price: Decimal | None) -> Decimal | None:
    """Quote value of an order: price x size, a MARKET BUY's budget, or size x last for a
    MARKET order sized in base units (an estimate); None when it cannot be known."""
    if request.type is OrderType.MARKET:
        if request.size is None:
            return request.price if request.side is Side.BUY else None
        return request.size * last_price if last_price else None
    if request.price is None or request.size is None:
        return None
    return request.price * request.size


def order_warnings(
    request: OrderRequest,
    last_price: Decimal | None,
    max_deviation_pct: Decimal | float | None,
    notional_cap: Decimal | None,
    *,
    bid: Decimal | None = None,
    ask: Decimal | None = None,
) -> list[str]:
    """Warnings the confirm screen shows for `request` (they never block the order).

    * MARKET orders: always one warning (and `needs_confirmation` is always true for them).
    * A limit price more than `max_deviation_pct` % away from `last_price` (for stop and
      take-profit limits: away from the trigger price). None or 0 switches the check off;
      an unknown last price is said so rather than passed silently.
    * A notional above `notional_cap` (quote currency of the market); None switches it off.
    * A plain limit that crosses the book (`bid`/`ask` given): it fills at once as a taker,
      or, post-only, is rejected by the exchange.
    * A stop or take-profit whose trigger already holds against `last_price`: it fires at once.
    """
    warnings: list[str] = []
    max_pct = None if max_deviation_pct is None else Decimal(str(max_deviation_pct))
    is_market = request.type is OrderType.MARKET
    if is_market:
        warnings.append("market order: it fills at whatever prices the book offers")
    elif request.price is not None and max_pct is not None and max_pct > 0:
        triggered = request.tx_type is not TxType.LIMIT and request.trigger_price
        if triggered:
            assert request.trigger_price is not None
            text = _deviation_warning(
                "limit price", request.price, request.trigger_price, "trigger price", max_pct
            )
        elif last_price is None or last_price <= 0:
            text = "no last price known: the limit price could not be checked"
        else:
            text = _deviation_warning(
                "limit price", request.price, last_price, "last price", max_pct
            )
        if text:
            warnings.append(text)
    if not is_market and request.price is not None and request.tx_type is TxType.LIMIT:
        warnings.extend(_crossing_warning(request, request.price, bid, ask))
    if request.trigger_price and last_price:
        warnings.extend(_trigger_warning(request, request.trigger_price, last_price))
    notional = order_notional(request, last_price)
    if notional is not None and notional_cap is not None and notional > notional_cap:
        quote = _quote_of(request.symbol)
        approx = "≈ " if is_market and request.size is not None else ""
        unit = f" {quote}" if quote else ""
        warnings.append(
            f"notional {approx}{plain_decimal(notional)}{unit} is above the cap "
            f"{plain_decimal(notional_cap)}{unit}"
        )
    return warnings


def _crossing_warning(
    request: OrderRequest, price: Decimal, bid: Decimal | None, ask: Decimal | None
) -> list[str]:
    crosses = (request.side is Side.BUY and ask is not None and price >= ask) or (
        request.side is Side.SELL and bid is not None and price <= bid
    )
    if not crosses:
        return []
    if request.post_only:
        return ["post-only order crosses the book: the exchange will reject it"]
    return ["crosses the book: fills at once as a taker"]


def _trigger_warning(request: OrderRequest, trigger: Decimal, last: Decimal) -> list[str]:
    """A stop BUY triggers when the price rises to it, a take-profit BUY when it falls to it.
    An OCO's trigger belongs to its stop leg."""
    is_stop = request.tx_type is TxType.STOP or request.type is OrderType.OCO
    rising = is_stop == (request.side is Side.BUY)
    if (rising and trigger <= last) or (not rising and trigger >= last):
        where = "at or below" if rising else "at or above"
        trigger_text, last_text = plain_decimal(trigger), plain_decimal(last)
        return [f"trigger {trigger_text} is already {where} last {last_text}: fires at once"]
    return []


def needs_confirmation(
    request: OrderRequest, warnings: list[str], *, production: bool, confirm_all: bool
) -> bool:
    """True when the order must go through the confirm screen: MARKET, OCO and PEG orders
    always (a trailing stop is a MARKET order), every order in production or with
    confirm-all, and any order that carries a warning."""
    always = request.type in (OrderType.MARKET, OrderType.OCO, OrderType.PEG)
    return always or production or confirm_all or bool(warnings)
