"""A price alert reaches the terminal: the real app in a pty, a price pushed across the
alert's level on the embedded exchange, and the bytes the app wrote read back — the OSC 9 and
OSC 777 sequences appear exactly once, wrapped for tmux passthrough when TMUX is set."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from btse_tui.prefs import save_alerts
from btse_tui.protocol.alert_book import AlertBook
from btse_tui.protocol.alert_rule import AlertCondition, PriceAlert
from btse_tui.protocol.osc import osc9, osc777, tmux_passthrough
from btse_tui.sim.context import SimConfig
from btse_tui.sim.runner import SimServer
from tests.screen.terminal import TerminalApp
from tests.screen.test_screen_truth import mismatches, number

SYMBOL = "BTC-USDT"
TITLE = "btse-tui price alert"
#: A markets row's name and last price (at 120 columns the table shows no Bid and Ask).
ROW = re.compile(r"^.(?P<name>[A-Z0-9]+-[A-Z0-9]+)\s+(?P<last>[\d,.]+)\s+[+-]?[\d.]+%")


class RecordingTerminal(TerminalApp):
    """The pty harness, keeping every byte the app wrote."""

    raw = b""

    def read(self, timeout: float = 0.05) -> bytes:
        data = super().read(timeout)
        self.raw += data
        return data

    def written(self) -> str:
        return self.raw.decode("utf-8", errors="replace")

    def wait_written(self, text: str, timeout: float = 30.0) -> None:
        """Pump until `text` is among the bytes written."""
        for _ in range(int(timeout / 0.05)):
            if text in self.written():
                return
            self.pump(0.05)
        raise AssertionError(f"{text!r} was never written")

    def wait_last(self, symbol: str, price: Decimal, timeout: float = 30.0) -> None:
        """Pump until the markets table shows `price` as `symbol`'s last."""
        for _ in range(int(timeout / 0.05)):
            self.pump(0.05)
            for line in self.lines():
                match = ROW.match(line)
                if match and match["name"] == symbol and number(match["last"]) == price:
                    return
        raise AssertionError(f"{symbol} never showed {price}:\n" + "\n".join(self.lines()))


def trade(server: SimServer, key: str, price: Decimal, size: Decimal, side: str) -> Decimal:
    """A trade of `side` taking `price` (a level on the book); the exchange's last after it."""
    body = {"symbol": SYMBOL, "side": side, "type": "LIMIT", "price": f"{price:f}",
            "size": f"{size:f}", "time_in_force": "IOC"}  # fmt: skip
    server.call(lambda: server.engine.place_order(key, body))
    return server.call(lambda: server.engine.last_price(SYMBOL))


@pytest.fixture
def exchange() -> Iterator[SimServer]:
    server = SimServer(SimConfig(flow_rate=0, seed=3))  # a still market: prices move when we say
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize("tmux", [False, True], ids=["plain", "tmux"])
def test_a_crossing_writes_the_osc_9_and_777_sequences_once(
    exchange: SimServer, tmp_path: Path, tmux: bool
) -> None:
    server = exchange
    other = server.account("demo2").key
    bids, asks = server.call(lambda: server.engine.book_levels(SYMBOL))
    (bid, _), (ask, ask_size), (next_ask, _) = bids[0], asks[0], asks[1]
    level = (bid + ask) / 2
    assert trade(server, other, bid, Decimal("0.0001"), "SELL") == bid  # last below the level
    crossing = PriceAlert(SYMBOL, AlertCondition.CROSSES, level=level)
    # a second alert that fires only at the price after the crossing: once its bytes are out,
    # every price up to it has been checked, and the first alert can be counted
    sentinel = PriceAlert(SYMBOL, AlertCondition.ABOVE, level=next_ask)
    save_alerts(tmp_path / "state", [crossing, sentinel])
    expected = AlertBook([crossing])
    expected.check(SYMBOL, bid, 0)
    (fired,) = expected.check(SYMBOL, ask, 1)

    assert server.urls is not None
    key, secret = server.demo_account
    env = {
        "BTSE_API_KEY": key, "BTSE_API_SECRET": secret, "BTSE_ENV": "testnet",
        "BTSE_REST_URL": server.urls.rest, "BTSE_WS_URL": server.urls.ws_spot,
        "BTSE_OSS_URL": server.urls.ws_oss, "BTSE_ALERT_EVERY": "1",
    }  # fmt: skip
    if tmux:
        env["TMUX"] = "/tmp/tmux-1000/default,1234,0"
    term = RecordingTerminal(120, 36, env=env, workdir=tmp_path)
    term.start()
    try:
        term.wait_last(SYMBOL, bid)
        assert "]9;" not in term.written()  # nothing fired while the price stayed below
        assert trade(server, other, ask, Decimal("0.0001"), "BUY") == ask  # crosses up
        nine, seven = osc9(f"{TITLE}: {fired.text}"), osc777(TITLE, fired.text)
        if tmux:
            nine, seven = tmux_passthrough(nine), tmux_passthrough(seven)
        term.wait_written(seven)
        # sweep the best ask: the last moves on up, no second crossing
        assert trade(server, other, next_ask, ask_size + Decimal("0.0001"), "BUY") == next_ask
        term.wait_written(f"{SYMBOL} at or above")
        written = term.written()
        assert written.count(nine) == 1
        assert written.count(seven) == 1
        assert written.count(fired.text) == 2  # in those two sequences only (no toast text)
        if tmux:  # never bare: every sequence inside a passthrough
            assert written.count("\x1bPtmux;") == 4
            assert re.findall(r"(?<!\x1b)\x1b\](9|777);", written) == []
        else:
            assert "\x1bPtmux;" not in written
            # written between two frames: the terminal still shows exactly what the app drew
            assert mismatches(term.probe()) == []
    finally:
        term.kill()
