"""The session's REST side: Refresher keeps markets, tickers, balances, fees and the clock
skew fresh; DeadMansSwitchKeeper keeps BTSE's cancelAllAfter armed."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal

from btse_tui.client.limiter import RateLimiter
from btse_tui.client.rest import RestClient
from btse_tui.client.session_base import ExchangeClock, RestHealthWatch, SessionJournal
from btse_tui.port import Emit
from btse_tui.protocol.errors import BadValue, BtseError
from btse_tui.protocol.models import Balance, FeeRate, Market, Ticker
from btse_tui.protocol.session_events import (
    BalancesRefreshed,
    ClockSkew,
    DeadMansSwitch,
    FeesLoaded,
    MarketsLoaded,
    TickersRefreshed,
)
from btse_tui.protocol.signing import NonceSource

#: Above this skew (ms) the status bar warns.
SKEW_WARN_MS = 1000.0


async def _wait(event: asyncio.Event, seconds: float | None) -> None:
    """Wait until `event` is set or `seconds` pass (None: forever)."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


class Refresher:
    """The account's and the markets' REST picture: loaded at start, then kept fresh.

    Holds `markets`, `tickers`, `balances`, `fees` / `fee_rates`; measures the clock skew into
    the ExchangeClock and the nonce offset.
    """

    tickers_every_s = 3.0
    balances_every_s = 15.0
    balances_after_fill_s = 0.5
    markets_every_s = 600.0
    markets_retry_s = 10.0
    skew_every_s = 300.0

    def __init__(
        self,
        rest: RestClient,
        *,
        sink: Emit,
        notes: SessionJournal,
        health: RestHealthWatch,
        limiter: RateLimiter,
        clock: ExchangeClock,
        nonces: NonceSource,
        can_trade: bool,
        selected: Callable[[], str | None],
    ) -> None:
        self._rest = rest
        self._sink = sink
        self._notes = notes
        self._health = health
        self._limiter = limiter
        self._clock = clock
        self._nonces = nonces
        self.can_trade = can_trade
        self._selected = selected
        self.markets: dict[str, Market] = {}
        self.tickers: dict[str, Ticker] = {}
        self.balances: dict[str, Balance] = {}
        self.fees: dict[str, FeeRate] = {}
        self.fee_rates: tuple[Decimal, Decimal] | None = None
        self._balances_due: float | None = None
        self._wake = asyncio.Event()

    # ------------------------------------------------------------------ start

    async def load(self) -> bool:
        """Load once: clock skew, markets, tickers and — with credentials — fees and
        balances. Failures are reported (RestHealth(False)); True when everything worked."""
        # the three public calls travel together; their events keep this order, and the signed
        # calls below wait for the skew (the nonce offset)
        skew = asyncio.ensure_future(self._rest.clock_skew_ms())
        markets = asyncio.ensure_future(self._rest.markets())
        tickers = asyncio.ensure_future(self._rest.tickers())
        try:
            ok = await self._measure_skew(skew)
            ok = await self._load_markets(markets) and ok
            ok = await self._load_tickers(tickers) and ok
        finally:
            for task in (skew, markets, tickers):
                task.cancel()
        if self.can_trade:
            ok = await self._load_fees() and ok
            ok = await self._load_balances() and ok
        return ok

    async def _measure_skew(self, fetched: Awaitable[float] | None = None) -> bool:
        try:
            skew = await (self._rest.clock_skew_ms() if fetched is None else fetched)
        except BtseError as exc:
            self._health.failed("clock", exc)
            return False
        self._clock.skew_ms = skew
        self._nonces.offset_ms = round(skew)  # NonceSource stays strictly increasing anyway
        warn = abs(skew) > SKEW_WARN_MS
        self._notes.connection("rest", "clock skew", skew_ms=round(skew, 1), warn=warn)
        self._sink(ClockSkew(skew, warn))
        self._health.good("clock")
        return True

    async def _load_markets(self, fetched: Awaitable[list[Market]] | None = None) -> bool:
        try:
            markets = await (self._rest.markets() if fetched is None else fetched)
        except BtseError as exc:
            self._health.failed("markets", exc)
            return False
        spot: list[Market] = [m for m in markets if m.type.lower() == "spot"] or markets
        self.markets = {m.symbol: m for m in spot}
        self._sink(MarketsLoaded(tuple(spot)))
        self._health.good("markets")
        return True

    async def _load_tickers(self, fetched: Awaitable[list[Ticker]] | None = None) -> bool:
        try:
            tickers = await (self._rest.tickers() if fetched is None else fetched)
        except BtseError as exc:
            self._health.failed("tickers", exc)
            return False
        self.tickers.update((t.symbol, t) for t in tickers)
        self._sink(TickersRefreshed(tuple(tickers)))
        self._health.good("tickers")
        return True

    async def _load_balances(self) -> bool:
        dropped: list[BadValue] = []
        try:
            balances = await self._rest.wallet(dropped=dropped)
        except BtseError as exc:
            self._health.failed("wallet", exc)
            return False
        fresh = {b.currency: b for b in balances}
        for bad in dropped:  # an impossible row: the last believable balance stays
            kept = self.balances.get(bad.subject)
            if kept is not None and bad.subject not in fresh:
                fresh[bad.subject] = kept
        self.balances = fresh
        self._sink(BalancesRefreshed(tuple(fresh.values())))
        self._health.good("wallet")
        return True

    async def _load_fees(self) -> bool:
        try:
            rates = await self._rest.fees()
        except BtseError as exc:
            self._health.failed("fees", exc)
            return False
        self.fees = {r.symbol: r for r in rates}
        self._health.good("fees")
        if rates:
            chosen = self.fees.get(self._selected() or "", rates[0])
            self.fee_rates = (chosen.maker, chosen.taker)
            self._sink(FeesLoaded(chosen.maker, chosen.taker))
        return True

    # ------------------------------------------------------------------ periodic refresh

    def balances_soon(self) -> None:
        """Fetch balances shortly (fills just changed them)."""
        if self._balances_due is None:
            self._balances_due = time.monotonic() + self.balances_after_fill_s
        self._wake.set()

    async def run(self) -> None:
        """Forever: tickers every ~3 s, balances every ~15 s and ~0.5 s after fills, markets
        every ~10 min, clock skew every ~5 min. REST failures emit RestHealth(False, detail)
        once; the next success emits RestHealth(True). A 429 emits RateLimitBlock(seconds)
        and RateLimitBlock(0) when it is over; no request is sent during the block."""
        now = time.monotonic()
        next_markets = now + (self.markets_every_s if self.markets else 0.0)
        next_tickers = now + self.tickers_every_s
        next_balances = now + self.balances_every_s
        next_skew = now + (self.skew_every_s if self._clock.skew_ms is not None else 0.0)
        next_fees = now if self.can_trade and self.fee_rates is None else float("inf")
        while True:
            self._wake.clear()
            self._health.check_block_over()
            blocked = self._limiter.block_remaining()
            if blocked <= 0:
                now = time.monotonic()
                if now >= next_markets:
                    ok = await self._load_markets()
                    next_markets = now + (self.markets_every_s if ok else self.markets_retry_s)
                if now >= next_tickers:
                    await self._load_tickers()
                    next_tickers = time.monotonic() + self.tickers_every_s
                due = self._balances_due
                if self.can_trade and (now >= next_balances or (due is not None and now >= due)):
                    self._balances_due = None
                    await self._load_balances()
                    next_balances = time.monotonic() + self.balances_every_s
                if now >= next_skew:
                    ok = await self._measure_skew()
                    next_skew = time.monotonic() + (
                        self.skew_every_s if ok else self.markets_retry_s
                    )
                if now >= next_fees:
                    ok = await self._load_fees()
                    next_fees = float("inf") if ok else time.monotonic() + self.markets_retry_s
            wake = [next_markets, next_tickers, next_skew, next_fees]
            if self.can_trade:
                wake.append(next_balances)
                if self._balances_due is not None:
                    wake.append(self._balances_due)
            timeout = min(wake) - time.monotonic()
            if self._health.block_announced or blocked > 0:
                timeout = min(timeout, max(self._limiter.block_remaining(), 0.05))
            await _wait(self._wake, max(0.05, timeout))


