"""WebSocket frame shapes: /ws/spot notifications, fills and trades; OSS book, L1, error frames."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from btse_tui.sim.engine.records import FillRecord, OrderRecord, TradeRecord
from btse_tui.sim.wire.encode import fast_dumps, num_or_zero, plain
from btse_tui.sim.wire.orders import (
    ORDER_TYPE_CODES,
    order_price,
    order_type_code,
    peg_numbers,
    tx_type_code,
)

#: notification styles: "captured" = the only captured payload (MODE_BUY, currency code in
#: orderCurrency); "table" = the field table (BUY/SELL, "base"/"quote").
NOTIFICATION_STYLES = ("captured", "table")


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
        "orderType": order_type_code(rec),
        "txType": tx_type_code(rec),
        "price": order_price(rec),
        "triggerPrice": num_or_zero(rec.trigger_price),
        "pegPriceDeviation": peg_numbers(rec)[1],
        "stealth": peg_numbers(rec)[0],
        "status": rec.status,
        "timestamp": rec.timestamp_ms,
        "avgFilledPrice": rec.avg_fill_price,
        "clOrderID": rec.cl_order_id,
        "maker": rec.maker,
        "postOnly": rec.post_only,
        "orderUserInitiated": rec.user_initiated,
        "originalOrderBaseSize": 0 if quote else num_or_zero(rec.original_size),
        "originalOrderQuoteSize": num_or_zero(rec.original_quote_size) if quote else 0,
        "currentOrderBaseSize": 0 if quote else num_or_zero(rec.current_size),
        "currentOrderQuoteSize": num_or_zero(rec.current_quote_size) if quote else 0,
        "filledBaseSize": rec.last_fill_size,
        "totalFilledBaseSize": rec.filled_size,
        "remainingBaseSize": 0 if quote else num_or_zero(remaining),
        "remainingQuoteSize": num_or_zero(remaining_q) if quote else 0,
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

#: BTSE's error texts, verbatim from its "Orderbook Error Response" table (G33).
OSS_ERRORS = {
    1000: "Market pair provided is currently not supported.",
    1001: "Operation provided is currently not supported.",
    1002: "Invalid request. Please check again your request and provide all information required.",
    1005: "Topic provided does not exist.",
    1007: "User message buffer is full.",
    1008: "Reached maximum failed attempts, closing the session.",
}


class LevelText:
    """Writes OSS book levels as BTSE does: the market's fixed decimals (`"59249.0"`,
    `"0.24000"`), and `"0"` for a size that removes a level."""

    __slots__ = ("_price_fmt", "_size_fmt")

    def __init__(self, price_decimals: int, size_decimals: int) -> None:
        self._price_fmt = f".{max(0, price_decimals)}f"
        self._size_fmt = f".{max(0, size_decimals)}f"

    def level(self, price: Decimal, size: Decimal) -> list[str]:
        """One `["price","size"]` pair."""
        return [format(price, self._price_fmt), format(size, self._size_fmt) if size else "0"]

    def levels(self, levels: Iterable[tuple[Decimal, Decimal]]) -> list[list[str]]:
        """Pairs in the order given."""
        pf, sf = self._price_fmt, self._size_fmt
        return [[format(p, pf), format(s, sf) if s else "0"] for p, s in levels]


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
