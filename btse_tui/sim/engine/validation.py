"""Parsing and rule checks of order bodies (btse-api.md §4.1, §8) into typed order requests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from btse_tui.sim.engine.catalog import MarketSpec
from btse_tui.sim.engine.records import ZERO, RequestRejected

#: Time-in-force values and their lifetime in ms (None → no expiry).
TIME_IN_FORCE: dict[str, int | None] = {
    "GTC": None,
    "IOC": None,
    "FOK": None,
    "HALFMIN": 30_000,
    "FIVEMIN": 300_000,
    "HOUR": 3_600_000,
    "TWELVEHOUR": 43_200_000,
    "DAY": 86_400_000,
    "WEEK": 604_800_000,
    "MONTH": 2_592_000_000,
}

_TX_TYPES = {"LIMIT": "LIMIT", "STOP": "STOP", "TRIGGER": "TRIGGER", "TAKEPROFIT": "TRIGGER"}

CODE_MARKET_UNAVAILABLE = 1
CODE_INVALID_REQUEST = -2
CODE_UNSUPPORTED_SYMBOL = -7006
CODE_MAX_SIZE = 300
CODE_INVALID_SIZE = 301
CODE_INVALID_PRICE = 302


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """A validated new order."""

    symbol: str
    side: str
    order_type: str
    tx_type: str
    price: Decimal | None  # limit price (LIMIT) or quote budget (MARKET BUY by quote)
    size: Decimal | None  # base size; None for a quote-sized market buy
    trigger_price: Decimal | None
    time_in_force: str
    post_only: bool
    cl_order_id: str | None
    stop_price: Decimal | None = None  # OCO: the stop leg's limit price
    trail_value: Decimal | None = None  # trailing stop: distance the trigger follows by
    deviation: Decimal | None = None  # PEG: percent off the index price
    stealth: Decimal | None = None  # PEG: percent shown on the book

    @property
    def by_quote(self) -> bool:
        return self.order_type == "MARKET" and self.side == "BUY" and self.size is None


def invalid(message: str, code: int = CODE_INVALID_REQUEST) -> RequestRejected:
    """A 400 rejection with a BTSE code."""
    return RequestRejected(400, code, message)


#: The largest magnitude any price, size or amount may have: beyond it Decimal arithmetic at
#: the engine's precision (tick multiples, notional, fees) would no longer be exact.
MAX_NUMBER = Decimal("1e15")


def shown(value: object) -> str:
    """A client's value as a message quotes it: numbers plain, text quoted, long ones cut."""
    text = str(value) if isinstance(value, int | float | Decimal) else repr(value)
    return text if len(text) <= 40 else f"{text[:37]}…"


def to_decimal(
    value: object, name: str, code: int = CODE_INVALID_REQUEST, *, limit: Decimal = MAX_NUMBER
) -> Decimal | None:
    """Convert a JSON number or numeric string to Decimal; None/"" → None.

    Anything else is a 400 whose message names the field (`name`) and the value: code -2 for
    what is not a finite number, `code` for a magnitude of `limit` or more.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise invalid(f"Invalid {name} parameter: {shown(value)}")
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise invalid(f"Invalid {name} parameter: {shown(value)} is not a number") from None
    if not result.is_finite():
        raise invalid(f"Invalid {name} parameter: {shown(value)} is not a finite number")
    if abs(result) >= limit:
        raise invalid(
            f"Invalid {name} parameter: {shown(value)} is out of range (must be below "
            f"{fmt(limit)})",
            code,
        )
    return result


def to_bool(value: object, name: str) -> bool:
    """JSON bool or "true"/"false" string; missing → False."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise invalid(f"Invalid {name} parameter: {shown(value)}")


def fmt(value: Decimal) -> str:
    """Plain decimal text (no exponent) for messages."""
    return format(value, "f")


