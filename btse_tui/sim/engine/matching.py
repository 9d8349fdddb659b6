"""Price-time matching: cross, match and fill, rest on the book, and close an order."""

from __future__ import annotations

from decimal import Decimal

from btse_tui.sim.engine.book import BookSide, Level
from btse_tui.sim.engine.ledger import OrderLedger
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
from btse_tui.sim.engine.state import EngineState, MarketState


class Matching:
    """Runs active orders against the book: the matching loop, resting, and an order's end."""

    def __init__(self, state: EngineState, ledger: OrderLedger, settlement: Settlement) -> None:
        self._state = state
        self._ledger = ledger
        self._settlement = settlement

    def crosses(self, mk: MarketState, rec: OrderRecord) -> bool:
        """Whether the order would trade against the opposite side's best price now."""
        best = mk.book.opposite(rec.side).best()
        if best is None:
            return False
        if rec.order_type == "MARKET":
            return True
        assert rec.price is not None
        return best <= rec.price if rec.side == "BUY" else best >= rec.price

    def execute(self, acct: Account, mk: MarketState, rec: OrderRecord) -> None:
        """Run an active (new or just-triggered) order: match, then rest, or finish."""
        tif = rec.time_in_force
        if rec.order_type == "LIMIT":
            crosses = self.crosses(mk, rec)
            if rec.post_only and crosses:
                self.close(acct, mk, rec, STATUS_REJECTED, "Post-only order would cross the book")
                return
            if tif == "FOK" and not self._fok_fillable(mk, rec):
                self.close(acct, mk, rec, STATUS_CANCELLED, "FOK order could not be filled in full")
                return
            if crosses:
                self.match(acct, mk, rec)
            if rec.status == STATUS_FILLED:
                return
            if tif in ("IOC", "FOK"):
                self.close(acct, mk, rec, STATUS_CANCELLED, "IOC remainder cancelled")
                return
            self.rest(acct, mk, rec)
            return
        # MARKET
        if tif == "FOK" and rec.order_currency == "base" and not self._fok_fillable(mk, rec):
            self.close(acct, mk, rec, STATUS_CANCELLED, "FOK order could not be filled in full")
            return
        exhausted = self.match(acct, mk, rec)
        if rec.status == STATUS_FILLED:
            return
        if exhausted and rec.order_currency == "quote" and rec.filled_size > ZERO:
            # as BTSE does: 4 only when the whole budget is spent; with unspendable quote dust
            # left the order ends at 5 (partially transacted) and is closed all the same
            rec.status = STATUS_PARTIAL if rec.remaining_quote_size else STATUS_FILLED
            rec.timestamp_ms = self._state.now_ms()
            self._ledger.finish(acct, rec)
            self._state.order_changed(acct, rec)
            return
        reason = "budget below one lot" if exhausted else "no liquidity"
        self.close(acct, mk, rec, STATUS_CANCELLED, f"Market order remainder cancelled: {reason}")

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

    def rest(self, acct: Account, mk: MarketState, rec: OrderRecord) -> None:
        """Put the order's remainder on the book (and index it as open if it is new)."""
        assert rec.price is not None and rec.current_size is not None
        side = mk.book.side(rec.side)
        side.add(rec, rec.price, rec.current_size - rec.filled_size)
        self._state.level_changed(rec.symbol, side, rec.price)
        if rec.order_id not in acct.open_orders:
            self._ledger.open(acct, rec)
            if rec.filled_size == ZERO:
                rec.status = STATUS_INSERTED
                self._state.order_changed(acct, rec)

    def match(self, acct: Account, mk: MarketState, rec: OrderRecord) -> bool:
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
        state = self._state
        now = state.now_ms()
        price = level.price
        symbol = mk.spec.symbol
        if qty == maker_left:
            opp.remove(maker, price, maker_left)
        else:
            opp.reduce(price, qty)
        state.level_changed(symbol, opp, price)
        state.trade_seq += 1
        trade = TradeRecord(state.trade_seq, symbol, taker.side, price, qty, now)
        mk.stats.record(trade)
        maker_acct = state.accounts[maker.api_key]
        taker_acct = state.accounts[taker.api_key]
        trade_uuid = (
            state.new_id() if maker_acct.private_events or taker_acct.private_events else ""
        )
        if state.listeners:
            state.emit(TradePrinted(trade))
        quote_amt = price * qty
        settle = self._settlement.settle
        settle(mk, maker_acct, maker, price, qty, quote_amt, True, now, trade_uuid)
        settle(mk, taker_acct, taker, price, qty, quote_amt, False, now, trade_uuid)
        for acct, rec in ((maker_acct, maker), (taker_acct, taker)):
            if rec.oco_peer is not None:
                self.end_oco_peer(acct, mk, rec, "OCO: the limit leg filled")

    def end_oco_peer(self, acct: Account, mk: MarketState, rec: OrderRecord, why: str) -> None:
        """Cancel the other leg of the OCO `rec` (one leg filling, triggering or ending ends
        the pair), unless that leg has itself fired and now trades on its own."""
        peer = rec.oco_peer
        if peer is None:
            return
        rec.oco_peer = peer.oco_peer = None
        if peer.is_open and not peer.triggered:
            self.close(acct, mk, peer, STATUS_CANCELLED, why, user_initiated=False)

    def unrest(self, mk: MarketState, rec: OrderRecord) -> None:
        """Take the order off the book if it rests there."""
        if rec.price is None or rec.current_size is None:
            return
        side = mk.book.side(rec.side)
        level = side.levels.get(rec.price)
        if level is not None and rec.order_id in level.orders:
            side.remove(rec, rec.price, rec.current_size - rec.filled_size)
            self._state.level_changed(rec.symbol, side, rec.price)

    def close(
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
        self.unrest(mk, rec)
        rec.status = status
        rec.message = message
        rec.user_initiated = user_initiated
        rec.timestamp_ms = self._state.now_ms()
        self._ledger.finish(acct, rec)
        self._state.order_changed(acct, rec)
        if rec.oco_peer is not None:
            self.end_oco_peer(acct, mk, rec, message or "OCO: the other leg was cancelled")
