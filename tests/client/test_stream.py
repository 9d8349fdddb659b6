"""Stream against a loopback fake server: re-auth and resubscribe, backoff, stale, ping RTT."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Callable

import pytest

from btse_tui.client.stream import CLIENT_ERROR, Backoff, Stream, StreamCredentials
from btse_tui.config import Secret
from btse_tui.protocol import signing
from btse_tui.protocol.events import (
    AuthResult,
    Pong,
    StreamError,
    StreamState,
    StreamStateChanged,
    SubscribeAck,
)
from tests.client.wsfake import FakeWsServer

SECRET = "848db84ac252b6726e5f6e7a711d9c96d9fd77d020151b45839a5b59c37203bx"
KEY = "4e9536c79f0fdd72bf04f2430982d3f61d9d76c996f0175bbba470d69d59816x"


class Events:
    """Reads a stream's events; `until` waits (bounded) for the next one matching a predicate."""

    def __init__(self, stream: Stream) -> None:
        self._it: AsyncIterator = stream.events().__aiter__()
        self.seen: list[object] = []

    async def until(self, predicate: Callable[[object], bool], within: float = 5.0) -> object:
        async def scan() -> object:
            while True:
                event = await anext(self._it)
                self.seen.append(event)
                if predicate(event):
                    return event

        return await asyncio.wait_for(scan(), within)

    async def state(self, state: StreamState, within: float = 5.0) -> StreamStateChanged:
        event = await self.until(
            lambda e: isinstance(e, StreamStateChanged) and e.state is state, within
        )
        assert isinstance(event, StreamStateChanged)
        return event


def fast_backoff() -> Backoff:
    return Backoff(base=0.01, cap=0.05, jitter=0)


