"""REST codec, trading: order/amend/cancel bodies and order, fill, fee and wallet replies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from btse_tui.protocol.codec_json import (
    amount,
    amount_or_none,
    dec,
    dec_or_none,
    decode_rows,
    first,
    mapping,
    need,
    need_text,
    parse_side,
    parse_tx_type,
    rows,
    split_symbol,
    text_or_empty,
    to_bool,
    to_int,
    to_str_or_none,
    to_time_ms,
)
from btse_tui.protocol.errors import BadValue, ProtocolError, ValidationError
from btse_tui.protocol.models import (
    ZERO,
    AmendRequest,
    Balance,
    FeeRate,
    Fill,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    TxType,
)

# ---------------------------------------------------------------------------- requests


def _enum_value(value: Any) -> Any:
    return getattr(value, "value", value)


def order_body(req: OrderRequest) -> dict[str, Any]:
    """Create-order body (§4.1) in the documented key order; absent (None) fields are omitted.

    MARKET orders carry either `size` (base amount) or, for a BUY by quote amount, `price` =
    the quote budget and no size. When a MARKET order has a size, its price is not sent, so the
    exchange never has to choose between the two.
    """
    body: dict[str, Any] = {
        "symbol": req.symbol,
        "side": _enum_value(req.side),
        "type": _enum_value(req.type),
    }
    is_market = _enum_value(req.type) == OrderType.MARKET.value
    if req.size is not None:
        body["size"] = req.size
    if req.price is not None and not (is_market and req.size is not None):
        body["price"] = req.price
    body["time_in_force"] = _enum_value(req.time_in_force)
    body["txType"] = _enum_value(req.tx_type)
    if req.trigger_price is not None:
        body["triggerPrice"] = req.trigger_price
    if req.stop_price is not None:
        body["stopPrice"] = req.stop_price
    if req.trail_value is not None:
        body["trailValue"] = req.trail_value
    body["postOnly"] = bool(req.post_only)
    if req.cl_order_id is not None:
        body["clOrderID"] = req.cl_order_id
    if req.stealth is not None:
        body["stealth"] = req.stealth
    if req.deviation is not None:
        body["deviation"] = req.deviation
    return body


def amend_body(req: AmendRequest) -> dict[str, Any]:
    """Amend body (§4.3): symbol, orderID or clOrderID, type, then `value` or the ALL fields."""
    body: dict[str, Any] = {"symbol": req.symbol}
    if req.order_id:
        body["orderID"] = req.order_id
    elif req.cl_order_id:
        body["clOrderID"] = req.cl_order_id
    else:
        raise ValidationError("orderID", None, "or clOrderID is required to amend an order")
    kind = req.kind.upper()
    body["type"] = kind
    if kind in ("PRICE", "SIZE", "TRIGGERPRICE"):
        if req.value is None:
            raise ValidationError("value", None, f"is required for an amend of type {kind}")
        body["value"] = req.value
    elif kind == "ALL":
        for key, value in (
            ("orderPrice", req.order_price),
            ("orderSize", req.order_size),
            ("triggerPrice", req.trigger_price),
        ):
            if value is not None:
                body[key] = value
        if len(body) == 3:
            raise ValidationError("order_price", None, "or order_size is required to amend ALL")
    else:
        raise ValidationError("type", req.kind, "must be PRICE, SIZE, TRIGGERPRICE or ALL")
    return body


def cancel_params(
    symbol: str, order_id: str | None = None, cl_order_id: str | None = None
) -> dict[str, str]:
    """Query parameters of DELETE /api/v3.3/order; with no id it cancels the whole symbol.

    orderID wins when both ids are given (the exchange does the same).
    """
    params = {"symbol": symbol}
    if order_id:
        params["orderID"] = order_id
    elif cl_order_id:
        params["clOrderID"] = cl_order_id
    return params


def cancel_all_after_body(timeout_ms: int) -> dict[str, Any]:
    """Dead man's switch body (§4.5): cancel everything if not re-armed within `timeout_ms`."""
    return {"timeout": int(timeout_ms)}


# ---------------------------------------------------------------------------- orders


def _order_currency(value: Any, symbol: str, base_qty: Any, quote_qty: Any) -> str:
    """`base`/`quote` from `base`, `quote`, a currency code, or (absent) the non-null half."""
    if isinstance(value, str) and value:
        lowered = value.lower()
        if lowered in ("base", "quote"):
            return lowered
        return "quote" if value.upper() == split_symbol(symbol)[1].upper() else "base"
    if (base_qty is None or base_qty == 0) and quote_qty:
        return "quote"
    return "base"


