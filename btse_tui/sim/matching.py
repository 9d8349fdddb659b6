"""Order mechanics of the simulated exchange: funds locking, triggers, price-time matching."""

from __future__ import annotations

import heapq
import itertools
import logging
import random
import time
from collections.abc import Callable
from decimal import Decimal

from btse_tui.sim.book import Book, BookSide, Level
from btse_tui.sim.catalog import MarketSpec
from btse_tui.sim.marketdata import MarketStats
from btse_tui.sim.records import (
    STATUS_CANCELLED,
    STATUS_FILLED,
    STATUS_INSERTED,
    STATUS_INSUFFICIENT,
    STATUS_PARTIAL,
    STATUS_REJECTED,
    STATUS_TRIGGER_ACTIVATED,
    STATUS_TRIGGER_INSERTED,
    ZERO,
    Account,
    BalanceChanged,
    BookChanged,
    FillHappened,
    FillRecord,
    OrderChanged,
    OrderRecord,
    TradePrinted,
    TradeRecord,
)
from btse_tui.sim.validation import TIME_IN_FORCE, OrderRequest, fmt

Listener = Callable[[object], None]
_log = logging.getLogger(__name__)

HISTORY_MS = 30 * 60_000
HISTORY_MAX = 10_000


class _Market:
    """Mutable per-market state: book, statistics and waiting trigger orders."""

    __slots__ = ("avg_quant", "book", "down", "spec", "stats", "up")

    def __init__(self, spec: MarketSpec) -> None:
        self.spec = spec
        self.book = Book()
        self.stats = MarketStats(spec.symbol, spec.start_price)
        # waiting triggers: `up` fires when last >= price, `down` when last <= price
        self.up: list[tuple[Decimal, int, OrderRecord]] = []
        self.down: list[tuple[Decimal, int, OrderRecord]] = []
        self.avg_quant = Decimal(1).scaleb(-(spec.price_precision + 4))


