"""Shared market, ticker, balances and orders for the order-entry UI tests."""

from __future__ import annotations

from decimal import Decimal as D

from btse_tui.protocol.models import Balance, Market, Order, Side, Ticker

BTC = Market(
    symbol="BTC-USDT",
    base="BTC",
    quote="USDT",
    active=True,
    min_price=D("0.1"),
    tick=D("0.1"),
    min_size=D("0.0001"),
    max_size=D("100"),
    lot=D("0.0001"),
    price_precision=1,
    size_precision=4,
)
ETH = Market(
    symbol="ETH-USDT",
    base="ETH",
    quote="USDT",
    active=True,
    min_price=D("0.01"),
    tick=D("0.01"),
    min_size=D("0.001"),
    max_size=D("500"),
    lot=D("0.001"),
    price_precision=2,
    size_precision=3,
)
BTC_TICKER = Ticker("BTC-USDT", D("20000.0"), bid=D("19999.9"), ask=D("20000.1"))
BALANCES = {
    "USDT": Balance("USDT", D("1000"), D("1000")),
    "BTC": Balance("BTC", D("0.05"), D("0.05")),
}
#: 2023-11-14 22:13:20 UTC, a fixed timestamp for plain-words lines.
TS_MS = 1_700_000_000_000


def resting_buy(**changes: object) -> Order:
    """A resting limit BUY of 0.0010 BTC @ 20,000.0 (status 2), with optional changes."""
    fields: dict[str, object] = {
        "symbol": "BTC-USDT",
        "order_id": "0d1c2b3a",
        "side": Side.BUY,
        "status": 2,
        "cl_order_id": "cli-42",
        "price": D("20000.0"),
        "original_size": D("0.0010"),
        "current_size": D("0.0010"),
        "remaining_size": D("0.0010"),
        "timestamp_ms": TS_MS,
    }
    fields.update(changes)
    return Order(**fields)  # type: ignore[arg-type]
