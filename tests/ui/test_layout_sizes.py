"""Every terminal size from 80×24 to 250×70 gives the trader the book's depth, the order and
balance columns that matter, and every notification in full."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from btse_tui.ui.app import BtseApp
from btse_tui.ui.widgets.format import fmt_clock
from btse_tui.ui.widgets.live_table import LiveTable
from tests.ui.static_session import NOW_MS, StaticSession

SIZES = [(80, 24), (100, 30), (120, 36), (140, 40), (160, 48), (200, 60), (250, 70)]
IDS = [f"{w}x{h}" for w, h in SIZES]
MIN_LEVELS = 4  # price levels each side of the spread, at the least


def make_app() -> tuple[BtseApp, StaticSession]:
    session = StaticSession()
    app = BtseApp(session, clock=lambda: NOW_MS / 1000)
    return app, session


async def settle(pilot: Pilot, app: BtseApp) -> None:
    for _ in range(100):
        if (
            app.desk.orders_table.orders
            and app.desk.book_view.depth
            and len(app.desk.log_view.lines) >= 4
        ):
            break
        await pilot.pause(0.02)
    await pilot.pause(0.1)


async def show(pilot: Pilot, app: BtseApp, tab: str) -> None:
    """On a narrow terminal, switch to the tab holding `tab`'s panes."""
    if app.desk.narrow:
        await pilot.press({"trade": "f2", "orders": "f3", "log": "f4"}[tab])
        await pilot.pause(0.1)


def book_levels(app: BtseApp) -> tuple[int, int]:
    """Price levels shown above and below the spread line."""
    lines = app.desk.book_view.lines_text
    spread = next(i for i, text in enumerate(lines) if "spread" in text)

    def priced(texts: list[str]) -> int:
        return sum(1 for text in texts if text.strip()[:1].isdigit())

    return priced(lines[1:spread]), priced(lines[spread + 1 :])


def labels(table: LiveTable) -> set[str]:
    assert table.size.width > 0, "the table is not on screen"
    return {column.label for column in table.visible_columns}


@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_the_book_shows_several_levels_each_side(size: tuple[int, int]) -> None:
    app, _ = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app)
        await show(pilot, app, "trade")
        for _ in range(100):  # the book paints its levels on its next frame
            if any("spread" in text for text in app.desk.book_view.lines_text):
                break
            await pilot.pause(0.02)
        asks, bids = book_levels(app)
        assert asks >= MIN_LEVELS and bids >= MIN_LEVELS, (asks, bids)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_open_orders_and_balances_keep_the_columns_a_trader_needs(
    size: tuple[int, int],
) -> None:
    app, _ = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app)
        await show(pilot, app, "orders")
        assert {"Market", "Side", "Price", "Size", "Status"} <= labels(app.desk.orders_table)
        assert {"Asset", "Total", "Available", "Locked"} <= labels(app.desk.balances_table)
        row = app.desk.orders_table.render_line(1).text
        assert "BUY" in row and "inserted" in row and "…" not in row


@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_every_notification_is_readable_in_full(
    size: tuple[int, int],
) -> None:
    app, _ = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app)
        await show(pilot, app, "log")
        long = (
            "Stream error on snapshotL1:XLM-USDT: subscription not acknowledged by the server "
            "(code 1005)"
        )
        app.desk.log_line(long, "connection")
        await pilot.pause(0.1)
        log = app.desk.log_view
        assert log.size.width > 0
        rows = [log.render_line(y).text for y in range(log.size.height)]  # what is on screen
        shown = " ".join(" ".join(rows).split())
        fill = next(line.text for line in log.lines if line.text.startswith("FILL"))
        for text in (fill, long):
            assert " ".join(text.split()) in shown, (text, rows)
        assert "taker, fee 1.7 USDT" in fill


async def test_notifications_listed_in_arrival_order_read_in_time_order() -> None:
    """The exchange dates the filled order and its fill 5 s before they reach the app, after
    the socket-live line: stamped with those dates, 12:00:00 sat above 11:59:55."""
    app, _ = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, app)
        lines = app.desk.log_view.lines
        stamps = [line.stamp for line in lines]
        assert stamps == sorted(stamps)
        fill = next(line.text for line in lines if line.text.startswith("FILL"))
        assert fill.endswith(f"  (at {fmt_clock(NOW_MS / 1000 - 5)})")  # when it traded


async def test_the_narrow_screens_last_line_wraps_a_long_notification() -> None:
    app, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        long = "Stream error on snapshotL1:XLM-USDT: subscription not acknowledged by the server"
        app.desk.log_line(long + " (code 1005)", "connection")
        await pilot.pause(0.1)
        assert app.desk.last_line.size.height == 2  # 92 characters in 78 cells
        app.desk.log_line("BUY 0.001 BTC-USDT @ 97,000.0  inserted")
        await pilot.pause(0.1)
        assert app.desk.last_line.size.height == 1  # and gives the row back


async def test_news_told_on_a_wide_screen_is_on_the_last_line_when_it_narrows() -> None:
    """The last line is hidden on a wide screen; narrowed, it shows the newest news, wrapped."""
    app, _ = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, app)
        assert not app.desk.last_line.display
        app.desk.log_line("BUY 0.001 BTC-USDT @ 97,000.0  inserted")
        long = "Stream error on snapshotL1:XLM-USDT: subscription not acknowledged by the server"
        app.desk.log_line(long + " (code 1005)", "connection")
        await pilot.pause(0.1)
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.2)
        shown = str(app.desk.last_line.render())
        assert "XLM-USDT" in shown and "inserted" not in shown
        assert app.desk.last_line.size.height == 2
