"""Where an account's orders are kept: the open index and expiry timers, then the closed history."""

from __future__ import annotations

import heapq
from collections.abc import Iterator

from btse_tui.sim.engine.records import ZERO, Account, OrderRecord
from btse_tui.sim.engine.state import EngineState

__all__ = ["HISTORY_MAX", "HISTORY_MS", "OrderLedger"]

# closed-order history per account; `finish` reads these globals at run time (tests patch them)
HISTORY_MS = 30 * 60_000
HISTORY_MAX = 10_000


class OrderLedger:
    """Indexes orders as open (with their time-in-force expiry) and moves them to history."""

    def __init__(self, state: EngineState) -> None:
        self._state = state
        self._expiries: list[tuple[int, int, OrderRecord]] = []

    def open(self, acct: Account, rec: OrderRecord) -> None:
        """Index the order as open in its account, and time its expiry if it has one."""
        acct.open_orders[rec.order_id] = rec
        per_symbol = acct.open_by_symbol.get(rec.symbol)
        if per_symbol is None:
            per_symbol = acct.open_by_symbol[rec.symbol] = {}
        per_symbol[rec.order_id] = rec
        if rec.expire_ms is not None:
            heapq.heappush(self._expiries, (rec.expire_ms, next(self._state.seq), rec))

    def finish(self, acct: Account, rec: OrderRecord) -> None:
        """Release what the order still holds and move it from the open index to history."""
        if rec.locked:
            bal = acct.balance(rec.lock_currency)
            bal.available += rec.locked
            rec.locked = ZERO
            self._state.touch(acct, rec.lock_currency)
        if acct.open_orders.pop(rec.order_id, None) is not None:
            per_symbol = acct.open_by_symbol.get(rec.symbol)
            if per_symbol is not None:
                per_symbol.pop(rec.order_id, None)
        if acct.private_events:
            history = acct.history
            history[rec.order_id] = rec
            history.move_to_end(rec.order_id)
            cutoff = rec.timestamp_ms - HISTORY_MS
            while history:
                oldest = next(iter(history.values()))
                if len(history) > HISTORY_MAX or oldest.timestamp_ms < cutoff:
                    history.popitem(last=False)
                else:
                    break

    def expired(self, now_ms: int) -> Iterator[OrderRecord]:
        """Take off the timer queue, and yield, each still-open order whose expiry is due."""
        expiries = self._expiries
        while expiries and expiries[0][0] <= now_ms:
            when, _, rec = heapq.heappop(expiries)
            if rec.is_open and rec.expire_ms == when:
                yield rec
