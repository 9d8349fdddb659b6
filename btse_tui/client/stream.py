"""One reconnecting BTSE WebSocket: login, subscriptions, text ping, liveness watchdog, backoff."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from btse_tui.client.auth import Nonces
from btse_tui.client.backlog import EventBacklog
from btse_tui.config import Secret
from btse_tui.protocol import codec, signing
from btse_tui.protocol.events import (
    AuthResult,
    FrameDropped,
    Pong,
    StreamError,
    StreamEvent,
    StreamState,
    StreamStateChanged,
    SubscribeAck,
)

log = logging.getLogger(__name__)

#: StreamError.code used for problems the client detects itself (missing ack, no login reply).
CLIENT_ERROR = 0


@dataclass(frozen=True, slots=True)
class StreamCredentials:
    """What `authKeyExpires` needs: key, secret (redacted), nonce source and the signed path."""

    api_key: str
    secret: Secret = field(repr=False)
    nonces: Nonces = field(repr=False)
    path: str = signing.WS_SPOT_PATH


class Backoff:
    """Capped exponential delays with jitter: `min(cap, base * factor**n)` scaled by a random
    factor in [1 - jitter, 1]. Inject `rng` (or use jitter=0) for a deterministic schedule."""

    def __init__(
        self,
        base: float = 0.5,
        cap: float = 30.0,
        factor: float = 2.0,
        jitter: float = 0.5,
        rng: random.Random | None = None,
    ) -> None:
        if base <= 0 or cap < base or factor < 1 or not 0 <= jitter <= 1:
            raise ValueError("Backoff needs 0 < base <= cap, factor >= 1, 0 <= jitter <= 1")
        self.base = base
        self.cap = cap
        self.factor = factor
        self.jitter = jitter
        self._rng = rng or random.Random()
        self.attempt = 0

    def next_delay(self) -> float:
        """The next wait in seconds; grows until `cap` unless `reset()`."""
        raw = min(self.cap, self.base * self.factor**self.attempt)
        if raw < self.cap:
            self.attempt += 1
        return raw * (1 - self.jitter * self._rng.random())

    def reset(self) -> None:
        """Start again from `base` (after a connection that proved healthy)."""
        self.attempt = 0


#: event types the stream itself reacts to (everything else is passed straight through).
_CONTROL = frozenset({Pong, AuthResult, SubscribeAck})
#: events (order updates, fills, state changes …) held for a slow consumer before the reader
#: stops reading the socket; market data coalesces per topic instead (see EventBacklog)
MAX_BACKLOG = 10_000


class Stream:
    """ONE reconnecting socket yielding typed events: `async for event in stream.events()`.

    Each connection: CONNECTING → (login when credentials are given, waiting up to
    `auth_timeout` for the reply) → subscribe every remembered topic → LIVE once a frame has
    arrived on it (a connection that has received nothing stays CONNECTING), or
    SIGN_IN_REFUSED when the exchange refused the login. A text `ping` is sent on connecting
    and then every `ping_interval`; each `pong` comes out as Pong(rtt_ms, name). LIVE holds
    only while frames keep coming: after `live_window` seconds of silence (one ping interval
    plus `pong_grace`, at most `stale_after`) the stream reports STALE, back to LIVE when
    frames resume; after `stale_after` seconds it reconnects.
    After a drop it reports DOWN and waits a jittered, capped exponential backoff; a
    connection that lived less than `min_healthy` seconds does not reset the backoff, so a
    server that accepts and immediately closes is not hammered. Topics missing from a
    subscribe ack are reported as StreamError(code=CLIENT_ERROR, arg=topic).
    Events wait for the consumer in a bounded EventBacklog: when it falls behind, book
    deltas, best bid/ask, public trades and pongs coalesce to the latest per topic; order
    updates and fills are never dropped: past `max_backlog` of them the socket is not read
    until the consumer has taken half. `ping_interval` and `stale_after` have no defaults:
    the caller passes the configured ones. `sleep` (backoff waits only) and `clock` are
    injectable for tests.
    """

    def __init__(
        self,
        url: str,
        *,
        name: str = "spot",
        topics: Iterable[str] = (),
        credentials: StreamCredentials | None = None,
        ping_interval: float,
        stale_after: float,
        auth_timeout: float = 5.0,
        pong_grace: float = 3.0,
        min_healthy: float = 10.0,
        backoff: Backoff | None = None,
        open_timeout: float = 10.0,
        close_timeout: float = 1.0,
        max_size: int = 2**23,
        max_backlog: int = MAX_BACKLOG,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if stale_after <= ping_interval:
            log.warning(
                "stream %s: stale_after %.3g s <= ping_interval %.3g s; a quiet but healthy "
                "socket will be declared stale",
                name,
                stale_after,
                ping_interval,
            )
        self.url = url
        self.name = name
        self._topics: dict[str, None] = dict.fromkeys(topics)
        self._credentials = credentials
        self._ping_interval = ping_interval
        self._auth_timeout = auth_timeout
        self._stale_after = stale_after
        self.live_window = min(stale_after, ping_interval + pong_grace)
        """Seconds of silence after which the socket is reported STALE (it reconnects later)."""
        self._min_healthy = min_healthy
        self._backoff = backoff or Backoff()
        self._open_timeout = open_timeout
        self._close_timeout = close_timeout
        self._max_size = max_size
        self._sleep = sleep
        self._clock = clock

        self._backlog = EventBacklog(max_backlog)
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._finished = False
        self._ws: ClientConnection | None = None
        self._subscribed = False  # the current connection has sent its initial subscribe
        self._auth_done = asyncio.Event()
        self._auth_ok: bool | None = None
        self._pings: deque[float] = deque(maxlen=16)
        self._pending_acks: deque[tuple[str, ...]] = deque()
        # per connection: the state to report while frames arrive (None until set up), whether
        # it is the state reported now, and whether any frame has arrived yet
        self._ok_state: StreamState | None = None
        self._ok_reason = ""
        self._shown_ok = False
        self._rx_seen = False
        self.state = StreamState.DOWN
        self.reconnects = 0
        self.connections = 0
        #: frames received over every connection (coalescing hands out fewer events)
        self.received = 0
        self.last_rtt_ms: float | None = None

    # ------------------------------------------------------------------ public API

    @property
    def topics(self) -> tuple[str, ...]:
        """The remembered topics (subscribed again after every reconnect)."""
        return tuple(self._topics)

    @property
    def backlog(self) -> EventBacklog:
        """The events waiting for the consumer (its length, `peak` and `limit` are public)."""
        return self._backlog

    @property
    def connected(self) -> bool:
        """True while a socket is open and its subscriptions have been sent."""
        return self._ws is not None and self._subscribed

    def start(self) -> None:
        """Start connecting in the background (idempotent; `events()` calls it)."""
        if self._task is None and not self._closing:
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name=f"stream-{self.name}"
            )

    async def events(self) -> AsyncIterator[StreamEvent]:
        """Every event of this stream, in order, until `close()` (market data of a topic
        folded to its latest while the consumer is behind); starts the stream."""
        self.start()
        backlog = self._backlog
        take = backlog.take
        while True:
            event = take()
            if event is None:
                if backlog.finished:
                    return
                await backlog.wait()
                continue
            yield event

    async def subscribe(self, *topics: str) -> None:
        """Remember `topics` and subscribe now if connected (else on the next connection)."""
        new = [t for t in topics if t not in self._topics]
        self._topics.update(dict.fromkeys(new))
        if new and self.connected:
            await self._send_subscribe(new)

    async def unsubscribe(self, *topics: str) -> None:
        """Forget `topics` and unsubscribe now if connected."""
        gone = [t for t in topics if t in self._topics]
        for topic in gone:
            del self._topics[topic]
        if gone and self.connected:
            await self._send(codec.unsubscribe_frame(gone))

    async def resubscribe(self, *topics: str) -> None:
        """Unsubscribe and subscribe again (a fresh book snapshot); no-op while disconnected."""
        wanted = [t for t in topics if t in self._topics]
        if wanted and self.connected:
            await self._send(codec.unsubscribe_frame(wanted))
            await self._send_subscribe(wanted)

    async def close(self) -> None:
        """Close the socket for good; `events()` ends after a final DOWN event."""
        self._closing = True
        task = self._task
        if task is None:
            if not self._finished:
                self._finished = True
                self._backlog.finish()
            return
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    async def __aenter__(self) -> Stream:
        self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # ------------------------------------------------------------------ internals

    def _emit(self, event: StreamEvent) -> None:
        self._backlog.put(event)

    def _set_state(self, state: StreamState, reason: str) -> None:
        self.state = state
        self._emit(StreamStateChanged(self.name, state, reason, self.reconnects))

    async def _send(self, frame: str) -> None:
        ws = self._ws
        if ws is None:
            return
        with contextlib.suppress(ConnectionClosed):
            await ws.send(frame)

    async def _send_subscribe(self, topics: list[str]) -> None:
        self._pending_acks.append(tuple(topics))
        await self._send(codec.subscribe_frame(topics))

    async def _run(self) -> None:
        try:
            while not self._closing_now():
                await self._backlog.room()  # a consumer far behind: no new connection yet
                if self.connections:
                    self.reconnects += 1
                self.connections += 1
                self._backlog.new_connection()
                self._set_state(StreamState.CONNECTING, f"connecting to {self.url}")
                state, reason = StreamState.DOWN, ""
                try:
                    ws = await connect(
                        self.url,
                        ping_interval=None,  # BTSE's liveness is the text ping below
                        ping_timeout=None,
                        open_timeout=self._open_timeout,
                        close_timeout=self._close_timeout,
                        max_size=self._max_size,
                        compression=None,
                    )
                except Exception as exc:  # refused, DNS, TLS, HTTP status, timeout …
                    reason = f"connect failed: {_describe(exc)}"
                else:
                    started = self._clock()
                    try:
                        state, reason = await self._session(ws)
                    except Exception as exc:  # a bug must not kill the stream for good
                        log.exception("stream %s: session failed", self.name)
                        reason = f"internal error: {_describe(exc)}"
                    finally:
                        self._ws = None
                        self._subscribed = False
                        await ws.close()
                    if self._clock() - started >= self._min_healthy:
                        self._backoff.reset()
                if self._closing_now():  # close() ran while this connection was open
                    break
                delay = self._backoff.next_delay()
                if state is not StreamState.STALE:  # STALE was reported when detected
                    self._set_state(StreamState.DOWN, f"{reason}; retrying in {delay:.1f} s")
                await self._sleep(delay)
        finally:
            self._ws = None
            self._set_state(StreamState.DOWN, "closed")
            self._finished = True
            self._backlog.finish()

    async def _session(self, ws: ClientConnection) -> tuple[StreamState, str]:
        """Run one connection until it drops or goes silent; returns (DOWN|STALE, reason)."""
        self._ws = ws
        self._subscribed = False
        self._auth_done = asyncio.Event()
        self._auth_ok = None
        self._pings.clear()
        self._pending_acks.clear()
        self._ok_state = None
        self._shown_ok = self._rx_seen = False
        helpers = [
            asyncio.create_task(self._guarded_setup(ws), name=f"stream-{self.name}-setup"),
            asyncio.create_task(self._pinger(ws), name=f"stream-{self.name}-ping"),
        ]
        try:
            return await self._reader(ws)
        finally:
            for task in helpers:
                task.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)

    async def _guarded_setup(self, ws: ClientConnection) -> None:
        try:
            await self._setup()
        except Exception:  # never sit on a connection that did not subscribe
            log.exception("stream %s: setup failed; reconnecting", self.name)
            await ws.close(1011, "client setup failed")

    async def _setup(self) -> None:
        """Log in (if configured) and subscribe every remembered topic; LIVE (or
        SIGN_IN_REFUSED) is reported now if a frame has already arrived, else with the first."""
        notes = []
        ok_state = StreamState.LIVE
        creds = self._credentials
        if creds is not None:
            nonce = creds.nonces.next()
            key, nonce, signature = signing.ws_auth_args(
                creds.api_key, creds.secret.reveal(), nonce, creds.path
            )
            await self._send(codec.auth_frame(key, nonce, signature))
            try:
                async with asyncio.timeout(self._auth_timeout):
                    await self._auth_done.wait()
            except TimeoutError:
                message = (
                    f"no login reply within {self._auth_timeout:g} s; "
                    "private topics may stay silent"
                )
                self._emit(StreamError(CLIENT_ERROR, message, "authKeyExpires"))
                notes.append("login unconfirmed")
            else:
                if self._auth_ok:
                    notes.append("logged in")
                else:
                    ok_state = StreamState.SIGN_IN_REFUSED
                    notes.append("no order or fill notifications")
        topics = list(self._topics)
        self._subscribed = True  # from here on subscribe() sends directly
        if topics:
            await self._send_subscribe(topics)
        notes.append(f"{len(topics)} topic{'s' if len(topics) != 1 else ''}")
        if self._ws is None:
            return
        self._ok_state, self._ok_reason = ok_state, ", ".join(notes)
        if self._rx_seen and self.state is not StreamState.STALE:
            self._show_ok(self._ok_reason)

    def _show_ok(self, reason: str) -> None:
        assert self._ok_state is not None
        self._shown_ok = True
        self._set_state(self._ok_state, reason)

    def _arrived(self) -> bool:
        """A frame arrived while the reported state is not the healthy one; True when the
        stream now reads healthy (False while it is still logging in or subscribing)."""
        self._rx_seen = True
        if self._ok_state is None:  # still logging in or subscribing
            return False
        if self.state is StreamState.STALE:
            self._show_ok(f"receiving again; {self._ok_reason}")
        else:
            self._show_ok(self._ok_reason)
        return self._shown_ok

    def _closing_now(self) -> bool:
        """Whether close() was called (read afresh: it changes while a connection awaits)."""
        return self._closing

    async def _pinger(self, ws: ClientConnection) -> None:
        with contextlib.suppress(ConnectionClosed):
            while True:  # the first ping at once: a round trip and a first frame to go on
                self._pings.append(self._clock())
                await ws.send(codec.PING)
                await asyncio.sleep(self._ping_interval)

    async def _reader(self, ws: ClientConnection) -> tuple[StreamState, str]:
        # One timer per window instead of one per message: the deadline is armed from the
        # last (re-)arming; when it fires, the real silence since the last frame is checked
        # and the timer re-armed if frames arrived meanwhile (cancelling recv() is safe).
        # Silent for `live_window`: STALE (a frame brings the healthy state back at once);
        # silent for `stale_after`: reconnect. A full backlog leaves the timer: the wait for
        # the consumer is not silence, and the socket's own buffers push back meanwhile.
        loop = asyncio.get_running_loop()
        window, stale = self.live_window, self._stale_after
        decode, handle, now = codec.decode_frame, self._handle, loop.time
        backlog = self._backlog
        last_rx = now()
        while True:
            quiet = self.state is StreamState.STALE
            try:
                async with asyncio.timeout_at(last_rx + (stale if quiet else window)) as timer:
                    while not backlog.full:
                        raw = await ws.recv()
                        last_rx = now()
                        self.received += 1
                        if not self._shown_ok and self._arrived():
                            timer.reschedule(last_rx + window)
                        try:
                            events = decode(raw)
                        except Exception as exc:  # one odd frame never ends the connection
                            log.exception("stream %s: a frame did not decode", self.name)
                            events = [FrameDropped("", f"frame does not decode ({_describe(exc)})")]
                        for event in events:
                            handle(event)
            except TimeoutError:
                silent = now() - last_rx
                if silent >= stale:
                    reason = f"nothing received for {stale:g} s; reconnecting"
                    self._set_state(StreamState.STALE, reason)
                    return StreamState.STALE, reason
                if silent >= window and self.state is not StreamState.STALE:
                    self._shown_ok = False
                    self._set_state(StreamState.STALE, f"nothing received for {window:g} s")
            except ConnectionClosed as exc:
                return StreamState.DOWN, _closed_reason(exc)
            else:  # the consumer is far behind: read again once it has taken half
                await backlog.room()
                last_rx = now()

    def _handle(self, event: StreamEvent) -> None:
        kind = type(event)
        if kind not in _CONTROL:  # market data and private updates: straight out
            self._backlog.put(event)
            return
        if isinstance(event, Pong):
            self._backlog.put(self._pong())
            return
        if isinstance(event, AuthResult):
            self._auth_ok = event.success
            self._auth_done.set()
        self._backlog.put(event)
        if isinstance(event, SubscribeAck) and event.op == "subscribe":
            self._check_ack(event)

    def _pong(self) -> Pong:
        # A pong answers the newest ping: older ones went unanswered (a server that ignored
        # them during a stall) and matching one of those would report seconds of "latency".
        pings = self._pings
        if not pings:
            return Pong(None, self.name)
        rtt_ms = (self._clock() - pings.pop()) * 1000
        pings.clear()
        self.last_rtt_ms = rtt_ms
        return Pong(rtt_ms, self.name)

    def _check_ack(self, ack: SubscribeAck) -> None:
        if not self._pending_acks:
            return
        requested = self._pending_acks.popleft()
        accepted = set(ack.topics)
        missing = [t for t in requested if t not in accepted and t in self._topics]
        if missing:  # one line for the lot: after a stall it can be every topic at once
            shown = ", ".join(missing[:3])
            if len(missing) > 3:
                shown += f" and {len(missing) - 3} more"
            self._emit(
                StreamError(CLIENT_ERROR, "subscription not acknowledged by the server", shown)
            )


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _closed_reason(exc: ConnectionClosed) -> str:
    frame = exc.rcvd or exc.sent
    if frame is None:
        return "connection lost (no close frame)"
    who = "server" if exc.rcvd is not None else "client"
    detail = f" {frame.reason}" if frame.reason else ""
    return f"closed by {who} ({frame.code}{detail})"


def credentials_for(
    api_key: str | None, secret: Secret | None, nonces: Nonces
) -> StreamCredentials | None:
    """StreamCredentials when both key and secret are set, else None (public topics only)."""
    if not api_key or not secret:
        return None
    return StreamCredentials(api_key, secret, nonces)
