"""Read-only views of the engine: accounts, wallets, orders, fills, books, tickers, candles."""

from __future__ import annotations

import itertools
from decimal import Decimal

from btse_tui.sim.engine.ledger import HISTORY_MS
from btse_tui.sim.engine.records import Account, FillRecord, OrderRecord, TickerState, TradeRecord
from btse_tui.sim.engine.settlement import Settlement
from btse_tui.sim.engine.state import EngineState
from btse_tui.sim.market.marketdata import Candle


class Queries:
    """Lookups that reject unknown keys/symbols, and read-only views of accounts and markets."""

    def __init__(self, state: EngineState, settlement: Settlement) -> None:
        self._state = state
        self._settlement = settlement

    def account_for_key(self, api_key: str) -> Account | None:
        """The account of `api_key`, or None."""
        return self._state.accounts.get(api_key)

    def fee_rates(self, api_key: str) -> tuple[Decimal, Decimal]:
        """(maker, taker) fee rates of the account."""
        acct = self._state.account(api_key)
        return self._settlement.maker_rate(acct), self._settlement.taker_rate(acct)

    def wallet(self, api_key: str) -> list[tuple[str, Decimal, Decimal]]:
        """(currency, total, available) for every currency the account has touched."""
        acct = self._state.account(api_key)
        return [(c, b.total, b.available) for c, b in sorted(acct.balances.items())]

    def get_order(
        self, api_key: str, order_id: str | None = None, cl_order_id: str | None = None
    ) -> OrderRecord | None:
        """An open order or one closed within the last 30 minutes; orderID wins over clOrderID."""
        acct = self._state.account(api_key)
        now = self._state.now_ms()
        if order_id:
            rec = acct.open_orders.get(order_id) or acct.history.get(order_id)
            if rec is None or (not rec.is_open and rec.timestamp_ms < now - HISTORY_MS):
                return None
            return rec.snapshot()
        if cl_order_id:
            for rec in reversed(list(acct.open_orders.values())):
                if rec.cl_order_id == cl_order_id:
                    return rec.snapshot()
            for rec in reversed(acct.history.values()):
                if rec.timestamp_ms < now - HISTORY_MS:
                    break
                if rec.cl_order_id == cl_order_id:
                    return rec.snapshot()
        return None

    def open_orders(
        self,
        api_key: str,
        symbol: str | None = None,
        order_id: str | None = None,
        cl_order_id: str | None = None,
    ) -> list[OrderRecord]:
        """The account's open orders (resting and waiting triggers), oldest first."""
        acct = self._state.account(api_key)
        if symbol:
            records = list(acct.open_by_symbol.get(symbol, {}).values())
        else:
            records = list(acct.open_orders.values())
        if order_id:
            records = [r for r in records if r.order_id == order_id]
        if cl_order_id:
            records = [r for r in records if r.cl_order_id == cl_order_id]
        return [r.snapshot() for r in records]

    def trade_history(
        self,
        api_key: str,
        symbol: str,
        start_ms: int | None = None,
        end_ms: int | None = None,
        count: int | None = None,
        order_id: str | None = None,
        cl_order_id: str | None = None,
    ) -> list[FillRecord]:
        """The account's fills in `symbol`, newest first, filtered by time window and order."""
        acct = self._state.account(api_key)
        out: list[FillRecord] = []
        for fill in reversed(acct.fills):
            if fill.symbol != symbol:
                continue
            if end_ms is not None and fill.timestamp_ms > end_ms:
                continue
            if start_ms is not None and fill.timestamp_ms < start_ms:
                break
            if order_id and fill.order_id != order_id:
                continue
            if cl_order_id and fill.cl_order_id != cl_order_id:
                continue
            out.append(fill)
            if count is not None and len(out) >= count:
                break
        return out

    def book_levels(
        self, symbol: str, depth: int = 50
    ) -> tuple[list[tuple[Decimal, Decimal]], list[tuple[Decimal, Decimal]]]:
        """Aggregated (price, size) levels: bids best-first (descending), asks ascending."""
        book = self._state.market(symbol).book
        return book.bids.depth(depth), book.asks.depth(depth)

    def ticker(self, symbol: str) -> TickerState:
        """Rolling 24-hour ticker with top of book."""
        mk = self._state.market(symbol)
        return mk.stats.ticker(self._state.now_ms(), mk.book)

    def last_price(self, symbol: str) -> Decimal:
        """The last trade price (the start price before any trade)."""
        return self._state.market(symbol).stats.last

    def recent_trades(self, symbol: str, limit: int = 50) -> list[TradeRecord]:
        """Public prints, newest first."""
        trades = self._state.market(symbol).stats.trades
        return list(itertools.islice(trades, max(0, limit)))

    def candles(
        self,
        symbol: str,
        resolution_min: int,
        start_s: int | None,
        end_s: int | None,
        limit: int,
    ) -> list[Candle]:
        """(open_time_s, open, high, low, close, quote volume) oldest first."""
        stats = self._state.market(symbol).stats
        return stats.candles(resolution_min, start_s, end_s, limit, self._state.now_ms())
