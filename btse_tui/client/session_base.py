"""Shared state of a TradingSession: REST, streams, ledger, journal, emit sink and REST health."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Mapping
from decimal import Decimal
from typing import Any

import httpx

from btse_tui import journal as jr
from btse_tui.client.auth import build_auth
from btse_tui.client.book_stream import BookStream
from btse_tui.client.limiter import RateLimiter
from btse_tui.client.rest import RestClient, make_http_client
from btse_tui.client.stream import Backoff, Stream, credentials_for
from btse_tui.config import Settings
from btse_tui.journal import Journal
from btse_tui.protocol import endpoints as ep
from btse_tui.protocol.endpoints import BaseUrls
from btse_tui.protocol.errors import BadValue, BtseError, ConfigError, RateLimited
from btse_tui.protocol.ledger import OrderLedger, ReconcileReport
from btse_tui.protocol.models import Balance, FeeRate, Market, Ticker
from btse_tui.protocol.session_events import (
    DataDropped,
    RateLimitBlock,
    RestHealth,
    rest_problem,
)
from btse_tui.protocol.signing import NonceSource

log = logging.getLogger("btse_tui.session")

Emit = Callable[[object], None]

#: Closed orders and fills the ledger keeps (days of trading, flat memory).
LEDGER_HISTORY = 20_000
#: Ignored rows/frames of one kind are announced at most this often (with the count since).
DROP_NOTICE_EVERY_S = 30.0


def _discard(_event: object) -> None:
    """The emit sink before the app hands one over."""


def as_payload(value: Any) -> Any:
    """A journal-ready form of a model/event: dataclasses become dicts (Decimals stay exact)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_payload(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [as_payload(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): as_payload(v) for k, v in value.items()}
    return value


class SessionCore:
    """State and plumbing every part of the session shares (see TradingSession for the API)."""

    def __init__(
        self,
        settings: Settings,
        urls: BaseUrls,
        *,
        journal: Journal | None = None,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.time,
        limiter: RateLimiter | None = None,
        backoff_base_s: float = 0.5,
        backoff_cap_s: float = 30.0,
        min_healthy_s: float = 10.0,
        unknown_check_s: float = 60.0,
    ) -> None:
        self.settings = settings
        self.urls = urls
        self.journal = journal
        self._clock = clock
        self._own_http = http is None
        self._http = http or make_http_client(
            settings.http_timeout_s, tls=not urls.rest.startswith("http://")
        )
        self.nonces = NonceSource(clock)
        self.limiter = limiter or RateLimiter()
        self._auth = build_auth(settings, self.nonces, urls.rest)
        self.rest = RestClient(self._http, urls, self._auth, limiter=self.limiter, clock=clock)
        self.rest.on_dropped = self._rows_dropped
        creds = credentials_for(settings.api_key, settings.api_secret, self.nonces)
        private = (ep.NOTIFICATIONS, ep.FILLS) if creds is not None else ()
        stream_options: dict[str, Any] = {
            "ping_interval": settings.ping_interval_s,
            "stale_after": settings.stale_after_s,
            "min_healthy": min_healthy_s,
        }
        self.spot = Stream(
            urls.ws_spot,
            name="spot",
            topics=private,
            credentials=creds,
            backoff=Backoff(base=backoff_base_s, cap=backoff_cap_s),
            **stream_options,
        )
        oss = Stream(
            urls.ws_oss,
            name="oss",
            backoff=Backoff(base=backoff_base_s, cap=backoff_cap_s),
            **stream_options,
        )
        self.books = BookStream(oss)
        self.unknown_check_s = unknown_check_s

        # live state read by the UI
        self.markets: dict[str, Market] = {}
        self.tickers: dict[str, Ticker] = {}
        self.balances: dict[str, Balance] = {}
        self.fees: dict[str, FeeRate] = {}
        self.fee_rates: tuple[Decimal, Decimal] | None = None
        self.ledger = OrderLedger(history=LEDGER_HISTORY)
        self.skew_ms: float | None = None
        self.selected: str | None = None
        self.rest_ok: bool | None = None
        self._failing: dict[str, str] = {}
        self._rest_problem = ""

        self._emit: Emit = _discard
        self._tasks: set[asyncio.Task[Any]] = set()
        self._checks: dict[str, asyncio.Task[Any]] = {}
        self._closed = False
        self._block_announced = False
        self._selection_lock = asyncio.Lock()
        self._subscribed_symbol: str | None = None
        self._quotes_lock = asyncio.Lock()
        self._quotes_wanted: frozenset[str] = frozenset()
        self._quotes_subscribed: frozenset[str] = frozenset()
        self._activity: dict[str, int] = {}
        self._last_rx_ms = self.now_ms()
        self._last_report: ReconcileReport | None = None
        self._resync_task: asyncio.Task[Any] | None = None
        self._resync_again = False
        self._resync_announce = False
        self._resync_cutoff_ms = 0
        self._gap_since_ms: int | None = None  # last frame before the current outage
        self._gap_epoch = 0
        self._balances_due: float | None = None
        self._wake = asyncio.Event()
        self._dms_timeout_s = max(0.0, settings.cancel_all_after_s)
        self._dms_disarm_due = False
        self._dms_wake = asyncio.Event()
        self.dms_last_armed_ms: int | None = None
        #: rows and frames ignored since start because they could not be true, by kind
        self.dropped: Counter[str] = Counter()
        self.drop_notice_every_s = DROP_NOTICE_EVERY_S
        self._drops_pending: dict[str, tuple[int, str]] = {}
        self._drops_next: dict[str, float] = {}
        self._drops_timers: dict[str, asyncio.TimerHandle] = {}
        self._distrust_until = 0.0

    # ------------------------------------------------------------------ small helpers

    @property
    def can_trade(self) -> bool:
        """True when an API key and secret are configured (private calls and topics)."""
        return self._auth is not None

    def _adopt(self, emit: Emit | None) -> Emit:
        """Use `emit` as the sink for events raised outside a run_* loop (first one wins)."""
        if emit is not None and self._emit is _discard:
            self._emit = emit
        return emit or self._emit

    def _require_trading(self) -> None:
        if not self.can_trade:
            raise ConfigError("trading needs BTSE_API_KEY and BTSE_API_SECRET")

    def now_ms(self) -> int:
        """The exchange's time as best known: local clock corrected by the measured skew."""
        return int(self._clock() * 1000 + (self.skew_ms or 0.0))

    def _record(self, kind: str, payload: Mapping[str, Any]) -> None:
        """Append to the journal (if any); a failing journal never breaks trading."""
        if self.journal is None:
            return
        try:
            self.journal.append(kind, as_payload(payload), at_ms=int(self._clock() * 1000))
        except Exception:  # disk full, closed database …
            log.exception("journal append failed (%s)", kind)

    def _connection_note(self, stream: str, what: str, **extra: Any) -> None:
        self._record(jr.CONNECTION, {"stream": stream, "event": what, **extra})

    def _spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("session task %s failed", task.get_name(), exc_info=task.exception())

    # ------------------------------------------------------------------ impossible values

    def _rows_dropped(self, errors: list[BadValue]) -> None:
        """A REST reply held rows that cannot be true: they were left out; say so."""
        for error in errors:
            self._note_dropped(error.where or "row", error, error.subject)

    def _note_dropped(self, what: str, reason: object, subject: str = "") -> None:
        """Count and journal one ignored row/frame; announce it now, or — when one of its
        kind was announced less than `drop_notice_every_s` ago — with the others later."""
        text = str(reason)
        log.warning("ignored %s from the exchange: %s", what, text)
        self._connection_note("exchange", "ignored", kind=what, subject=subject, reason=text)
        self.dropped[what] += 1
        count, _ = self._drops_pending.get(what, (0, ""))
        self._drops_pending[what] = (count + 1, text)
        wait = self._drops_next.get(what, 0.0) - time.monotonic()
        if wait <= 0:
            self._announce_drops(what)
        elif what not in self._drops_timers:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return
            self._drops_timers[what] = loop.call_later(wait, self._announce_drops, what)

    def _announce_drops(self, what: str) -> None:
        self._drops_timers.pop(what, None)
        pending = self._drops_pending.pop(what, None)
        if pending is None or self._closed:
            return
        self._drops_next[what] = time.monotonic() + self.drop_notice_every_s
        self._emit(DataDropped(what, *pending))

    # ------------------------------------------------------------------ REST health

    def _rest_good(self, emit: Emit, what: str) -> None:
        """`what` worked; when nothing is failing any more after a failure: RestHealth(True)."""
        self._failing.pop(what, None)
        if self.rest_ok is False and not self._failing:
            self.rest_ok = True
            self._rest_problem = ""
            emit(RestHealth(True))

    def _rest_failed(self, emit: Emit, what: str, exc: BtseError) -> None:
        """Report a failed REST call: a 429 as a RateLimitBlock, anything else as
        RestHealth(False, detail, problem) when health turns bad (one failing call is enough)
        or the kind of problem changes (slow → unreachable)."""
        if isinstance(exc, RateLimited):
            self._announce_block(emit, exc.retry_after_s)
            return
        detail = f"{what}: {exc}"
        log.warning("REST %s", detail)
        self._failing[what] = detail
        problem = rest_problem(exc)
        if self.rest_ok is not False or problem != self._rest_problem:
            self.rest_ok = False
            self._rest_problem = problem
            emit(RestHealth(False, detail, problem))

    def _announce_block(self, emit: Emit, seconds: float | None = None) -> None:
        remaining = self.limiter.block_remaining() if seconds is None else seconds
        remaining = max(remaining, self.limiter.block_remaining())
        self._block_announced = True
        until = int(self._clock() * 1000 + remaining * 1000)
        self._connection_note("rest", "rate limited", seconds=remaining)
        emit(RateLimitBlock(remaining, until))

    def _check_block_over(self, emit: Emit) -> None:
        if self._block_announced and self.limiter.block_remaining() <= 0:
            self._block_announced = False
            emit(RateLimitBlock(0.0, int(self._clock() * 1000)))

    # ------------------------------------------------------------------ shutdown

    async def close(self) -> None:
        """Stop background work, close both sockets and (if owned) the HTTP client.

        The dead man's switch is left as it is: if it was armed, the exchange cancels the
        orders when its timeout lapses. The journal belongs to the caller and stays open.
        """
        if self._closed:
            return
        self._closed = True
        for timer in self._drops_timers.values():
            timer.cancel()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.spot.close()
        await self.books.close()
        if self._own_http:
            await self._http.aclose()
