"""Stop and trigger orders: arm them, fire them when the last price reaches them, activate."""

from __future__ import annotations

import heapq
from decimal import Decimal

from btse_tui.sim.engine.records import STATUS_TRIGGER_ACTIVATED, OrderRecord
from btse_tui.sim.engine.state import EngineState, MarketState


class TriggerMechanics(EngineState):
    """Waiting triggers; part of `MatchingCore`, which supplies the lock and execute steps."""

    def _arm_trigger(self, mk: MarketState, rec: OrderRecord) -> None:
        assert rec.trigger_price is not None
        rises = (rec.side == "BUY") == (rec.tx_type == "STOP")
        if rises:
            heapq.heappush(mk.up, (rec.trigger_price, next(self._seq), rec))
        else:
            heapq.heappush(mk.down, (-rec.trigger_price, next(self._seq), rec))

    def _check_triggers(self, mk: MarketState) -> None:
        """Fire every waiting trigger the last price has reached (repeatedly: fills cascade)."""
        while mk.up or mk.down:
            last = mk.stats.last
            fired: OrderRecord | None = None
            up = mk.up
            while up and up[0][0] <= last:
                price, _, rec = heapq.heappop(up)
                if self._waiting(rec, price):
                    fired = rec
                    break
            if fired is None:
                down = mk.down
                while down and -down[0][0] >= last:
                    neg, _, rec = heapq.heappop(down)
                    if self._waiting(rec, -neg):
                        fired = rec
                        break
            if fired is None:
                return
            self._activate(mk, fired)

    @staticmethod
    def _waiting(rec: OrderRecord, price: Decimal) -> bool:
        return rec.is_open and not rec.triggered and rec.trigger_price == price

    def _activate(self, mk: MarketState, rec: OrderRecord) -> None:
        acct = self._accounts[rec.api_key]
        rec.triggered = True
        rec.status = STATUS_TRIGGER_ACTIVATED
        rec.timestamp_ms = self._now_ms()
        self._order_changed(acct, rec)
        if (
            rec.side == "BUY"
            and rec.order_type == "MARKET"
            and rec.order_currency == "base"
            and not self._lock(acct, mk, rec)
        ):
            return
        self._execute(acct, mk, rec)