def market_for(markets: dict[str, MarketSpec], symbol: object) -> MarketSpec:
    """The active market called `symbol`, or a RequestRejected."""
    if symbol is None or symbol == "":
        raise invalid("symbol parameter is mandatory")
    if not isinstance(symbol, str):
        raise invalid(f"Invalid symbol parameter: {symbol!r}")
    spec = markets.get(symbol)
    if spec is None:
        raise invalid(f"Unsupported symbol: {symbol}", CODE_UNSUPPORTED_SYMBOL)
    if not spec.active:
        raise invalid(
            f"MARKET_UNAVAILABLE: {symbol} is not open for trading", CODE_MARKET_UNAVAILABLE
        )
    return spec


def check_price(spec: MarketSpec, price: Decimal, what: str = "price") -> None:
    """Price must be ≥ the minimum and on the tick (code 302)."""
    if price <= ZERO:
        raise invalid(f"Invalid order {what}: {fmt(price)} must be positive", CODE_INVALID_PRICE)
    if price < spec.min_price:
        raise invalid(
            f"Invalid order {what}: {fmt(price)} is below the minimum {fmt(spec.min_price)}",
            CODE_INVALID_PRICE,
        )
    if price % spec.tick != ZERO:
        raise invalid(
            f"Invalid order {what}: {fmt(price)} is not a multiple of the tick {fmt(spec.tick)}",
            CODE_INVALID_PRICE,
        )


def check_size(spec: MarketSpec, size: Decimal) -> None:
    """Size must be within [min, max] and on the lot (codes 300/301)."""
    if size <= ZERO:
        raise invalid(f"Invalid order size: {fmt(size)} must be positive", CODE_INVALID_SIZE)
    if size < spec.min_size:
        raise invalid(
            f"Invalid order size: {fmt(size)} is below the minimum {fmt(spec.min_size)}",
            CODE_INVALID_SIZE,
        )
    if size > spec.max_size:
        raise invalid(
            f"Invalid order size: {fmt(size)} exceeds the maximum {fmt(spec.max_size)}",
            CODE_MAX_SIZE,
        )
    if size % spec.lot != ZERO:
        raise invalid(
            f"Invalid order size: {fmt(size)} is not a multiple of the lot {fmt(spec.lot)}",
            CODE_INVALID_SIZE,
        )


def order_ref(body: dict[str, Any], key: str) -> str | None:
    """`orderID` / `clOrderID`: text (a JSON number is taken as its digits); missing → None."""
    value = body.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise invalid(f"Invalid {key} parameter: {shown(value)} (expected text)")
    return str(value)


def _upper(body: dict[str, Any], key: str, default: str | None = None) -> str | None:
    value = body.get(key, default)
    if value is None or value == "":
        return default
    if not isinstance(value, str):
        raise invalid(f"Invalid {key} parameter: {shown(value)}")
    return value.strip().upper()


