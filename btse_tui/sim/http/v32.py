"""The spot v3.2 routes BTSE's own `api-sample` scripts call, served by the v3.3 handlers.

v3.2 takes the same requests and signs `/api/v3.2/...`; its replies carry the pre-v3.3 size
fields (`size`, `fillSize`/`filledSize`, `originalSize`, `remainingSize`, `averageFillPrice`,
spot v3.2 doc) in place of the base/quote pairs. Each handler runs the v3.3 one on the same
engine and renames those fields. `/spot/api/v3.2/user/wallet` is served by the v3.3 handler
in `trading`.
"""

from __future__ import annotations

from typing import Any

from btse_tui.sim.http import market_data, trading
from btse_tui.sim.http.endpoint import Call, Handler
from btse_tui.sim.http.v4 import SIZE_PAIRS

_V33_SIZE_FIELDS = (
    *SIZE_PAIRS,
    "filledBaseSize",
    "totalFilledBaseSize",
    "orderCurrency",
    "avgFilledPrice",
)


def _either(row: dict[str, Any], base: str, quote: str) -> Any:
    value = row.get(base)
    return row.get(quote) if value is None else value


def legacy_sizes(row: dict[str, Any], *fill_keys: str) -> dict[str, Any]:
    """A v3.3 order row with its size fields in v3.2 form; the fill goes under `fill_keys`.

    A quote-sized order (market buy by quote) reports its quote amounts as `size`.
    """
    sizes = {
        "size": _either(row, "currentOrderBaseSize", "currentOrderQuoteSize"),
        **{key: row.get("totalFilledBaseSize") for key in fill_keys},
        "originalSize": _either(row, "originalOrderBaseSize", "originalOrderQuoteSize"),
        "remainingSize": _either(row, "remainingOrderBaseSize", "remainingOrderQuoteSize"),
        "averageFillPrice": row.get("avgFilledPrice"),
    }
    out = {k: v for k, v in row.items() if k not in _V33_SIZE_FIELDS}
    out.update(sizes)
    return out


def _rows(handler: Handler, *fill_keys: str) -> Handler:
    """Run a v3.3 handler and rename the size fields of the object or array it answers."""

    async def v32(call: Call) -> Any:
        result = await handler(call)
        if isinstance(result, list):
            return [legacy_sizes(r, *fill_keys) for r in result]
        if isinstance(result, dict):
            return legacy_sizes(result, *fill_keys)
        return result  # an error Response (order-timeout fault)

    v32.__doc__ = f"The v3.2 form of {handler.__name__}."
    return v32


_action = _rows(trading.order, "fillSize")  # create / amend / cancel items
_query = _rows(trading.order, "filledSize")  # GET order (query order)
_peg = _rows(trading.create_order, "fillSize")
_open_orders = _rows(trading.open_orders, "filledSize", "fillSize")


async def trade_history(call: Call) -> Any:
    """v3.2 trade history: the v3.3 rows with `averageFillPrice` for `avgFilledPrice`."""
    rows = await trading.trade_history(call)
    out = []
    for row in rows:
        renamed = {k: v for k, v in row.items() if k != "avgFilledPrice"}
        renamed["averageFillPrice"] = row.get("avgFilledPrice")
        out.append(renamed)
    return out


SPOT = "/spot/api/v3.2"

ROUTES = [
    (f"{SPOT}/order", ["POST", "PUT", "DELETE"], _action, "order", "Trading"),
    (f"{SPOT}/order", ["GET"], _query, "query", "Trading"),
    (f"{SPOT}/order/peg", ["POST"], _peg, "order", "Trading"),
    (f"{SPOT}/order/cancelAllAfter", ["POST"], trading.cancel_all_after, "order", "Trading"),
    (f"{SPOT}/user/open_orders", ["GET"], _open_orders, "query", "Trading"),
    (f"{SPOT}/user/trade_history", ["GET"], trade_history, "query", "Read"),
    (f"{SPOT}/user/fees", ["GET"], trading.fees, "query", "Read"),
    (f"{SPOT}/market_summary", ["GET"], market_data.market_summary, "query", None),
    (f"{SPOT}/orderbook", ["GET"], market_data.legacy_orderbook, "query", None),
    (f"{SPOT}/orderbook/L2", ["GET"], market_data.legacy_orderbook_l2, "query", None),
    (f"{SPOT}/trades", ["GET"], market_data.legacy_trades, "query", None),
    (f"{SPOT}/time", ["GET"], market_data.server_time, "query", None),
    (f"{SPOT}/price", ["GET"], market_data.price, "query", None),
    (f"{SPOT}/ohlcv", ["GET"], market_data.ohlcv, "query", None),
]
