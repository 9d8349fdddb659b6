"""Render engine records as BTSE JSON: numbers where BTSE has numbers, strings elsewhere."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal
from json.encoder import encode_basestring
from typing import Any

import orjson

from btse_tui.sim.catalog import MarketSpec
from btse_tui.sim.records import FillRecord, OrderRecord, TickerState, TradeRecord

ZERO = Decimal(0)

ORDER_TYPE_CODES = {"LIMIT": 76, "MARKET": 77, "PEG": 80, "OCO": 80}
TX_TYPE_CODES = {"LIMIT": 0, "STOP": 1, "TRIGGER": 2, "OCO": 3}
TRIGGER_ORDER_TYPES = {"STOP": 1001, "TRIGGER": 1002}

#: notification styles: "captured" = the only captured payload (MODE_BUY, currency code in
#: orderCurrency); "table" = the field table (BUY/SELL, "base"/"quote").
NOTIFICATION_STYLES = ("captured", "table")


# ---------------------------------------------------------------- numbers and JSON text


def plain(value: Decimal | int | float | None) -> str:
    """Exact decimal text without exponent and without trailing zeros (`2500.50` → `2500.5`)."""
    if value is None:
        return "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        value = Decimal(repr(value))
    if not value:
        return "0"
    text = format(value.normalize(), "f")
    return text


def _encode(obj: Any, out: list[str]) -> None:
    t = type(obj)
    if t is str:
        out.append(encode_basestring(obj))
    elif t is Decimal or t is float:
        out.append(plain(obj))
    elif obj is None:
        out.append("null")
    elif obj is True:
        out.append("true")
    elif obj is False:
        out.append("false")
    elif t is int:
        out.append(str(obj))
    elif t is dict:
        out.append("{")
        first = True
        for key, val in obj.items():
            if not first:
                out.append(",")
            first = False
            out.append(encode_basestring(key))
            out.append(":")
            _encode(val, out)
        out.append("}")
    elif t is list or t is tuple:
        out.append("[")
        first = True
        for val in obj:
            if not first:
                out.append(",")
            first = False
            _encode(val, out)
        out.append("]")
    elif isinstance(obj, str):
        out.append(encode_basestring(str(obj)))
    elif isinstance(obj, int):
        out.append(str(int(obj)))
    else:
        raise TypeError(f"cannot encode {t.__name__} as BTSE JSON")


def dumps(obj: Any) -> str:
    """Compact JSON text; Decimals become exact JSON numbers (never exponent notation)."""
    out: list[str] = []
    _encode(obj, out)
    return "".join(out)


def fast_dumps(obj: Any) -> str:
    """Compact JSON for payloads holding only str/int/bool/None (OSS frames): orjson speed."""
    return orjson.dumps(obj).decode()


#: volumes are reported to 8 decimals (the engine keeps them exact)
VOLUME_QUANT = Decimal("0.00000001")


def volume(value: Decimal) -> Decimal:
    """A 24 h volume rounded down to 8 decimals."""
    return value.quantize(VOLUME_QUANT, rounding=ROUND_DOWN)


def _num(value: Decimal | None) -> Decimal | int:
    return value if value is not None else 0


# ---------------------------------------------------------------- Markets API (strings)


def market_row(spec: MarketSpec) -> dict[str, Any]:
    """One `/public-api/market/v1/markets` (and exchangeInfo) row; values are strings (§3.1)."""
    return {
        "symbol": spec.symbol,
        "type": "Spot",
        "category": "CRYPTO",
        "tradeCurrency": spec.base,
        "baseCurrency": spec.base,
        "quoteCurrency": spec.quote,
        "displayName": spec.display_name,
        "active": spec.active,
        "minOrderPrice": plain(spec.min_price),
        "minPriceIncrement": plain(spec.tick),
        "pricePrecision": spec.price_precision,
        "minOrderSize": plain(spec.min_size),
        "maxOrderSize": plain(spec.max_size),
        "minSizeIncrement": plain(spec.lot),
        "sizePrecision": spec.size_precision,
    }


def _opt(value: Decimal | None) -> str:
    return plain(value) if value is not None else "0"


def ticker_row(t: TickerState) -> dict[str, Any]:
    """One `ticker/24hr` row: strings except the two times (§3.1)."""
    return {
        "symbol": t.symbol,
        "lastPrice": plain(t.last),
        "openPrice": plain(t.open),
        "highPrice": plain(t.high),
        "lowPrice": plain(t.low),
        "amount": plain(volume(t.volume_base)),
        "volume": plain(volume(t.volume_quote)),
        "openTime": t.open_time_ms,
        "closeTime": t.close_time_ms,
        "priceChange": plain(t.change),
        "priceChangePercent": plain(t.change_pct),
        "prevClosePrice": plain(t.open),
        "bidPrice": _opt(t.bid),
        "bidQty": plain(t.bid_qty),
        "askPrice": _opt(t.ask),
        "askQty": plain(t.ask_qty),
    }


def string_levels(levels: Iterable[tuple[Decimal, Decimal]]) -> list[list[str]]:
    """`[["price","size"], …]` string pairs (Markets API orderbook, OSS)."""
    return [[plain(p), plain(s)] for p, s in levels]


def market_trade_row(trade: TradeRecord) -> dict[str, Any]:
    """One Markets API `trades` row: id/timestamp numbers, amounts strings."""
    return {
        "id": trade.trade_id,
        "timestamp": trade.timestamp_ms,
        "price": plain(trade.price),
        "size": plain(trade.size),
        "quoteSize": plain(trade.price * trade.size),
        "side": trade.side,
    }


def candle_row(candle: Sequence[Any]) -> list[str]:
    """One kline: `["openTimeSec","open","high","low","close","volume"]`, all strings."""
    return [str(int(candle[0]))] + [plain(v) for v in candle[1:6]]


# ---------------------------------------------------------------- legacy spot market data (numbers)


def market_summary_row(spec: MarketSpec, t: TickerState) -> dict[str, Any]:
    """One `/spot/api/v3.3/market_summary` row; JSON numbers (§3.2)."""
    return {
        "symbol": spec.symbol,
        "last": t.last,
        "lowestAsk": _num(t.ask),
        "highestBid": _num(t.bid),
        "percentageChange": t.change_pct,
        "volume": volume(t.volume_quote),
        "high24Hr": t.high,
        "low24Hr": t.low,
        "base": spec.base,
        "quote": spec.quote,
        "active": spec.active,
        "size": volume(t.volume_base),
        "minValidPrice": spec.min_price,
        "minPriceIncrement": spec.tick,
        "minOrderSize": spec.min_size,
        "maxOrderSize": spec.max_size,
        "minSizeIncrement": spec.lot,
        "openInterest": 0,
        "openInterestUSD": 0,
        "contractStart": 0,
        "contractEnd": 0,
        "timeBasedContract": False,
        "openTime": t.open_time_ms,
        "closeTime": t.close_time_ms,
        "startMatching": 0,
        "inactiveTime": 0,
        "fundingRate": 0,
        "contractSize": 0,
        "maxPosition": 0,
        "minRiskLimit": 0,
        "maxRiskLimit": 0,
        "availableSettlement": None,
        "futures": False,
        "isMarketOpenToOtc": False,
        "isMarketOpenToSpot": spec.active,
    }


def legacy_quotes(levels: Iterable[tuple[Decimal, Decimal]]) -> list[dict[str, str]]:
    """`[{"price":"…","size":"…"}]` for the legacy orderbook (strings)."""
    return [{"price": plain(p), "size": plain(s)} for p, s in levels]


def legacy_trade_row(trade: TradeRecord) -> dict[str, Any]:
    """One `/spot/api/v3.3/trades` row (numbers)."""
    return {
        "price": trade.price,
        "size": trade.size,
        "side": trade.side,
        "symbol": trade.symbol,
        "serialId": trade.trade_id,
        "timestamp": trade.timestamp_ms,
    }


def server_time(now_ms: int) -> dict[str, Any]:
    """`/spot/api/v3.3/time`: ISO string with milliseconds and epoch **seconds**."""
    dt = datetime.fromtimestamp(now_ms / 1000, tz=UTC)
    iso = dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now_ms % 1000:03d}Z"
    return {"iso": iso, "epoch": now_ms // 1000}


# ------------------------------------------------------- orders (REST, numbers, null halves)


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


def _price(rec: OrderRecord) -> Decimal | int:
    if rec.order_type == "MARKET" and rec.order_currency == "base":
        return rec.avg_fill_price or 0
    return _num(rec.price)


def order_item(rec: OrderRecord, *, amend: bool = False) -> dict[str, Any]:
    """One item of a v3.3 create/amend/cancel reply array (§4.1)."""
    item: dict[str, Any] = {
        "status": rec.status,
        "symbol": rec.symbol,
        "orderType": ORDER_TYPE_CODES.get(rec.order_type, 76),
        "price": _price(rec),
        "side": rec.side,
        "orderID": rec.order_id,
        "timestamp": rec.timestamp_ms,
        "triggerPrice": _num(rec.trigger_price),
        "stopPrice": None,
        "trigger": rec.is_trigger,
        "message": rec.message,
        "clOrderID": rec.cl_order_id,
        "stealth": 1,
        "deviation": 1,
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
        item["originalPrice"] = _num(rec.original_price if rec.original_price else rec.price)
    return item


def _order_common(rec: OrderRecord, quote_currency: str) -> dict[str, Any]:
    size = rec.current_size if rec.current_size is not None else ZERO
    price = rec.price if rec.price is not None else ZERO
    value = rec.current_quote_size if rec.order_currency == "quote" else price * size
    row: dict[str, Any] = {
        "orderID": rec.order_id,
        "orderType": ORDER_TYPE_CODES.get(rec.order_type, 76),
        "price": _price(rec),
        "side": rec.side,
        "orderValue": _num(value),
        "pegPriceMin": 0,
        "pegPriceMax": 0,
        "pegPriceDeviation": 0,
        "timestamp": rec.timestamp_ms,
        "triggerOrder": rec.is_trigger,
        "triggerPrice": _num(rec.trigger_price),
        "triggerOriginalPrice": _num(rec.price) if rec.is_trigger else 0,
        "triggerOrderType": TRIGGER_ORDER_TYPES.get(rec.tx_type, 0) if rec.is_trigger else 0,
        "triggerTrailingStopDeviation": 0,
        "triggerStopPrice": 0,
        "symbol": rec.symbol,
        "trailValue": 0,
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
    if order is not None:
        price = order.price if order.price is not None else fill.price
        size = order.original_size if order.original_size is not None else fill.size
        trigger_price = _num(order.trigger_price)
        avg = order.avg_fill_price or fill.price
        trigger_type = TRIGGER_ORDER_TYPES.get(order.tx_type, 0) if order.is_trigger else 0
    else:
        price, size, trigger_price, avg, trigger_type = fill.price, fill.size, 0, fill.price, 0
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


# ---------------------------------------------------------------- WebSocket /ws/spot


def notification(rec: OrderRecord, style: str = "captured") -> dict[str, Any]:
    """A `notificationApiV3` frame (§5.3): `data` object, unused base/quote halves are 0."""
    quote = rec.order_currency == "quote"
    remaining = rec.remaining_size
    remaining_q = rec.remaining_quote_size
    if style == "captured":
        side = "MODE_BUY" if rec.side == "BUY" else "MODE_SELL"
        base_ccy, quote_ccy = rec.symbol.split("-", 1) if "-" in rec.symbol else (rec.symbol, "")
        currency = quote_ccy if quote else base_ccy
    else:
        side = rec.side
        currency = rec.order_currency
    data = {
        "symbol": rec.symbol,
        "orderID": rec.order_id,
        "side": side,
        "orderType": ORDER_TYPE_CODES.get(rec.order_type, 76),
        "txType": TX_TYPE_CODES.get(rec.tx_type, 0),
        "price": _price(rec),
        "triggerPrice": _num(rec.trigger_price),
        "pegPriceDeviation": 1,
        "stealth": 1,
        "status": rec.status,
        "timestamp": rec.timestamp_ms,
        "avgFilledPrice": rec.avg_fill_price,
        "clOrderID": rec.cl_order_id,
        "maker": rec.maker,
        "postOnly": rec.post_only,
        "orderUserInitiated": rec.user_initiated,
        "originalOrderBaseSize": 0 if quote else _num(rec.original_size),
        "originalOrderQuoteSize": _num(rec.original_quote_size) if quote else 0,
        "currentOrderBaseSize": 0 if quote else _num(rec.current_size),
        "currentOrderQuoteSize": _num(rec.current_quote_size) if quote else 0,
        "filledBaseSize": rec.last_fill_size,
        "totalFilledBaseSize": rec.filled_size,
        "remainingBaseSize": 0 if quote else _num(remaining),
        "remainingQuoteSize": _num(remaining_q) if quote else 0,
        "orderCurrency": currency,
        "time_in_force": rec.time_in_force,
    }
    return {"topic": "notificationApiV3", "data": data}


def fill_item(fill: FillRecord) -> dict[str, Any]:
    """One element of a `fills` frame's `data` array (§5.4): string values, `maker` bool."""
    return {
        "orderId": fill.order_id,
        "serialId": str(fill.serial_id),
        "clOrderId": fill.cl_order_id,
        "type": str(ORDER_TYPE_CODES.get(fill.order_type, 76)),
        "symbol": fill.symbol,
        "side": fill.side,
        "price": plain(fill.price),
        "size": plain(fill.size),
        "feeAmount": plain(fill.fee_amount),
        "feeCurrency": fill.fee_currency,
        "base": fill.base,
        "quote": fill.quote,
        "maker": fill.maker,
        "timestamp": str(fill.timestamp_ms),
        "tradeId": fill.trade_id,
    }


