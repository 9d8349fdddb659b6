"""Alerts on the desk against the embedded exchange: a fill and a rejection alert, a price
alert set from the alerts screen fires, and the alerts are kept across a restart."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Checkbox, Input, OptionList

from btse_tui.client.session import TradingSession
from btse_tui.config import load_settings
from btse_tui.prefs import load_alerts, save_alerts
from btse_tui.protocol.alert_rule import AlertCondition, PriceAlert
from btse_tui.sim.runner import SimServer
from btse_tui.startup import start_demo_exchange
from btse_tui.ui.app import BtseApp
from btse_tui.ui.desk_alerts import AlertHooks
from btse_tui.ui.screens.alerts import AlertsScreen
from btse_tui.ui.screens.confirm import ConfirmOrderScreen
from btse_tui.ui.ticket.form import OrderForm
from tests.ui.test_app_live import log_text, place_limit, until


class Desk:
    """A demo desk whose alert hooks record: the terminal bytes, the journal rows, saves."""

    def __init__(self, server: SimServer, settings: Any, urls: Any, state: Path) -> None:
        self.terminal: list[str] = []
        self.journal: list[dict[str, Any]] = []
        self.server = server
        hooks = AlertHooks(
            saved=load_alerts(state),
            save=lambda alerts: save_alerts(state, alerts),
            record=self.journal.append,
            write_terminal=self.terminal.append,
        )
        self.app = BtseApp(TradingSession(settings, urls), settings=settings, alerts=hooks)

    @property
    def written(self) -> str:
        return "".join(self.terminal)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[SimServer, Any, Any, Path]]:
    settings = load_settings(
        env={"BTSE_DEMO_SEED": "7", "BTSE_STATE_DIR": str(tmp_path), "BTSE_DEMO_RATE": "0",
             "BTSE_ALERT_EVERY": "1"},
        dotenv_path=None,
    )  # fmt: skip
    server, urls, settings = start_demo_exchange(settings)
    yield server, settings, urls, tmp_path
    server.stop()


async def test_a_fill_alerts_in_the_app_the_terminal_and_the_journal(demo) -> None:
    desk = Desk(*demo)
    app, server = desk.app, desk.server
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.query_one(OrderForm).market is not None)
        form = app.query_one(OrderForm)
        symbol, market = form.market.symbol, form.market
        tickers = app.desk.session.tickers
        await until(pilot, lambda: (t := tickers.get(symbol)) is not None and t.ask is not None)
        asks = server.call(lambda: server.engine.book_levels(symbol)[1])
        size = market.min_size
        assert asks[0][1] >= size
        # at or above the best ask the exchange holds and the one the desk last heard: it fills,
        # and the desk, seeing it cross, asks first
        price = max(asks[0][0], tickers[symbol].ask)
        await place_limit(pilot, app, f"{price:f}", f"{size:f}")
        await until(pilot, lambda: isinstance(app.screen, ConfirmOrderScreen) and app.screen.armed)
        await pilot.press("enter")  # not before Send is armed: an early Enter is ignored
        await until(pilot, lambda: "⚑" in log_text(app))
        text = f"{symbol} BUY filled {size.normalize():f} @ "
        assert text in log_text(app)
        assert f"\x1b]9;btse-tui fill alert: {text}" in desk.written
        assert "\x1b]777;notify;btse-tui fill alert;" + text in desk.written
        assert desk.written.count("\x1b]9;") == 1 and desk.written.count("\a") == 1
        assert [(row["kind"], row["delivered"]) for row in desk.journal] == [("fill", True)]


async def test_a_rejected_order_alerts_once(demo) -> None:
    desk = Desk(*demo)
    app, server = desk.app, desk.server
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.query_one(OrderForm).market is not None)
        form = app.query_one(OrderForm)
        symbol = form.market.symbol
        await until(pilot, lambda: form.market.quote in form.balances)
        last = server.call(lambda: server.engine.ticker(symbol).last)
        price = (last * Decimal("0.97")).quantize(form.market.tick)
        quote = form.market.quote
        available = form.balances[quote].available
        size = (available / price / 2).quantize(form.market.lot)
        key = server.demo_account.key
        # spent elsewhere since the desk's last balance refresh: only the exchange knows
        server.call(lambda: server.engine.credit(key, quote, -available))
        await place_limit(pilot, app, f"{price:f}", f"{size:f}")
        await until(pilot, lambda: "order rejected" in log_text(app))
        await pilot.pause(0.2)
        assert desk.written.count("\x1b]9;btse-tui rejected alert: ") == 1
        assert [row["kind"] for row in desk.journal] == ["rejected"]
        assert server.call(lambda: server.engine.open_orders(server.demo_account.key)) == []


async def test_an_alert_set_on_the_alerts_screen_fires_and_is_kept_across_a_restart(
    demo,
) -> None:
    server, settings, urls, state = demo
    desk = Desk(*demo)
    app = desk.app
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.query_one(OrderForm).market is not None)
        symbol = app.desk.selected
        assert symbol is not None
        last = server.call(lambda: server.engine.ticker(symbol).last)
        await until(pilot, lambda: app.desk.session.tickers.get(symbol) is not None)
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, AlertsScreen))
        screen = app.screen
        assert screen.query_one("#alert-symbol", Input).value == symbol
        above = last * 2
        screen.query_one("#alert-value", Input).value = f"{above:f}"
        screen.query_one("#alert-recurring", Checkbox).value = True
        screen.query_one("#alert-value", Input).focus()
        await pilot.press("enter")
        want = PriceAlert(symbol, AlertCondition.CROSSES, level=above, recurring=True)
        await until(pilot, lambda: load_alerts(state) == (want,))
        listing = screen.query_one("#alert-list", OptionList)
        assert "crosses" in str(listing.get_option_at_index(0).prompt)
        # a bad level names the field and the rule and sets nothing
        screen.query_one("#alert-value", Input).value = "-5"
        await pilot.press("enter")
        assert "level '-5' must be a number above 0" in str(
            screen.query_one("#alert-verdict").render()
        )
        await pilot.press("escape")
        # the command line's way in: one that is true now fires with the next ticker
        app.desk.add_price_alert(PriceAlert(symbol, AlertCondition.ABOVE, level=last / 2))
        await until(pilot, lambda: "⚑" in log_text(app))
        assert f"{symbol} at or above" in log_text(app)
        assert load_alerts(state) == (want,)  # the once-alert fired and is gone
        assert desk.written.count("\x1b]777;notify;btse-tui price alert;") == 1

    again = Desk(server, settings, urls, state)
    async with again.app.run_test(size=(120, 36)) as pilot:
        assert again.app.desk.alerts.book.alerts == (want,)
        await pilot.press("A")
        await until(pilot, lambda: isinstance(again.app.screen, AlertsScreen))
        listing = again.app.screen.query_one("#alert-list", OptionList)
        listing.focus()
        listing.highlighted = 0
        await pilot.press("x")
        await until(pilot, lambda: load_alerts(state) == ())
        assert again.app.desk.alerts.book.alerts == ()


async def test_a_storm_of_alerts_goes_out_as_one_then_one_summary(demo) -> None:
    desk = Desk(*demo)
    app, server = desk.app, desk.server
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.desk.selected is not None)
        symbol = app.desk.selected
        assert symbol is not None
        await until(pilot, lambda: app.desk.session.tickers.get(symbol) is not None)
        last = server.call(lambda: server.engine.ticker(symbol).last)
        for divisor in (2, 3, 4):  # three alerts true at once: they fire together
            level = (last / divisor).quantize(Decimal("0.01"))
            app.desk.add_price_alert(PriceAlert(symbol, AlertCondition.ABOVE, level=level))
        assert desk.written.count("\x1b]9;") == 1  # the first at once, the others held
        await until(pilot, lambda: "2 more price alerts within 1 s" in desk.written)
        assert desk.written.count("\x1b]9;") == 2
        assert "⚑ 2 more price alerts within 1 s — latest: " in log_text(app)
        rows = [(row["kind"], row["count"], row["delivered"]) for row in desk.journal]
        assert rows == [("price", 1, True), ("price", 1, False), ("price", 1, False),
                        ("price", 2, True)]  # fmt: skip
