"""Stop and trigger orders: arm them, fire them when the last price reaches them, activate;
and the orders whose price follows the market: trailing stops and PEGs."""

from __future__ import annotations

import heapq
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from btse_tui.sim.engine.matching import Matching
from btse_tui.sim.engine.records import STATUS_INSUFFICIENT, STATUS_TRIGGER_ACTIVATED, OrderRecord
from btse_tui.sim.engine.settlement import Settlement
from btse_tui.sim.engine.state import EngineState, MarketState

#: Repricing a PEG can trade and move the last price again: at most this many rounds a check.
FOLLOW_ROUNDS = 8
_HUNDRED = Decimal(100)


class Triggers:
    """Waiting stop and take-profit orders: armed per market, fired by the last price.

    A trailing stop's trigger keeps `trail_value` behind the best last price since it was
    placed (below the highest for a SELL, above the lowest for a BUY) and fires like a stop
    when the price comes back by that much. A PEG rests at the index price (the simulator's
    index is the last price, as its `/price` reports) moved by its deviation, never past its
    limit price, and is repriced whenever that moves.
    """

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

    def arm_trailing(self, mk: MarketState, rec: OrderRecord) -> None:
        """Arm a trailing stop and follow the price with it."""
        self.arm(mk, rec)
        mk.following[rec.order_id] = rec

    def follow_peg(self, mk: MarketState, rec: OrderRecord) -> None:
        """Reprice the PEG `rec` from now on whenever the index moves."""
        mk.following[rec.order_id] = rec

    @staticmethod
    def peg_price(mk: MarketState, rec: OrderRecord) -> Decimal:
        """index × (1 + deviation/100) on the tick (a BUY rounds down, a SELL up), not past
        the limit price and not below the market's minimum price."""
        spec = mk.spec
        assert rec.peg_deviation is not None and rec.peg_limit is not None
        raw = mk.stats.last * (1 + rec.peg_deviation / _HUNDRED)
        buy = rec.side == "BUY"
        rounding = ROUND_FLOOR if buy else ROUND_CEILING
        price = (raw / spec.tick).to_integral_value(rounding=rounding) * spec.tick
        price = min(price, rec.peg_limit) if buy else max(price, rec.peg_limit)
        return max(price, spec.min_price).quantize(spec.tick)

    def check(self, mk: MarketState) -> None:
        """Move what follows the price, then fire every trigger the last price has reached."""
        for _ in range(FOLLOW_ROUNDS):
            last = mk.stats.last
            if mk.following:
                self._follow(mk)
            self._fire(mk)
            if mk.stats.last == last:
                return

    def _follow(self, mk: MarketState) -> None:
        last = mk.stats.last
        for order_id, rec in list(mk.following.items()):
            if not rec.is_open or rec.triggered:
                del mk.following[order_id]
            elif rec.is_peg:
                self._reprice_peg(mk, rec)
            elif rec.trail_value is not None and rec.trail_anchor is not None:
                sell = rec.side == "SELL"
                if last > rec.trail_anchor if sell else last < rec.trail_anchor:
                    rec.trail_anchor = last
                    rec.trigger_price = last - rec.trail_value if sell else last + rec.trail_value
                    rec.timestamp_ms = self._state.now_ms()
                    self.arm(mk, rec)  # the old heap entry no longer matches and is skipped
                    self._state.order_changed(self._state.accounts[rec.api_key], rec)

    def _reprice_peg(self, mk: MarketState, rec: OrderRecord) -> None:
        price = self.peg_price(mk, rec)
        if price == rec.price:
            return
        acct = self._state.accounts[rec.api_key]
        self._matching.unrest(mk, rec)
        rec.original_price = rec.price
        rec.price = price
        rec.timestamp_ms = self._state.now_ms()
        if self._matching.crosses(mk, rec):
            self._matching.match(acct, mk, rec)
        if rec.is_open:
            self._matching.rest(acct, mk, rec)
            self._state.order_changed(acct, rec)

    def _fire(self, mk: MarketState) -> None:
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
        if rec.is_oco:
            # the stop leg fired: the limit leg is cancelled, and its funds pay for this one
            self._matching.end_oco_peer(acct, mk, rec, "OCO: the stop leg triggered")
            refusal = self._settlement.lock(acct, mk, rec)
            if refusal is not None:
                self._matching.close(acct, mk, rec, STATUS_INSUFFICIENT, refusal)
                return
        elif rec.side == "BUY" and rec.order_type == "MARKET" and rec.order_currency == "base":
            # a base-sized market buy locked nothing while waiting: price it now
            refusal = self._settlement.lock(acct, mk, rec)
            if refusal is not None:
                self._matching.close(acct, mk, rec, STATUS_INSUFFICIENT, refusal)
                return
        self._matching.execute(acct, mk, rec)
