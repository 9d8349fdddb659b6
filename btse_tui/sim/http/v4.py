"""The spot v4 trade API and wallet v1 assets that ccxt 4.5.90 trades through (btse-api.md 4.10).

Same engine, accounts and signing as v3.3: every handler translates the v4 request into the
v3.3 one, runs it on the engine (reusing the v3.3 handlers where the request carries over) and
renames the reply's fields into the v4 shape ccxt's `parse_*` functions read (`orderId`,
`market`, `type`, `orderSide`, `orderPrice`, `userQuoteCurrency`, …). Failures answer the newer
APIs' envelope `{"code","msg","time","data":null,"success":false}`.
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from typing import Any

from starlette.responses import Response

from btse_tui.sim import wire
from btse_tui.sim.engine.records import STATUS_INSUFFICIENT, RequestRejected
from btse_tui.sim.engine.validation import invalid, to_bool, to_decimal
from btse_tui.sim.http import trading
from btse_tui.sim.http.endpoint import Call, Handler, NotFound, json_response, markets_envelope

#: the newer APIs' code for a rejected order that lacks funds (ccxt: "observed live").
CODE_INSUFFICIENT_WALLET = 51523
_REASONS = {400: "BADREQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOTFOUND"}
_ORDER_STATES = {
    2: "ORDER_INSERTED",
    4: "ORDER_FULLY_TRANSACTED",
    5: "ORDER_PARTIALLY_TRANSACTED",
    6: "ORDER_CANCELLED",
    8: "INSUFFICIENT_BALANCE",
    9: "TRIGGER_INSERTED",
    10: "TRIGGER_ACTIVATED",
    15: "ORDER_REJECTED",
}
#: the v3.3 base/quote size pairs, passed through unchanged into v4 replies
SIZE_PAIRS = (
    "originalOrderBaseSize",
    "originalOrderQuoteSize",
    "currentOrderBaseSize",
    "currentOrderQuoteSize",
    "remainingOrderBaseSize",
    "remainingOrderQuoteSize",
)
#: conditional `triggerOrderType` → (v3.3 type, txType)
_CONDITIONAL = {
    "STOP_LOSS": ("MARKET", "STOP"),
    "STOP_LOSS_LIMIT": ("LIMIT", "STOP"),
    "TAKE_PROFIT": ("MARKET", "TRIGGER"),
    "TAKE_PROFIT_LIMIT": ("LIMIT", "TRIGGER"),
}


def failure(call: Call, status: int, code: int, message: str) -> Response:
    """The newer APIs' error envelope, e.g. `{"code":4005,"msg":"BADREQUEST: …"}`."""
    body = {
        "code": code,
        "msg": f"{_REASONS.get(status, 'ERROR')}: {message}",
        "time": call.ctx.now_ms(),
        "data": None,
        "success": False,
    }
    return json_response(body, status)


def v4_errors(handler: Handler) -> Handler:
    """Answer engine rejections and unknown orders in the v4 error envelope."""

    @functools.wraps(handler)
    async def wrapped(call: Call) -> Any:
        try:
            return await handler(call)
        except RequestRejected as exc:
            return failure(call, exc.http_status, exc.code, exc.message)
        except NotFound as exc:
            return failure(call, 404, 16, str(exc) or "Order not found")

    return wrapped


def _quote(call: Call, symbol: str) -> str:
    spec = call.ctx.engine.markets.get(symbol)
    return spec.quote if spec is not None else ""


def v4_item(call: Call, item: dict[str, Any]) -> dict[str, Any]:
    """A v3.3 order item (`wire.order_item`) renamed into the v4 order shape."""
    market_order = item["orderType"] == wire.ORDER_TYPE_CODES["MARKET"]
    out: dict[str, Any] = {
        "orderId": item["orderID"],
        "clOrderId": item["clOrderID"] or "",
        "status": item["status"],
        "market": item["symbol"],
        "type": item["orderType"],
        "orderSide": item["side"],
        # a market order's price is what it filled at (quote-sized buys too)
        "orderPrice": item["avgFilledPrice"] if market_order else item["price"],
        "triggerPrice": item["triggerPrice"],
        "postOnly": item["postOnly"],
        "timestamp": item["timestamp"],
        "orderDetailType": None,
        "message": item["message"] or None,
        "userQuoteCurrency": _quote(call, item["symbol"]),
        "orderCurrency": item["orderCurrency"],
    }
    for key in SIZE_PAIRS:
        out[key] = item[key]
    out["filledBaseSize"] = item["filledBaseSize"]
    out["totalFilledBaseSize"] = item["totalFilledBaseSize"]
    out["avgFilledPrice"] = item["avgFilledPrice"]
    out["time_in_force"] = item["time_in_force"]
    return out