def parse_order(markets: dict[str, MarketSpec], body: dict[str, Any]) -> OrderRequest:
    """Validate a create-order body into an OrderRequest or raise RequestRejected."""
    if not isinstance(body, dict):
        raise invalid("Request body must be a JSON object")
    spec = market_for(markets, body.get("symbol"))
    side = _upper(body, "side")
    if side is None:
        raise invalid("side parameter is mandatory")
    if side not in ("BUY", "SELL"):
        raise invalid(f"Invalid side parameter: {body.get('side')!r}")
    order_type = _upper(body, "type")
    if order_type is None:
        raise invalid("type parameter is mandatory")
    if order_type not in ("LIMIT", "MARKET", "OCO", "PEG"):
        raise invalid(f"Invalid type parameter: {body.get('type')!r}")
    raw_tx = _upper(body, "txType", "LIMIT")
    tx_type = _TX_TYPES.get(raw_tx or "LIMIT")
    if tx_type is None:
        raise invalid(f"Invalid txType parameter: {body.get('txType')!r}")
    tif = _upper(body, "time_in_force", "GTC") or "GTC"
    if tif not in TIME_IN_FORCE:
        raise invalid(f"Invalid time_in_force parameter: {body.get('time_in_force')!r}")
    post_only = to_bool(body.get("postOnly"), "postOnly")
    cl_order_id = order_ref(body, "clOrderID")

    price = to_decimal(body.get("price"), "price", CODE_INVALID_PRICE)
    size = to_decimal(body.get("size"), "size", CODE_INVALID_SIZE)
    trigger = to_decimal(body.get("triggerPrice"), "triggerPrice", CODE_INVALID_PRICE)
    if trigger is not None and trigger == ZERO:
        trigger = None  # clients send 0 for "no trigger"
    stop = to_decimal(body.get("stopPrice"), "stopPrice", CODE_INVALID_PRICE) or None
    trail = to_decimal(body.get("trailValue"), "trailValue", CODE_INVALID_PRICE) or None
    extra = _special_fields(spec, body, order_type, tx_type, side, price, trigger, stop, trail)
    if order_type in ("OCO", "PEG"):
        if price is None:
            raise invalid(f"price parameter is mandatory for {order_type} orders")
        if size is None:
            raise invalid("size parameter is mandatory")
        check_price(spec, price)
        check_size(spec, size)
        return OrderRequest(
            spec.symbol, side, order_type, "LIMIT", price.quantize(spec.tick),
            size.quantize(spec.lot), trigger.quantize(spec.tick) if trigger and order_type == "OCO"
            else None, tif,
            post_only, cl_order_id, *extra,
        )  # fmt: skip
    if trail is not None:
        trigger = None  # the trigger of a trailing stop follows the price: it is never sent
    elif tx_type != "LIMIT":
        if trigger is None:
            raise invalid(f"triggerPrice parameter is mandatory for {tx_type} orders")
        check_price(spec, trigger, "trigger price")
    else:
        trigger = None

    if order_type == "LIMIT":
        if price is None:
            raise invalid("price parameter is mandatory for LIMIT orders")
        if size is None:
            raise invalid("size parameter is mandatory")
        check_price(spec, price)
        check_size(spec, size)
    elif side == "BUY" and price is not None and price != ZERO:
        if price < ZERO:
            raise invalid(f"Invalid order price: {fmt(price)} must be positive", CODE_INVALID_PRICE)
        size = None  # quote budget wins for a market buy
    else:
        price = None
        if size is None:
            raise invalid("size parameter is mandatory")
        check_size(spec, size)
    if order_type == "LIMIT" and price is not None:
        price = price.quantize(spec.tick)
    if size is not None:
        size = size.quantize(spec.lot)
    if trigger is not None:
        trigger = trigger.quantize(spec.tick)
    return OrderRequest(
        symbol=spec.symbol,
        side=side,
        order_type=order_type,
        tx_type=tx_type,
        price=price,
        size=size,
        trigger_price=trigger,
        time_in_force=tif,
        post_only=post_only,
        cl_order_id=cl_order_id,
        trail_value=extra[1],
    )


def _special_fields(
    spec: MarketSpec,
    body: dict[str, Any],
    order_type: str,
    tx_type: str,
    side: str,
    price: Decimal | None,
    trigger: Decimal | None,
    stop: Decimal | None,
    trail: Decimal | None,
) -> tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None]:
    """(stopPrice, trailValue, deviation, stealth) checked for the order type they belong to.

    OCO needs triggerPrice and stopPrice, the limit leg on the far side of the trigger; a
    trailValue goes with a MARKET STOP only; PEG needs stealth (0-100 %] and deviation -10-10 %.
    """
    deviation = to_decimal(body.get("deviation"), "deviation")
    stealth = to_decimal(body.get("stealth"), "stealth")
    if order_type == "OCO":
        if tx_type != "LIMIT":
            raise invalid(f"Invalid txType parameter: {body.get('txType')!r} for an OCO order")
        if trigger is None:
            raise invalid("triggerPrice parameter is mandatory for OCO orders")
        if stop is None:
            raise invalid("stopPrice parameter is mandatory for OCO orders")
        check_price(spec, trigger, "trigger price")
        check_price(spec, stop, "stop price")
        if price is not None and (price >= trigger if side == "BUY" else price <= trigger):
            where = "below" if side == "BUY" else "above"
            raise invalid(
                f"Invalid order price: {fmt(price)} of a {side} OCO must be {where} the trigger "
                f"price {fmt(trigger)}",
                CODE_INVALID_PRICE,
            )
        stop = stop.quantize(spec.tick)
    elif stop is not None:
        raise invalid("stopPrice parameter is only valid for OCO orders")
    if trail is not None:
        if order_type != "MARKET" or tx_type != "STOP":
            raise invalid("trailValue parameter is only valid for MARKET STOP orders")
        if trail < ZERO or trail % spec.tick != ZERO:
            raise invalid(
                f"Invalid trailValue parameter: {fmt(trail)} must be a positive multiple of the "
                f"tick {fmt(spec.tick)}",
                CODE_INVALID_PRICE,
            )
    if order_type == "PEG":
        if tx_type != "LIMIT":
            raise invalid(f"Invalid txType parameter: {body.get('txType')!r} for a PEG order")
        if stealth is None:
            raise invalid("stealth parameter is mandatory for PEG orders")
        if not ZERO < stealth <= 100:
            raise invalid(f"Invalid stealth parameter: {fmt(stealth)} must be above 0, at most 100")
        if deviation is None:
            deviation = ZERO
        if abs(deviation) > 10:
            raise invalid(f"Invalid deviation parameter: {fmt(deviation)} must be from -10 to 10")
    else:
        deviation = stealth = None  # ordinary orders: BTSE echoes 1 and ignores them
    return stop, trail, deviation, stealth


