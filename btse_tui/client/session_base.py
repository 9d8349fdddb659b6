"""The small parts every piece of a TradingSession shares: the event sink, the journal notes,
background tasks, the exchange clock, REST health and the notices of ignored data."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from btse_tui import journal as jr
from btse_tui.client.limiter import RateLimiter
from btse_tui.journal import Journal
from btse_tui.port import DeskEvent, Emit
from btse_tui.protocol.errors import BadValue, BtseError, RateLimited
from btse_tui.protocol.session_events import DataDropped, RateLimitBlock, RestHealth, rest_problem

log = logging.getLogger("btse_tui.session")

#: Ignored rows/frames of one kind are announced at most this often (with the count since).
DROP_NOTICE_EVERY_S = 30.0


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    """A dataclass's field names, looked up once per class (every order event is journaled,
    and `dataclasses.fields` rebuilds its tuple on every call)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


#: Types whose values go into the journal as they are (grown with each new such type met).
_AS_THEY_ARE: set[type] = set(jr.PLAIN_TYPES)


def as_payload(value: Any) -> Any:
    """A journal-ready form of a model/event: dataclasses become dicts (Decimals stay exact)."""
    cls = type(value)
    if cls in _AS_THEY_ARE:
        return value
    if hasattr(cls, "__dataclass_fields__") and not isinstance(value, type):
        return {name: as_payload(getattr(value, name)) for name in _field_names(cls)}
    if isinstance(value, list | tuple):
        return [as_payload(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): as_payload(v) for k, v in value.items()}
    if cls is not type:
        _AS_THEY_ARE.add(cls)  # an enum, say: the same branch for every value of its type
    return value


def _discard(_event: DeskEvent) -> None:
    """The sink before the desk connects one."""


class EventSink:
    """Where every session event goes: the desk's `emit`, connected once at start."""

    def __init__(self) -> None:
        self._emit: Emit = _discard

    def connect(self, emit: Emit) -> None:
        """Send every event from now on to `emit`."""
        self._emit = emit

    def __call__(self, event: DeskEvent) -> None:
        self._emit(event)


class SessionJournal:
    """The session's notes in the journal (if any); a failing journal never breaks trading."""

    def __init__(self, journal: Journal | None, clock: Callable[[], float]) -> None:
        self.journal = journal
        self._clock = clock

    def record(self, kind: str, payload: Mapping[str, Any]) -> None:
        """Append one entry of `kind`."""
        if self.journal is None:
            return
        try:
            self.journal.append(kind, as_payload(payload), at_ms=int(self._clock() * 1000))
        except Exception:  # disk full, closed database …
            log.exception("journal append failed (%s)", kind)

    def connection(self, stream: str, what: str, **extra: Any) -> None:
        """Note a connection event of `stream` (a socket, `rest`, `dms`, `exchange`)."""
        self.record(jr.CONNECTION, {"stream": stream, "event": what, **extra})


class Tasks:
    """The session's background tasks: started on the running loop, all cancelled at close."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self.closed = False

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run `coro` in the background (raises RuntimeError without a running loop)."""
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("session task %s failed", task.get_name(), exc_info=task.exception())

    async def close(self) -> None:
        """Cancel every task and wait for them to end."""
        self.closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class ExchangeClock:
    """The local clock and the measured skew to the exchange's."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.local = clock
        self.skew_ms: float | None = None
        """Exchange minus local clock in ms (None until measured)."""

    def local_ms(self) -> int:
        """The local clock in epoch ms."""
        return int(self.local() * 1000)

    def now_ms(self) -> int:
        """The exchange's time as best known: local clock corrected by the measured skew."""
        return int(self.local() * 1000 + (self.skew_ms or 0.0))


