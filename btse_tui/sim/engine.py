"""The simulator's public exchange API: accounts, orders, cancel/amend, timers and queries."""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable
from decimal import Decimal

from btse_tui.sim.catalog import MarketSpec
from btse_tui.sim.marketdata import Candle
from btse_tui.sim.matching import HISTORY_MS, Listener, MatchingCore, _Market
from btse_tui.sim.records import (
    STATUS_AMENDED,
    STATUS_CANCELLED,
    STATUS_FILLED,
    STATUS_INSUFFICIENT,
    STATUS_NOT_FOUND,
    STATUS_REJECTED,
    ZERO,
    Account,
    Balance,
    FillRecord,
    OrderRecord,
    RequestRejected,
    TickerState,
    TradeRecord,
)
from btse_tui.sim.validation import (
    CODE_INVALID_SIZE,
    CODE_UNSUPPORTED_SYMBOL,
    OrderRequest,
    fmt,
    invalid,
    parse_amend,
    parse_order,
)

__all__ = ["Engine", "RequestRejected"]

DEFAULT_PERMISSIONS = frozenset({"Read", "Trading", "Wallet"})


class Engine(MatchingCore):
    """A synchronous, deterministic spot exchange. Every mutation notifies the listeners.

    Listeners get, in causal order: OrderChanged / FillHappened / BalanceChanged (per account),
    TradePrinted, and BookChanged with the new aggregate size of every level that changed.
    """

    def __init__(
        self,
        markets: list[MarketSpec],
        *,
        clock: Callable[[], float] = time.time,
        maker_fee: Decimal = Decimal("0.001"),
        taker_fee: Decimal = Decimal("0.002"),
        seed: int = 0,
    ) -> None:
        super().__init__(markets, clock=clock, maker_fee=maker_fee, taker_fee=taker_fee, seed=seed)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(event)` synchronously for every event; returns an unsubscribe function."""
        self._listeners = (*self._listeners, listener)

        def unsubscribe() -> None:
            self._listeners = tuple(x for x in self._listeners if x is not listener)

        return unsubscribe

    def _market(self, symbol: object) -> _Market:
        if not isinstance(symbol, str) or not symbol:
            raise invalid("symbol parameter is mandatory")
        mk = self._m.get(symbol)
        if mk is None:
            raise invalid(f"Unsupported symbol: {symbol}", CODE_UNSUPPORTED_SYMBOL)
        return mk

    def _account(self, api_key: str) -> Account:
        acct = self._accounts.get(api_key)
        if acct is None:
            raise RequestRejected(401, -7, "Authenticate failed")
        return acct

    def add_account(
        self,
        api_key: str,
        secret: str,
        balances: dict[str, Decimal],
        permissions: frozenset[str] = DEFAULT_PERMISSIONS,
        name: str = "",
        *,
        private_events: bool = True,
        maker_fee: Decimal | None = None,
        taker_fee: Decimal | None = None,
    ) -> Account:
        """Create (or replace) an account holding `balances` (all available)."""
        acct = Account(
            api_key=api_key,
            secret=secret,
            permissions=frozenset(permissions),
            name=name,
            balances={c: Balance(Decimal(v), Decimal(v)) for c, v in balances.items()},
            maker_fee=maker_fee,
            taker_fee=taker_fee,
            private_events=private_events,
        )
        self._accounts[api_key] = acct
        return acct

    def account_for_key(self, api_key: str) -> Account | None:
        """The account of `api_key`, or None."""
        return self._accounts.get(api_key)

    def fee_rates(self, api_key: str) -> tuple[Decimal, Decimal]:
        """(maker, taker) fee rates of the account."""
        acct = self._account(api_key)
        return self._maker_rate(acct), self._taker_rate(acct)

    def wallet(self, api_key: str) -> list[tuple[str, Decimal, Decimal]]:
        """(currency, total, available) for every currency the account has touched."""
        acct = self._account(api_key)
        return [(c, b.total, b.available) for c, b in sorted(acct.balances.items())]

    def credit(self, api_key: str, currency: str, amount: Decimal) -> None:
        """Add (or with a negative amount, remove) available funds, e.g. a demo top-up."""
        acct = self._account(api_key)
        bal = acct.balance(currency)
        bal.total += amount
        bal.available += amount
        self._touch(acct, currency)
        self._flush()

    def place_order(self, api_key: str, body: dict) -> list[OrderRecord]:
        """Validate and execute a create-order body (btse-api.md §4.1); one record per order."""
        acct = self._account(api_key)
        req = parse_order(self.markets, body)
        try:
            rec = self._submit(acct, req)
        finally:
            self._flush()
        return [rec.snapshot()]

    def submit_order(
        self,
        api_key: str,
        symbol: str,
        side: str,
        order_type: str,
        price: Decimal | None,
        size: Decimal | None,
        *,
        time_in_force: str = "GTC",
        post_only: bool = False,
        cl_order_id: str | None = None,
    ) -> OrderRecord:
        """Fast path for trusted callers (the flow): no parsing or rule checks.

        Returns the live record; callers must not mutate it.
        """
        acct = self._account(api_key)
        req = OrderRequest(
            symbol, side, order_type, "LIMIT", price, size, None, time_in_force, post_only,
            cl_order_id,
        )  # fmt: skip
        try:
            return self._submit(acct, req)
        finally:
            self._flush()

    def cancel_orders(
        self,
        api_key: str,
        symbol: str,
        order_id: str | None = None,
        cl_order_id: str | None = None,
    ) -> list[OrderRecord]:
        """Cancel by orderID, by clOrderID (all matches) or all of `symbol` (btse-api.md §4.4)."""
        acct = self._account(api_key)
        mk = self._market(symbol)
        per_symbol = acct.open_by_symbol.get(symbol, {})
        if order_id:
            rec = per_symbol.get(order_id)
            targets = [rec] if rec is not None else []
        elif cl_order_id:
            targets = [r for r in per_symbol.values() if r.cl_order_id == cl_order_id]
        else:
            targets = list(per_symbol.values())
        if not targets:
            if order_id or cl_order_id:
                return [self._not_found(api_key, symbol, order_id, cl_order_id)]
            return []
        out = []
        try:
            for rec in targets:
                self._close(acct, mk, rec, STATUS_CANCELLED, "")
                out.append(rec.snapshot())
        finally:
            self._flush()
        return out

    def cancel(self, api_key: str, order_id: str) -> bool:
        """Fast cancel for trusted callers; False when the order is not open."""
        acct = self._account(api_key)
        rec = acct.open_orders.get(order_id)
        if rec is None:
            return False
        self._close(acct, self._m[rec.symbol], rec, STATUS_CANCELLED, "")
        self._flush()
        return True

    def _find_open(
        self, acct: Account, symbol: str, order_id: str | None, cl_order_id: str | None
    ) -> OrderRecord | None:
        per_symbol = acct.open_by_symbol.get(symbol, {})
        if order_id:
            return per_symbol.get(order_id)
        if cl_order_id:
            found = None
            for rec in per_symbol.values():
                if rec.cl_order_id == cl_order_id:
                    found = rec
            return found
        return None

    def amend_order(self, api_key: str, body: dict) -> OrderRecord:
        """Amend price / size / trigger price of an open order (btse-api.md §4.3); status 123."""
        acct = self._account(api_key)
        req = parse_amend(self.markets, body)
        mk = self._m[req.symbol]
        rec = self._find_open(acct, req.symbol, req.order_id, req.cl_order_id)
        if rec is None:
            return self._not_found(api_key, req.symbol, req.order_id, req.cl_order_id)
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
        try:
            return self._amend(acct, mk, rec, req.price, req.size, req.trigger_price)
        finally:
            self._flush()

    def cancel_all_after(self, api_key: str, timeout_ms: int) -> None:
        """Arm (or re-arm) the dead man's switch; 0 disarms it."""
        acct = self._account(api_key)
        if timeout_ms <= 0:
            acct.cancel_deadline_ms = None
            self._armed.pop(api_key, None)
            return
        acct.cancel_deadline_ms = self._now_ms() + int(timeout_ms)
        self._armed[api_key] = acct

    def advance(self, now_ms: int | None = None) -> None:
        """Run time-based work due by `now_ms`: TIF expiry and lapsed cancelAllAfter switches."""
        now = self._now_ms() if now_ms is None else now_ms
        self._now_override = now
        try:
            expiries = self._expiries
            while expiries and expiries[0][0] <= now:
                when, _, rec = heapq.heappop(expiries)
                if rec.is_open and rec.expire_ms == when:
                    acct = self._accounts[rec.api_key]
                    self._close(
                        acct,
                        self._m[rec.symbol],
                        rec,
                        STATUS_CANCELLED,
                        f"Order expired ({rec.time_in_force})",
                        user_initiated=False,
                    )
            for api_key, acct in list(self._armed.items()):
                deadline = acct.cancel_deadline_ms
                if deadline is None or deadline > now:
                    continue
                del self._armed[api_key]
                acct.cancel_deadline_ms = None
                for rec in list(acct.open_orders.values()):
                    self._close(
                        acct,
                        self._m[rec.symbol],
                        rec,
                        STATUS_CANCELLED,
                        "Cancelled by cancelAllAfter",
                        user_initiated=False,
                    )
        finally:
            self._now_override = None
            self._flush()

    def get_order(
        self, api_key: str, order_id: str | None = None, cl_order_id: str | None = None
    ) -> OrderRecord | None:
        """An open order or one closed within the last 30 minutes; orderID wins over clOrderID."""
        acct = self._account(api_key)
        now = self._now_ms()
        if order_id:
            rec = acct.open_orders.get(order_id) or acct.history.get(order_id)
            if rec is None or (not rec.is_open and rec.timestamp_ms < now - HISTORY_MS):
                return None
            return rec.snapshot()
        if cl_order_id:
            for rec in reversed(list(acct.open_orders.values())):
                if rec.cl_order_id == cl_order_id:
                    return rec.snapshot()
            for rec in reversed(acct.history.values()):
                if rec.timestamp_ms < now - HISTORY_MS:
                    break
                if rec.cl_order_id == cl_order_id:
                    return rec.snapshot()
        return None

    def open_orders(
        self,
        api_key: str,
        symbol: str | None = None,
        order_id: str | None = None,
        cl_order_id: str | None = None,
    ) -> list[OrderRecord]:
        """The account's open orders (resting and waiting triggers), oldest first."""
        acct = self._account(api_key)
        if symbol:
            records = list(acct.open_by_symbol.get(symbol, {}).values())
        else:
            records = list(acct.open_orders.values())
        if order_id:
            records = [r for r in records if r.order_id == order_id]
        if cl_order_id:
            records = [r for r in records if r.cl_order_id == cl_order_id]
        return [r.snapshot() for r in records]

    def trade_history(
        self,
        api_key: str,
        symbol: str,
        start_ms: int | None = None,
        end_ms: int | None = None,
        count: int | None = None,
        order_id: str | None = None,
        cl_order_id: str | None = None,
    ) -> list[FillRecord]:
        """The account's fills in `symbol`, newest first, filtered by time window and order."""
        acct = self._account(api_key)
        out: list[FillRecord] = []
        for fill in reversed(acct.fills):
            if fill.symbol != symbol:
                continue
            if end_ms is not None and fill.timestamp_ms > end_ms:
                continue
            if start_ms is not None and fill.timestamp_ms < start_ms:
                break
            if order_id and fill.order_id != order_id:
                continue
            if cl_order_id and fill.cl_order_id != cl_order_id:
                continue
            out.append(fill)
            if count is not None and len(out) >= count:
                break
        return out

    def book_levels(
        self, symbol: str, depth: int = 50
    ) -> tuple[list[tuple[Decimal, Decimal]], list[tuple[Decimal, Decimal]]]:
        """Aggregated (price, size) levels: bids best-first (descending), asks ascending."""
        book = self._market(symbol).book
        return book.bids.depth(depth), book.asks.depth(depth)

    def ticker(self, symbol: str) -> TickerState:
        """Rolling 24-hour ticker with top of book."""
        mk = self._market(symbol)
        return mk.stats.ticker(self._now_ms(), mk.book)

    def last_price(self, symbol: str) -> Decimal:
        """The last trade price (the start price before any trade)."""
        return self._market(symbol).stats.last

    def recent_trades(self, symbol: str, limit: int = 50) -> list[TradeRecord]:
        """Public prints, newest first."""
        trades = self._market(symbol).stats.trades
        return list(itertools.islice(trades, max(0, limit)))

    def candles(
        self,
        symbol: str,
        resolution_min: int,
        start_s: int | None,
        end_s: int | None,
        limit: int,
    ) -> list[Candle]:
        """(open_time_s, open, high, low, close, quote volume) oldest first."""
        stats = self._market(symbol).stats
        return stats.candles(resolution_min, start_s, end_s, limit, self._now_ms())

    def load_history(self, symbol: str, bars: list[Candle]) -> None:
        """Pre-fill a market's one-minute candle history before it trades."""
        self._market(symbol).stats.load_history(bars)

    def _amend(
        self,
        acct: Account,
        mk: _Market,
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
        if rec.side == "BUY" and rec.order_type == "LIMIT":
            assert price is not None and size is not None
            need = price * (size - rec.filled_size) * (1 + self._taker_rate(acct))
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
            self._dirty_levels[(rec.symbol, side.side, old_price)] = side
        elif resting:
            self._unrest(mk, rec)
        bal.available -= delta
        rec.locked += delta
        if delta:
            self._touch(acct, lock_currency)
        rec.original_price = old_price
        rec.price = price
        rec.current_size = size
        if new_trigger is not None:
            rec.trigger_price = new_trigger
            self._arm_trigger(mk, rec)
        rec.status = STATUS_AMENDED
        rec.message = ""
        rec.timestamp_ms = self._now_ms()
        ack = rec.snapshot()
        self._order_changed(acct, rec)
        if resting and not keep_priority:
            if self._crosses(mk, rec):
                self._match(acct, mk, rec)
            if rec.status != STATUS_FILLED:
                self._rest(acct, mk, rec)
        self._check_triggers(mk)
        return ack

    def _not_found(
        self, api_key: str, symbol: str, order_id: str | None, cl_order_id: str | None
    ) -> OrderRecord:
        now = self._now_ms()
        known = self.get_order(api_key, order_id=order_id, cl_order_id=cl_order_id)
        return OrderRecord(
            order_id=order_id or "",
            cl_order_id=cl_order_id,
            api_key=api_key,
            symbol=symbol,
            side=known.side if known is not None else "",
            order_type=known.order_type if known is not None else "",
            tx_type=known.tx_type if known is not None else "",
            price=None,
            trigger_price=None,
            original_size=None,
            original_quote_size=None,
            current_size=None,
            current_quote_size=None,
            status=STATUS_NOT_FOUND,
            message="Order not found",
            created_ms=now,
            timestamp_ms=now,
        )
