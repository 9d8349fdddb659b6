"""StatusBar text for each environment and connection state, and at 80 columns."""

from __future__ import annotations

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
        bar.touch("spot", app.clock.now)
        bar.set_stream("book", StreamState.CONNECTING)
        bar.set_skew(-12)
        app.clock.now += 3
        await pilot.pause()
        text = bar.text
        assert text.lstrip().startswith("TESTNET")
        assert "REST ok" in text
        assert "● spot live 42ms  " in text  # a fresh socket shows no age
        app.clock.now += 30
        assert "● spot live 42ms 30s" in bar.text
        app.clock.now -= 30
        assert "● book connecting" in text
        assert "skew -12ms" in text

        bar.set_environment("production")
        bar.set_rest(False, "HTTP 503")
        bar.set_stream("spot", StreamState.STALE, "no data 25s", reconnects=2)
        bar.set_stream("book", StreamState.DOWN, "connection refused", reconnects=5)
        bar.set_dms(60)
        bar.set_rate_limited(app.clock.now + 4.5)
        text = bar.text
        assert " PRODUCTION " in text
        assert "REST error HTTP 503" in text
        assert "spot stale (no data 25s)" in text and "↻2" in text
        assert "book down (connection refused)" in text and "↻5" in text
        assert "DMS 60s" in text
        assert "RATE LIMITED 5s" in text
        app.clock.now += 5
        assert "RATE LIMITED" not in bar.text


async def test_eighty_columns_keeps_what_matters() -> None:
    app = BarApp()
    async with app.run_test(size=(80, 3)) as pilot:
        bar = app.query_one(StatusBar)
        bar.set_environment("demo")
        bar.set_rest(True)
        for name in ("spot", "private", "book"):
            bar.set_stream(name, StreamState.LIVE)
            bar.set_rtt(name, 30)
            bar.touch(name)
        bar.set_stream("book", StreamState.DOWN, "connection refused", reconnects=1)
        bar.set_skew(5)
        bar.set_dms(60)
        await pilot.pause()
        text = bar.text
        assert len(text) <= 80
        assert text.lstrip().startswith("DEMO")
        assert "book down (connection refused)" in text
        assert "skew" not in text  # low-priority details go first
