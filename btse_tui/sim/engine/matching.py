"""Price-time matching: cross, match and fill, rest, and close orders into the closed history."""

from __future__ import annotations

from decimal import Decimal

from btse_tui.sim.engine.book import BookSide, Level
from btse_tui.sim.engine.order_entry import OrderEntry
from btse_tui.sim.engine.records import (
    STATUS_CANCELLED,
    STATUS_FILLED,
    STATUS_INSERTED,
    STATUS_PARTIAL,
    STATUS_REJECTED,
    ZERO,
    Account,
    OrderRecord,
    TradePrinted,
    TradeRecord,
)
from btse_tui.sim.engine.settlement import Settlement
from btse_tui.sim.engine.state import Listener, MarketState
from btse_tui.sim.engine.triggers import TriggerMechanics

__all__ = ["HISTORY_MAX", "HISTORY_MS", "Listener", "MatchingCore"]

# closed-order history per account; `_finish` reads these globals at run time (tests patch them)
HISTORY_MS = 30 * 60_000
HISTORY_MAX = 10_000


class MatchingCore(OrderEntry, TriggerMechanics, Settlement):
    """Engine state and the mechanics behind it; `Engine` adds the public, validated API.

    Order entry, triggers and fill settlement come from the mixins; the matching loop and the
    end of an order's life are here.
    """

    def _crosses(self, mk: MarketState, rec: OrderRecord) -> bool:
        best = mk.book.opposite(rec.side).best()
        if best is None:
            return False
        if rec.order_type == "MARKET":
            return True
        assert rec.price is not None
        return best <= rec.price if rec.side == "BUY" else best >= rec.price

    def _execute(self, acct: Account, mk: MarketState, rec: OrderRecord) -> None:
        """Run an active (new or just-triggered) order: match, then rest, or finish."""
        tif = rec.time_in_force
        if rec.order_type == "LIMIT":
            crosses = self._crosses(mk, rec)
            if rec.post_only and crosses:
                self._close(acct, mk, rec, STATUS_REJECTED, "Post-only order would cross the book")
                return
            if tif == "FOK" and not self._fok_fillable(mk, rec):
                self._close(
                    acct, mk, rec, STATUS_CANCELLED, "FOK order could not be filled in full"
                )
                return
            if crosses:
                self._match(acct, mk, rec)
            if rec.status == STATUS_FILLED:
                return
            if tif in ("IOC", "FOK"):
                self._close(acct, mk, rec, STATUS_CANCELLED, "IOC remainder cancelled")
                return
            self._rest(acct, mk, rec)
            return
        # MARKET
        if tif == "FOK" and rec.order_currency == "base" and not self._fok_fillable(mk, rec):
            self._close(acct, mk, rec, STATUS_CANCELLED, "FOK order could not be filled in full")
            return
        exhausted = self._match(acct, mk, rec)
        if rec.status == STATUS_FILLED:
            return
        if exhausted and rec.order_currency == "quote" and rec.filled_size > ZERO:
            # as BTSE does: 4 only when the whole budget is spent; with unspendable quote dust
            # left the order ends at 5 (partially transacted) and is closed all the same
            rec.status = STATUS_PARTIAL if rec.remaining_quote_size else STATUS_FILLED
            rec.timestamp_ms = self._now_ms()
            self._finish(acct, rec)
            self._order_changed(acct, rec)
            return
        reason = "budget below one lot" if exhausted else "no liquidity"
        self._close(acct, mk, rec, STATUS_CANCELLED, f"Market order remainder cancelled: {reason}")

    def _fok_fillable(self, mk: MarketState, rec: OrderRecord) -> bool:
        assert rec.current_size is not None
        need = rec.current_size - rec.filled_size
        limit = rec.price if rec.order_type == "LIMIT" else None
        buy = rec.side == "BUY"
        for level in mk.book.opposite(rec.side).iter_levels():
            if limit is not None and (level.price > limit if buy else level.price < limit):
                return False
            need -= level.size
            if need <= ZERO:
                return True
        return False

    def _rest(self, acct: Account, mk: MarketState, rec: OrderRecord) -> None:
        assert rec.price is not None and rec.current_size is not None
        side = mk.book.side(rec.side)
        side.add(rec, rec.price, rec.current_size - rec.filled_size)
        self._dirty_levels[(rec.symbol, side.side, rec.price)] = side
        if rec.order_id not in acct.open_orders:
            self._open(acct, rec)
            if rec.filled_size == ZERO:
                rec.status = STATUS_INSERTED
                self._order_changed(acct, rec)

    def _match(self, acct: Account, mk: MarketState, rec: OrderRecord) -> bool:
        """Trade `rec` against the opposite side; True when it stopped for lack of size/budget."""
        opp = mk.book.opposite(rec.side)
        buy = rec.side == "BUY"
        limit = rec.price if rec.order_type == "LIMIT" else None
        by_quote = rec.order_currency == "quote"
        lot = mk.spec.lot
        while True:
            level = opp.best_level()
            if level is None:
                return False
            price = level.price
            if limit is not None and (price > limit if buy else price < limit):
                return False
            maker = level.first()
            assert maker.current_size is not None
            maker_left = maker.current_size - maker.filled_size
            if by_quote:
                assert rec.current_quote_size is not None
                budget = rec.current_quote_size - rec.filled_quote
                qty = (budget / price) // lot * lot
                if qty * price > budget:
                    qty -= lot
                if qty <= ZERO:
                    return True
                if qty > maker_left:
                    qty = maker_left
            else:
                assert rec.current_size is not None
                left = rec.current_size - rec.filled_size
                if left <= ZERO:
                    return True
                qty = left if left < maker_left else maker_left
            self._fill(mk, opp, level, maker, maker_left, rec, qty)

    def _fill(
        self,
        mk: MarketState,
        opp: BookSide,
        level: Level,
        maker: OrderRecord,
        maker_left: Decimal,
        taker: OrderRecord,
        qty: Decimal,
    ) -> None:
        now = self._now_ms()
        price = level.price
        symbol = mk.spec.symbol
        if qty == maker_left:
            opp.remove(maker, price, maker_left)
        else:
            opp.reduce(price, qty)
        self._dirty_levels[(symbol, opp.side, price)] = opp
        self._trade_seq += 1
        trade = TradeRecord(self._trade_seq, symbol, taker.side, price, qty, now)
        mk.stats.record(trade)
        maker_acct = self._accounts[maker.api_key]
        taker_acct = self._accounts[taker.api_key]
        trade_uuid = (
            self._new_id() if maker_acct.private_events or taker_acct.private_events else ""
        )
        if self._listeners:
            self._emit(TradePrinted(trade))
        quote_amt = price * qty
        self._settle(mk, maker_acct, maker, price, qty, quote_amt, True, now, trade_uuid)
        self._settle(mk, taker_acct, taker, price, qty, quote_amt, False, now, trade_uuid)

    def _finish(self, acct: Account, rec: OrderRecord) -> None:
        """Release what the order still holds and move it from the open index to history."""
        if rec.locked:
            bal = acct.balance(rec.lock_currency)
            bal.available += rec.locked
            rec.locked = ZERO
            self._touch(acct, rec.lock_currency)
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

    def _unrest(self, mk: MarketState, rec: OrderRecord) -> None:
        """Take the order off the book if it rests there."""
        if rec.price is None or rec.current_size is None:
            return
        side = mk.book.side(rec.side)
        level = side.levels.get(rec.price)
        if level is not None and rec.order_id in level.orders:
            side.remove(rec, rec.price, rec.current_size - rec.filled_size)
            self._dirty_levels[(rec.symbol, side.side, rec.price)] = side

    def _close(
        self,
        acct: Account,
        mk: MarketState,
        rec: OrderRecord,
        status: int,
        message: str,
        *,
        user_initiated: bool = True,
    ) -> None:
        """End the order with `status` (6, 8, 15 …), release its funds and notify."""
        self._unrest(mk, rec)
        rec.status = status
        rec.message = message
        rec.user_initiated = user_initiated
        rec.timestamp_ms = self._now_ms()
        self._finish(acct, rec)
        self._order_changed(acct, rec)
