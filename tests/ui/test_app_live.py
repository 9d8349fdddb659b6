"""The dashboard against the embedded exchange: what a trader sees when trading the demo."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from btse_tui.client.session import TradingSession
from btse_tui.config import load_settings
from btse_tui.protocol.events import StreamState
from btse_tui.sim.runner import SimServer
from btse_tui.startup import start_demo_exchange
from btse_tui.ui.app import BtseApp
from btse_tui.ui.ticket.form import OrderForm
from btse_tui.ui.widgets.markets import MarketsTable
from btse_tui.ui.widgets.notifications import NotificationLog
from btse_tui.ui.widgets.open_orders import OpenOrdersTable
from btse_tui.ui.widgets.status_bar import StatusBar


async def until(pilot: Pilot, condition: Callable[[], bool], within: float = 10.0) -> None:
    """Let the app run until `condition` holds (bounded), failing the test otherwise."""
    for _ in range(int(within / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the screen never showed what the test waited for")


@pytest.fixture
def demo(tmp_path: Path) -> AsyncIterator[tuple[SimServer, BtseApp]]:
    settings = load_settings(
        env={"BTSE_DEMO_SEED": "7", "BTSE_STATE_DIR": str(tmp_path), "BTSE_DEMO_RATE": "0"},
        dotenv_path=None,
    )
    server, urls, settings = start_demo_exchange(settings)
    session = TradingSession(settings, urls)
    app = BtseApp(session, settings=settings)
    yield server, app
    server.stop()


def engine_orders(server: SimServer, cl_order_id: str) -> list:
    key = server.demo_account.key
    return server.call(lambda: server.engine.open_orders(key, cl_order_id=cl_order_id))


def log_text(app: BtseApp) -> str:
    return "\n".join(line.plain for line in app.query_one(NotificationLog).lines)


async def place_limit(pilot: Pilot, app: BtseApp, price: str, size: str) -> str:
    """Type a limit order into the form and press Enter; returns its client order id."""
    form = app.query_one(OrderForm)
    form.query_one("#price", Input).value = price
    form.query_one("#size", Input).value = size
    cl_order_id = form.query_one("#clid", Input).value
    form.query_one("#size", Input).focus()
    await pilot.press("enter")
    return cl_order_id


async def test_markets_populate_and_picking_one_fills_the_form(demo) -> None:
    server, app = demo
    async with app.run_test(size=(160, 48)) as pilot:
        markets = app.query_one(MarketsTable)
        form = app.query_one(OrderForm)
        # the first market is picked at start; the demo balance shows as soon as it loads
        await until(pilot, lambda: form.market is not None and "USDT" in form.balances)
        await pilot.pause()
        usdt = form.balances["USDT"].available
        assert f"{usdt:,.2f}" in str(form.query_one("#avail", Static).render())
        await until(
            pilot, lambda: "ETH-USDT" in markets and markets.cell_text("ETH-USDT", "last") != "—"
        )
        spot = server.call(lambda: [s for s, m in server.engine.markets.items()])
        assert markets.row_count == len(spot)
        last = server.call(lambda: server.engine.ticker("ETH-USDT").last)
        assert markets.cell_text("ETH-USDT", "last").replace(",", "") == f"{last:f}"
        markets.focus()
        markets.move_cursor("ETH-USDT")
        await pilot.press("enter")
        await until(pilot, lambda: app.query_one(OrderForm).market is not None)
        form = app.query_one(OrderForm)
        assert form.market.symbol == "ETH-USDT"
        assert "ETH-USDT" in str(form.border_title)


async def test_a_limit_order_rests_shows_in_open_orders_and_the_log_then_cancels(demo) -> None:
    server, app = demo
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.query_one(OrderForm).market is not None)
        form = app.query_one(OrderForm)
        symbol = form.market.symbol
        last = server.call(lambda: server.engine.ticker(symbol).last)
        price = (last * Decimal("0.97")).quantize(form.market.tick)  # rests, no warning
        cl = await place_limit(pilot, app, f"{price:f}", f"{form.market.min_size * 10:f}")
        table = app.query_one(OpenOrdersTable)
        await until(pilot, lambda: any(o.cl_order_id == cl for o in table.orders))
        assert len(engine_orders(server, cl)) == 1
        await until(pilot, lambda: f"{symbol}" in log_text(app) and "inserted" in log_text(app))
        # cancel it from the open-orders table
        table.focus()
        table.move_cursor(table.orders[0].order_id)
        await pilot.press("c")
        await until(pilot, lambda: not table.orders)
        assert engine_orders(server, cl) == []
        await until(pilot, lambda: "cancelled" in log_text(app))


async def test_an_invalid_size_shows_the_reason_and_sends_nothing(demo) -> None:
    server, app = demo
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.query_one(OrderForm).market is not None)
        form = app.query_one(OrderForm)
        last = server.call(lambda: server.engine.ticker(form.market.symbol).last)
        too_small = form.market.min_size / 10
        cl = await place_limit(pilot, app, f"{last:f}", f"{too_small:f}")
        await pilot.pause(0.3)
        reason = str(form.query_one("#reason-size", Static).render())
        assert "size" in reason and f"{form.market.min_size:f}" in reason
        assert engine_orders(server, cl) == []
        assert app.query_one(OpenOrdersTable).orders == ()


async def test_a_dropped_socket_shows_in_the_status_bar_and_recovers(demo) -> None:
    server, app = demo
    async with app.run_test(size=(160, 48)) as pilot:
        status = app.query_one(StatusBar)
        spot = lambda: status._streams.get("spot")  # noqa: E731
        await until(pilot, lambda: spot() is not None and spot().state is StreamState.LIVE)
        server.faults.drop_sockets = True
        await until(pilot, lambda: spot().state is not StreamState.LIVE)
        assert "spot" in status.text and "live" not in status.text.split("spot")[1][:8]
        server.faults.drop_sockets = False
        await until(pilot, lambda: spot().state is StreamState.LIVE, within=20)
        assert spot().reconnects >= 1
        await until(pilot, lambda: "resynced" in log_text(app), within=10)


async def test_a_far_price_asks_for_confirmation_and_escape_sends_nothing(demo) -> None:
    server, app = demo
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.query_one(OrderForm).market is not None)
        form = app.query_one(OrderForm)
        last = server.call(lambda: server.engine.ticker(form.market.symbol).last)
        far = (last * Decimal("0.5")).quantize(form.market.tick)
        cl = await place_limit(pilot, app, f"{far:f}", f"{form.market.min_size * 10:f}")
        await until(pilot, lambda: type(app.screen).__name__ == "ConfirmOrderScreen")
        assert any("below the last price" in w for w in app.screen.warnings)
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ != "ConfirmOrderScreen")
        assert engine_orders(server, cl) == []
        assert not form.pending
