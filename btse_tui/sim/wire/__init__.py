"""BTSE's wire formats in one import point (`wire.dumps`, `wire.order_item` …)."""

from __future__ import annotations

from btse_tui.sim.wire.encode import VOLUME_QUANT, dumps, fast_dumps, num_or_zero, plain, volume
from btse_tui.sim.wire.market import (
    candle_row,
    legacy_quotes,
    legacy_trade_row,
    market_row,
    market_summary_row,
    market_trade_row,
    server_time,
    string_levels,
    ticker_row,
)
from btse_tui.sim.wire.orders import (
    ORDER_TYPE_CODES,
    TRIGGER_ORDER_TYPES,
    TX_TYPE_CODES,
    ZERO,
    open_order_row,
    order_item,
    order_object,
    order_price,
    trade_history_row,
)
from btse_tui.sim.wire.ws import (
    NOTIFICATION_STYLES,
    OSS_ERRORS,
    LevelText,
    book_frame,
    error_frame,
    fill_item,
    l1_frame,
    notification,
    public_trade,
)

__all__ = [
    "NOTIFICATION_STYLES",
    "ORDER_TYPE_CODES",
    "OSS_ERRORS",
    "TRIGGER_ORDER_TYPES",
    "TX_TYPE_CODES",
    "VOLUME_QUANT",
    "ZERO",
    "LevelText",
    "book_frame",
    "candle_row",
    "dumps",
    "error_frame",
    "fast_dumps",
    "fill_item",
    "l1_frame",
    "legacy_quotes",
    "legacy_trade_row",
    "market_row",
    "market_summary_row",
    "market_trade_row",
    "notification",
    "num_or_zero",
    "open_order_row",
    "order_item",
    "order_object",
    "order_price",
    "plain",
    "public_trade",
    "server_time",
    "string_levels",
    "ticker_row",
    "trade_history_row",
    "volume",
]