@dataclass(frozen=True, slots=True)
class AmendRequest:
    """A validated amend (btse-api.md §4.3); None fields stay unchanged."""

    symbol: str
    order_id: str | None
    cl_order_id: str | None
    price: Decimal | None
    size: Decimal | None
    trigger_price: Decimal | None


def parse_amend(markets: dict[str, MarketSpec], body: dict[str, Any]) -> AmendRequest:
    """Validate an amend body: PRICE / SIZE / TRIGGERPRICE take `value`, ALL takes
    orderPrice / orderSize / triggerPrice. SIZE is the new total order size (filled included)."""
    if not isinstance(body, dict):
        raise invalid("Request body must be a JSON object")
    symbol = body.get("symbol")
    if symbol is None or symbol == "":
        raise invalid("symbol parameter is mandatory")
    spec = markets.get(symbol) if isinstance(symbol, str) else None
    if spec is None:
        raise invalid(f"Unsupported symbol: {symbol}", CODE_UNSUPPORTED_SYMBOL)
    order_id = order_ref(body, "orderID")
    cl_order_id = order_ref(body, "clOrderID")
    if order_id is None and cl_order_id is None:
        raise invalid("orderID or clOrderID parameter is mandatory")
    kind = _upper(body, "type")
    price = size = trigger = None
    if kind in ("PRICE", "SIZE", "TRIGGERPRICE"):
        code = CODE_INVALID_SIZE if kind == "SIZE" else CODE_INVALID_PRICE
        value = to_decimal(body.get("value"), "value", code)
        if value is None:
            raise invalid("value parameter is mandatory")
        if kind == "PRICE":
            price = value
        elif kind == "SIZE":
            size = value
        else:
            trigger = value
    elif kind == "ALL":
        price = to_decimal(body.get("orderPrice"), "orderPrice", CODE_INVALID_PRICE)
        size = to_decimal(body.get("orderSize"), "orderSize", CODE_INVALID_SIZE)
        trigger = to_decimal(body.get("triggerPrice"), "triggerPrice", CODE_INVALID_PRICE)
        if trigger == ZERO:
            trigger = None
        if price is None and size is None and trigger is None:
            raise invalid("orderPrice, orderSize or triggerPrice is mandatory")
    else:
        raise invalid(f"Invalid type parameter: {body.get('type')!r}")
    if price is not None:
        check_price(spec, price)
        price = price.quantize(spec.tick)
    if size is not None:
        check_size(spec, size)
        size = size.quantize(spec.lot)
    if trigger is not None:
        check_price(spec, trigger, "trigger price")
        trigger = trigger.quantize(spec.tick)
    return AmendRequest(spec.symbol, order_id, cl_order_id, price, size, trigger)
