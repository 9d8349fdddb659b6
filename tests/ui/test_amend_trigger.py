"""The amend screen's Trigger row: alone, then against the embedded exchange."""

from __future__ import annotations

from decimal import Decimal
from decimal import Decimal as D

from textual.widgets import Input, Static

from btse_tui.protocol import rules
from btse_tui.protocol.models import AmendRequest, Order, Side, TxType
from btse_tui.ui.screens.amend import AmendScreen
from btse_tui.ui.ticket.form import OrderForm
from btse_tui.ui.widgets.open_orders import OpenOrdersTable
from tests.ui.order_fixtures import BTC, resting_buy
from tests.ui.test_app_live import demo, engine_orders, place_limit, until
from tests.ui.test_screens import Host, plain

__all__ = ["demo"]  # the live exchange fixture, shared with test_app_live


def stop_buy() -> Order:
    """An untriggered stop-limit BUY of 0.0010 BTC @ 20,000.0, trigger 21,000.0."""
    return resting_buy(tx_type=TxType.STOP, trigger_price=D("21000"), status=9, is_trigger=True)


async def test_the_trigger_row_is_there_only_for_an_unfired_trigger() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        plain_order = AmendScreen(resting_buy(), BTC)
        app.open(plain_order)
        await pilot.pause()
        assert not plain_order.query("#trigger")
        await pilot.press("escape")
        await pilot.pause()
        fired = AmendScreen(
            resting_buy(tx_type=TxType.STOP, trigger_price=D("21000"), status=10), BTC
        )
        app.open(fired)
        await pilot.pause()
        assert not fired.query("#trigger")
        await pilot.press("escape")
        await pilot.pause()
        waiting = AmendScreen(stop_buy(), BTC)
        app.open(waiting)
        await pilot.pause()
        assert waiting.query_one("#trigger", Input).value == "21000.0"
        row = waiting.query_one("#trigger", Input).parent
        assert row is not None
        assert [plain(w).strip() for w in row.children] == ["Trigger", "21000.0", "USDT"]


async def test_an_off_tick_trigger_is_refused_and_a_good_one_is_sent_with_price() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = AmendScreen(stop_buy(), BTC)
        app.open(screen)
        await pilot.pause()
        trigger = screen.query_one("#trigger", Input)
        verdict = screen.query_one("#verdict", Static)
        trigger.value = "21000.05"
        trigger.focus()
        await pilot.press("enter")
        await pilot.pause()
        shown = " ".join(plain(verdict).split())  # the line wraps in the dialog
        assert shown == "✗ trigger_price 21000.05 is not a multiple of the tick 0.1 for BTC-USDT"
        assert app.results == [] and app.screen is screen  # nothing sent
        screen.query_one("#price", Input).value = "20100"
        trigger.value = "21500"
        await pilot.pause()
        assert plain(verdict) == "Sends: price 20100.0, size 0.0010, trigger 21500.0"
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [
            AmendRequest("BTC-USDT", "ALL", order_id="0d1c2b3a", cl_order_id="cli-42",
                         order_price=D("20100.0"), order_size=D("0.0010"),
                         trigger_price=D("21500.0"))
        ]  # fmt: skip


async def test_a_stop_orders_trigger_is_moved_on_the_amend_screen(demo) -> None:
    server, app = demo
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.query_one(OrderForm).market is not None)
        form = app.query_one(OrderForm)
        market = form.market
        last = server.call(lambda: server.engine.ticker(market.symbol).last)
        # a stop-limit BUY far above the market: it waits, untriggered
        trigger = (last * Decimal("1.3")).quantize(market.tick)
        form.set_kind("STOP_LIMIT")
        await pilot.pause()
        form.query_one("#trigger", Input).value = f"{trigger:f}"
        cl = await place_limit(pilot, app, f"{trigger:f}", f"{market.min_size * 10:f}")
        table = app.query_one(OpenOrdersTable)
        await until(pilot, lambda: any(o.cl_order_id == cl for o in table.orders))
        [placed] = [o for o in table.orders if o.cl_order_id == cl]
        assert (
            placed.trigger_price == trigger and table.cell_text(placed.order_id, "type") == "STOP"
        )

        # `a` on its row opens the amend screen with the trigger row prefilled
        table.focus()
        table.move_cursor(placed.order_id)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AmendScreen))
        screen = app.screen
        field = screen.query_one("#trigger", Input)
        assert field.value == rules.format_price(trigger, market)
        moved = (last * Decimal("1.4")).quantize(market.tick)
        field.value = ""
        field.focus()
        await pilot.press(*f"{moved:f}")
        verdict = screen.query_one("#verdict", Static)
        shown = rules.format_price(moved, market)
        await until(pilot, lambda: str(verdict.render()) == f"Sends: trigger {shown}")
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, AmendScreen))

        # the row now carries the new trigger, and so does the exchange's record
        def row_trigger() -> Decimal | None:
            found = [o for o in table.orders if o.cl_order_id == cl]
            return found[0].trigger_price if found else None

        await until(pilot, lambda: row_trigger() == moved)
        # what the trader reads in the Status column
        assert table.cell_text(placed.order_id, "status") == f"stop {moved:,f}"
        [record] = engine_orders(server, cl)
        assert record.trigger_price == moved and not record.triggered
        assert record.price == trigger  # the limit price did not move

        # amending again starts from the new trigger
        table.focus()
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AmendScreen))
        assert app.screen.query_one("#trigger", Input).value == shown
        await pilot.press("escape")


def stop_market_sell() -> Order:
    """An untriggered stop-market SELL of 0.0010 BTC, trigger 19,000.0 (no price)."""
    return resting_buy(
        side=Side.SELL, order_type=77, price=None, tx_type=TxType.STOP,
        trigger_price=D("19000"), status=9, is_trigger=True,
    )  # fmt: skip


async def test_a_stop_market_order_shows_only_its_trigger_and_sends_triggerprice() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = AmendScreen(stop_market_sell(), BTC)
        app.open(screen)
        await pilot.pause()
        assert not screen.query("#price") and not screen.query("#size")
        trigger = screen.query_one("#trigger", Input)
        assert trigger.has_focus and trigger.value == "19000.0"
        verdict = screen.query_one("#verdict", Static)
        assert plain(verdict) == "No change yet."
        trigger.value = "18999.95"
        await pilot.press("enter")
        await pilot.pause()
        assert "not a multiple of the tick 0.1" in " ".join(plain(verdict).split())
        assert app.results == []
        trigger.value = "18500"
        await pilot.pause()
        assert plain(verdict) == "Sends: trigger 18500.0"
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [
            AmendRequest("BTC-USDT", "TRIGGERPRICE", order_id="0d1c2b3a", cl_order_id="cli-42",
                         value=D("18500.0"))
        ]  # fmt: skip