class DeadMansSwitchKeeper:
    """BTSE's cancelAllAfter, re-armed while on: if the app or its link dies, the exchange
    cancels every order when the timeout lapses."""

    def __init__(
        self,
        rest: RestClient,
        *,
        sink: Emit,
        notes: SessionJournal,
        health: RestHealthWatch,
        limiter: RateLimiter,
        clock: ExchangeClock,
        can_trade: bool,
        timeout_s: float,
    ) -> None:
        self._rest = rest
        self._sink = sink
        self._notes = notes
        self._health = health
        self._limiter = limiter
        self._clock = clock
        self.can_trade = can_trade
        self._timeout_s = max(0.0, timeout_s)
        self._disarm_due = False
        self._wake = asyncio.Event()
        self.last_armed_ms: int | None = None
        """When the exchange last accepted a re-arm (local epoch ms), None when disarmed."""

    @property
    def timeout_s(self) -> float:
        """The timeout in seconds (0 = off)."""
        return self._timeout_s

    def set(self, seconds: float | None) -> None:
        """Switch on (`seconds` > 0) or off (None / 0: the exchange is sent timeout 0 once to
        disarm it). Takes effect at once in `run`."""
        new = max(0.0, float(seconds or 0.0))
        if new <= 0 and (self._timeout_s > 0 or self.last_armed_ms is not None):
            self._disarm_due = True
        self._timeout_s = new
        self._wake.set()

    def _armed(self, timeout_s: float) -> bool:
        last = self.last_armed_ms
        return last is not None and self._clock.local() * 1000 < last + timeout_s * 1000

    async def run(self) -> None:
        """Forever: while enabled, re-arm cancelAllAfter(timeout) every ~timeout/3 and emit
        DeadMansSwitch(armed, timeout_s, last_armed_ms). If this loop stops (the app or the
        link dies) the exchange cancels every order when the timeout lapses."""
        state: tuple[bool, float] | None = None
        while True:
            self._wake.clear()
            timeout = self._timeout_s
            wait: float | None = None
            if timeout > 0 and not self.can_trade:
                self._sink(DeadMansSwitch(False, timeout, None, "needs an API key"))
            elif timeout > 0:
                blocked = self._limiter.block_remaining()
                if blocked > 0:
                    armed = self._armed(timeout)
                    self._sink(DeadMansSwitch(armed, timeout, self.last_armed_ms, "rate limited"))
                    wait = blocked
                else:
                    wait = await self._arm(timeout)
            elif self._disarm_due:
                wait = await self._disarm()
            elif state != (False, 0.0):
                self._sink(DeadMansSwitch(False, 0.0))
            state = (self._armed(timeout), timeout)
            await _wait(self._wake, wait)

    async def _arm(self, timeout_s: float) -> float:
        was_armed = self._armed(timeout_s)
        try:
            await self._rest.cancel_all_after(int(timeout_s * 1000))
        except BtseError as exc:
            self._health.failed("cancelAllAfter", exc)
            self._notes.connection("dms", "re-arm failed", error=str(exc))
            armed = self._armed(timeout_s)
            self._sink(DeadMansSwitch(armed, timeout_s, self.last_armed_ms, str(exc)))
            return min(1.0, timeout_s / 3)
        self._health.good("cancelAllAfter")
        self.last_armed_ms = self._clock.local_ms()
        self._disarm_due = False
        if not was_armed:
            self._notes.connection("dms", "armed", timeout_s=timeout_s)
        self._sink(DeadMansSwitch(True, timeout_s, self.last_armed_ms))
        return timeout_s / 3

    async def _disarm(self) -> float | None:
        try:
            await self._rest.cancel_all_after(0)
        except BtseError as exc:
            self._health.failed("cancelAllAfter", exc)
            detail = f"disarm failed: {exc}"
            self._sink(DeadMansSwitch(False, 0.0, self.last_armed_ms, detail))
            return 1.0
        self._health.good("cancelAllAfter")
        self._disarm_due = False
        self.last_armed_ms = None
        self._notes.connection("dms", "disarmed")
        self._sink(DeadMansSwitch(False, 0.0))
        return None