def test_backoff_grows_caps_jitters_and_resets() -> None:
    plain = Backoff(base=0.5, cap=4.0, jitter=0)
    assert [plain.next_delay() for _ in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    plain.reset()
    assert plain.next_delay() == 0.5
    jittered = Backoff(base=1.0, cap=8.0, jitter=0.5, rng=random.Random(7))
    delays = [jittered.next_delay() for _ in range(5)]
    for delay, ceiling in zip(delays, [1, 2, 4, 8, 8]):
        assert ceiling * 0.5 <= delay <= ceiling


async def test_reconnect_reauthenticates_and_resubscribes() -> None:
    async with FakeWsServer() as server:
        nonces = signing.NonceSource()
        stream = Stream(
            server.url,
            topics=["notificationApiV3", "fills"],
            credentials=StreamCredentials(KEY, Secret(SECRET), nonces),
            backoff=fast_backoff(),
            ping_interval=30,
            stale_after=30,
        )
        events = Events(stream)
        try:
            first = await events.state(StreamState.LIVE)
            assert "logged in" in first.reason and first.reconnects == 0
            conn1 = server.connections[0]
            await stream.subscribe("tradeHistoryApi:BTC-USDT")  # added at runtime
            await events.until(
                lambda e: isinstance(e, SubscribeAck) and "tradeHistoryApi:BTC-USDT" in e.topics
            )

            await conn1.drop()  # the server goes away
            down = await events.state(StreamState.DOWN)
            assert "closed by server" in down.reason
            await events.state(StreamState.CONNECTING)
            second = await events.state(StreamState.LIVE)
            assert second.reconnects == 1
            conn2 = server.connections[1]
            await conn2.next_message(lambda m: '"subscribe"' in m)

            auth1, auth2 = conn1.frames("authKeyExpires")[0], conn2.frames("authKeyExpires")[0]
            for auth in (auth1, auth2):
                key, nonce, signature = auth["args"]
                assert key == KEY
                assert signature == signing.sign(SECRET, "/ws/spot" + nonce)
            assert int(auth2["args"][1]) > int(auth1["args"][1])
            frames2 = conn2.frames()
            assert frames2[0]["op"] == "authKeyExpires"  # login first, then subscribe
            assert frames2[1] == {
                "op": "subscribe",
                "args": ["notificationApiV3", "fills", "tradeHistoryApi:BTC-USDT"],
            }
            assert sum(isinstance(e, AuthResult) and e.success for e in events.seen) == 2
            assert all(SECRET not in text for text in conn1.received + conn2.received)
        finally:
            await stream.close()


async def test_accept_then_close_backs_off_instead_of_spinning() -> None:
    attempts = 6
    delays: list[float] = []
    parked = asyncio.Event()

    async def recording_sleep(delay: float) -> None:
        delays.append(delay)
        if len(delays) >= attempts:
            parked.set()
            await asyncio.Event().wait()  # park here until close() cancels us
        await asyncio.sleep(0)

    async with FakeWsServer(close_on_accept=True) as server:
        stream = Stream(
            server.url,
            topics=["fills"],
            backoff=Backoff(base=0.1, cap=1.6, jitter=0),
            min_healthy=5.0,
            sleep=recording_sleep,
            ping_interval=5.0,
            stale_after=12.0,
        )
        stream.start()
        try:
            await asyncio.wait_for(parked.wait(), 5)
        finally:
            await stream.close()
        seen = [event async for event in stream.events()]
        assert parked.is_set()
        assert delays == [0.1, 0.2, 0.4, 0.8, 1.6, 1.6]  # grows to the cap, never resets
        assert len(server.connections) == attempts  # one connection per backoff step
        downs = [e for e in seen if isinstance(e, StreamStateChanged) and e.state == "down"]
        assert len(downs) >= attempts
        assert "retrying in 1.6 s" in downs[attempts - 1].reason


async def test_a_silent_server_is_never_reported_live_and_is_reconnected() -> None:
    async with FakeWsServer(answer_ping=False, ack=False) as server:
        stream = Stream(
            server.url,
            topics=["tradeHistoryApi:BTC-USDT"],
            ping_interval=0.1,
            stale_after=0.3,
            backoff=fast_backoff(),
        )
        events = Events(stream)
        try:
            stale = await events.state(StreamState.STALE, within=3)
            assert "0.3 s" in stale.reason
            await events.state(StreamState.CONNECTING)
            await events.state(StreamState.STALE, within=3)
            assert len(server.connections) == 2
            assert "ping" in server.connections[0].received  # we did try to keep it alive
            states = [e.state for e in events.seen if isinstance(e, StreamStateChanged)]
            assert StreamState.LIVE not in states  # subscribed but silent: never "live"
        finally:
            await stream.close()


async def test_a_quiet_socket_is_stale_within_its_window_and_live_again_when_frames_return() -> (
    None
):
    async with FakeWsServer() as server:
        stream = Stream(
            server.url,
            topics=["tradeHistoryApi:BTC-USDT"],
            ping_interval=0.2,
            pong_grace=0.2,
            stale_after=30,
            backoff=fast_backoff(),
        )
        assert stream.live_window == pytest.approx(0.4)
        events = Events(stream)
        loop = asyncio.get_running_loop()
        try:
            await events.state(StreamState.LIVE)
            await events.until(lambda e: isinstance(e, Pong))
            server.answer_ping = False  # the server goes quiet; the socket stays open
            last_frame = loop.time()
            stale = await events.state(StreamState.STALE, within=3)
            silent_for = loop.time() - last_frame
            assert 0.35 <= silent_for <= 0.4 + 0.3  # its window, not the 30 s reconnect
            assert stale.reason == "nothing received for 0.4 s"
            server.answer_ping = True
            again = await events.state(StreamState.LIVE, within=3)
            assert again.reason.startswith("receiving again")
            assert again.reconnects == 0 and len(server.connections) == 1
            pong = await events.until(lambda e: isinstance(e, Pong) and e.rtt_ms is not None)
            # the answer to the newest ping, not to one the quiet server ignored 0.4 s ago
            assert isinstance(pong, Pong) and pong.rtt_ms is not None and pong.rtt_ms < 150
        finally:
            await stream.close()


async def test_a_refused_sign_in_is_not_live() -> None:
    async with FakeWsServer(login_reply=False) as server:
        stream = Stream(
            server.url,
            topics=["notificationApiV3", "fills"],
            credentials=StreamCredentials(KEY, Secret(SECRET), signing.NonceSource()),
            ping_interval=0.1,
            stale_after=5,
            backoff=fast_backoff(),
        )
        events = Events(stream)
        try:
            refused = await events.state(StreamState.SIGN_IN_REFUSED)
            assert "no order or fill notifications" in refused.reason
            await events.until(lambda e: isinstance(e, Pong))  # frames keep arriving …
            await events.until(lambda e: isinstance(e, Pong))
            states = [e.state for e in events.seen if isinstance(e, StreamStateChanged)]
            assert StreamState.LIVE not in states  # … and it still does not say "live"
        finally:
            await stream.close()


async def test_ping_pong_round_trip_is_measured() -> None:
    async with FakeWsServer() as server:
        stream = Stream(
            server.url, name="oss", ping_interval=0.05, stale_after=5, backoff=fast_backoff()
        )
        events = Events(stream)
        try:
            pong = await events.until(lambda e: isinstance(e, Pong))
            assert isinstance(pong, Pong) and pong.rtt_ms is not None
            assert pong.stream == "oss"  # told apart from the spot socket's pongs
            assert 0 <= pong.rtt_ms < 1000
            assert stream.last_rtt_ms == pong.rtt_ms
        finally:
            await stream.close()


async def test_topics_missing_from_the_ack_are_reported() -> None:
    bad = "tradeHistoryApi:NOPE-USDT"
    async with FakeWsServer(ack_drop=frozenset({bad})) as server:
        stream = Stream(
            server.url, topics=["tradeHistoryApi:BTC-USDT", bad], stale_after=5, ping_interval=2
        )
        events = Events(stream)
        try:
            error = await events.until(lambda e: isinstance(e, StreamError))
            assert error == StreamError(
                CLIENT_ERROR, "subscription not acknowledged by the server", bad
            )
        finally:
            await stream.close()


async def test_no_login_reply_is_reported_and_subscribing_proceeds() -> None:
    async with FakeWsServer(login_reply=None) as server:
        stream = Stream(
            server.url,
            topics=["notificationApiV3"],
            credentials=StreamCredentials(KEY, Secret(SECRET), signing.NonceSource()),
            auth_timeout=0.2,
            stale_after=5,
            ping_interval=2,
        )
        events = Events(stream)
        try:
            error = await events.until(lambda e: isinstance(e, StreamError))
            assert isinstance(error, StreamError) and error.arg == "authKeyExpires"
            live = await events.state(StreamState.LIVE)
            assert "login unconfirmed" in live.reason
            conn = server.connections[0]
            message = await conn.next_message(lambda m: '"subscribe"' in m)
            assert json.loads(message)["args"] == ["notificationApiV3"]
        finally:
            await stream.close()


async def test_unsubscribe_and_close_end_the_events() -> None:
    async with FakeWsServer() as server:
        stream = Stream(
            server.url, topics=["fills", "notificationApiV3"], stale_after=5, ping_interval=2
        )
        events = Events(stream)
        await events.state(StreamState.LIVE)
        await stream.unsubscribe("fills")
        await server.connections[0].next_message(lambda m: '"unsubscribe"' in m)
        assert stream.topics == ("notificationApiV3",)
        await stream.close()
        remaining = [e async for e in stream.events()]  # buffered events, then the end
        final = remaining[-1]
        assert isinstance(final, StreamStateChanged)
        assert final.state is StreamState.DOWN and final.reason == "closed"
        assert not stream.connected


async def test_unreachable_server_reports_down_with_reason() -> None:
    delays: list[float] = []

    async def recording_sleep(delay: float) -> None:
        delays.append(delay)
        await asyncio.sleep(0)

    stream = Stream(
        "ws://127.0.0.1:9/ws/spot",
        backoff=fast_backoff(),
        sleep=recording_sleep,
        ping_interval=5.0,
        stale_after=12.0,
    )
    events = Events(stream)
    try:
        down = await events.state(StreamState.DOWN)
        assert "connect failed" in down.reason and "retrying in" in down.reason
    finally:
        await stream.close()


async def test_many_topics_missing_from_one_ack_are_told_in_one_line() -> None:
    """After a stall every topic can go unacknowledged: one notice, not one per market."""
    bad = [f"snapshotL1:M{i}-USDT" for i in range(6)]
    async with FakeWsServer(ack_drop=frozenset(bad)) as server:
        stream = Stream(
            server.url, topics=["tradeHistoryApi:BTC-USDT", *bad], stale_after=5, ping_interval=2
        )
        events = Events(stream)
        try:
            error = await events.until(lambda e: isinstance(e, StreamError))
            assert error.arg == f"{bad[0]}, {bad[1]}, {bad[2]} and 3 more"
            await events.until(lambda e: isinstance(e, Pong))  # the socket carries on
            assert sum(isinstance(e, StreamError) for e in events.seen) == 1
        finally:
            await stream.close()
