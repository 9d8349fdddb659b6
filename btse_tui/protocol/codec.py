"""The BTSE spot codec: JSON ↔ typed models and events for REST replies, bodies and frames."""

from __future__ import annotations

from btse_tui.protocol.codec_errors import ORDER_REJECTION_CODES, api_error
from btse_tui.protocol.codec_json import dumps_body, format_decimal, loads
from btse_tui.protocol.codec_orders import (
    acked_as_sent,
    amend_body,
    cancel_all_after_body,
    cancel_params,
    fees,
    fill_from_row,
    open_orders,
    order,
    order_body,
    order_from_row,
    orders,
    trade_history,
    wallet,
)
from btse_tui.protocol.codec_rest import (
    exchange_info,
    klines,
    legacy_orderbook,
    market_from_row,
    market_summary,
    markets,
    orderbook,
    server_time,
    tickers,
    trade_from_row,
    trades,
)
from btse_tui.protocol.codec_ws import (
    PING,
    auth_frame,
    decode_frame,
    subscribe_frame,
    unsubscribe_frame,
)

__all__ = [
    "ORDER_REJECTION_CODES",
    "PING",
    "acked_as_sent",
    "amend_body",
    "api_error",
    "auth_frame",
    "cancel_all_after_body",
    "cancel_params",
    "decode_frame",
    "dumps_body",
    "exchange_info",
    "fees",
    "fill_from_row",
    "format_decimal",
    "klines",
    "legacy_orderbook",
    "loads",
    "market_from_row",
    "market_summary",
    "markets",
    "open_orders",
    "order",
    "order_body",
    "order_from_row",
    "orderbook",
    "orders",
    "server_time",
    "subscribe_frame",
    "tickers",
    "trade_from_row",
    "trade_history",
    "trades",
    "unsubscribe_frame",
    "wallet",
]
