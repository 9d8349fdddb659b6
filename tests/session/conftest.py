"""Session fixtures: a real embedded exchange on loopback, a session bound to it, recorders."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from btse_tui.client.session import TradingSession
from btse_tui.config import Secret, Settings
from btse_tui.journal import Journal
from btse_tui.protocol.endpoints import BaseUrls, Environment
from btse_tui.protocol.events import StreamState, StreamStateChanged
from btse_tui.protocol.session_events import OrdersSnapshot
from btse_tui.sim.context import SimConfig
from btse_tui.sim.runner import SimServer


class Recorder:
    """An emit sink that keeps every event; `wait_for` awaits (bounded) the next match."""

    def __init__(self) -> None:
        self.events: list[object] = []
        self._changed = asyncio.Event()

    def __call__(self, event: object) -> None:
        self.events.append(event)
        self._changed.set()

    def mark(self) -> int:
        """Position after the events seen so far (pass as `after=` to wait for newer ones)."""
        return len(self.events)

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]

    async def wait_for(
        self,
        predicate: Callable[[Any], bool],
        within: float = 5.0,
        after: int = 0,
    ) -> Any:
        """The first event from index `after` on that satisfies `predicate`."""
        index = after

        async def scan() -> Any:
            nonlocal index
            while True:
                while index < len(self.events):
                    event = self.events[index]
                    index += 1
                    if predicate(event):
                        return event
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(scan(), within)

    async def wait_kind(self, kind: type, within: float = 5.0, after: int = 0, **attrs: Any) -> Any:
        def match(event: Any) -> bool:
            return isinstance(event, kind) and all(getattr(event, k) == v for k, v in attrs.items())

        return await self.wait_for(match, within, after)

    async def wait_state(
        self, stream: str, state: StreamState, within: float = 5.0, after: int = 0
    ) -> StreamStateChanged:
        return await self.wait_for(
            lambda e: isinstance(e, StreamStateChanged) and e.stream == stream and e.state is state,
            within,
            after,
        )


@pytest.fixture
def sim() -> Iterator[SimServer]:
    """A still market (flow off) of its own for each test: faults and DMS cannot leak."""
    server = SimServer(SimConfig(flow_rate=0))
    server.start()
    yield server
    server.faults.reset()
    server.stop()


def urls_of(server: SimServer) -> BaseUrls:
    assert server.urls is not None
    return BaseUrls(server.urls.rest, server.urls.ws_spot, server.urls.ws_oss)


def settings_for(server: SimServer, **overrides: Any) -> Settings:
    """Settings trading the sim's funded demo account (the app does the same in demo mode)."""
    key, secret = server.demo_account
    values: dict[str, Any] = {
        "environment": Environment.DEMO,
        "api_key": key,
        "api_secret": Secret(secret),
        "http_timeout_s": 2.0,
        "ping_interval_s": 1.0,
        "stale_after_s": 3.0,
    }
    values.update(overrides)
    return Settings(**values)


def fast_session(
    server: SimServer, journal: Journal | None = None, **kwargs: Any
) -> TradingSession:
    """A session with quick reconnects (tests drop sockets on purpose)."""
    settings = kwargs.pop("settings", None) or settings_for(server)
    kwargs.setdefault("backoff_base_s", 0.01)
    kwargs.setdefault("backoff_cap_s", 0.2)
    kwargs.setdefault("min_healthy_s", 0.5)
    return TradingSession(settings, urls_of(server), journal=journal, **kwargs)


@dataclass
class Running:
    """A started session with its run_* loops as tasks, and what they emitted."""

    session: TradingSession
    events: Recorder
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)


@contextlib.asynccontextmanager
async def running(
    session: TradingSession,
    *,
    spot: bool = True,
    book: bool = False,
    refresh: bool = False,
    dms: bool = False,
    market: str | None = None,
) -> AsyncIterator[Running]:
    """start() the session, then run the chosen loops like the app's workers do."""
    events = Recorder()
    if market:
        session.select_market(market)
    await session.start(events)
    run = Running(session, events)
    loops = [
        (spot, session.run_spot),
        (book, session.run_book),
        (refresh, session.run_refresh),
        (dms, session.run_dead_mans_switch),
    ]
    for wanted, loop in loops:
        if wanted:
            run.tasks.append(asyncio.create_task(loop(), name=loop.__name__))
    try:
        if spot and session.can_trade:
            live = await events.wait_state("spot", StreamState.LIVE)
            # the first connection's quiet reconcile is done: the app is in its steady state
            await events.wait_kind(OrdersSnapshot, after=events.events.index(live))
        yield run
    finally:
        for task in run.tasks:
            task.cancel()
        await asyncio.gather(*run.tasks, return_exceptions=True)
        await session.close()


class EngineWatch:
    """Engine events of one account, seen on the server thread and handed to the test loop."""

    def __init__(self, server: SimServer, api_key: str, loop: asyncio.AbstractEventLoop) -> None:
        self.server = server
        self.api_key = api_key
        self.loop = loop
        self.orders = 0
        self.fills = 0
        self.cancels_by_system: list[str] = []
        self._lock = threading.Lock()
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        self._unsubscribe = server.call(lambda: server.engine.subscribe(self._on_event))

    def _on_event(self, event: Any) -> None:  # runs on the server loop
        from btse_tui.sim.engine.records import FillHappened, OrderChanged

        if getattr(event, "api_key", None) != self.api_key:
            return
        with self._lock:
            if isinstance(event, OrderChanged):
                self.orders += 1
                rec = event.record
                if rec.status == 6 and not rec.user_initiated:
                    self.cancels_by_system.append(rec.order_id)
            elif isinstance(event, FillHappened):
                self.fills += 1
        self.loop.call_soon_threadsafe(self._poke)

    def _poke(self) -> None:
        for predicate, future in list(self._waiters):
            if not future.done() and predicate():
                future.set_result(None)

    async def until(self, predicate: Callable[[], bool], within: float = 5.0) -> None:
        if predicate():
            return
        future: asyncio.Future[None] = self.loop.create_future()
        entry = (predicate, future)
        self._waiters.append(entry)
        try:
            await asyncio.wait_for(future, within)
        finally:
            self._waiters.remove(entry)

    def close(self) -> None:
        self.server.call(self._unsubscribe)


def open_journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.sqlite3", env="demo")
