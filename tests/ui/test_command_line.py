"""The `:` command line against the embedded exchange: what a typed line sends (through the
form's rules and the confirm screen), and that a line it cannot read sends nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from btse_tui.client.session import TradingSession
from btse_tui.config import load_settings
from btse_tui.protocol.alert_rule import AlertCondition, PriceAlert
from btse_tui.sim.runner import SimServer
from btse_tui.startup import start_demo_exchange
from btse_tui.ui.app import BtseApp
from btse_tui.ui.command_line import CommandHistory, CommandLine
from btse_tui.ui.palette import DeskCommands, keys_for
from btse_tui.ui.screens.cancel_all import CancelAllScreen
from btse_tui.ui.screens.confirm import ConfirmOrderScreen
from tests.ui.test_app_live import until

#: Characters as Textual names their keys.
_KEYS = {
    " ": "space",
    "@": "at",
    "$": "dollar_sign",
    "%": "percent_sign",
    ".": "full_stop",
    "-": "minus",
    "+": "plus",
    ">": "greater_than_sign",
}


@pytest.fixture
def demo(tmp_path: Path) -> AsyncIterator[tuple[SimServer, BtseApp]]:
    settings = load_settings(
        env={"BTSE_DEMO_SEED": "7", "BTSE_STATE_DIR": str(tmp_path), "BTSE_DEMO_RATE": "0"},
        dotenv_path=None,
    )
    server, urls, settings = start_demo_exchange(settings)
    app = BtseApp(TradingSession(settings, urls), settings=settings)
    yield server, app
    server.stop()


async def ready(pilot: Pilot, app: BtseApp, *symbols: str) -> None:
    """The markets, the tickers of `symbols` and the balances have arrived."""
    session = app.session
    await until(
        pilot,
        lambda: (
            app.desk.selected is not None
            and all(s in session.tickers for s in symbols)
            and "USDT" in session.balances
        ),
    )


async def type_command(pilot: Pilot, line: str) -> CommandLine:
    """Press `:` and type `line` key by key, as a trader does."""
    await pilot.press("colon")
    await pilot.press(*(_KEYS.get(char, char) for char in line))
    await pilot.pause()
    return pilot.app.query_one(CommandLine)


def preview_text(command_line: CommandLine) -> str:
    return str(command_line.query_one("#command-preview", Static).render())


def open_orders(server: SimServer, symbol: str) -> list:
    key = server.demo_account.key
    return server.call(lambda: server.engine.open_orders(key, symbol))


async def test_a_typed_limit_buy_ends_as_exactly_one_order_with_that_price_and_size(
    demo,
) -> None:
    server, app = demo
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app, "BTC-USDT")
        line = await type_command(pilot, "buy 0.1 BTC-USDT @ 60000")
        assert preview_text(line).startswith("→ BUY LIMIT 0.10000 BTC-USDT @ 60000.0 GTC")
        assert "below the last price" in preview_text(line)  # the form's deviation guard
        assert open_orders(server, "BTC-USDT") == []  # typing sends nothing
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmOrderScreen) and app.screen.armed)
        body = app.screen.body
        assert (body["price"], body["size"]) == (Decimal("60000.0"), Decimal("0.10000"))
        await pilot.press("y")
        await until(pilot, lambda: open_orders(server, "BTC-USDT") != [])
        await until(pilot, lambda: "inserted" in preview_text(line))
        orders = open_orders(server, "BTC-USDT")
        assert len(orders) == 1
        order = orders[0]
        assert (order.side, order.order_type) == ("BUY", "LIMIT")
        assert (order.price, order.original_size) == (Decimal(60000), Decimal("0.1"))
        assert order.cl_order_id == body["clOrderID"]


async def test_a_line_it_cannot_read_sends_nothing_and_names_the_word(demo) -> None:
    server, app = demo
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, app, "BTC-USDT")
        line = await type_command(pilot, "buy 0.1 BTC-USDT @ cheap")
        assert "could not read 'cheap'" in preview_text(line)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmOrderScreen)
        assert "could not read 'cheap'" in preview_text(line)
        assert "nothing sent" in preview_text(line)
        assert line.query_one(Input).value == "buy 0.1 BTC-USDT @ cheap"  # kept, to mend
        # the form's rules, word for word
        line.query_one(Input).value = "buy 0.000001 BTC-USDT @ 60000"
        await pilot.pause()
        assert "size 0.000001 is below the minimum 0.00001 for BTC-USDT" in preview_text(line)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmOrderScreen)
        assert open_orders(server, "BTC-USDT") == []
        # Esc closes the line and gives the keys back to the desk
        await pilot.press("escape")
        await pilot.pause()
        assert not line.display and not line.query_one(Input).has_focus


async def test_sell_a_quarter_of_the_balance_rounds_down_to_the_lot(demo) -> None:
    server, app = demo
    key = server.demo_account.key
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app, "ETH-USDT")
        wallet = server.call(lambda: server.engine.wallet(key))
        available = next(avail for currency, _total, avail in wallet if currency == "ETH")
        lot = app.session.markets["ETH-USDT"].lot
        expected = (available * Decimal("0.25")).quantize(lot, rounding=ROUND_DOWN)
        await type_command(pilot, "sell 25% ETH-USDT")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmOrderScreen) and app.screen.armed)
        body = app.screen.body
        assert body["type"] == "MARKET" and body["size"] == expected
        await pilot.press("y")
        sent = lambda: server.call(  # noqa: E731
            lambda: server.engine.get_order(key, cl_order_id=body["clOrderID"])
        )
        await until(pilot, lambda: sent() is not None)
        assert sent().original_size == expected and sent().side == "SELL"


async def test_a_quote_sized_market_buy_sends_the_amount_and_no_size(demo) -> None:
    server, app = demo
    key = server.demo_account.key
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app, "BTC-USDT")
        await type_command(pilot, "buy $500 BTC-USDT")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmOrderScreen) and app.screen.armed)
        body = app.screen.body
        assert body["price"] == Decimal(500) and "size" not in body
        await pilot.press("y")
        sent = lambda: server.call(  # noqa: E731
            lambda: server.engine.get_order(key, cl_order_id=body["clOrderID"])
        )
        await until(pilot, lambda: sent() is not None)
        assert sent().order_currency == "quote" and sent().original_quote_size == Decimal(500)


async def test_cancel_buys_cancels_only_the_buys_of_that_market(demo) -> None:
    server, app = demo
    key = server.demo_account.key
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app, "BTC-USDT", "ETH-USDT")

        def place(symbol: str, side: str, price: Decimal, size: str) -> None:
            body = {"symbol": symbol, "side": side, "type": "LIMIT", "price": price,
                    "size": Decimal(size), "time_in_force": "GTC"}  # fmt: skip
            server.call(lambda: server.engine.place_order(key, body))

        btc = app.session.tickers["BTC-USDT"].last
        eth = app.session.tickers["ETH-USDT"].last
        place("BTC-USDT", "BUY", (btc * Decimal("0.9")).quantize(Decimal("0.1")), "0.001")
        place("BTC-USDT", "BUY", (btc * Decimal("0.8")).quantize(Decimal("0.1")), "0.001")
        place("BTC-USDT", "SELL", (btc * Decimal("1.2")).quantize(Decimal("0.1")), "0.001")
        place("ETH-USDT", "BUY", (eth * Decimal("0.9")).quantize(Decimal("0.01")), "0.01")
        await until(pilot, lambda: len(app.session.open_orders()) == 4)
        line = await type_command(pilot, "cancel buys BTC-USDT")
        assert "cancel 2 BUY orders on BTC-USDT" in preview_text(line)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CancelAllScreen))
        assert app.screen.question() == "Cancel 2 BUY orders on BTC-USDT?"
        await pilot.press("y")
        await until(pilot, lambda: [o.side for o in open_orders(server, "BTC-USDT")] == ["SELL"])
        assert [o.side for o in open_orders(server, "ETH-USDT")] == ["BUY"]
        await until(pilot, lambda: len(app.session.open_orders()) == 2)


async def test_a_typed_alert_is_set_and_market_switches_the_desk(demo) -> None:
    _server, app = demo
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app, "ETH-USDT")
        line = await type_command(pilot, "alert BTC-USDT > 100000")
        assert "alert when BTC-USDT last is at or above 100,000 (once)" in preview_text(line)
        await pilot.press("enter")
        await pilot.pause()
        log = "\n".join(entry.plain for entry in app.desk.log_view.lines)
        assert "alert set: BTC-USDT last is at or above 100,000 (once)" in log
        assert app.desk.alerts.book.alerts == (
            PriceAlert("BTC-USDT", AlertCondition.ABOVE, level=Decimal(100000)),
        )
        line.query_one(Input).value = "market eth-usdt"
        await pilot.press("enter")
        await until(pilot, lambda: app.desk.selected == "ETH-USDT")
        assert app.desk.form.market.symbol == "ETH-USDT"


async def test_the_palette_lists_desk_actions_with_their_keys_and_runs_a_typed_command(
    demo,
) -> None:
    server, app = demo
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app, "BTC-USDT")
        desk = app.desk
        provider = DeskCommands(desk)
        found = {str(hit.display): hit.help async for hit in provider.discover()}
        assert found["Cancel all orders of the selected market"] == "key: X"
        assert found["Sort the markets by the next column"] == "key: s"
        assert found["Dead man's switch on / off"] == "key: d"
        app.set_keymap({"app.cancel_all": "ctrl+x"})
        assert keys_for(desk, "app.cancel_all") == "^x"
        hits = [hit async for hit in provider.search("buy 0.1 BTC-USDT @ 60000")]
        assert hits[0].help.startswith("→ BUY LIMIT 0.10000 BTC-USDT @ 60000.0 GTC")
        hits[0].command()
        await until(pilot, lambda: isinstance(app.screen, ConfirmOrderScreen) and app.screen.armed)
        await pilot.press("y")
        await until(pilot, lambda: len(open_orders(server, "BTC-USDT")) == 1)


def test_history_walks_back_and_gives_the_typed_line_back() -> None:
    history = CommandHistory()
    for line in ("buy 0.1 @ bid", "cancel all", "cancel all"):
        history.add(line)
    assert history.entries == ["buy 0.1 @ bid", "cancel all"]
    assert history.back("sel") == "cancel all"
    assert history.back("") == "buy 0.1 @ bid"
    assert history.back("") == "buy 0.1 @ bid"  # the oldest stays
    assert history.forward() == "cancel all"
    assert history.forward() == "sel"  # past the newest: what was being typed


async def test_a_typed_trailing_stop_and_oco_end_as_those_orders_on_the_exchange(demo) -> None:
    """`trail sell … by 500` rests as one trailing stop with that trail; `oco sell …` as two
    legs that know each other, the limit leg at the typed price and the stop leg at its
    trigger; the confirm screen shows the body that was sent."""
    server, app = demo
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app, "BTC-USDT")
        last = app.session.tickers["BTC-USDT"].last
        line = await type_command(pilot, "trail sell 0.01 BTC-USDT by 500")
        assert "trailing by 500.0" in preview_text(line), preview_text(line)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmOrderScreen) and app.screen.armed)
        body = app.screen.body
        assert (body["type"], body["txType"], body["trailValue"]) == (
            "MARKET",
            "STOP",
            Decimal("500.0"),
        )
        assert "triggerPrice" not in body
        await pilot.press("y")
        await until(pilot, lambda: len(open_orders(server, "BTC-USDT")) == 1)
        [trailing] = open_orders(server, "BTC-USDT")
        assert (trailing.side, trailing.trail_value) == ("SELL", Decimal(500))
        assert trailing.original_size == Decimal("0.01")

        above = (last * Decimal("1.05")).quantize(Decimal("0.1"))
        stop = (last * Decimal("0.95")).quantize(Decimal("0.1"))
        below = stop - Decimal(10)
        # the line stays open after a send, showing the outcome: type the next one into it
        line.query_one(Input).value = f"oco sell 0.01 BTC-USDT @ {above} stop {stop} limit {below}"
        await pilot.pause()
        assert preview_text(line).startswith("→ SELL OCO"), preview_text(line)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmOrderScreen) and app.screen.armed)
        body = app.screen.body
        assert (body["type"], body["price"], body["triggerPrice"], body["stopPrice"]) == (
            "OCO",
            above,
            stop,
            below,
        )
        await pilot.press("y")
        await until(pilot, lambda: len(open_orders(server, "BTC-USDT")) == 3)
        legs = [o for o in open_orders(server, "BTC-USDT") if o.is_oco]
        assert len(legs) == 2
        assert [o.oco_peer.order_id for o in legs] == [legs[1].order_id, legs[0].order_id]
        assert sorted(o.stop_price for o in legs if o.stop_price is not None) == [below]
        assert {o.cl_order_id for o in legs} == {body["clOrderID"]}
