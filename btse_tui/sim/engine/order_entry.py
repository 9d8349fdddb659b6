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

    def submit(self, acct: Account, req: OrderRequest) -> OrderRecord:
        """Enter the order: rejected, refused for funds, waiting as a trigger, or executed."""
        state = self._state
        mk = state.market_states[req.symbol]
        now = state.now_ms()
        by_quote = req.by_quote
        rec = OrderRecord(
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
        )
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
            self._triggers.arm(mk, rec)
            state.order_changed(acct, rec)
        else:
            self._matching.execute(acct, mk, rec)
        self._triggers.check(mk)
        return rec
