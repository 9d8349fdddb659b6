"""The session's REST side: start-up load, periodic refresh, clock skew, dead man's switch."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable

from btse_tui.client.session_base import Emit, SessionCore
from btse_tui.protocol.errors import BadValue, BtseError
from btse_tui.protocol.models import Market, Ticker
from btse_tui.protocol.session_events import (
    BalancesRefreshed,
    ClockSkew,
    DeadMansSwitch,
    FeesLoaded,
    MarketsLoaded,
    OrdersSnapshot,
    RestHealth,
    TickersRefreshed,
)

#: Above this skew (ms) the status bar warns.
SKEW_WARN_MS = 1000.0


async def _wait(event: asyncio.Event, seconds: float | None) -> None:
    """Wait until `event` is set or `seconds` pass (None: forever)."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


class RefreshMixin(SessionCore):
    """start / run_refresh / run_dead_mans_switch / set_dead_mans_switch."""

    tickers_every_s = 3.0
    balances_every_s = 15.0
    balances_after_fill_s = 0.5
    markets_every_s = 600.0
    markets_retry_s = 10.0
    skew_every_s = 300.0

    # ------------------------------------------------------------------ start

    async def start(self, emit: Emit) -> None:
        """Load everything over REST once: clock skew, markets, tickers and — with credentials —
        fees, balances and open orders. Failures are reported as RestHealth(False) (run_refresh
        keeps trying, and the first LIVE of run_spot reconciles orders); nothing is raised."""
        emit = self._adopt(emit)
        self._last_rx_ms = self.now_ms()
        # the three public calls travel together; their events keep this order, and the signed
        # calls below wait for the skew (the nonce offset)
        skew = asyncio.ensure_future(self.rest.clock_skew_ms())
        markets = asyncio.ensure_future(self.rest.markets())
        tickers = asyncio.ensure_future(self.rest.tickers())
        try:
            ok = await self._measure_skew(emit, skew)
            ok = await self._load_markets(emit, markets) and ok
            ok = await self._load_tickers(emit, tickers) and ok
        finally:
            for task in (skew, markets, tickers):
                task.cancel()
        if self.can_trade:
            ok = await self._load_fees(emit) and ok
            ok = await self._load_balances(emit) and ok
            ok = await self._load_open_orders(emit) and ok
        if ok and self.rest_ok is None:
            self.rest_ok = True
            emit(RestHealth(True))
        await self._sync_selection()  # type: ignore[attr-defined]

    async def _guard(self, emit: Emit, what: str, call: object) -> object | None:
        """Await `call`; on a BtseError report it and return None."""
        try:
            return await call  # type: ignore[misc]
        except BtseError as exc:
            self._rest_failed(emit, what, exc)
            return None

    async def _measure_skew(self, emit: Emit, fetched: Awaitable[float] | None = None) -> bool:
        try:
            skew = await (self.rest.clock_skew_ms() if fetched is None else fetched)
        except BtseError as exc:
            self._rest_failed(emit, "clock", exc)
            return False
        self.skew_ms = skew
        self.nonces.offset_ms = round(skew)  # NonceSource stays strictly increasing anyway
        warn = abs(skew) > SKEW_WARN_MS
        self._connection_note("rest", "clock skew", skew_ms=round(skew, 1), warn=warn)
        emit(ClockSkew(skew, warn))
        self._rest_good(emit, "clock")
        return True

    async def _load_markets(
        self, emit: Emit, fetched: Awaitable[list[Market]] | None = None
    ) -> bool:
        try:
            markets = await (self.rest.markets() if fetched is None else fetched)
        except BtseError as exc:
            self._rest_failed(emit, "markets", exc)
            return False
        spot: list[Market] = [m for m in markets if m.type.lower() == "spot"] or markets
        self.markets = {m.symbol: m for m in spot}
        emit(MarketsLoaded(tuple(spot)))
        self._rest_good(emit, "markets")
        return True

    async def _load_tickers(
        self, emit: Emit, fetched: Awaitable[list[Ticker]] | None = None
    ) -> bool:
        try:
            tickers = await (self.rest.tickers() if fetched is None else fetched)
        except BtseError as exc:
            self._rest_failed(emit, "tickers", exc)
            return False
        self.tickers.update((t.symbol, t) for t in tickers)
        emit(TickersRefreshed(tuple(tickers)))
        self._rest_good(emit, "tickers")
        return True

    async def _load_balances(self, emit: Emit) -> bool:
        dropped: list[BadValue] = []
        try:
            balances = await self.rest.wallet(dropped=dropped)
        except BtseError as exc:
            self._rest_failed(emit, "wallet", exc)
            return False
        fresh = {b.currency: b for b in balances}
        for bad in dropped:  # an impossible row: the last believable balance stays
            kept = self.balances.get(bad.subject)
            if kept is not None and bad.subject not in fresh:
                fresh[bad.subject] = kept
        self.balances = fresh
        balances = list(fresh.values())
        emit(BalancesRefreshed(tuple(balances)))
        self._rest_good(emit, "wallet")
        return True

    async def _load_fees(self, emit: Emit) -> bool:
        try:
            rates = await self.rest.fees()
        except BtseError as exc:
            self._rest_failed(emit, "fees", exc)
            return False
        self.fees = {r.symbol: r for r in rates}
        self._rest_good(emit, "fees")
        if rates:
            chosen = self.fees.get(self.selected or "", rates[0])
            self.fee_rates = (chosen.maker, chosen.taker)
            emit(FeesLoaded(chosen.maker, chosen.taker))
        return True

    async def _load_open_orders(self, emit: Emit) -> bool:
        dropped: list[BadValue] = []
        try:
            rest_open = await self.rest.open_orders(dropped=dropped)
        except BtseError as exc:
            self._rest_failed(emit, "open orders", exc)
            return False
        report = self.ledger.reconcile(rest_open, [])
        unreadable = {bad.subject for bad in dropped}  # still open, just not believable now
        for order_id in report.vanished:
            if order_id in unreadable:
                continue
            await self._guard(emit, "order", self._settle_vanished(order_id))  # type: ignore[attr-defined]
        emit(OrdersSnapshot(tuple(self.ledger.open_orders())))
        self._rest_good(emit, "open orders")
        return True

    # ------------------------------------------------------------------ periodic refresh

    async def run_refresh(self, emit: Emit) -> None:
        """Forever: tickers every ~3 s, balances every ~15 s and ~0.5 s after fills, markets
        every ~10 min, clock skew every ~5 min. REST failures emit RestHealth(False, detail)
        once; the next success emits RestHealth(True). A 429 emits RateLimitBlock(seconds)
        and RateLimitBlock(0) when it is over; no request is sent during the block."""
        emit = self._adopt(emit)
        now = time.monotonic()
        next_markets = now + (self.markets_every_s if self.markets else 0.0)
        next_tickers = now + self.tickers_every_s
        next_balances = now + self.balances_every_s
        next_skew = now + (self.skew_every_s if self.skew_ms is not None else 0.0)
        next_fees = now if self.can_trade and self.fee_rates is None else float("inf")
        while True:
            self._wake.clear()
            self._check_block_over(emit)
            blocked = self.limiter.block_remaining()
            if blocked <= 0:
                now = time.monotonic()
                if now >= next_markets:
                    ok = await self._load_markets(emit)
                    next_markets = now + (self.markets_every_s if ok else self.markets_retry_s)
                if now >= next_tickers:
                    await self._load_tickers(emit)
                    next_tickers = time.monotonic() + self.tickers_every_s
                due = self._balances_due
                if self.can_trade and (now >= next_balances or (due is not None and now >= due)):
                    self._balances_due = None
                    await self._load_balances(emit)
                    next_balances = time.monotonic() + self.balances_every_s
                if now >= next_skew:
                    ok = await self._measure_skew(emit)
                    next_skew = time.monotonic() + (
                        self.skew_every_s if ok else self.markets_retry_s
                    )
                if now >= next_fees:
                    ok = await self._load_fees(emit)
                    next_fees = float("inf") if ok else time.monotonic() + self.markets_retry_s
            wake = [next_markets, next_tickers, next_skew, next_fees]
            if self.can_trade:
                wake.append(next_balances)
                if self._balances_due is not None:
                    wake.append(self._balances_due)
            timeout = min(wake) - time.monotonic()
            if self._block_announced or blocked > 0:
                timeout = min(timeout, max(self.limiter.block_remaining(), 0.05))
            await _wait(self._wake, max(0.05, timeout))

    # ------------------------------------------------------------------ dead man's switch

    @property
    def dead_mans_switch_s(self) -> float:
        """The dead man's switch timeout in seconds (0 = off)."""
        return self._dms_timeout_s

    def set_dead_mans_switch(self, seconds: float | None) -> None:
        """Switch the dead man's switch on (`seconds` > 0) or off (None / 0: the exchange is
        sent timeout 0 once to disarm it). Takes effect at once in run_dead_mans_switch."""
        new = max(0.0, float(seconds or 0.0))
        if new <= 0 and (self._dms_timeout_s > 0 or self.dms_last_armed_ms is not None):
            self._dms_disarm_due = True
        self._dms_timeout_s = new
        self._dms_wake.set()

    def _dms_armed(self, timeout_s: float) -> bool:
        last = self.dms_last_armed_ms
        return last is not None and self._clock() * 1000 < last + timeout_s * 1000

    async def run_dead_mans_switch(self, emit: Emit) -> None:
        """Forever: while enabled, re-arm cancelAllAfter(timeout) every ~timeout/3 and emit
        DeadMansSwitch(armed, timeout_s, last_armed_ms). If this loop stops (the app or the
        link dies) the exchange cancels every order when the timeout lapses."""
        emit = self._adopt(emit)
        state: tuple[bool, float] | None = None
        while True:
            self._dms_wake.clear()
            timeout = self._dms_timeout_s
            wait: float | None = None
            if timeout > 0 and not self.can_trade:
                emit(DeadMansSwitch(False, timeout, None, "needs an API key"))
            elif timeout > 0:
                blocked = self.limiter.block_remaining()
                if blocked > 0:
                    armed = self._dms_armed(timeout)
                    emit(DeadMansSwitch(armed, timeout, self.dms_last_armed_ms, "rate limited"))
                    wait = blocked
                else:
                    wait = await self._arm(emit, timeout)
            elif self._dms_disarm_due:
                wait = await self._disarm(emit)
            elif state != (False, 0.0):
                emit(DeadMansSwitch(False, 0.0))
            state = (self._dms_armed(timeout), timeout)
            await _wait(self._dms_wake, wait)

    async def _arm(self, emit: Emit, timeout_s: float) -> float:
        was_armed = self._dms_armed(timeout_s)
        try:
            await self.rest.cancel_all_after(int(timeout_s * 1000))
        except BtseError as exc:
            self._rest_failed(emit, "cancelAllAfter", exc)
            self._connection_note("dms", "re-arm failed", error=str(exc))
            armed = self._dms_armed(timeout_s)
            emit(DeadMansSwitch(armed, timeout_s, self.dms_last_armed_ms, str(exc)))
            return min(1.0, timeout_s / 3)
        self._rest_good(emit, "cancelAllAfter")
        self.dms_last_armed_ms = int(self._clock() * 1000)
        self._dms_disarm_due = False
        if not was_armed:
            self._connection_note("dms", "armed", timeout_s=timeout_s)
        emit(DeadMansSwitch(True, timeout_s, self.dms_last_armed_ms))
        return timeout_s / 3

    async def _disarm(self, emit: Emit) -> float | None:
        try:
            await self.rest.cancel_all_after(0)
        except BtseError as exc:
            self._rest_failed(emit, "cancelAllAfter", exc)
            emit(DeadMansSwitch(False, 0.0, self.dms_last_armed_ms, f"disarm failed: {exc}"))
            return 1.0
        self._rest_good(emit, "cancelAllAfter")
        self._dms_disarm_due = False
        self.dms_last_armed_ms = None
        self._connection_note("dms", "disarmed")
        emit(DeadMansSwitch(False, 0.0))
        return None
