"""StatusBar: every slot in a word or two, and every slot present from 80 to 250 columns."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from btse_tui.protocol.events import StreamState
from btse_tui.ui.widgets.status_bar import StatusBar


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class BarApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.clock = Clock()

    def compose(self) -> ComposeResult:
        yield StatusBar(clock=self.clock, wall_clock=lambda: 0.0)


async def test_states_read_in_plain_words() -> None:
    app = BarApp()
    async with app.run_test(size=(160, 3)) as pilot:
        bar = app.query_one(StatusBar)
        bar.set_environment("testnet")
        bar.set_rest(True)
        bar.set_stream("spot", StreamState.LIVE)
        bar.set_rtt("spot", 41.6)
        bar.set_stream("oss", StreamState.CONNECTING)
        bar.set_skew(-12)
        await pilot.pause()
        text = bar.text
        assert text.lstrip().startswith("TESTNET")
        assert "REST ok" in text
        assert "● spot live 42ms  " in text
        assert "● oss connecting" in text
        assert "DMS off" in text
        assert "skew -12ms" in text

        bar.set_environment("production")
        bar.set_rest(False, "unreachable")
        bar.set_stream("spot", StreamState.STALE, "nothing received for 8 s", reconnects=2)
        bar.set_stream("oss", StreamState.DOWN, "connect failed: …", reconnects=5)
        bar.set_dms(60)
        app.clock.now += 14
        text = bar.text
        assert " PRODUCTION " in text
        assert "REST down 14s" in text
        assert "● spot stale 14s ↻2" in text  # silent since its last pong
        assert "● oss down 14s ↻5" in text
        assert "received" not in text and "connect failed" not in text  # reasons: notifications
        assert "DMS 60s" in text

        bar.set_rate_limited(app.clock.now + 11.5)
        assert "REST 429 12s" in bar.text
        app.clock.now += 12
        bar.set_rest(False, "slow")
        assert "REST slow" in bar.text
        bar.set_rest(False, "HTTP 500")
        assert "REST 500 26s" in bar.text  # the same outage (26 s old), now answered with 500s


async def test_a_reconnected_socket_forgets_its_old_ping() -> None:
    app = BarApp()
    async with app.run_test(size=(160, 3)):
        bar = app.query_one(StatusBar)
        bar.set_stream("spot", StreamState.LIVE)
        bar.set_rtt("spot", 1.2)
        bar.set_stream("spot", StreamState.CONNECTING, reconnects=1)
        bar.set_stream("spot", StreamState.LIVE, reconnects=1)
        assert "● spot live ↻1" in bar.text  # no "1ms" from the connection before
        bar.set_rtt("spot", 3)
        assert "● spot live 3ms ↻1" in bar.text


@pytest.mark.parametrize("width", [80, 118, 140, 200, 250])
async def test_every_slot_stays_at_every_width(width: int) -> None:
    app = BarApp()
    async with app.run_test(size=(width, 3)) as pilot:
        bar = app.query_one(StatusBar)
        bar.set_environment("production")
        bar.set_rest(False, "unreachable")
        bar.set_stream("spot", StreamState.SIGN_IN_REFUSED, "no order or fill notifications", 11)
        bar.set_stream("oss", StreamState.STALE, "nothing received for 8 s", reconnects=11)
        bar.set_rtt("spot", 3)
        bar.set_skew(1500)
        bar.set_dms(60)
        app.clock.now += 75
        await pilot.pause()
        text = bar.text
        assert len(text) <= width
        assert text.lstrip().startswith("PRODUCTION")
        assert "REST down" in text
        assert "● spot no sign-in" in text or "● spot sign-in refused" in text
        assert "● oss stale" in text
        assert "DMS 60s" in text
        assert text.rstrip().endswith(":00")  # the clock
        if width >= 118:
            assert "● spot sign-in refused ↻11" in text and "● oss stale 1m ↻11" in text
            assert "REST down 1m" in text
        if width >= 140:
            assert "skew +1500ms" in text
