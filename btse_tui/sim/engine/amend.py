"""Amending an open order: its rules, re-locked funds, time priority kept or lost, re-matching."""

from __future__ import annotations

from decimal import Decimal

from btse_tui.sim.engine.matching import Matching
from btse_tui.sim.engine.records import (
    STATUS_AMENDED,
    STATUS_FILLED,
    STATUS_INSUFFICIENT,
    STATUS_REJECTED,
    ZERO,
    Account,
    OrderRecord,
)
from btse_tui.sim.engine.settlement import Settlement
from btse_tui.sim.engine.state import EngineState, MarketState
from btse_tui.sim.engine.triggers import Triggers
from btse_tui.sim.engine.validation import CODE_INVALID_SIZE, AmendRequest, fmt, invalid


class Amender:
    """Amends an open order: checks the change, re-locks funds, keeps or loses time priority."""

    def __init__(
        self, state: EngineState, settlement: Settlement, matching: Matching, triggers: Triggers
    ) -> None:
        self._state = state
        self._settlement = settlement
        self._matching = matching
        self._triggers = triggers

    def amend(
        self, acct: Account, mk: MarketState, rec: OrderRecord, req: AmendRequest
    ) -> OrderRecord:
        """Apply `req` to the open order `rec`; the acknowledgement (status 123, or why not)."""
        if rec.is_peg:
            raise invalid("Amend order does not apply to algo (PEG) orders")
        if req.trigger_price is not None and rec.trail_value is not None:
            raise invalid(
                "The trigger price of a trailing stop follows the price by its trailValue"
            )
        if req.price is not None and rec.order_type != "LIMIT":
            raise invalid("The price of a MARKET order cannot be amended")
        if req.size is not None:
            if rec.order_currency != "base":
                raise invalid("The size of a quote-sized order cannot be amended")
            if req.size <= rec.filled_size:
                raise invalid(
                    f"Invalid order size: {fmt(req.size)} is not above the filled size "
                    f"{fmt(rec.filled_size)}",
                    CODE_INVALID_SIZE,
                )
        if req.trigger_price is not None and (not rec.is_trigger or rec.triggered):
            raise invalid("The trigger price can only be amended before the order triggers")
        return self._apply(acct, mk, rec, req.price, req.size, req.trigger_price)

    def _apply(
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
        if rec.is_oco and not active:
            need = rec.locked  # an OCO's stop leg holds nothing until it fires
        elif rec.side == "BUY" and rec.order_type == "LIMIT":
            assert price is not None and size is not None
            need = price * (size - rec.filled_size) * (1 + self._settlement.taker_rate(acct))
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
            self._state.level_changed(rec.symbol, side, old_price)
        elif resting:
            self._matching.unrest(mk, rec)
        bal.available -= delta
        rec.locked += delta
        if delta:
            self._state.touch(acct, lock_currency)
        rec.original_price = old_price
        rec.price = price
        rec.current_size = size
        if new_trigger is not None:
            rec.trigger_price = new_trigger
            self._triggers.arm(mk, rec)
        rec.status = STATUS_AMENDED
        rec.message = ""
        rec.timestamp_ms = self._state.now_ms()
        ack = rec.snapshot()
        self._state.order_changed(acct, rec)
        if resting and not keep_priority:
            if self._matching.crosses(mk, rec):
                self._matching.match(acct, mk, rec)
            if rec.status != STATUS_FILLED:
                self._matching.rest(acct, mk, rec)
        self._triggers.check(mk)
        return ack
