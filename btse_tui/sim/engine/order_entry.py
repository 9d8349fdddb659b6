"""Order entry: build the record of a new order, lock the funds it may spend, index it as open."""

from __future__ import annotations

import heapq
from decimal import Decimal

from btse_tui.sim.engine.records import (
    STATUS_INSUFFICIENT,
    STATUS_REJECTED,
    STATUS_TRIGGER_INSERTED,
    ZERO,
    Account,
    OrderRecord,
)
from btse_tui.sim.engine.state import EngineState, MarketState
from btse_tui.sim.engine.validation import TIME_IN_FORCE, OrderRequest, fmt


class OrderEntry(EngineState):
    """Accepting orders; part of `MatchingCore`, which supplies the trigger/match/close steps."""

    def _submit(self, acct: Account, req: OrderRequest) -> OrderRecord:
        mk = self._m[req.symbol]
        now = self._now_ms()
        by_quote = req.by_quote
        rec = OrderRecord(
            order_id=self._new_id(),
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
            self._close(acct, mk, rec, STATUS_REJECTED, "Post-only is only valid for LIMIT orders")
            return rec
        if not self._lock(acct, mk, rec):
            return rec
        lifetime = TIME_IN_FORCE.get(rec.time_in_force)
        if lifetime is not None:
            rec.expire_ms = now + lifetime
        if rec.is_trigger:
            rec.status = STATUS_TRIGGER_INSERTED
            self._open(acct, rec)
            self._arm_trigger(mk, rec)
            self._order_changed(acct, rec)
        else:
            self._execute(acct, mk, rec)
        self._check_triggers(mk)
        return rec

    def _lock(self, acct: Account, mk: MarketState, rec: OrderRecord) -> bool:
        """Reserve what the order may spend; False (and status 8) when the account lacks it."""
        spec = mk.spec
        if rec.side == "BUY":
            currency = spec.quote
            if rec.order_type == "LIMIT":
                assert rec.price is not None and rec.current_size is not None
                need = rec.price * rec.current_size * (1 + self._taker_rate(acct))
            elif rec.order_currency == "quote":
                assert rec.current_quote_size is not None
                need = rec.current_quote_size
            elif rec.is_trigger and not rec.triggered:
                need = ZERO  # base-sized market buy: priced when it fires
            else:
                assert rec.current_size is not None
                need = self._market_buy_cost(mk, rec.current_size - rec.filled_size)
        else:
            currency = spec.base
            assert rec.current_size is not None
            need = rec.current_size - rec.filled_size
        bal = acct.balance(currency)
        if need > bal.available:
            rec.lock_currency = currency
            self._close(
                acct,
                mk,
                rec,
                STATUS_INSUFFICIENT,
                f"Insufficient balance: needs {fmt(need)} {currency}, "
                f"available {fmt(bal.available)} {currency}",
            )
            return False
        bal.available -= need
        rec.locked += need
        rec.lock_currency = currency
        if need:
            self._touch(acct, currency)
        return True

    def _market_buy_cost(self, mk: MarketState, size: Decimal) -> Decimal:
        cost = ZERO
        for level in mk.book.asks.iter_levels():
            take = min(size, level.size)
            cost += take * level.price
            size -= take
            if size <= ZERO:
                break
        return cost

    def _open(self, acct: Account, rec: OrderRecord) -> None:
        acct.open_orders[rec.order_id] = rec
        per_symbol = acct.open_by_symbol.get(rec.symbol)
        if per_symbol is None:
            per_symbol = acct.open_by_symbol[rec.symbol] = {}
        per_symbol[rec.order_id] = rec
        if rec.expire_ms is not None:
            heapq.heappush(self._expiries, (rec.expire_ms, next(self._seq), rec))
