"""Keys typed ahead in one burst (fast typing, a lagging SSH link) land where the trader meant."""

from __future__ import annotations

import os
import select
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyte
import pytest
from ptyprocess import PtyProcess
from textual import events
from textual._xterm_parser import XTermParser
from textual.binding import Binding
from textual.widgets import Input

from btse_tui.ui.app import BtseApp
from btse_tui.ui.ticket.form import OrderForm
from tests.ui.test_app_live import demo, until

__all__ = ["demo"]  # the live exchange fixture, shared with test_app_live

_NAMES = {"\t": "tab", ".": "full_stop"}


def burst(app: BtseApp, text: str) -> None:
    """Queue every key of `text` before the app handles the first (as one read of a pty)."""
    for char in text:
        app.post_message(events.Key(_NAMES.get(char, char), char))


@pytest.mark.parametrize("size", [(160, 48), (80, 24)])
async def test_b_price_tab_size_typed_in_one_burst_fill_the_ticket(demo, size) -> None:
    _, app = demo
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: app.desk.form.market is not None)
        burst(app, "b95000\t0.001")
        price = app.desk.form.query_one("#price", Input)
        size_box = app.desk.form.query_one("#size", Input)
        await until(pilot, lambda: size_box.value == "0.001")
        assert price.value == "95000"
        assert app.focused is size_box


async def test_b_and_v_type_letters_in_the_market_filter(demo) -> None:
    _, app = demo
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.desk.form.market is not None)
        await pilot.press("slash")
        burst(app, "bv")
        await until(pilot, lambda: app.desk.filter_box.value == "bv")
        assert app.focused is app.desk.filter_box  # no ticket opened


# --------------------------------------------------------------------------- balance keys

#: What F5…F8 send in xterm, tmux and screen (TERM=screen / tmux-256color), kitty (legacy key
#: encoding, also under its disambiguate mode) and rxvt; SSH passes the bytes through unchanged.
FRACTION_KEY_BYTES = {"f5": b"\x1b[15~", "f6": b"\x1b[17~", "f7": b"\x1b[18~", "f8": b"\x1b[19~"}


def parsed_keys(data: bytes) -> list[str]:
    """The Key events Textual's own input parser makes of `data` read from a terminal."""
    parser = XTermParser()
    found = [*parser.feed(data.decode()), *parser.feed("")]
    return [event.key for event in found if isinstance(event, events.Key)]


@pytest.mark.parametrize("key", sorted(FRACTION_KEY_BYTES))
def test_the_balance_keys_arrive_as_the_keys_the_form_binds(key: str) -> None:
    assert parsed_keys(FRACTION_KEY_BYTES[key]) == [key]
    bound = {binding.key for binding in OrderForm.BINDINGS if isinstance(binding, Binding)}
    assert key in bound


def test_alt_digit_from_tmux_is_not_a_key_the_form_could_bind() -> None:
    """tmux sends alt+1 as ESC 1, which Textual reads as ¡ (macOS option+1): why not alt+1."""
    assert parsed_keys(b"\x1b1") != ["alt+1"]


class PtyApp:
    """The real `btse-tui` (demo) in a pseudo-terminal, its screen kept by pyte."""

    def __init__(self, tmp_path: Path, columns: int, lines: int) -> None:
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("BTSE_", "SSH_", "TMUX"))
        }
        env.update(
            TERM="xterm-256color",
            BTSE_STATE_DIR=str(tmp_path),
            BTSE_DEMO_SEED="7",
            BTSE_DEMO_RATE="0",
        )
        self.process = PtyProcess.spawn(
            [str(Path(sys.executable).with_name("btse-tui"))],
            cwd=str(tmp_path),
            env=env,
            dimensions=(lines, columns),
        )

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def write(self, data: bytes) -> None:
        self.process.write(data)

    def until(self, condition: Callable[[str], bool], within: float = 20.0) -> str:
        """Read the app's output until `condition(screen text)` holds (bounded)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.fd], [], [], 0.1)
            if ready:
                try:
                    self.stream.feed(self.process.read(65536))
                except EOFError:  # the app has gone
                    break
            if condition(self.text()):
                return self.text()
        raise AssertionError(f"the screen never showed what was awaited:\n{self.text()}")

    def close(self) -> None:
        self.process.terminate(force=True)


def size_line(text: str) -> str:
    return next((line for line in text.splitlines() if "│ Size " in line), "")


@pytest.mark.parametrize("columns, lines", [(80, 24), (160, 48)])
def test_f5_through_a_real_terminal_fills_a_quarter_of_the_balance(
    tmp_path: Path, columns: int, lines: int
) -> None:
    app = PtyApp(tmp_path, columns, lines)
    try:
        app.until(lambda text: "avail 1,000,000.00 USDT" in text or "BTC-USDT" in text)
        app.write(b"b")  # the ticket for the highlighted market (BTC-USDT)
        app.until(lambda text: "Order · BTC-USDT" in text)
        app.write(b"97000\t")
        app.until(lambda text: "avail 1,000,000.00 USDT" in text)
        app.write(FRACTION_KEY_BYTES["f5"])
        # 25 % of 1,000,000 USDT at 97,000 = 2.577319… BTC, rounded down to the lot
        shown = app.until(lambda text: "2.57731" in size_line(text))
        assert "¡" not in shown
        app.write(FRACTION_KEY_BYTES["f8"])
        shown = app.until(lambda text: "10.30927" in size_line(text))
        assert "¡" not in shown
    finally:
        app.close()
