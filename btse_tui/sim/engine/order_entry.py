"""Order entry: build the record of a new order, lock its funds, then arm it or run it."""

from __future__ import annotations

from btse_tui.sim.engine.ledger import OrderLedger
from btse_tui.sim.engine.matching import Matching
from btse_tui.sim.engine.records import (
    STATUS_INSUFFICIENT,
    STATUS_REJECTED,
    STATUS_TRIGGER_INSERTED,
    Account,
    OrderRecord,
)
from btse_tui.sim.engine.settlement import Settlement
from btse_tui.sim.engine.state import EngineState
from btse_tui.sim.engine.triggers import Triggers
from btse_tui.sim.engine.validation import TIME_IN_FORCE, OrderRequest


class OrderEntry:
    """Accepts a validated order request: the new record, its funds, its first steps."""

    def __init__(
        self,
        state: EngineState,
        ledger: OrderLedger,
        settlement: Settlement,
        matching: Matching,
        triggers: Triggers,
    ) -> None:
        self._state = state
        self._ledger = ledger
        self._settlement = settlement
        self._matching = matching
        self._triggers = triggers

    def submit(self, acct: Account, req: OrderRequest) -> list[OrderRecord]:
        """Enter the order: rejected, refused for funds, waiting as a trigger, or executed.

        One record per order: an OCO is two (the limit leg, then the stop leg).
        """
        if req.order_type == "OCO":
            return self._submit_oco(acct, req)
        return [self._submit_one(acct, req)]

    def _record(self, acct: Account, req: OrderRequest) -> OrderRecord:
        state = self._state
        now = state.now_ms()
        by_quote = req.by_quote
        return OrderRecord(
            order_id=state.new_id(),
            cl_order_id=req.cl_order_id,
            api_key=acct.api_key,
            symbol=req.symbol,
            side=req.side,
            order_type=req.order_type,
            tx_type=req.tx_type,
            price=req.price,
            trigger_price=req.trigger_price,
            original_size=req.size,
            original_quote_size=req.price if by_quote else None,
            current_size=req.size,
            current_quote_size=req.price if by_quote else None,
            time_in_force=req.time_in_force,
            post_only=req.post_only,
            created_ms=now,
            timestamp_ms=now,
            is_trigger=req.tx_type != "LIMIT",
            order_currency="quote" if by_quote else "base",
            trail_value=req.trail_value,
            stealth=req.stealth,
        )

    def _submit_one(self, acct: Account, req: OrderRequest) -> OrderRecord:
        state = self._state
        mk = state.market_states[req.symbol]
        now = state.now_ms()
        rec = self._record(acct, req)
        if req.order_type == "PEG":
            rec.order_type = "LIMIT"  # it matches as a limit order at its pegged price
            rec.peg_deviation = req.deviation
            rec.peg_limit = req.price
            rec.price = self._triggers.peg_price(mk, rec)
        if rec.trail_value is not None:
            last = mk.stats.last
            rec.trail_anchor = last
            rec.trigger_price = (
                last - rec.trail_value if rec.side == "SELL" else last + rec.trail_value
            )
            if rec.trigger_price <= 0:
                message = (
                    f"Invalid trailValue: {rec.trail_value} is not below the last price {last}"
                )
                self._matching.close(acct, mk, rec, STATUS_REJECTED, message)
                return rec
        if req.post_only and req.order_type == "MARKET":
            message = "Post-only is only valid for LIMIT orders"
            self._matching.close(acct, mk, rec, STATUS_REJECTED, message)
            return rec
        refusal = self._settlement.lock(acct, mk, rec)
        if refusal is not None:
            self._matching.close(acct, mk, rec, STATUS_INSUFFICIENT, refusal)
            return rec
        lifetime = TIME_IN_FORCE.get(rec.time_in_force)
        if lifetime is not None:
            rec.expire_ms = now + lifetime
        if rec.is_trigger:
            rec.status = STATUS_TRIGGER_INSERTED
            self._ledger.open(acct, rec)
            if rec.trail_value is not None:
                self._triggers.arm_trailing(mk, rec)
            else:
                self._triggers.arm(mk, rec)
            state.order_changed(acct, rec)
        else:
            if rec.is_peg:
                self._triggers.follow_peg(mk, rec)
            self._matching.execute(acct, mk, rec)
        self._triggers.check(mk)
        return rec

    def _submit_oco(self, acct: Account, req: OrderRequest) -> list[OrderRecord]:
        """Two legs sharing the clOrderID: a resting limit leg at `price`, and a stop leg that
        waits for `triggerPrice` and then rests at `stopPrice`. Only the limit leg holds funds;
        the stop leg locks its own when it fires (the limit leg is cancelled first)."""
        state = self._state
        mk = state.market_states[req.symbol]
        limit_leg = self._record(acct, req)
        limit_leg.order_type = "LIMIT"
        limit_leg.tx_type = "LIMIT"
        limit_leg.trigger_price = None
        limit_leg.is_trigger = False
        stop_leg = self._record(acct, req)
        stop_leg.order_id = state.new_id()
        stop_leg.order_type = "LIMIT"
        stop_leg.tx_type = "STOP"
        stop_leg.price = req.stop_price
        stop_leg.stop_price = req.stop_price
        stop_leg.is_trigger = True
        for leg, peer in ((limit_leg, stop_leg), (stop_leg, limit_leg)):
            leg.is_oco = True
            leg.oco_peer = peer
        refusal = self._settlement.lock(acct, mk, limit_leg)
        if refusal is not None:
            limit_leg.oco_peer = stop_leg.oco_peer = None  # the pair never existed
            self._matching.close(acct, mk, limit_leg, STATUS_INSUFFICIENT, refusal)
            stop_leg.status, stop_leg.message = STATUS_INSUFFICIENT, refusal
            return [limit_leg, stop_leg]
        lifetime = TIME_IN_FORCE.get(req.time_in_force)
        if lifetime is not None:
            limit_leg.expire_ms = stop_leg.expire_ms = limit_leg.created_ms + lifetime
        stop_leg.status = STATUS_TRIGGER_INSERTED
        self._ledger.open(acct, stop_leg)
        self._triggers.arm(mk, stop_leg)
        state.order_changed(acct, stop_leg)
        self._matching.execute(acct, mk, limit_leg)  # a fill here cancels the stop leg
        self._triggers.check(mk)
        return [limit_leg, stop_leg]
