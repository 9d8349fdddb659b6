"""Pre-trade validation and quantisation of an OrderRequest against a Market's rules (§8).

Decisions:
* size is rounded DOWN to the lot (never buy or sell more than typed);
* a LIMIT/OCO price off the tick is moved to the tick on the trader's safe side: a BUY price
  rounds DOWN (never pay more than typed), a SELL price rounds UP (never sell for less);
* trigger and stop prices have no safe direction (a stop-loss and a take-profit would want
  opposite ones), so an off-tick trigger/stop price is rejected, not moved;
* a MARKET BUY is sized either by `size` (base) or by a quote budget in `price`, never both;
  the budget is not tick-checked. A MARKET SELL must give a size and no price.
* OCO (type OCO, txType LIMIT): `price` is the limit leg, `trigger_price` fires the stop leg
  and `stop_price` is that leg's limit price; a BUY's limit leg sits below its trigger, a
  SELL's above (otherwise both legs would wait on the same side of the market).
* trailing stop (type MARKET, txType STOP, `trail_value`): no trigger price is sent (the
  exchange keeps it `trail_value` behind the best price); the trail is a price distance, so
  it must be on the tick like a trigger. Sized like any MARKET order.
* PEG (type PEG): `price` is the limit the pegged price never passes (moved to the tick like
  a LIMIT price), `deviation` the percent off the index price (-10 … 10), `stealth` the
  percent shown on the book (above 0, at most 100).
Every failure raises ValidationError(field, value, rule), whose message is one sentence such as
`size 0.000001 is below the minimum 0.00001 for BTC-USDT`. `field` is the OrderRequest
attribute name, so a form can highlight the input.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from enum import Enum
from functools import partial
from typing import Any, TypeVar

from btse_tui.protocol.decimal_text import plain_decimal
from btse_tui.protocol.errors import ValidationError
from btse_tui.protocol.models import (
    ZERO,
    Market,
    OrderRequest,
    OrderType,
    Side,
    TimeInForce,
    TxType,
)

_E = TypeVar("_E", bound=Enum)

#: Plain decimal numbers, optionally with an exponent; ASCII digits only.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_NOT_FINITE = frozenset({"nan", "snan", "inf", "infinity"})
#: Bounds on typed numbers: more than this is a typo, not an order.
MAX_INTEGER_DIGITS = 15
MAX_DECIMAL_PLACES = 18
_PREC = 60


#: Numbers in a rule's message read as a trader types them: no thousands separators.
_plain = partial(plain_decimal, grouped=False)


def parse_decimal(field: str, text: str) -> Decimal:
    """Parse a typed number; ValidationError for blank, junk, NaN/Infinity, negatives or absurd.

    Accepts `12`, `0.5`, `.5`, `1e-5`, surrounding spaces; rejects `1,000`, `1_000`, `-1`,
    `nan`, `inf` and non-ASCII digits.
    """
    if not isinstance(text, str):
        raise ValidationError(field, text, "is not a number")
    stripped = text.strip()
    if not stripped:
        raise ValidationError(field, None, "is required")
    if stripped.lower().lstrip("+-") in _NOT_FINITE:
        raise ValidationError(field, stripped, "is not a finite number")
    if not _NUMBER.fullmatch(stripped):
        raise ValidationError(field, stripped, "is not a number")
    value = Decimal(stripped)
    if value < 0:
        raise ValidationError(field, stripped, "must not be negative")
    if value and value.adjusted() >= MAX_INTEGER_DIGITS:
        raise ValidationError(field, stripped, f"is too large (over {MAX_INTEGER_DIGITS} digits)")
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMAL_PLACES:
        raise ValidationError(field, stripped, f"has more than {MAX_DECIMAL_PLACES} decimal places")
    return value.copy_abs()  # "-0" is 0


def _step_decimals(step: Decimal) -> int:
    exponent = step.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def to_step(value: Decimal, step: Decimal, rounding: str = ROUND_DOWN) -> Decimal:
    """`value` moved to a multiple of `step` with `rounding`, written with the step's decimals."""
    if step <= 0:
        return value
    with localcontext() as ctx:
        ctx.prec = _PREC
        units = (value / step).to_integral_value(rounding=rounding)
        result = units * step
        places = _step_decimals(step)
        return result.quantize(Decimal(1).scaleb(-places))


