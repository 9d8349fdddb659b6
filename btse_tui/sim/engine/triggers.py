"""Stop and trigger orders: arm them, fire them when the last price reaches them, activate."""

from __future__ import annotations

import heapq
from decimal import Decimal

from btse_tui.sim.engine.matching import Matching
from btse_tui.sim.engine.records import STATUS_INSUFFICIENT, STATUS_TRIGGER_ACTIVATED, OrderRecord
from btse_tui.sim.engine.settlement import Settlement
from btse_tui.sim.engine.state import EngineState, MarketState


class Triggers:
    """Waiting stop and take-profit orders: armed per market, fired by the last price."""

    def __init__(self, state: EngineState, settlement: Settlement, matching: Matching) -> None:
        self._state = state
        self._settlement = settlement
        self._matching = matching

    def arm(self, mk: MarketState, rec: OrderRecord) -> None:
        """Queue the order to fire when the last price reaches its trigger price."""
        assert rec.trigger_price is not None
        rises = (rec.side == "BUY") == (rec.tx_type == "STOP")
        if rises:
            heapq.heappush(mk.up, (rec.trigger_price, next(self._state.seq), rec))
        else:
            heapq.heappush(mk.down, (-rec.trigger_price, next(self._state.seq), rec))

    def check(self, mk: MarketState) -> None:
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
        acct = self._state.accounts[rec.api_key]
        rec.triggered = True
        rec.status = STATUS_TRIGGER_ACTIVATED
        rec.timestamp_ms = self._state.now_ms()
        self._state.order_changed(acct, rec)
        if rec.side == "BUY" and rec.order_type == "MARKET" and rec.order_currency == "base":
            # a base-sized market buy locked nothing while waiting: price it now
            refusal = self._settlement.lock(acct, mk, rec)
            if refusal is not None:
                self._matching.close(acct, mk, rec, STATUS_INSUFFICIENT, refusal)
                return
        self._matching.execute(acct, mk, rec)