def _half(value: Any, name: str, used: bool) -> Decimal | None:
    """A base/quote size field; the unused half (0 or null on the wire) becomes None."""
    d = amount_or_none(value, name)
    return None if (not used and not d) else d


def _id(value: Any, field: str) -> str | None:
    """An order/trade/client id: a short string (numbers become their digits) or None."""
    text = to_str_or_none(value)
    if text is not None and (type(value) not in (str, int) or len(text) > 128):
        raise BadValue(field, value, "is not an id")
    return text


_TRIGGER_TYPES = {1001: "STOP", 1002: "TRIGGER"}
#: `orderType` of a LIMIT order: it rests at its price, which must be above zero.
_LIMIT = 76
#: `orderType` of a PEG (algo) order.
_PEG = 80


def order_from_row(row: Mapping[str, Any], status: int | None = None) -> Order:
    """One order in any spelling: v3.3 ack item, GET order, open_orders row or notification.

    `status` is used when the row has none (open_orders). Unused base/quote halves (0 in
    notifications, null in REST) become None so every source looks alike. `remainingBaseSize`,
    `remainingOrderBaseSize` and legacy `remainingSize` are all read.

    BadValue for values no order can have: a negative price or size, a live LIMIT order
    without a price above zero or without a size, more filled than ordered.
    """
    row = mapping(row, "order")
    g = row.get
    symbol = need_text(row, "symbol")
    quote_orig = g("originalOrderQuoteSize")
    currency = _order_currency(g("orderCurrency"), symbol, g("originalOrderBaseSize"), quote_orig)
    by_quote = currency == "quote"
    tx_raw = g("txType")
    if tx_raw is None and g("triggerOrderType") is not None:
        tx_raw = _TRIGGER_TYPES.get(to_int(g("triggerOrderType"), 0, "triggerOrderType"))
    tx_type = parse_tx_type(tx_raw)
    trigger_price = amount_or_none(g("triggerPrice"), "triggerPrice")
    is_oco = tx_raw in (3, "3") or (isinstance(tx_raw, str) and tx_raw.strip().upper() == "OCO")
    if is_oco and trigger_price:
        tx_type = TxType.STOP  # the OCO's stop leg: the one with a trigger price
    flag = first(row, "trigger", "triggerOrder")
    # notifications (§5.3) carry no trigger flag, only the txType: STOP/TRIGGER is one
    is_trigger = to_bool(flag) if flag is not None else tx_type is not TxType.LIMIT
    trail_value = amount_or_none(g("trailValue"), "trailValue")
    order_type = to_int(g("orderType"), _LIMIT, "orderType")
    peg_deviation = None
    if order_type == _PEG:
        peg_deviation = dec_or_none(first(row, "pegPriceDeviation", "deviation"), "deviation")
    st = g("status")
    code = to_int(st, 0, "status") if st is not None else (2 if status is None else status)
    maker = g("maker")
    order = Order(
        symbol=symbol,
        order_id=_id(first(row, "orderID", "orderId"), "orderID") or "",
        side=parse_side(g("side")),
        status=code,
        cl_order_id=_id(first(row, "clOrderID", "clOrderId"), "clOrderID"),
        order_type=order_type,
        tx_type=tx_type,
        price=amount_or_none(g("price"), "price"),
        trigger_price=trigger_price if trigger_price else None,
        original_size=_half(
            first(row, "originalOrderBaseSize", "originalSize", "size"),
            "originalOrderBaseSize",
            not by_quote,
        ),
        original_quote_size=_half(quote_orig, "originalOrderQuoteSize", by_quote),
        current_size=_half(g("currentOrderBaseSize"), "currentOrderBaseSize", not by_quote),
        current_quote_size=_half(g("currentOrderQuoteSize"), "currentOrderQuoteSize", by_quote),
        remaining_size=_half(
            first(row, "remainingOrderBaseSize", "remainingBaseSize", "remainingSize"),
            "remainingOrderBaseSize",
            not by_quote,
        ),
        remaining_quote_size=_half(
            first(row, "remainingOrderQuoteSize", "remainingQuoteSize"),
            "remainingOrderQuoteSize",
            by_quote,
        ),
        filled_size=amount_or_none(first(row, "filledBaseSize", "fillSize"), "filledBaseSize")
        or ZERO,
        total_filled=amount_or_none(
            first(row, "totalFilledBaseSize", "filledSize"), "totalFilledBaseSize"
        )
        or ZERO,
        avg_fill_price=amount_or_none(
            first(row, "avgFilledPrice", "averageFillPrice"), "avgFilledPrice"
        )
        or ZERO,
        order_currency=currency,
        time_in_force=text_or_empty(first(row, "time_in_force", "timeInForce"), "timeInForce", 16)
        or "GTC",
        post_only=to_bool(g("postOnly")),
        is_trigger=is_trigger,
        trigger_fired=to_bool(g("triggered")) or code == OrderStatus.TRIGGER_ACTIVATED,
        maker=None if maker is None else to_bool(maker),
        message=text_or_empty(g("message"), "message"),
        timestamp_ms=to_time_ms(g("timestamp")),
        is_oco=is_oco,
        trail_value=trail_value if trail_value else None,
        peg_deviation=peg_deviation,
    )
    _believable(order)
    return order


