"""Programmatic simulator: `SimServer(SimConfig()).start()` serves loopback from a thread."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

import uvicorn

from btse_tui.sim.context import SimConfig
from btse_tui.sim.faults import Faults
from btse_tui.sim.listen import listening_socket
from btse_tui.sim.server import DemoAccount, SimState

T = TypeVar("T")


@dataclass(frozen=True)
class SimUrls:
    """Where the running simulator listens (give `rest` to a client as its host root)."""

    rest: str  # http://127.0.0.1:PORT (host root: /public-api/…)
    spot_rest: str  # http://127.0.0.1:PORT/spot
    ws_spot: str  # ws://127.0.0.1:PORT/ws/spot
    ws_oss: str  # ws://127.0.0.1:PORT/ws/oss/spot


class Credentials(NamedTuple):
    """An API key and its secret (unpacks as `key, secret = server.demo_account`)."""

    key: str
    secret: str


class SimServer:
    """The embedded exchange on its own thread and event loop.

    Works from sync code, from pytest-asyncio tests and from inside a Textual app::

        server = SimServer(SimConfig(flow_rate=0))
        urls = server.start()
        key, secret = server.demo_account
        server.faults.http_429 = True
        bids, asks = server.call(lambda: server.engine.book_levels("BTC-USDT", 50))
        server.stop()

    Everything that touches the engine must run on the server loop: use `call(fn)` (blocking)
    or `await acall(fn)` (from another event loop). `fn` may return an awaitable.
    """

    def __init__(self, config: SimConfig | None = None, faults: Faults | None = None) -> None:
        self.config = config or SimConfig()
        self.state = SimState(self.config, faults)
        self._thread: threading.Thread | None = None
        self._server: uvicorn.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._error: BaseException | None = None
        self.urls: SimUrls | None = None

    # ------------------------------------------------------------------ handy views

    @property
    def faults(self) -> Faults:
        """The fault switches (plain attributes, settable from any thread)."""
        return self.state.faults

    @property
    def engine(self) -> Any:
        """The matching engine (touch it only through `call`/`acall`)."""
        return self.state.engine

    @property
    def accounts(self) -> list[DemoAccount]:
        """All demo accounts: demo, demo2 (full), readonly (Read), tradeonly (Trading)."""
        return list(self.state.accounts)

    @property
    def demo_account(self) -> Credentials:
        """The default funded account (Read, Trading, Wallet) printed at start."""
        acct = self.state.accounts[0]
        return Credentials(acct.key, acct.secret)

    def account(self, name: str) -> Credentials:
        """Credentials of the demo account called `name`."""
        for acct in self.state.accounts:
            if acct.name == name:
                return Credentials(acct.key, acct.secret)
        raise KeyError(name)

    @property
    def flow_rate(self) -> float:
        """Messages per second of the seeded other traders (0 stops the market)."""
        return self.state.flow_rate

    @flow_rate.setter
    def flow_rate(self, value: float) -> None:
        self.state.flow_rate = float(value)

    @property
    def ws_idle_timeout_s(self) -> float:
        """Seconds without a client frame after which a socket is closed."""
        return self.config.ws_idle_timeout_s

    @ws_idle_timeout_s.setter
    def ws_idle_timeout_s(self, value: float) -> None:
        self.config.ws_idle_timeout_s = float(value)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # ------------------------------------------------------------------ lifecycle

    def start(self, timeout: float = 15.0, sock: socket.socket | None = None) -> SimUrls:
        """Bind 127.0.0.1:port (0 = any free port), serve in a thread, return the URLs.

        `sock`: serve on this already bound, listening socket instead (see `listening_socket`).
        """
        if self.urls is not None:
            return self.urls
        if sock is None:
            sock = listening_socket(self.config.host, self.config.port)
        sock.setblocking(False)
        host, port = sock.getsockname()[:2]
        uv_config = uvicorn.Config(
            self.state.app,
            log_level=self.config.log_level,
            ws="websockets-sansio",
            ws_ping_interval=None,
            ws_ping_timeout=None,
            lifespan="on",
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(uv_config)
        self._thread = threading.Thread(
            target=self._run, args=(sock,), name=f"btse-sim:{port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if self._error is not None or not self._thread.is_alive():
                raise RuntimeError("simulator failed to start") from self._error
            if time.monotonic() > deadline:
                raise TimeoutError("simulator did not start in time")
            time.sleep(0.005)
        base = f"{host}:{port}"
        self.urls = SimUrls(
            rest=f"http://{base}",
            spot_rest=f"http://{base}/spot",
            ws_spot=f"ws://{base}/ws/spot",
            ws_oss=f"ws://{base}/ws/oss/spot",
        )
        return self.urls

    def _run(self, sock: socket.socket) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            assert self._server is not None
            loop.run_until_complete(self._server.serve(sockets=[sock]))
        except BaseException as exc:  # surfaced by start()
            self._error = exc
        finally:
            sock.close()
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()

    def stop(self, timeout: float = 10.0) -> None:
        """Close every socket, release hanging requests, stop serving and join the thread."""
        thread, server, loop = self._thread, self._server, self._loop
        if thread is None or server is None:
            return
        if loop is not None and not loop.is_closed() and thread.is_alive():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self.state.begin_shutdown)
        server.should_exit = True
        thread.join(timeout)
        self._thread = None
        self.urls = None

    def __enter__(self) -> SimServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ running code on the loop

    def _submit(self, fn: Callable[[], Any]) -> Any:
        loop = self._loop
        if loop is None or not self.running:
            raise RuntimeError("simulator is not running")

        async def run() -> Any:
            result = fn()
            if inspect.isawaitable(result):
                result = await result
            self.state.hub.flush()
            return result

        return asyncio.run_coroutine_threadsafe(run(), loop)

    def call(self, fn: Callable[[], T], timeout: float = 10.0) -> T:
        """Run `fn()` on the server loop and return its result (blocks this thread)."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is not None and running is self._loop:
            raise RuntimeError("call() from the server loop would deadlock; call fn directly")
        return self._submit(fn).result(timeout)

    async def acall(self, fn: Callable[[], T]) -> T:
        """Run `fn()` on the server loop from another event loop without blocking it."""
        return await asyncio.wrap_future(self._submit(fn))

    def book_seq(self, topic: str) -> int | None:
        """seqNum of the last frame sent on an OSS `update:` topic (None if nobody listens)."""
        return self.call(lambda: self.state.hub.book_seq(topic))
