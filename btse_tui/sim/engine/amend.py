"""Amend mechanics: re-lock funds for the new price/size, keep or lose time priority, re-match."""

from __future__ import annotations

from decimal import Decimal

from btse_tui.sim.engine.records import (
    STATUS_AMENDED,
    STATUS_FILLED,
    STATUS_INSUFFICIENT,
    STATUS_REJECTED,
    ZERO,
    Account,
    OrderRecord,
)
from btse_tui.sim.engine.state import EngineState, MarketState


class AmendMechanics(EngineState):
    """Applying a validated amend; part of `Engine`, with `MatchingCore` supplying the matching."""

    def _amend(
        self,
        acct: Account,
        mk: MarketState,
        rec: OrderRecord,
        new_price: Decimal | None,
        new_size: Decimal | None,
        new_trigger: Decimal | None,
    ) -> OrderRecord:
        old_price = rec.price
        old_size = rec.current_size
        price = new_price if new_price is not None else old_price
        size = new_size if new_size is not None else old_size
        active = not rec.is_trigger or rec.triggered
        # funds: what the amended order must hold
        if rec.side == "BUY" and rec.order_type == "LIMIT":
            assert price is not None and size is not None
            need = price * (size - rec.filled_size) * (1 + self._taker_rate(acct))
        elif rec.side == "SELL":
            assert size is not None
            need = size - rec.filled_size
        else:
            need = rec.locked
        delta = need - rec.locked
        lock_currency = rec.lock_currency or (mk.spec.quote if rec.side == "BUY" else mk.spec.base)
        bal = acct.balance(lock_currency)
        if delta > bal.available:
            failed = rec.snapshot()
            failed.status = STATUS_INSUFFICIENT
            failed.message = "Insufficient balance for the amended order"
            return failed
        if active and rec.post_only and price != old_price:
            best = mk.book.opposite(rec.side).best()
            assert price is not None
            if best is not None and (best <= price if rec.side == "BUY" else best >= price):
                failed = rec.snapshot()
                failed.status = STATUS_REJECTED
                failed.message = "Post-only order would cross the book"
                return failed
        side = mk.book.side(rec.side)
        resting = False
        if active and old_price is not None:
            level = side.levels.get(old_price)
            resting = level is not None and rec.order_id in level.orders
        keep_priority = (
            resting and price == old_price and size is not None and size <= (old_size or ZERO)
        )
        if keep_priority:
            assert old_size is not None and size is not None and old_price is not None
            side.reduce(old_price, old_size - size)
            self._dirty_levels[(rec.symbol, side.side, old_price)] = side
        elif resting:
            self._unrest(mk, rec)
        bal.available -= delta
        rec.locked += delta
        if delta:
            self._touch(acct, lock_currency)
        rec.original_price = old_price
        rec.price = price
        rec.current_size = size
        if new_trigger is not None:
            rec.trigger_price = new_trigger
            self._arm_trigger(mk, rec)
        rec.status = STATUS_AMENDED
        rec.message = ""
        rec.timestamp_ms = self._now_ms()
        ack = rec.snapshot()
        self._order_changed(acct, rec)
        if resting and not keep_priority:
            if self._crosses(mk, rec):
                self._match(acct, mk, rec)
            if rec.status != STATUS_FILLED:
                self._rest(acct, mk, rec)
        self._check_triggers(mk)
        return ack
