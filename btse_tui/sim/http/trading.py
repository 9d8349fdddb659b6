"""Signed spot endpoints: orders, open orders, trade history, fees, cancelAllAfter, wallet."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from btse_tui.sim import wire
from btse_tui.sim.engine.records import RequestRejected
from btse_tui.sim.engine.validation import shown, to_decimal
from btse_tui.sim.http.endpoint import Call, NotFound, error_body, json_response

WEEK_MS = 7 * 86_400_000
#: The longest dead man's switch accepted (BTSE publishes no bound; a day is generous).
MAX_CANCEL_AFTER_MS = 86_400_000


def _json_body(call: Call) -> dict:
    """The request body as a dict; floats stay exact (Decimal)."""
    try:
        body = json.loads(call.body or b"{}", parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        raise RequestRejected(400, -2, "Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise RequestRejected(400, -2, "Request body must be a JSON object")
    return body


def _int_param(call: Call, name: str) -> int | None:
    raw = call.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise RequestRejected(400, -2, f"Invalid {name} parameter: {raw!r}") from None


def _quote(call: Call, symbol: str) -> str:
    spec = call.ctx.engine.markets.get(symbol)
    return spec.quote if spec is not None else ""


async def create_order(call: Call) -> Any:
    """POST /api/v3.3/order (and /order/peg): a JSON array of order items."""
    ctx = call.ctx
    records = ctx.engine.place_order(call.api_key, _json_body(call))
    ctx.hub.flush()
    if ctx.faults.order_timeout:
        await ctx.shutdown.wait()  # the order stands; the reply never comes
        return json_response(error_body(408, -1, "Request timed out"), 408)
    return [wire.order_item(r) for r in records]


async def amend_order(call: Call) -> Any:
    """PUT /api/v3.3/order: one item, status 123, with originalPrice."""
    rec = call.ctx.engine.amend_order(call.api_key, _json_body(call))
    return [wire.order_item(rec, amend=True)]


async def cancel_order(call: Call) -> Any:
    """DELETE /api/v3.3/order?symbol=…[&orderID=…|&clOrderID=…]: one item per cancelled order."""
    q = call.query
    records = call.ctx.engine.cancel_orders(
        call.api_key,
        q.get("symbol", ""),
        order_id=q.get("orderID") or None,
        cl_order_id=q.get("clOrderID") or None,
    )
    return [wire.order_item(r) for r in records]


async def get_order(call: Call) -> Any:
    """GET /api/v3.3/order?orderID=…|clOrderID=…: one object (timeInForce camelCase)."""
    q = call.query
    order_id, cl_order_id = q.get("orderID") or None, q.get("clOrderID") or None
    if order_id is None and cl_order_id is None:
        raise RequestRejected(400, -2, "orderID or clOrderID parameter is mandatory")
    rec = call.ctx.engine.get_order(call.api_key, order_id=order_id, cl_order_id=cl_order_id)
    if rec is None:
        raise NotFound("Order not found")
    return wire.order_object(rec, _quote(call, rec.symbol))


async def order(call: Call) -> Any:
    method = call.request.method
    if method == "POST":
        return await create_order(call)
    if method == "PUT":
        return await amend_order(call)
    if method == "DELETE":
        return await cancel_order(call)
    return await get_order(call)


def _known_symbol(call: Call, symbol: str | None) -> None:
    if symbol and symbol not in call.ctx.engine.markets:
        raise RequestRejected(400, -7006, f"Unsupported symbol: {symbol}")


async def open_orders(call: Call) -> Any:
    q = call.query
    symbol = q.get("symbol") or None
    _known_symbol(call, symbol)
    records = call.ctx.engine.open_orders(
        call.api_key,
        symbol=symbol,
        order_id=q.get("orderID") or None,
        cl_order_id=q.get("clOrderID") or None,
    )
    return [wire.open_order_row(r, _quote(call, r.symbol)) for r in records]


async def trade_history(call: Call) -> Any:
    q = call.query
    symbol = q.get("symbol")
    if not symbol:
        raise RequestRejected(400, -2, "symbol parameter is mandatory")
    _known_symbol(call, symbol)
    start, end = _int_param(call, "startTime"), _int_param(call, "endTime")
    count = _int_param(call, "count")
    if start is not None and end is not None and end - start > WEEK_MS:
        start = end - WEEK_MS  # BTSE answers 200 for the last 7 days of a longer window
    if start is None and end is None:
        end = call.ctx.now_ms()
    if start is None and end is not None:
        start = end - WEEK_MS
    elif end is None and start is not None:
        end = start + WEEK_MS
    engine = call.ctx.engine
    fills = engine.trade_history(
        call.api_key,
        symbol,
        start,
        end,
        count if count and count > 0 else 500,
        q.get("orderID") or None,
        q.get("clOrderID") or None,
    )
    orders: dict[str, Any] = {}
    rows = []
    username = call.account.name if call.account is not None else ""
    for fill in fills:
        if fill.order_id not in orders:
            orders[fill.order_id] = engine.get_order(call.api_key, order_id=fill.order_id)
        rows.append(wire.trade_history_row(fill, orders[fill.order_id], username))
    return rows


async def fees(call: Call) -> Any:
    """With `symbol`: one object (doc example); without: one object per market (list)."""
    maker, taker = call.ctx.engine.fee_rates(call.api_key)
    symbol = call.query.get("symbol")
    if symbol:
        _known_symbol(call, symbol)
        return {"symbol": symbol, "makerFee": maker, "takerFee": taker}
    return [{"symbol": s, "makerFee": maker, "takerFee": taker} for s in call.ctx.engine.markets]


async def cancel_all_after(call: Call) -> Any:
    """`{"timeout": ms}`: a whole number of milliseconds, 0 (disarm) up to a day."""
    timeout = _json_body(call).get("timeout")
    if timeout is None or timeout == "":
        raise RequestRejected(400, -2, "timeout parameter is mandatory")
    rule = f"a whole number of milliseconds from 0 to {MAX_CANCEL_AFTER_MS}"
    value = to_decimal(timeout, "timeout")
    assert value is not None
    if not 0 <= value <= MAX_CANCEL_AFTER_MS or value != value.to_integral_value():
        raise RequestRejected(400, -2, f"Invalid timeout parameter: {shown(timeout)} ({rule})")
    timeout_ms = int(value)
    call.ctx.engine.cancel_all_after(call.api_key, timeout_ms)
    return {"status": 20, "timeout": timeout_ms}


async def wallet(call: Call) -> Any:
    rows = call.ctx.engine.wallet(call.api_key)
    currency = call.query.get("currency")
    return [
        {"currency": c, "total": total, "available": available}
        for c, total, available in rows
        if not currency or c == currency
    ]


SPOT = "/spot/api/v3.3"

ROUTES = [
    (f"{SPOT}/order", ["POST", "PUT", "DELETE"], order, "order", "Trading"),
    (f"{SPOT}/order", ["GET"], order, "query", "Trading"),
    (f"{SPOT}/order/peg", ["POST"], create_order, "order", "Trading"),
    (f"{SPOT}/order/cancelAllAfter", ["POST"], cancel_all_after, "order", "Trading"),
    (f"{SPOT}/user/open_orders", ["GET"], open_orders, "query", "Trading"),
    (f"{SPOT}/user/trade_history", ["GET"], trade_history, "query", "Read"),
    (f"{SPOT}/user/fees", ["GET"], fees, "query", "Read"),
    ("/spot/api/v3.2/user/wallet", ["GET"], wallet, "wallet", "Read"),
]