def _body(call: Call) -> dict[str, Any]:
    try:
        body = json.loads(call.body or b"{}", parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        raise invalid("Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise invalid("Request body must be a JSON object")
    return body


def _with_body(call: Call, body: dict[str, Any]) -> Call:
    """The same call carrying a translated (v3.3) JSON body."""
    return Call(call.ctx, call.request, wire.dumps(body).encode(), call.account)


def _size_fields(body: dict[str, Any], side: object, order_type: str) -> dict[str, Any]:
    """v4 sizes → v3.3: a market buy is quote-sized (`quoteOrderSize` → `price`), every other
    order base-sized (`orderSize` → `size`); the wrong one is refused, as BTSE does."""
    quote_sized = order_type == "MARKET" and str(side).upper() == "BUY"
    if quote_sized:
        if body.get("orderSize") not in (None, ""):
            raise invalid("orderSize is not accepted for a MARKET BUY: send quoteOrderSize")
        quote = body.get("quoteOrderSize")
        if quote in (None, ""):
            raise invalid("quoteOrderSize parameter is mandatory for a MARKET BUY")
        return {"price": quote}
    if body.get("quoteOrderSize") not in (None, ""):
        raise invalid(f"quoteOrderSize is only accepted for a MARKET BUY, not {order_type}")
    out: dict[str, Any] = {"size": body.get("orderSize")}
    if order_type == "LIMIT":
        out["price"] = body.get("orderPrice")
    return out


def _v33_order(body: dict[str, Any], order_type: str, tx_type: str = "LIMIT") -> dict[str, Any]:
    side = body.get("orderSide")
    out: dict[str, Any] = {
        "symbol": body.get("symbol"),
        "side": side,
        "type": order_type,
        "txType": tx_type,
        **_size_fields(body, side, order_type),
    }
    if body.get("timeInForce"):
        out["time_in_force"] = body["timeInForce"]
    if body.get("postOnly") is not None:
        out["postOnly"] = body["postOnly"]
    if body.get("clOrderId"):
        out["clOrderID"] = body["clOrderId"]
    if tx_type != "LIMIT":
        out["triggerPrice"] = body.get("triggerPrice")
    return out


async def _place(call: Call, v33_body: dict[str, Any]) -> Any:
    result = await trading.create_order(_with_body(call, v33_body))
    if isinstance(result, Response):
        return result  # the order-timeout fault
    for item in result:
        if item["status"] == STATUS_INSUFFICIENT:
            message = f"Insufficient wallet balance ({item['message']})"
            return failure(call, 400, CODE_INSUFFICIENT_WALLET, message)
    return [v4_item(call, item) for item in result]


@v4_errors
async def create_order(call: Call) -> Any:
    """POST /spot/api/v4/trade/orders: LIMIT or MARKET; a JSON array of v4 order items."""
    body = _body(call)
    order_type = str(body.get("orderType") or "").upper()
    if order_type not in ("LIMIT", "MARKET"):
        raise invalid(
            f"Invalid orderType parameter: {body.get('orderType')!r} (LIMIT or MARKET; "
            "conditional orders go to /orders/algo)"
        )
    return await _place(call, _v33_order(body, order_type))


@v4_errors
async def create_algo_order(call: Call) -> Any:
    """POST /spot/api/v4/trade/orders/algo: CONDITIONAL stop-loss / take-profit orders."""
    body = _body(call)
    order_type = str(body.get("orderType") or "").upper()
    if order_type != "CONDITIONAL":
        raise invalid(f"{order_type or 'This'} algo orders are not supported by the simulator")
    trigger_type = str(body.get("triggerOrderType") or "").upper()
    mapped = _CONDITIONAL.get(trigger_type)
    if mapped is None:
        raise invalid(
            f"Invalid triggerOrderType parameter: {body.get('triggerOrderType')!r} "
            f"(one of {', '.join(_CONDITIONAL)})"
        )
    return await _place(call, _v33_order(body, *mapped))


def _order_ref(source: Any) -> tuple[str | None, str | None]:
    order_id = source.get("orderId") or None
    cl_order_id = source.get("clOrderId") or None
    if order_id is None and cl_order_id is None:
        raise invalid("orderId or clOrderId parameter is mandatory")
    return order_id, cl_order_id


@v4_errors
async def amend_order(call: Call) -> Any:
    """PUT /spot/api/v4/trade/orders: new price / size / trigger price in one call.

    `orderSize` is the new *remaining* size unless `totalAmountMode` is true, when it is the new
    total including what already filled (ccxt's editOrder documents both).
    """
    body = _body(call)
    order_id, cl_order_id = _order_ref(body)
    size = to_decimal(body.get("orderSize"), "orderSize")
    if size is not None and not to_bool(body.get("totalAmountMode"), "totalAmountMode"):
        known = call.ctx.engine.get_order(call.api_key, order_id=order_id, cl_order_id=cl_order_id)
        if known is not None:
            size += known.filled_size
    amend = {"symbol": body.get("symbol"), "type": "ALL"}
    if order_id:
        amend["orderID"] = order_id
    else:
        amend["clOrderID"] = cl_order_id
    for key, value in (
        ("orderPrice", body.get("orderPrice")),
        ("orderSize", size),
        ("triggerPrice", body.get("triggerPrice")),
    ):
        if value not in (None, ""):
            amend[key] = value
    items = await trading.amend_order(_with_body(call, amend))
    call.ctx.hub.flush()
    return [v4_item(call, item) for item in items]


def _cancel(call: Call, symbol: str, order_id: str | None, cl_order_id: str | None) -> list:
    records = call.ctx.engine.cancel_orders(
        call.api_key, symbol, order_id=order_id, cl_order_id=cl_order_id
    )
    return [v4_item(call, wire.order_item(r)) for r in records]


@v4_errors
async def cancel_order(call: Call) -> Any:
    """DELETE /spot/api/v4/trade/orders?symbol=…&orderId=…|clOrderId=… (query, not body)."""
    order_id, cl_order_id = _order_ref(call.query)
    rows = _cancel(call, call.query.get("symbol", ""), order_id, cl_order_id)
    call.ctx.hub.flush()
    return rows


@v4_errors
async def cancel_all(call: Call) -> Any:
    """DELETE /spot/api/v4/trade/orders/all?symbol=…: one market's orders, or `ALL` markets."""
    symbol = call.query.get("symbol") or ""
    if not symbol:
        raise invalid("symbol parameter is mandatory (a market, or ALL)")
    if symbol.upper() == "ALL":
        open_now = call.ctx.engine.open_orders(call.api_key)
        symbols = list(dict.fromkeys(r.symbol for r in open_now))
    else:
        symbols = [symbol]
    rows = [row for s in symbols for row in _cancel(call, s, None, None)]
    call.ctx.hub.flush()
    return rows


@v4_errors
async def cancel_all_after(call: Call) -> Any:
    """POST /spot/api/v4/trade/orders/cancel_all_after `{"timeout": ms}` (0 disarms)."""
    return await trading.cancel_all_after(call)


@v4_errors
async def open_orders(call: Call) -> Any:
    """GET /spot/api/v4/trade/orders[?symbol=]: a bare array; `orderState` beside `status`."""
    symbol = call.query.get("symbol") or None
    if symbol and symbol not in call.ctx.engine.markets:
        raise RequestRejected(400, -7006, f"Unsupported symbol: {symbol}")
    rows = []
    for rec in call.ctx.engine.open_orders(call.api_key, symbol=symbol):
        row = v4_item(call, wire.order_item(rec))
        waiting = rec.is_trigger and not rec.triggered
        row["orderState"] = "STATUS_INACTIVE" if waiting else "STATUS_ACTIVE"
        rows.append(row)
    return rows


def order_state(item: dict[str, Any]) -> str:
    """The lookup's `orderState` name for an order item's numeric status."""
    status = item["status"]
    if status in _ORDER_STATES:
        return _ORDER_STATES[status]
    return "ORDER_PARTIALLY_TRANSACTED" if item["totalFilledBaseSize"] else "ORDER_INSERTED"


@v4_errors
async def get_order(call: Call) -> Any:
    """GET /spot/api/v4/trade/order?orderId=…|clOrderId=…: one bare object, state by name."""
    order_id, cl_order_id = _order_ref(call.query)
    rec = call.ctx.engine.get_order(call.api_key, order_id=order_id, cl_order_id=cl_order_id)
    if rec is None:
        raise NotFound("Order not found")
    item = wire.order_item(rec)
    row = v4_item(call, item)
    del row["status"]
    row["orderState"] = order_state(item)
    return row


@v4_errors
async def trade_history(call: Call) -> Any:
    """GET /spot/api/v4/trade/trade_history: enveloped rows; `price` is the fill price."""
    rows = await trading.trade_history(call)
    out = []
    for row in rows:
        out.append(
            {
                "serialId": row["serialId"],
                "tradeId": row["tradeId"],
                "orderId": row["orderId"],
                "clOrderId": row["clOrderID"],
                "symbol": row["symbol"],
                "base": row["base"],
                "quote": row["quote"],
                "orderSide": row["side"],
                "orderType": row["orderType"],
                "triggerType": row["triggerType"],
                "triggerPrice": row["triggerPrice"],
                "price": row["filledPrice"],
                "size": row["size"],
                "filledSize": row["filledSize"],
                "feeCurrency": row["feeCurrency"],
                "feeAmount": row["feeAmount"],
                "timestamp": row["timestamp"],
            }
        )
    return markets_envelope(call.ctx, out)


@v4_errors
async def fees(call: Call) -> Any:
    """GET /spot/api/v4/trade/fees[?symbol=]: always a bare array of per-market rates."""
    result = await trading.fees(call)
    return result if isinstance(result, list) else [result]


async def user_assets(call: Call) -> Any:
    """GET /public-api/wallet/v1/user/assets[?asset=]: enveloped rows, amounts as strings."""
    wanted = call.query.get("asset")
    rows = []
    for currency, total, available in call.ctx.engine.wallet(call.api_key):
        if wanted and currency != wanted:
            continue
        rows.append(
            {
                "asset": currency,
                "type": "FIAT" if currency in ("USD", "EUR") else "CRYPTO",
                "totalAmount": wire.plain(total),
                "availableAmount": wire.plain(available),
                "availableActions": ["CONVERT", "TRANSFER"],
                "cryptoNetwork": {"depositNetworks": [], "withdrawalNetworks": []},
            }
        )
    return markets_envelope(call.ctx, rows)


V4 = "/spot/api/v4/trade"

ROUTES = [
    (f"{V4}/orders", ["POST"], create_order, "order", "Trading"),
    (f"{V4}/orders", ["PUT"], amend_order, "order", "Trading"),
    (f"{V4}/orders", ["DELETE"], cancel_order, "order", "Trading"),
    (f"{V4}/orders", ["GET"], open_orders, "query", "Trading"),
    (f"{V4}/order", ["GET"], get_order, "query", "Trading"),
    (f"{V4}/orders/all", ["DELETE"], cancel_all, "order", "Trading"),
    (f"{V4}/orders/cancel_all_after", ["POST"], cancel_all_after, "order", "Trading"),
    (f"{V4}/orders/algo", ["POST"], create_algo_order, "order", "Trading"),
    (f"{V4}/trade_history", ["GET"], trade_history, "query", "Read"),
    (f"{V4}/fees", ["GET"], fees, "query", "Read"),
    ("/public-api/wallet/v1/user/assets", ["GET"], user_assets, "wallet", "Read"),
]