def _believable(order: Order) -> None:
    """Refuse an order state that cannot be true (see `order_from_row`)."""
    if order.is_failure or order.status == OrderStatus.TIMEOUT:
        return  # a refusal or a non-answer echoes whatever was asked (or nothing)
    if order.is_open and order.order_type == _LIMIT and order.price is not None and not order.price:
        raise BadValue("price", order.price, "of an open LIMIT order must be above zero")
    ordered = order.original_size
    sized = ordered is not None or order.original_quote_size is not None
    if order.is_open and sized and not (ordered or order.original_quote_size):
        raise BadValue("size", ordered, "of an open order must be above zero")
    if ordered and order.total_filled > ordered:
        raise BadValue(
            "totalFilledBaseSize",
            order.total_filled,
            f"is more than the order's size {format(ordered, 'f')}",
        )


def orders(obj: Any) -> list[Order]:
    """v3.3 create/amend/cancel ack: an array (OCO = 2 items) or a single object.

    Failure statuses (8/15/16/17) stay Orders with `is_failure`; the caller decides.
    """
    return [order_from_row(row) for row in rows(obj, "order ack")]


def acked_as_sent(request: OrderRequest, acked: list[Order]) -> list[Order]:
    """The create ack of `request` with what the ack leaves out but the request said.

    BTSE answers an OCO with two items sharing the clOrderID and no txType: the limit leg
    (status 2) and the stop leg (status 9, `trigger` true); both are marked `is_oco`. The ack
    carries no `trailValue` either: a trailing stop's ack gets the trail that was sent.
    """
    is_oco = _enum_value(request.type) == OrderType.OCO.value
    out = []
    for item in acked:
        if is_oco and not item.is_failure:
            item = replace(
                item, is_oco=True, tx_type=TxType.STOP if item.is_trigger else item.tx_type
            )
        if request.trail_value is not None and item.trail_value is None:
            item = replace(item, trail_value=request.trail_value)
        if request.deviation is not None and item.peg_deviation is None and item.is_peg:
            item = replace(item, peg_deviation=request.deviation)
        out.append(item)
    return out


def order(obj: Any) -> Order:
    """GET /api/v3.3/order: one order object (a one-item array is accepted too)."""
    found = rows(obj, "order")
    if not found:
        raise ProtocolError("order: empty reply")
    return order_from_row(found[0])


def _open_order_row(row: Any) -> Order:
    row = mapping(row, "open order")
    if row.get("status") is not None:
        return order_from_row(row)
    untriggered = to_bool(row.get("triggerOrder")) and not to_bool(row.get("triggered"))
    filled = amount_or_none(first(row, "totalFilledBaseSize", "filledSize"), "filled")
    if untriggered:
        status = OrderStatus.TRIGGER_INSERTED
    elif filled:
        status = OrderStatus.ORDER_PARTIALLY_TRANSACTED
    else:
        status = OrderStatus.ORDER_INSERTED
    return order_from_row(row, status=int(status))


def open_orders(obj: Any, dropped: list[BadValue] | None = None) -> list[Order]:
    """GET /api/v3.3/user/open_orders rows; they carry no status, so it is derived.

    Untriggered trigger legs → 9 (trigger inserted); partly filled → 5; otherwise → 2.
    With a `dropped` list, a row that does not decode is left out and recorded there.
    The rows carry no OCO marker: two rows sharing a clOrderID, side and size, one a waiting
    stop and one a plain limit, are taken as the two legs of one OCO (`pair_oco_legs`).
    """
    decoded = decode_rows(rows(obj, "open_orders"), _open_order_row, "open order", dropped)
    return pair_oco_legs(decoded)


