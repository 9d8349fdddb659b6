"""Dashboard behaviour that needs no exchange: favourites saved, tabs on a small terminal."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from textual.widgets import Static

from btse_tui.config import Settings
from btse_tui.ui.app import BtseApp
from btse_tui.ui.screens.quit import QuitScreen
from tests.ui.static_session import StaticSession


async def test_starring_a_market_pins_it_and_saves_it() -> None:
    saved: list[tuple[str, ...]] = []
    app = BtseApp(StaticSession(), save_favourites=saved.append)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(0.3)
        table = app.desk.markets_table
        table.focus()
        table.move_cursor("SOL-USDT")
        await pilot.press("f")
        await pilot.pause(0.1)
        assert saved[-1] == ("SOL-USDT",)
        assert table.displayed_keys[0] == "SOL-USDT"


async def test_a_small_terminal_shows_one_pane_group_per_function_key() -> None:
    app = BtseApp(StaticSession())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert app.desk.markets_table.display and app.desk.markets_table.size.width > 0
        assert app.desk.form.size.width == 0
        await pilot.press("f2")
        await pilot.pause(0.1)
        assert app.desk.form.size.width > 0 and app.desk.markets_table.size.width == 0
        await pilot.press("f4")
        await pilot.pause(0.1)
        assert app.desk.log_view.size.width > 0 and app.desk.form.size.width == 0


async def test_q_quits_promptly_and_closes_the_session() -> None:
    session = StaticSession()
    app = BtseApp(
        session, settings=Settings(cancel_all_after_s=60)
    )  # open orders are cancelled if we go
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("q")
        await pilot.pause(0.3)
        assert not app.is_running
    assert session._quiet.is_set()  # close() was called: the workers stop


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_q_with_orders_open_and_no_dead_mans_switch_asks_first(size) -> None:
    session = StaticSession()  # one resting order
    app = BtseApp(session)
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.2)
        await pilot.press("q")
        await pilot.pause()
        question = "1 order stays open on the exchange — q again to quit, any other key to stay"
        assert isinstance(app.screen, QuitScreen)
        assert question in str(app.screen.query_one("#question", Static).render())
        await pilot.press("X")  # any other key: stay, and the key does nothing else
        await pilot.pause()
        assert app.is_running and app.screen is app.screen_stack[0]  # no cancel-all dialog
        await pilot.press("q", "q")
        await pilot.pause(0.3)
        assert not app.is_running
    assert session._quiet.is_set()


async def test_each_order_change_shows_its_row_and_a_new_state_logs_one_line() -> None:
    from btse_tui.protocol.session_events import OrderChanged

    session = StaticSession()
    app = BtseApp(session)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(0.3)
        order = session.resting
        before = len(app.desk.log_view.lines)
        app.desk.events.receive(OrderChanged(order, new_state=True))  # e.g. the ack
        await pilot.pause()
        assert len(app.desk.log_view.lines) == before + 1
        moved = replace(order, price=order.price - 1)  # e.g. a fuller notification: no news
        app.desk.events.receive(OrderChanged(moved, new_state=False, from_stream=True))
        await pilot.pause()
        assert len(app.desk.log_view.lines) == before + 1
        assert app.desk.orders_table.orders[0].price == moved.price  # the row follows it
        cancelled = replace(order, status=6)
        app.desk.events.receive(OrderChanged(cancelled, new_state=True, from_stream=True))
        await pilot.pause()
        lines = [line.plain for line in app.desk.log_view.lines[before:]]
        assert [line.split("  ")[-1] for line in lines] == ["inserted", "cancelled"]
        assert app.desk.orders_table.orders == ()


async def test_the_body_the_confirm_screen_shows_is_the_one_sent_even_without_a_client_id() -> None:
    from textual.widgets import Input

    from btse_tui.protocol.submission import OrderSubmission
    from btse_tui.ui.screens.confirm import ConfirmOrderScreen
    from tests.ui.test_app_live import place_limit, until

    sent: list[OrderSubmission] = []

    class Recording(StaticSession):
        async def place(self, submission: OrderSubmission) -> list:  # type: ignore[override]
            sent.append(submission)
            return []

    app = BtseApp(Recording(), settings=Settings(confirm_all=True))
    async with app.run_test(size=(160, 48)) as pilot:
        form = app.desk.form
        await until(pilot, lambda: form.market is not None and "USDT" in form.balances)
        form.query_one("#clid", Input).value = ""  # the trader blanked it: one is assigned
        last = app.session.tickers[form.market.symbol].last
        price = f"{(last * Decimal('0.97')).quantize(form.market.tick):f}"
        await place_limit(pilot, app, price, f"{form.market.min_size * 10:f}")
        await until(pilot, lambda: isinstance(app.screen, ConfirmOrderScreen))
        screen = app.screen
        assert isinstance(screen, ConfirmOrderScreen)
        shown = dict(screen.body)
        assert shown["clOrderID"].startswith("tui-")
        await until(pilot, lambda: screen.armed)  # confirm keys work once armed
        await pilot.press("y")
        await until(pilot, lambda: bool(sent))
        assert dict(sent[0].body) == shown and sent[0].body is screen.body