def public_trade(trade: TradeRecord) -> dict[str, Any]:
    """One `tradeHistoryApi:<SYMBOL>` element (§5.5): JSON numbers."""
    return {
        "symbol": trade.symbol,
        "side": trade.side,
        "size": trade.size,
        "price": trade.price,
        "tradeId": trade.trade_id,
        "timestamp": trade.timestamp_ms,
    }


# ---------------------------------------------------------------- OSS and socket errors

OSS_ERRORS = {
    1000: "Market pair provided is currently not supported.",
    1001: "Operation provided is not supported.",
    1002: "Invalid request or missing information.",
    1005: "Topic provided does not exist.",
    1007: "User message buffer is full.",
    1008: "Too many failed attempts, session closed.",
}


def error_frame(code: int, arg: str | None = None) -> str:
    """`{"severity":"ERROR","errors":[{"arg":…,"error":{"code":…,"message":…}}]}` (§6.3)."""
    entry: dict[str, Any] = {}
    if arg is not None:
        entry["arg"] = arg
    entry["error"] = {"code": code, "message": OSS_ERRORS.get(code, "Error.")}
    return fast_dumps({"severity": "ERROR", "errors": [entry]})


def book_frame(
    topic: str,
    symbol: str,
    kind: str,
    bids: list[list[str]],
    asks: list[list[str]],
    seq: int,
    prev: int,
    ts_ms: int,
) -> str:
    """An OSS `update:` frame (§6.2): `kind` is `snapshot` or `delta`; levels are strings."""
    return fast_dumps(
        {
            "topic": topic,
            "data": {
                "bids": bids,
                "asks": asks,
                "seqNum": seq,
                "prevSeqNum": prev,
                "type": kind,
                "timestamp": ts_ms,
                "symbol": symbol,
            },
        }
    )


def l1_frame(symbol: str, bids: list[list[str]], asks: list[list[str]], ts_ms: int) -> str:
    """An OSS `snapshotL1:` frame (§6.1)."""
    return fast_dumps(
        {
            "topic": f"snapshotL1:{symbol}",
            "data": {
                "bids": bids,
                "asks": asks,
                "type": "snapshotL1",
                "symbol": symbol,
                "timestamp": ts_ms,
            },
        }
    )
