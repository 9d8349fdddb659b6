"""Order REST shapes: create/amend/cancel items, order objects, open orders, trade history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from btse_tui.sim.engine.records import FillRecord, OrderRecord
from btse_tui.sim.wire.encode import num_or_zero

ZERO = Decimal(0)

# BTSE's numeric codes (REST and WebSocket): orderType, txType, triggerOrderType
ORDER_TYPE_CODES = {"LIMIT": 76, "MARKET": 77, "PEG": 80, "OCO": 80}
TX_TYPE_CODES = {"LIMIT": 0, "STOP": 1, "TRIGGER": 2, "OCO": 3}
TRIGGER_ORDER_TYPES = {"STOP": 1001, "TRIGGER": 1002}


def order_type_code(rec: OrderRecord) -> int:
    """`orderType`: 80 for a PEG (it matches as a limit inside the engine), else by type.

    Both legs of an OCO are 76 (LIMIT), as in G33's OCO reply."""
    if rec.is_peg:
        return ORDER_TYPE_CODES["PEG"]
    return ORDER_TYPE_CODES.get(rec.order_type, 76)


def tx_type_code(rec: OrderRecord) -> int:
    """Notification `txType`: 3 for either leg of an OCO (D-notifications), else by txType."""
    return TX_TYPE_CODES["OCO"] if rec.is_oco else TX_TYPE_CODES.get(rec.tx_type, 0)


def peg_numbers(rec: OrderRecord) -> tuple[Decimal | int, Decimal | int]:
    """(stealth, deviation) as BTSE echoes them: the PEG's own, 1 and 1 on other orders."""
    if rec.is_peg:
        return num_or_zero(rec.stealth), num_or_zero(rec.peg_deviation)
    return 1, 1


def _halves(rec: OrderRecord) -> dict[str, Decimal | None]:
    """The base/quote size pairs; the half not matching orderCurrency is None."""
    quote = rec.order_currency == "quote"
    remaining = rec.remaining_size
    remaining_q = rec.remaining_quote_size
    return {
        "originalOrderBaseSize": None if quote else rec.original_size,
        "originalOrderQuoteSize": rec.original_quote_size if quote else None,
        "currentOrderBaseSize": None if quote else rec.current_size,
        "currentOrderQuoteSize": rec.current_quote_size if quote else None,
        "remainingOrderBaseSize": None if quote else remaining,
        "remainingOrderQuoteSize": remaining_q if quote else None,
    }


def order_price(rec: OrderRecord) -> Decimal | int:
    """The `price` BTSE shows for an order: a MARKET order's average fill (`avgFilledPrice`).

    That holds for a quote-sized MARKET buy too (its `price` on the way in is the budget, on
    the way out the fill price); only a quote-sized trigger that has not filled yet still
    shows its budget.
    """
    if rec.order_type == "MARKET":
        if rec.order_currency == "quote" and rec.is_trigger and not rec.filled_size:
            return num_or_zero(rec.price)
        return rec.avg_fill_price or 0
    return num_or_zero(rec.price)


def order_item(rec: OrderRecord, *, amend: bool = False) -> dict[str, Any]:
    """One item of a v3.3 create/amend/cancel reply array (§4.1)."""
    item: dict[str, Any] = {
        "status": rec.status,
        "symbol": rec.symbol,
        "orderType": order_type_code(rec),
        "price": order_price(rec),
        "side": rec.side,
        "orderID": rec.order_id,
        "timestamp": rec.timestamp_ms,
        "triggerPrice": num_or_zero(rec.trigger_price),
        "stopPrice": None,
        "trigger": rec.is_trigger,
        "message": rec.message,
        "clOrderID": rec.cl_order_id,
        "stealth": peg_numbers(rec)[0],
        "deviation": peg_numbers(rec)[1],
        "postOnly": rec.post_only,
        "orderDetailType": None,
    }
    item.update(_halves(rec))
    item["filledBaseSize"] = rec.last_fill_size
    item["totalFilledBaseSize"] = rec.filled_size
    item["orderCurrency"] = rec.order_currency
    item["avgFilledPrice"] = rec.avg_fill_price
    item["time_in_force"] = rec.time_in_force
    if amend:
        item["originalPrice"] = num_or_zero(rec.original_price if rec.original_price else rec.price)
    return item


