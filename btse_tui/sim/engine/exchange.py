"""The simulator's exchange, `Engine`: accounts, orders, cancel/amend, timers and views."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from btse_tui.sim.engine.amend import Amender
from btse_tui.sim.engine.catalog import MarketSpec
from btse_tui.sim.engine.ledger import HISTORY_MS, OrderLedger
from btse_tui.sim.engine.matching import Matching
from btse_tui.sim.engine.order_entry import OrderEntry
from btse_tui.sim.engine.records import (
    STATUS_CANCELLED,
    STATUS_NOT_FOUND,
    Account,
    Balance,
    FillRecord,
    OrderRecord,
    RequestRejected,
    TickerState,
    TradeRecord,
)
from btse_tui.sim.engine.settlement import Settlement
from btse_tui.sim.engine.state import EngineState, Listener
from btse_tui.sim.engine.stats import Candle
from btse_tui.sim.engine.triggers import Triggers
from btse_tui.sim.engine.validation import OrderRequest, invalid, parse_amend, parse_order, shown

__all__ = ["Engine", "RequestRejected"]

DEFAULT_PERMISSIONS = frozenset({"Read", "Trading", "Wallet"})


class Engine:
    """A synchronous, deterministic spot exchange. Every mutation notifies the listeners.

    Listeners get, in causal order: OrderChanged / FillHappened / BalanceChanged (per account),
    TradePrinted, and BookChanged with the new aggregate size of every level that changed.
    The engine owns its `EngineState` and works through collaborators that share it: the order
    ledger, settlement (fees and funds), matching, triggers, order entry and amends.
    Each command ends by flushing the coalesced book and balance events.

    `unique_open_cl_order_ids`: refuse a new order whose clOrderID an open order of the same key
    already carries (the simulator's rule; btse-api.md §4.1 says BTSE does not require unique
    ids, so set it False to behave like that).
    """

    unique_open_cl_order_ids: bool = True

    def __init__(
        self,
        markets: list[MarketSpec],
        *,
        clock: Callable[[], float] = time.time,
        maker_fee: Decimal = Decimal("0.001"),
        taker_fee: Decimal = Decimal("0.002"),
        seed: int = 0,
    ) -> None:
        state = EngineState(
            markets, clock=clock, maker_fee=maker_fee, taker_fee=taker_fee, seed=seed
        )
        self._state = state
        self.markets: dict[str, MarketSpec] = state.markets
        self._ledger = OrderLedger(state)
        settlement = Settlement(state, self._ledger)
        self._matching = Matching(state, self._ledger, settlement)
        triggers = Triggers(state, settlement, self._matching)
        self._entry = OrderEntry(state, self._ledger, settlement, self._matching, triggers)
        self._amender = Amender(state, settlement, self._matching, triggers)
        self._settlement = settlement
        #: accounts whose cancelAllAfter switch is armed
        self._armed: dict[str, Account] = {}

    @property
    def maker_fee(self) -> Decimal:
        """The default maker fee rate (an account may carry its own)."""
        return self._state.maker_fee

    @property
    def taker_fee(self) -> Decimal:
        """The default taker fee rate (an account may carry its own)."""
        return self._state.taker_fee

    def now_ms(self) -> int:
        """The engine's current time in ms (from its clock)."""
        return self._state.now_ms()

    # ------------------------------------------------------------------ commands

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(event)` synchronously for every event; returns an unsubscribe function."""
        state = self._state
        state.listeners = (*state.listeners, listener)

        def unsubscribe() -> None:
            state.listeners = tuple(x for x in state.listeners if x is not listener)

        return unsubscribe

    def add_account(
        self,
        api_key: str,
        secret: str,
        balances: dict[str, Decimal],
        permissions: frozenset[str] = DEFAULT_PERMISSIONS,
        name: str = "",
        *,
        private_events: bool = True,
        maker_fee: Decimal | None = None,
        taker_fee: Decimal | None = None,
    ) -> Account:
        """Create (or replace) an account holding `balances` (all available)."""
        acct = Account(
            api_key=api_key,
            secret=secret,
            permissions=frozenset(permissions),
            name=name,
            balances={c: Balance(Decimal(v), Decimal(v)) for c, v in balances.items()},
            maker_fee=maker_fee,
            taker_fee=taker_fee,
            private_events=private_events,
        )
        self._state.accounts[api_key] = acct
        return acct

    def credit(self, api_key: str, currency: str, amount: Decimal) -> None:
        """Add (or with a negative amount, remove) available funds, e.g. a demo top-up."""
        acct = self._state.account(api_key)
        bal = acct.balance(currency)
        bal.total += amount
        bal.available += amount
        self._state.touch(acct, currency)
        self._state.flush()

    def place_order(self, api_key: str, body: dict[str, Any]) -> list[OrderRecord]:
        """Validate and execute a create-order body (btse-api.md §4.1); one record per order."""
        acct = self._state.account(api_key)
        req = parse_order(self.markets, body)
        if req.cl_order_id is not None and self.unique_open_cl_order_ids:
            self._refuse_open_cl_order_id(acct, req.cl_order_id)
        try:
            records = self._entry.submit(acct, req)
        finally:
            self._state.flush()
        return [rec.snapshot() for rec in records]

    @staticmethod
    def _refuse_open_cl_order_id(acct: Account, cl_order_id: str) -> None:
        """A clOrderID names one open order of a key (a simulator rule; BTSE publishes none)."""
        for rec in acct.open_orders.values():
            if rec.cl_order_id == cl_order_id:
                raise invalid(
                    f"Invalid clOrderID parameter: {shown(cl_order_id)} is already used by open "
                    f"order {rec.order_id}"
                )

    def submit_order(
        self,
        api_key: str,
        symbol: str,
        side: str,
        order_type: str,
        price: Decimal | None,
        size: Decimal | None,
        *,
        time_in_force: str = "GTC",
        post_only: bool = False,
        cl_order_id: str | None = None,
    ) -> OrderRecord:
        """Fast path for trusted callers (the flow): no parsing or rule checks.

        Returns the live record; callers must not mutate it.
        """
        acct = self._state.account(api_key)
        req = OrderRequest(
            symbol, side, order_type, "LIMIT", price, size, None, time_in_force, post_only,
            cl_order_id,
        )  # fmt: skip
        try:
            return self._entry.submit(acct, req)[0]
        finally:
            self._state.flush()

    def cancel_orders(
        self,
        api_key: str,
        symbol: str,
        order_id: str | None = None,
        cl_order_id: str | None = None,
    ) -> list[OrderRecord]:
        """Cancel by orderID, by clOrderID (all matches) or all of `symbol` (btse-api.md §4.4)."""
        acct = self._state.account(api_key)
        mk = self._state.market(symbol)
        per_symbol = acct.open_by_symbol.get(symbol, {})
        if order_id:
            rec = per_symbol.get(order_id)
            targets = [rec] if rec is not None else []
        elif cl_order_id:
            targets = [r for r in per_symbol.values() if r.cl_order_id == cl_order_id]
        else:
            targets = list(per_symbol.values())
        if not targets:
            if order_id or cl_order_id:
                return [self._not_found(api_key, symbol, order_id, cl_order_id)]
            return []
        out = []
        try:
            for rec in targets:
                if not rec.is_open:
                    continue  # the other leg of an OCO cancelled just before
                peer = rec.oco_peer
                self._matching.close(acct, mk, rec, STATUS_CANCELLED, "")
                out.append(rec.snapshot())
                if peer is not None and not peer.is_open and peer.status == STATUS_CANCELLED:
                    out.append(peer.snapshot())  # cancelling one OCO leg cancels both
        finally:
            self._state.flush()
        return out

    def cancel(self, api_key: str, order_id: str) -> bool:
        """Fast cancel for trusted callers; False when the order is not open."""
        acct = self._state.account(api_key)
        rec = acct.open_orders.get(order_id)
        if rec is None:
            return False
        self._matching.close(acct, self._state.market_states[rec.symbol], rec, STATUS_CANCELLED, "")
        self._state.flush()
        return True

    def _find_open(
        self, acct: Account, symbol: str, order_id: str | None, cl_order_id: str | None
    ) -> OrderRecord | None:
        per_symbol = acct.open_by_symbol.get(symbol, {})
        if order_id:
            return per_symbol.get(order_id)
        if cl_order_id:
            found = None
            for rec in per_symbol.values():
                if rec.cl_order_id == cl_order_id:
                    found = rec
            return found
        return None

    def amend_order(self, api_key: str, body: dict[str, Any]) -> OrderRecord:
        """Amend price / size / trigger price of an open order (btse-api.md §4.3); status 123."""
        acct = self._state.account(api_key)
        req = parse_amend(self.markets, body)
        rec = self._find_open(acct, req.symbol, req.order_id, req.cl_order_id)
        if rec is None:
            return self._not_found(api_key, req.symbol, req.order_id, req.cl_order_id)
        try:
            return self._amender.amend(acct, self._state.market_states[req.symbol], rec, req)
        finally:
            self._state.flush()

    def cancel_all_after(self, api_key: str, timeout_ms: int) -> None:
        """Arm (or re-arm) the dead man's switch; 0 disarms it."""
        acct = self._state.account(api_key)
        if timeout_ms <= 0:
            acct.cancel_deadline_ms = None
            self._armed.pop(api_key, None)
            return
        acct.cancel_deadline_ms = self._state.now_ms() + int(timeout_ms)
        self._armed[api_key] = acct

    def advance(self, now_ms: int | None = None) -> None:
        """Run time-based work due by `now_ms`: TIF expiry and lapsed cancelAllAfter switches."""
        state = self._state
        now = state.now_ms() if now_ms is None else now_ms
        state.pinned_now_ms = now
        try:
            for rec in self._ledger.expired(now):
                self._matching.close(
                    state.accounts[rec.api_key],
                    state.market_states[rec.symbol],
                    rec,
                    STATUS_CANCELLED,
                    f"Order expired ({rec.time_in_force})",
                    user_initiated=False,
                )
            for api_key, acct in list(self._armed.items()):
                deadline = acct.cancel_deadline_ms
                if deadline is None or deadline > now:
                    continue
                del self._armed[api_key]
                acct.cancel_deadline_ms = None
                for rec in list(acct.open_orders.values()):
                    self._matching.close(
                        acct,
                        state.market_states[rec.symbol],
                        rec,
                        STATUS_CANCELLED,
                        "Cancelled by cancelAllAfter",
                        user_initiated=False,
                    )
        finally:
            state.pinned_now_ms = None
            state.flush()

    def load_history(self, symbol: str, bars: list[Candle]) -> None:
        """Pre-fill a market's one-minute candle history before it trades."""
        self._state.market(symbol).stats.load_history(bars)

    def _not_found(
        self, api_key: str, symbol: str, order_id: str | None, cl_order_id: str | None
    ) -> OrderRecord:
        now = self._state.now_ms()
        known = self.get_order(api_key, order_id=order_id, cl_order_id=cl_order_id)
        return OrderRecord(
            order_id=order_id or "",
            cl_order_id=cl_order_id,
            api_key=api_key,
            symbol=symbol,
            side=known.side if known is not None else "",
            order_type=known.order_type if known is not None else "",
            tx_type=known.tx_type if known is not None else "",
            price=None,
            trigger_price=None,
            original_size=None,
            original_quote_size=None,
            current_size=None,
            current_quote_size=None,
            status=STATUS_NOT_FOUND,
            message="Order not found",
            created_ms=now,
            timestamp_ms=now,
        )

    # ------------------------------------------------------------------ queries (read-only)

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