class RestHealthWatch:
    """Whether REST works: RestHealth when it turns bad or good, RateLimitBlock for a 429."""

    def __init__(
        self,
        sink: Emit,
        notes: SessionJournal,
        limiter: RateLimiter,
        clock: Callable[[], float],
    ) -> None:
        self._sink = sink
        self._notes = notes
        self._limiter = limiter
        self._clock = clock
        self.ok: bool | None = None
        """None until the first calls are done, then whether nothing is failing."""
        self._failing: dict[str, str] = {}
        self._problem = ""
        self.block_announced = False

    def good(self, what: str) -> None:
        """`what` worked; when nothing is failing any more after a failure: RestHealth(True)."""
        self._failing.pop(what, None)
        if self.ok is False and not self._failing:
            self.ok = True
            self._problem = ""
            self._sink(RestHealth(True))

    def started(self, ok: bool) -> None:
        """The start-up calls are done: RestHealth(True) when all worked and none failed yet."""
        if ok and self.ok is None:
            self.ok = True
            self._sink(RestHealth(True))

    def failed(self, what: str, exc: BtseError) -> None:
        """Report a failed REST call: a 429 as a RateLimitBlock, anything else as
        RestHealth(False, detail, problem) when health turns bad (one failing call is enough)
        or the kind of problem changes (slow → unreachable)."""
        if isinstance(exc, RateLimited):
            self.announce_block(exc.retry_after_s)
            return
        detail = f"{what}: {exc}"
        log.warning("REST %s", detail)
        self._failing[what] = detail
        problem = rest_problem(exc)
        if self.ok is not False or problem != self._problem:
            self.ok = False
            self._problem = problem
            self._sink(RestHealth(False, detail, problem))

    def announce_block(self, seconds: float | None = None) -> None:
        """A 429 block is running: RateLimitBlock(seconds left)."""
        remaining = self._limiter.block_remaining() if seconds is None else seconds
        remaining = max(remaining, self._limiter.block_remaining())
        self.block_announced = True
        until = int(self._clock() * 1000 + remaining * 1000)
        self._notes.connection("rest", "rate limited", seconds=remaining)
        self._sink(RateLimitBlock(remaining, until))

    def check_block_over(self) -> None:
        """RateLimitBlock(0) once an announced block has ended."""
        if self.block_announced and self._limiter.block_remaining() <= 0:
            self.block_announced = False
            self._sink(RateLimitBlock(0.0, int(self._clock() * 1000)))


class DropNotices:
    """Rows and frames ignored because they could not be true: counted, journalled and
    announced as DataDropped — at once, or with the others of their kind at most once per
    `every_s`."""

    def __init__(self, sink: Emit, notes: SessionJournal) -> None:
        self._sink = sink
        self._notes = notes
        self.every_s = DROP_NOTICE_EVERY_S
        self.counts: Counter[str] = Counter()
        """Rows and frames ignored since start, by kind."""
        self._pending: dict[str, tuple[int, str]] = {}
        self._next: dict[str, float] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._closed = False

    def rows_dropped(self, errors: list[BadValue]) -> None:
        """A REST reply held rows that cannot be true: they were left out; say so."""
        for error in errors:
            self.note(error.where or "row", error, error.subject)

    def note(self, what: str, reason: object, subject: str = "") -> None:
        """Count and journal one ignored row/frame; announce it now, or — when one of its
        kind was announced less than `every_s` ago — with the others later."""
        text = str(reason)
        log.warning("ignored %s from the exchange: %s", what, text)
        self._notes.connection("exchange", "ignored", kind=what, subject=subject, reason=text)
        self.counts[what] += 1
        count, _ = self._pending.get(what, (0, ""))
        self._pending[what] = (count + 1, text)
        wait = self._next.get(what, 0.0) - time.monotonic()
        if wait <= 0:
            self._announce(what)
        elif what not in self._timers:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return
            self._timers[what] = loop.call_later(wait, self._announce, what)

    def _announce(self, what: str) -> None:
        self._timers.pop(what, None)
        pending = self._pending.pop(what, None)
        if pending is None or self._closed:
            return
        self._next[what] = time.monotonic() + self.every_s
        self._sink(DataDropped(what, *pending))

    def close(self) -> None:
        """Announce nothing more."""
        self._closed = True
        for timer in self._timers.values():
            timer.cancel()
