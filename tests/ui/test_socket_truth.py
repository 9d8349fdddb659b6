"""What the status bar and the book say about the sockets and REST, against the embedded exchange:
a stalled feed never looks live, each socket shows its own ping, a refused sign-in is not live,
and every slot of the bar stays on screen through an HTTP 500 fault and a vanished exchange."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from btse_tui.client.session import TradingSession
from btse_tui.config import load_settings
from btse_tui.sim.runner import SimServer
from btse_tui.startup import start_demo_exchange
from btse_tui.ui.app import BtseApp
from btse_tui.ui.widgets.notifications import NotificationLog

PING_S, STALE_AFTER_S = 1.0, 6.0
WINDOW_S = PING_S + 3.0  # one ping interval and the pong's grace


async def until(pilot: Pilot, condition: Callable[[], bool], within: float = 10.0) -> None:
    """Let the app run until `condition` holds (bounded), failing the test otherwise."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the screen never showed what the test waited for")
        await pilot.pause(0.05)


@pytest.fixture
def demo(tmp_path: Path) -> AsyncIterator[tuple[SimServer, BtseApp]]:
    """The app trading the embedded exchange with a busy BTC-USDT book and quick heartbeats."""
    settings = load_settings(
        env={
            "BTSE_DEMO_SEED": "7",
            "BTSE_STATE_DIR": str(tmp_path),
            "BTSE_DEMO_RATE": "20",
            "BTSE_PING_INTERVAL": str(PING_S),
            "BTSE_STALE_AFTER": str(STALE_AFTER_S),
            "BTSE_HTTP_TIMEOUT": "2",
        },
        dotenv_path=None,
    )
    server, urls, settings = start_demo_exchange(settings)
    session = TradingSession(settings, urls, backoff_base_s=0.05, backoff_cap_s=0.5)
    app = BtseApp(session, settings=settings)
    yield server, app
    server.faults.reset()
    server.stop()


def bar(app: BtseApp) -> str:
    return app.desk.status.text


def book_stale(app: BtseApp) -> bool:
    return any(line.strip().startswith("STALE") for line in app.desk.book_view.lines_text)


def log_text(app: BtseApp) -> str:
    return "\n".join(line.plain for line in app.query_one(NotificationLog).lines)


def both_live(app: BtseApp) -> bool:
    text = bar(app)
    return bool(re.search(r"● spot live \d+ms", text) and re.search(r"● oss live \d+ms", text))


async def test_a_stalled_feed_is_shown_stale_within_a_second_and_never_live(demo) -> None:
    server, app = demo
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: both_live(app) and app.desk.book_view.spread is not None)
        assert not book_stale(app)

        server.faults.stall = True
        stalled = time.monotonic()  # no frame leaves the exchange from here on
        await until(pilot, lambda: "● oss stale" in bar(app) and book_stale(app), within=15)
        shown = time.monotonic() - stalled
        assert shown <= WINDOW_S + 1.0  # silent for its window: stale on screen within 1 s
        # the spot socket's last frame (a pong) may have come a moment after the oss one's
        await until(pilot, lambda: "● spot stale" in bar(app), within=15)
        assert time.monotonic() - stalled <= WINDOW_S + 1.0

        # through the reconnect at STALE_AFTER_S and the silent connection after it
        reconnected = False
        while time.monotonic() - stalled < STALE_AFTER_S + WINDOW_S + 1.0:
            text = bar(app)
            assert "● spot live" not in text and "● oss live" not in text, text
            assert book_stale(app), app.desk.book_view.lines_text
            reconnected = reconnected or "● oss connecting" in text
            await pilot.pause(0.05)
        assert reconnected
        line = next(li for li in app.desk.book_view.lines_text if li.strip().startswith("STALE"))
        assert re.search(r"STALE \d+s — (no data|reconnecting)", line)
        age = int(re.search(r"STALE (\d+)s", line).group(1))  # type: ignore[union-attr]
        assert age >= STALE_AFTER_S  # the age of the last news, not of the newest connection

        server.faults.stall = False  # the next connection works again
        await until(pilot, lambda: both_live(app) and not book_stale(app), within=20)


async def test_each_socket_shows_its_own_ping(demo) -> None:
    _server, app = demo
    async with app.run_test(size=(160, 48)) as pilot:
        # the book socket's pongs are its own: before, they were filed as the spot socket's
        await until(pilot, lambda: re.search(r"● oss live \d+ms", bar(app)) is not None)
        await until(pilot, lambda: re.search(r"● spot live \d+ms", bar(app)) is not None)


async def test_a_refused_sign_in_is_not_shown_live(demo) -> None:
    server, app = demo
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: both_live(app))
        server.faults.reject_auth = True
        server.faults.drop_sockets = True  # the next connection signs in again, and is refused
        await until(pilot, lambda: "● spot live" not in bar(app))
        server.faults.drop_sockets = False
        await until(pilot, lambda: "● spot sign-in refused" in bar(app), within=15)
        assert "Sign-in refused" in log_text(app)
        for _ in range(2):  # pongs keep coming on the refused socket: still not "live"
            heard = app.desk.status.last_heard("spot")
            await until(pilot, lambda: app.desk.status.last_heard("spot") != heard)  # noqa: B023
            assert "● spot sign-in refused" in bar(app)
            assert "● spot live" not in bar(app)


def slots_present(text: str, rest: str) -> bool:
    return (
        text.lstrip().startswith("DEMO")
        and rest in text
        and "● spot " in text
        and "● oss " in text
        and "DMS " in text
        and re.search(r"\d\d:\d\d\s*$", text) is not None
    )


async def test_every_slot_stays_through_http_500_and_a_vanished_exchange(demo) -> None:
    server, app = demo
    async with app.run_test(size=(200, 50)) as pilot:
        await until(pilot, lambda: both_live(app) and "REST ok" in bar(app))
        server.faults.http_500 = True
        await until(pilot, lambda: "REST 500" in bar(app), within=10)
        for width in (80, 118, 200):
            await pilot.resize_terminal(width, 24 if width == 80 else 40)
            await until(pilot, lambda: app.desk.status.size.width == width)  # noqa: B023
            text = bar(app)
            assert len(text) <= width and slots_present(text, "REST 500"), text
            assert "GET /" not in text and "HTTP 500:" not in text
        assert log_text(app).count("exchange failing (HTTP 500) — retrying") == 1

        server.stop()  # the exchange is gone: no REST, no sockets
        await until(pilot, lambda: "REST down" in bar(app) and "● oss down" in bar(app), 15)
        for width in (80, 118, 200):
            await pilot.resize_terminal(width, 24 if width == 80 else 40)
            await until(pilot, lambda: app.desk.status.size.width == width)  # noqa: B023
            text = bar(app)
            assert len(text) <= width and slots_present(text, "REST down"), text
            assert "Errno" not in text and "ConnectError" not in text
        assert "exchange unreachable — retrying" in log_text(app)
        await until(pilot, lambda: "● spot down" in bar(app), within=10)
        stop_at = len(log_text(app).splitlines())
        await until(pilot, lambda: "↻3" in bar(app), within=15)  # reconnects keep failing …
        repeated = log_text(app).splitlines()[stop_at:]
        assert sum("exchange unreachable" in line for line in repeated) == 0  # … told once