def on_step(value: Decimal, step: Decimal) -> bool:
    """True when `value` is an exact multiple of `step`."""
    if step <= 0:
        return True
    with localcontext() as ctx:
        ctx.prec = _PREC
        return value % step == 0


def _enum(cls: type[_E], field: str, value: Any) -> _E:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in cls)
        raise ValidationError(field, value, f"must be one of {allowed}") from None


def _positive(field: str, value: Any, missing: str = "is required") -> Decimal:
    """A required number > 0 (a typed string is parsed first)."""
    if value is None:
        raise ValidationError(field, None, missing)
    if isinstance(value, str):
        value = parse_decimal(field, value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError(field, value, "is not a finite number")
    if value <= 0:
        raise ValidationError(field, value, "must be greater than 0")
    return value


def _check_on_tick(field: str, value: Decimal, market: Market) -> Decimal:
    if not on_step(value, market.tick):
        raise ValidationError(
            field, value, f"is not a multiple of the tick {_plain(market.tick)} for {market.symbol}"
        )
    if value < market.min_price:
        raise ValidationError(
            field, value, f"is below the minimum {_plain(market.min_price)} for {market.symbol}"
        )
    return to_step(value, market.tick)


def check_trigger(value: Any, market: Market, field: str = "trigger_price") -> Decimal:
    """A trigger/stop price: a number > 0, on the tick (rejected, not moved) and ≥ the minimum."""
    return _check_on_tick(field, _positive(field, value), market)


#: PEG `deviation` bounds in percent (§4.1: "can range from -10 to 10").
PEG_DEVIATION_LIMIT = Decimal(10)
_HUNDRED = Decimal(100)


def _signed(field: str, value: Any) -> Decimal:
    """A required number that may be negative (PEG deviation); typed text is parsed first."""
    if value is None:
        raise ValidationError(field, None, "is required")
    if isinstance(value, str):
        stripped = value.strip()
        negative = stripped.startswith("-")
        number = parse_decimal(field, stripped.lstrip("+-") if stripped else stripped)
        return -number if negative else number
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError(field, value, "is not a finite number")
    return value


def _peg_fields(req: OrderRequest) -> tuple[Decimal, Decimal]:
    """A PEG's deviation (-10 … 10 %) and stealth (0 < s ≤ 100 %)."""
    deviation = _signed("deviation", req.deviation)
    if abs(deviation) > PEG_DEVIATION_LIMIT:
        raise ValidationError(
            "deviation",
            deviation,
            f"must be between -{_plain(PEG_DEVIATION_LIMIT)} and {_plain(PEG_DEVIATION_LIMIT)} "
            "(percent off the index price)",
        )
    stealth = _positive("stealth", req.stealth)
    if stealth > _HUNDRED:
        raise ValidationError("stealth", stealth, "must be at most 100 (percent shown)")
    return deviation, stealth


def _only_for(req: OrderRequest, otype: OrderType, tx: TxType) -> None:
    """Refuse the fields of one order kind on another (named field, value, which kind)."""
    if req.trail_value is not None and not (otype is OrderType.MARKET and tx is TxType.STOP):
        raise ValidationError(
            "trail_value",
            req.trail_value,
            "is only used by trailing stop orders (type MARKET, txType STOP)",
        )
    if otype is not OrderType.PEG:
        for name, value in (("deviation", req.deviation), ("stealth", req.stealth)):
            if value is not None:
                raise ValidationError(name, value, "is only used by PEG orders")
    if otype is OrderType.OCO and tx is not TxType.LIMIT:
        raise ValidationError("tx_type", tx.value, "must be LIMIT on an OCO order")
    if otype is OrderType.PEG and tx is not TxType.LIMIT:
        raise ValidationError("tx_type", tx.value, "must be LIMIT on a PEG order")


def validate_order(
    req: OrderRequest, market: Market, *, available: Decimal | None = None
) -> OrderRequest:
    """Check `req` against `market` and return it quantised (see the module docstring).

    `available`, when given, is the free balance that pays for the order: the quote asset for
    a BUY (must cover price x size, or the budget of a MARKET BUY by quote; a MARKET BUY by
    size has no known cost and is not checked), the base asset for a SELL (must cover size).
    """
    symbol = market.symbol
    if req.symbol != symbol:
        if req.symbol.strip().upper() == symbol.upper():
            raise ValidationError("symbol", req.symbol, f"must be spelled exactly {symbol}")
        raise ValidationError("symbol", req.symbol, f"does not match the market {symbol}")
    if not market.active:
        raise ValidationError("symbol", symbol, "is not open for trading (market inactive)")
    side = _enum(Side, "side", req.side)
    otype = _enum(OrderType, "type", req.type)
    tif = _enum(TimeInForce, "time_in_force", req.time_in_force)
    tx = _enum(TxType, "tx_type", req.tx_type)
    _only_for(req, otype, tx)
    trailing = req.trail_value is not None
    if req.post_only and otype is not OrderType.LIMIT:
        raise ValidationError("post_only", None, f"is only allowed on LIMIT orders, not {otype}")

    # ---- price
    price: Decimal | None = None
    by_quote = otype is OrderType.MARKET and side is Side.BUY and req.size is None
    if otype in (OrderType.LIMIT, OrderType.OCO, OrderType.PEG):
        typed = _positive("price", req.price)
        price = to_step(typed, market.tick, ROUND_FLOOR if side is Side.BUY else ROUND_CEILING)
        if price < market.min_price:
            raise ValidationError(
                "price", typed, f"is below the minimum {_plain(market.min_price)} for {symbol}"
            )
    elif by_quote:
        if req.price is None:
            raise ValidationError("size", None, "or a quote budget (price) is required")
        price = _positive("price", req.price)
    elif req.price is not None:
        rule = (
            "cannot be combined with a size on a MARKET BUY (give one or the other)"
            if side is Side.BUY
            else "is not used by a MARKET SELL (sell a size, or use a LIMIT order)"
        )
        raise ValidationError("price", req.price, rule)

    # ---- size
    size: Decimal | None = None
    if not by_quote:
        typed = _positive("size", req.size)
        size = to_step(typed, market.lot, ROUND_DOWN)
        if size < market.min_size:
            minimum = f"the minimum {_plain(market.min_size)} for {symbol}"
            if typed >= market.min_size:  # only the rounding to the lot took it below
                rule = f"rounds down to {_plain(size)} (lot {_plain(market.lot)}), below {minimum}"
            else:
                rule = f"is below {minimum}"
            raise ValidationError("size", typed, rule)
        if size > market.max_size:
            raise ValidationError(
                "size", typed, f"is above the maximum {_plain(market.max_size)} for {symbol}"
            )

    # ---- trigger / stop
    trigger: Decimal | None = None
    trail: Decimal | None = None
    if trailing:
        if req.trigger_price is not None:
            raise ValidationError(
                "trigger_price",
                req.trigger_price,
                "is not sent with a trailing stop (its trigger follows the price by the trail)",
            )
        trail = _check_on_tick("trail_value", _positive("trail_value", req.trail_value), market)
    elif tx in (TxType.STOP, TxType.TRIGGER) or otype is OrderType.OCO:
        needed = _positive("trigger_price", req.trigger_price)
        trigger = _check_on_tick("trigger_price", needed, market)
    elif req.trigger_price is not None:
        raise ValidationError(
            "trigger_price", req.trigger_price, "is only used by STOP, TRIGGER and OCO orders"
        )
    stop: Decimal | None = None
    if otype is OrderType.OCO:
        needed = _positive("stop_price", req.stop_price)
        stop = _check_on_tick("stop_price", needed, market)
        assert price is not None and trigger is not None
        if side is Side.BUY and price >= trigger:
            raise ValidationError(
                "price",
                req.price,
                f"of a BUY OCO must be below its trigger price {_plain(trigger)} "
                "(the limit leg buys lower, the stop leg higher)",
            )
        if side is Side.SELL and price <= trigger:
            raise ValidationError(
                "price",
                req.price,
                f"of a SELL OCO must be above its trigger price {_plain(trigger)} "
                "(the limit leg sells higher, the stop leg lower)",
            )
    elif req.stop_price is not None:
        raise ValidationError("stop_price", req.stop_price, "is only used by OCO orders")
    deviation = stealth = None
    if otype is OrderType.PEG:
        deviation, stealth = _peg_fields(req)

    result = dataclasses.replace(
        req,
        side=side,
        type=otype,
        time_in_force=tif,
        tx_type=tx,
        size=size,
        price=price,
        trigger_price=trigger,
        stop_price=stop,
        trail_value=trail,
        deviation=deviation,
        stealth=stealth,
    )

    # ---- balance
    if available is not None:
        if side is Side.BUY:
            cost = notional(result)
            if cost is not None and cost > available:
                raise ValidationError(
                    "price" if by_quote else "size",
                    req.price if by_quote else req.size,
                    f"needs {_plain(cost)} {market.quote} but only {_plain(available)} "
                    f"{market.quote} is available",
                )
        elif size is not None and size > available:
            raise ValidationError(
                "size", req.size, f"is more than the {_plain(available)} {market.base} available"
            )
    return result


def notional(req: OrderRequest) -> Decimal | None:
    """Quote value of an order: price x size, a MARKET BUY's budget, or None when unknown."""
    if req.type == OrderType.MARKET:
        if req.side == Side.BUY and req.size is None:
            return req.price
        return None
    if req.price is None or req.size is None:
        return None
    return req.price * req.size


def estimate_fee(req: OrderRequest, rate: Decimal, *, price: Decimal | None = None) -> Decimal:
    """Fee in quote currency at `rate` (a fraction, e.g. 0.001) on the order's notional.

    A MARKET order sized in base units has no known price; pass a reference `price` (e.g. the
    last trade) or get a ValidationError. BTSE charges a BUY's fee in the base asset; this
    estimate is its quote value.
    """
    value = notional(req)
    if value is None and req.size is not None and price is not None:
        value = req.size * price
    if value is None:
        raise ValidationError("price", None, "is needed to estimate the fee of this order")
    return value * rate


def size_for_fraction(
    available: Decimal, fraction: Decimal, price: Decimal | None, market: Market, side: Side
) -> Decimal:
    """Size for the 25/50/75/100 % buttons, rounded DOWN to the lot and capped at max size.

    BUY: `available` is quote, so size = available x fraction / price; SELL: available is base.
    The result may be below the market minimum (validate_order then says so); never negative.
    """
    if not (0 < fraction <= 1):
        raise ValidationError("fraction", fraction, "must be more than 0 and at most 1")
    if available <= 0:
        return to_step(ZERO, market.lot)
    with localcontext() as ctx:
        ctx.prec = _PREC
        if side == Side.BUY:
            if price is None or price <= 0:
                raise ValidationError("price", price, "is needed to size a BUY from a balance")
            raw = available * fraction / price
        else:
            raw = available * fraction
    size = to_step(raw, market.lot, ROUND_DOWN)
    if size > market.max_size:
        size = to_step(market.max_size, market.lot, ROUND_DOWN)
    return size


def _fixed(value: Decimal, places: int) -> str:
    with localcontext() as ctx:
        ctx.prec = _PREC
        fixed = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if not fixed:
        fixed = fixed.copy_abs()  # never show -0.00
    return format(fixed, "f")


def format_price(d: Decimal, market: Market) -> str:
    """A price with the tick's number of decimals, no exponent: 2500 → `2500.00` (tick 0.01)."""
    places = _step_decimals(market.tick) if market.tick > 0 else market.price_precision
    return _fixed(d, places)


def format_size(d: Decimal, market: Market) -> str:
    """A size with the lot's number of decimals, no exponent: 1E-5 → `0.00001` (lot 0.00001)."""
    places = _step_decimals(market.lot) if market.lot > 0 else market.size_precision
    return _fixed(d, places)


__all__ = [
    "estimate_fee",
    "format_price",
    "format_size",
    "notional",
    "on_step",
    "parse_decimal",
    "size_for_fraction",
    "to_step",
    "validate_order",
]