def _order_common(rec: OrderRecord, quote_currency: str) -> dict[str, Any]:
    size = rec.current_size if rec.current_size is not None else ZERO
    price = rec.price if rec.price is not None else ZERO
    value = rec.current_quote_size if rec.order_currency == "quote" else price * size
    row: dict[str, Any] = {
        "orderID": rec.order_id,
        "orderType": order_type_code(rec),
        "price": order_price(rec),
        "side": rec.side,
        "orderValue": num_or_zero(value),
        "pegPriceMin": num_or_zero(rec.peg_limit) if rec.side == "SELL" else 0,
        "pegPriceMax": num_or_zero(rec.peg_limit) if rec.side == "BUY" else 0,
        "pegPriceDeviation": num_or_zero(rec.peg_deviation),
        "timestamp": rec.timestamp_ms,
        "triggerOrder": rec.is_trigger,
        "triggerPrice": num_or_zero(rec.trigger_price),
        "triggerOriginalPrice": num_or_zero(rec.price) if rec.is_trigger else 0,
        "triggerOrderType": TRIGGER_ORDER_TYPES.get(rec.tx_type, 0) if rec.is_trigger else 0,
        "triggerTrailingStopDeviation": 0,
        "triggerStopPrice": 0,
        "symbol": rec.symbol,
        "trailValue": num_or_zero(rec.trail_value),
        "quote": quote_currency,
        "clOrderID": rec.cl_order_id,
    }
    return row


def _order_tail(rec: OrderRecord) -> dict[str, Any]:
    tail: dict[str, Any] = {"timeInForce": rec.time_in_force}
    tail.update(_halves(rec))
    tail["totalFilledBaseSize"] = rec.filled_size
    tail["orderCurrency"] = rec.order_currency
    tail["avgFilledPrice"] = rec.avg_fill_price
    tail["triggered"] = rec.triggered
    return tail


def order_object(rec: OrderRecord, quote_currency: str) -> dict[str, Any]:
    """`GET /api/v3.3/order` reply: one object, `timeInForce` camelCase (§4.2)."""
    row = _order_common(rec, quote_currency)
    row["status"] = rec.status
    row.update(_order_tail(rec))
    return row


def open_order_row(rec: OrderRecord, quote_currency: str) -> dict[str, Any]:
    """One `user/open_orders` row: §4.2 fields without status, plus orderState etc. (§4.6)."""
    row = _order_common(rec, quote_currency)
    row.update(_order_tail(rec))
    waiting = rec.is_trigger and not rec.triggered
    row.update(
        {
            "requestId": 0,
            "vendorName": None,
            "botID": None,
            "cancelDuration": 0,
            "orderState": "STATUS_INACTIVE" if waiting else "STATUS_ACTIVE",
            "orderDetailType": None,
            "orderDetail": None,
        }
    )
    return row


def trade_history_row(fill: FillRecord, order: OrderRecord | None, username: str) -> dict[str, Any]:
    """One `user/trade_history` row: lower-case `orderId`, numbers (§4.7)."""
    if order is None:
        trigger_price: Decimal | int = 0
        price, size, avg, trigger_type = fill.price, fill.size, fill.price, 0
    else:
        if order.order_currency == "quote":
            # a quote-sized MARKET buy: the fill price, and the quote amount as `size` (G33, live)
            price = fill.price
            size = order.original_quote_size if order.original_quote_size is not None else fill.size
        else:
            price = order.price if order.price is not None else fill.price
            size = order.original_size if order.original_size is not None else fill.size
        trigger_price = num_or_zero(order.trigger_price)
        avg = order.avg_fill_price or fill.price
        trigger_type = TRIGGER_ORDER_TYPES.get(order.tx_type, 0) if order.is_trigger else 0
    return {
        "tradeId": fill.trade_id,
        "orderId": fill.order_id,
        "clOrderID": fill.cl_order_id,
        "username": username,
        "side": fill.side,
        "orderType": ORDER_TYPE_CODES.get(fill.order_type, 76),
        "triggerType": trigger_type,
        "price": price,
        "size": size,
        "filledPrice": fill.price,
        "filledSize": fill.size,
        "triggerPrice": trigger_price,
        "base": fill.base,
        "quote": fill.quote,
        "symbol": fill.symbol,
        "feeCurrency": fill.fee_currency,
        "feeAmount": fill.fee_amount,
        "wallet": "SPOT@",
        "realizedPnl": 0,
        "total": 0,
        "serialId": fill.serial_id,
        "timestamp": fill.timestamp_ms,
        "avgFilledPrice": avg,
    }