class MatchingCore:
    """Engine state and the mechanics behind it; `Engine` adds the public, validated API."""

    def __init__(
        self,
        markets: list[MarketSpec],
        *,
        clock: Callable[[], float] = time.time,
        maker_fee: Decimal = Decimal("0.001"),
        taker_fee: Decimal = Decimal("0.002"),
        seed: int = 0,
    ) -> None:
        self.markets: dict[str, MarketSpec] = {m.symbol: m for m in markets}
        self._m: dict[str, _Market] = {m.symbol: _Market(m) for m in markets}
        self._clock = clock
        self.maker_fee = maker_fee
        self.taker_fee = taker_fee
        self._rng = random.Random(seed)
        self._listeners: tuple[Listener, ...] = ()
        self._accounts: dict[str, Account] = {}
        self._trade_seq = 0
        self._serial = 0
        self._seq = itertools.count()
        self._expiries: list[tuple[int, int, OrderRecord]] = []
        self._armed: dict[str, Account] = {}
        self._dirty_levels: dict[tuple[str, str, Decimal], BookSide] = {}
        self._dirty_balances: dict[tuple[str, str], None] = {}
        self._now_override: int | None = None

    def _now_ms(self) -> int:
        if self._now_override is not None:
            return self._now_override
        return int(self._clock() * 1000)

    def now_ms(self) -> int:
        """The engine's current time in ms (from its clock)."""
        return self._now_ms()

    def _new_id(self) -> str:
        """A random (seeded) version-4 UUID string, formatted like str(uuid.UUID(...))."""
        n = self._rng.getrandbits(128)
        n = (n & ~(0xF000 << 64)) | (0x4000 << 64)  # version 4
        n = (n & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
        h = f"{n:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def _emit(self, event: object) -> None:
        # a failing listener must not leave the book half-updated: log it and carry on
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:
                _log.exception("engine listener %r failed on %r", listener, event)

    def _order_changed(self, acct: Account, rec: OrderRecord) -> None:
        if acct.private_events and self._listeners:
            self._emit(OrderChanged(acct.api_key, rec.snapshot()))

    def _touch(self, acct: Account, currency: str) -> None:
        if acct.private_events:
            self._dirty_balances[(acct.api_key, currency)] = None

    def _flush(self) -> None:
        """Emit the coalesced book-level and balance changes of the operation that just ended."""
        if self._dirty_levels:
            dirty = self._dirty_levels
            self._dirty_levels = {}
            if self._listeners:
                for (symbol, side_name, price), side in dirty.items():
                    level = side.levels.get(price)
                    size = level.size if level is not None else ZERO
                    self._emit(BookChanged(symbol, side_name, price, size))
        if self._dirty_balances:
            dirty_b = self._dirty_balances
            self._dirty_balances = {}
            if self._listeners:
                for api_key, currency in dirty_b:
                    self._emit(BalanceChanged(api_key, currency))

    def _maker_rate(self, acct: Account) -> Decimal:
        return self.maker_fee if acct.maker_fee is None else acct.maker_fee

    def _taker_rate(self, acct: Account) -> Decimal:
        return self.taker_fee if acct.taker_fee is None else acct.taker_fee

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

    def _lock(self, acct: Account, mk: _Market, rec: OrderRecord) -> bool:
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

    def _market_buy_cost(self, mk: _Market, size: Decimal) -> Decimal:
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

    def _arm_trigger(self, mk: _Market, rec: OrderRecord) -> None:
        assert rec.trigger_price is not None
        rises = (rec.side == "BUY") == (rec.tx_type == "STOP")
        if rises:
            heapq.heappush(mk.up, (rec.trigger_price, next(self._seq), rec))
        else:
            heapq.heappush(mk.down, (-rec.trigger_price, next(self._seq), rec))

    def _check_triggers(self, mk: _Market) -> None:
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

    def _activate(self, mk: _Market, rec: OrderRecord) -> None:
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

    def _crosses(self, mk: _Market, rec: OrderRecord) -> bool:
        best = mk.book.opposite(rec.side).best()
        if best is None:
            return False
        if rec.order_type == "MARKET":
            return True
        assert rec.price is not None
        return best <= rec.price if rec.side == "BUY" else best >= rec.price

    def _execute(self, acct: Account, mk: _Market, rec: OrderRecord) -> None:
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
            rec.status = STATUS_FILLED
            rec.timestamp_ms = self._now_ms()
            self._finish(acct, rec)
            self._order_changed(acct, rec)
            return
        reason = "budget below one lot" if exhausted else "no liquidity"
        self._close(acct, mk, rec, STATUS_CANCELLED, f"Market order remainder cancelled: {reason}")

    def _fok_fillable(self, mk: _Market, rec: OrderRecord) -> bool:
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

    def _rest(self, acct: Account, mk: _Market, rec: OrderRecord) -> None:
        assert rec.price is not None and rec.current_size is not None
        side = mk.book.side(rec.side)
        side.add(rec, rec.price, rec.current_size - rec.filled_size)
        self._dirty_levels[(rec.symbol, side.side, rec.price)] = side
        if rec.order_id not in acct.open_orders:
            self._open(acct, rec)
            if rec.filled_size == ZERO:
                rec.status = STATUS_INSERTED
                self._order_changed(acct, rec)

    def _match(self, acct: Account, mk: _Market, rec: OrderRecord) -> bool:
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
        mk: _Market,
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

    def _settle(
        self,
        mk: _Market,
        acct: Account,
        rec: OrderRecord,
        price: Decimal,
        qty: Decimal,
        quote_amt: Decimal,
        is_maker: bool,
        now: int,
        trade_uuid: str,
    ) -> None:
        spec = mk.spec
        rate = self._maker_rate(acct) if is_maker else self._taker_rate(acct)
        if rec.side == "BUY":
            fee = qty * rate
            fee_currency = spec.base
            if rec.order_type == "LIMIT":
                assert rec.price is not None
                consume = qty * rec.price * (1 + self._taker_rate(acct))
            else:
                consume = quote_amt
            if consume > rec.locked:
                consume = rec.locked
            rec.locked -= consume
            qb = acct.balance(spec.quote)
            qb.total -= quote_amt
            qb.available += consume - quote_amt
            bb = acct.balance(spec.base)
            bb.total += qty - fee
            bb.available += qty - fee
        else:
            fee = quote_amt * rate
            fee_currency = spec.quote
            consume = qty if qty <= rec.locked else rec.locked
            rec.locked -= consume
            bb = acct.balance(spec.base)
            bb.total -= qty
            bb.available += consume - qty
            qb = acct.balance(spec.quote)
            qb.total += quote_amt - fee
            qb.available += quote_amt - fee
        rec.filled_size += qty
        rec.filled_quote += quote_amt
        rec.last_fill_size = qty
        rec.avg_fill_price = (rec.filled_quote / rec.filled_size).quantize(mk.avg_quant)
        rec.maker = is_maker
        rec.timestamp_ms = now
        full = rec.order_currency == "base" and rec.filled_size == rec.current_size
        rec.status = STATUS_FILLED if full else STATUS_PARTIAL
        if full:
            self._finish(acct, rec)
        if acct.private_events:
            self._serial += 1
            fill = FillRecord(
                trade_id=trade_uuid,
                serial_id=self._serial,
                order_id=rec.order_id,
                cl_order_id=rec.cl_order_id,
                api_key=acct.api_key,
                symbol=spec.symbol,
                side=rec.side,
                price=price,
                size=qty,
                fee_amount=fee,
                fee_currency=fee_currency,
                base=spec.base,
                quote=spec.quote,
                maker=is_maker,
                timestamp_ms=now,
                order_type=rec.order_type,
            )
            acct.fills.append(fill)
            self._touch(acct, spec.base)
            self._touch(acct, spec.quote)
            if self._listeners:
                self._emit(FillHappened(acct.api_key, fill))
            self._order_changed(acct, rec)

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

    def _unrest(self, mk: _Market, rec: OrderRecord) -> None:
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
        mk: _Market,
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
