"""Keys typed ahead in one burst (fast typing, a lagging SSH link) land where the trader meant."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input

from btse_tui.ui.app import BtseApp
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
        await until(pilot, lambda: app.form.market is not None)
        burst(app, "b95000\t0.001")
        price = app.form.query_one("#price", Input)
        size_box = app.form.query_one("#size", Input)
        await until(pilot, lambda: size_box.value == "0.001")
        assert price.value == "95000"
        assert app.focused is size_box


async def test_b_and_v_type_letters_in_the_market_filter(demo) -> None:
    _, app = demo
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.form.market is not None)
        await pilot.press("slash")
        burst(app, "bv")
        await until(pilot, lambda: app.filter_box.value == "bv")
        assert app.focused is app.filter_box  # no ticket opened