def pair_oco_legs(found: list[Order]) -> list[Order]:
    """`found` with the legs of each OCO marked `is_oco` (see `open_orders`)."""
    by_id: dict[tuple[str, str], list[Order]] = {}
    for item in found:
        if item.cl_order_id:
            by_id.setdefault((item.symbol, item.cl_order_id), []).append(item)
    legs: set[str] = set()
    for group in by_id.values():
        if len(group) != 2:
            continue
        first_leg, second_leg = group
        stops = [leg for leg in group if leg.is_trigger and leg.trigger_price is not None]
        alike = first_leg.side is second_leg.side and (
            first_leg.original_size == second_leg.original_size
        )
        if len(stops) == 1 and alike and first_leg.trail_value is None:
            legs.update(leg.order_id for leg in group)
    return [
        replace(o, is_oco=True, tx_type=TxType.STOP if o.is_trigger else o.tx_type)
        if o.order_id in legs
        else o
        for o in found
    ]


def _positive(value: Any, field: str) -> Decimal:
    result = amount(value, field)
    if not result:
        raise BadValue(field, value, "must be above zero")
    return result


def fill_from_row(row: Mapping[str, Any]) -> Fill:
    """One own execution from the `fills` topic or trade_history (either id spelling).

    trade_history's `price`/`size` are the order's; its `filledPrice`/`filledSize` win.
    A fill's price and size are above zero; its fee may be negative (a maker rebate).
    """
    row = mapping(row, "fill")
    g = row.get
    maker = g("maker")
    return Fill(
        symbol=need_text(row, "symbol"),
        order_id=_id(first(row, "orderId", "orderID"), "orderId") or "",
        trade_id=_id(first(row, "tradeId", "tradeID"), "tradeId") or "",
        side=parse_side(g("side")),
        price=_positive(first(row, "filledPrice", "price"), "price"),
        size=_positive(first(row, "filledSize", "size"), "size"),
        fee_amount=dec_or_none(g("feeAmount"), "feeAmount") or ZERO,
        fee_currency=text_or_empty(g("feeCurrency"), "feeCurrency", 16),
        cl_order_id=_id(first(row, "clOrderId", "clOrderID"), "clOrderID"),
        serial_id=_id(first(row, "serialId"), "serialId") or "",
        base=text_or_empty(g("base"), "base", 16),
        quote=text_or_empty(g("quote"), "quote", 16),
        maker=None if maker is None else to_bool(maker),
        timestamp_ms=to_time_ms(g("timestamp")),
    )


def trade_history(obj: Any, dropped: list[BadValue] | None = None) -> list[Fill]:
    """GET /api/v3.3/user/trade_history rows (lower-case `orderId`, filledPrice/filledSize)."""
    return decode_rows(rows(obj, "trade_history"), fill_from_row, "fill", dropped)


def _fee_row(row: Any) -> FeeRate:
    row = mapping(row, "fee row")
    symbol = row.get("symbol") or ""
    if type(symbol) is not str:
        raise BadValue("symbol", symbol, "is not a name")
    maker = dec(need(row, "makerFee"), "makerFee")
    taker = dec(need(row, "takerFee"), "takerFee")
    for name, rate in (("makerFee", maker), ("takerFee", taker)):
        if abs(rate) >= 1:
            raise BadValue(name, rate, "is not a fee rate (a fraction below 1)")
    return FeeRate(symbol=symbol.upper(), maker=maker, taker=taker)


def fees(obj: Any, dropped: list[BadValue] | None = None) -> list[FeeRate]:
    """GET /api/v3.3/user/fees: one object or an array; symbols upper-cased (`btc-usd`)."""
    return decode_rows(rows(obj, "fees"), _fee_row, "fee row", dropped)


def _balance_row(row: Any) -> Balance:
    row = mapping(row, "wallet row")
    total_raw = need(row, "total", "totalAmount")
    total = amount(total_raw, "total")
    available = amount(need(row, "available", "availableAmount"), "available")
    if available > total:
        raise BadValue("available", available, f"is more than the total {format(total, 'f')}")
    return Balance(currency=need_text(row, "currency", "asset"), total=total, available=available)


def wallet(obj: Any, dropped: list[BadValue] | None = None) -> list[Balance]:
    """GET /api/v3.2/user/wallet rows, or the newer wallet v1 `assets` envelope rows.

    A balance is never negative and never more available than in total; with a `dropped`
    list such a row is left out and recorded there.
    """
    return decode_rows(rows(obj, "wallet"), _balance_row, "wallet row", dropped)


__all__ = [
    "acked_as_sent",
    "amend_body",
    "cancel_all_after_body",
    "cancel_params",
    "fees",
    "fill_from_row",
    "open_orders",
    "order",
    "order_body",
    "order_from_row",
    "orders",
    "trade_history",
    "wallet",
]
