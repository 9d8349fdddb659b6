"""Snapshot tests of the main screen (80×24 tabs, 160×48 panes) with a fixed account picture."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from btse_tui.ui.app import BtseApp
from tests.ui.static_session import NOW_MS, StaticSession


def make_app() -> BtseApp:
    return BtseApp(
        StaticSession(),
        clock=lambda: NOW_MS / 1000,
        monotonic=lambda: 1000.0,
    )


async def settle(pilot: Pilot) -> None:
    app = pilot.app
    for _ in range(100):
        if app.desk.orders_table.orders and app.desk.book_view.depth and app.desk.log_view.lines:
            break
        await pilot.pause(0.02)
    app.desk.form.query_one("#clid", Input).value = "tui-snapshot-0001"
    app.desk.status.refresh()
    await pilot.pause(0.3)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_main_screen(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=settle)


def test_trade_tab_at_80x24(snap_compare) -> None:
    async def to_trade(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("2")
        await pilot.pause(0.2)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=to_trade)
