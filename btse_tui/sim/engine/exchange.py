"""The simulator's public exchange API, `Engine`: accounts, orders, cancel/amend and timers."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from decimal import Decimal

from btse_tui.sim.engine.amend import AmendMechanics
from btse_tui.sim.engine.matching import MatchingCore
from btse_tui.sim.engine.queries import EngineQueries
from btse_tui.sim.engine.records import (
    STATUS_CANCELLED,
    STATUS_NOT_FOUND,
    Account,
    Balance,
    OrderRecord,
    RequestRejected,
)
from btse_tui.sim.engine.state import Listener
from btse_tui.sim.engine.validation import (
    CODE_INVALID_SIZE,
    OrderRequest,
    fmt,
    invalid,
    parse_amend,
    parse_order,
    shown,
)

__all__ = ["Engine", "RequestRejected"]

DEFAULT_PERMISSIONS = frozenset({"Read", "Trading", "Wallet"})


class Engine(EngineQueries, AmendMechanics, MatchingCore):
    """A synchronous, deterministic spot exchange. Every mutation notifies the listeners.

    Listeners get, in causal order: OrderChanged / FillHappened / BalanceChanged (per account),
    TradePrinted, and BookChanged with the new aggregate size of every level that changed.
    The constructor (markets, clock, default fees, id seed) is `EngineState`'s; the commands are
    here; the queries come from `EngineQueries`, the mechanics from `AmendMechanics` and
    `MatchingCore`.

    `unique_open_cl_order_ids`: refuse a new order whose clOrderID an open order of the same key
    already carries (the simulator's rule; btse-api.md §4.1 says BTSE does not require unique
    ids, so set it False to behave like that).
    """

    unique_open_cl_order_ids: bool = True

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(event)` synchronously for every event; returns an unsubscribe function."""
        self._listeners = (*self._listeners, listener)

        def unsubscribe() -> None:
            self._listeners = tuple(x for x in self._listeners if x is not listener)

        return unsubscribe

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
        if req.cl_order_id is not None and self.unique_open_cl_order_ids:
            self._refuse_open_cl_order_id(acct, req.cl_order_id)
        try:
            rec = self._submit(acct, req)
        finally:
            self._flush()
        return [rec.snapshot()]

    @staticmethod
    def _refuse_open_cl_order_id(acct: Account, cl_order_id: str) -> None:
        """A clOrderID names one open order of a key (a simulator rule; BTSE publishes none)."""
        for rec in acct.open_orders.values():
            if rec.cl_order_id == cl_order_id:
                raise invalid(
                    f"Invalid clOrderID parameter: {shown(cl_order_id)} is already used by open "
                    f"order {rec.order_id}"
                )

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
