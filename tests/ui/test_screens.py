"""The modal screens: confirm shows the exact body, help lists the bindings, cancel-all counts."""

from __future__ import annotations

from decimal import Decimal as D
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from btse_tui.protocol.models import AmendRequest, OrderRequest, OrderType, Side, TxType
from btse_tui.protocol.submission import OrderSubmission
from btse_tui.ui.screens.amend import AmendScreen
from btse_tui.ui.screens.cancel_all import CancelAllScreen
from btse_tui.ui.screens.confirm import ConfirmOrderScreen
from btse_tui.ui.screens.help import HelpScreen
from btse_tui.ui.ticket.form import OrderForm
from btse_tui.ui.ticket.review import order_costs
from tests.ui.order_fixtures import BTC, resting_buy

REQUEST = OrderRequest(
    symbol="BTC-USDT",
    side=Side.BUY,
    type=OrderType.LIMIT,
    size=D("0.0012"),
    price=D("20000.0"),
    cl_order_id="cli-7",
)


class Host(App[None]):
    """An app with id'd bindings and an order form, recording modal results."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "noop", "Buy side", id="app.buy"),
        Binding("v", "noop", "Sell side", id="app.sell"),
        Binding("question_mark", "noop", "Help", id="app.help"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.results: list[object] = []

    def compose(self) -> ComposeResult:
        yield OrderForm()

    def action_noop(self) -> None:
        """Nothing."""

    def open(self, screen: Screen[object]) -> None:
        self.push_screen(screen, callback=self.results.append)


def plain(widget: Widget) -> str:
    """The text the widget shows on screen, line by line."""
    lines = widget.render_lines(widget.region.reset_offset)
    return "\n".join(strip.text.rstrip() for strip in lines)


def screen_text(screen: Screen[object]) -> str:
    return "\n".join(plain(s) for s in screen.query(Static))


async def test_confirm_shows_the_body_in_order_and_returns_true_once() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = ConfirmOrderScreen(
            OrderSubmission.of(REQUEST),
            BTC,
            environment="testnet",
            warnings=["price 12% above last 20,000"],
            costs=order_costs(REQUEST, BTC),
            arm_delay=0,
        )
        app.open(screen)
        await pilot.pause()
        shown = screen_text(screen)
        assert "TESTNET" in shown
        keys = [line.split()[0] for line in plain(screen.query_one("#fields", Static)).splitlines()]
        assert keys == ["symbol", "side", "type", "size", "price", "time_in_force", "txType",
                        "postOnly", "clOrderID"]  # fmt: skip
        assert "20,000.0 USDT" in shown and "0.0012 BTC" in shown
        assert "GTC (good till cancelled)" in shown
        assert "⚠ price 12% above last 20,000" in shown
        assert "Notional 24.00 USDT" in shown
        wire = plain(screen.query_one("#wire", Static)).replace("\n", "")
        assert wire.startswith('{"symbol":"BTC-USDT","side":"BUY","type":"LIMIT","size":0.0012,')
        await pilot.press("enter", "enter", "y")
        await pilot.pause()
        assert app.results == [True]


async def test_confirm_cancels_with_escape_or_n() -> None:
    for key in ("escape", "n"):
        app = Host()
        async with app.run_test(size=(100, 40)) as pilot:
            app.open(ConfirmOrderScreen(OrderSubmission.of(REQUEST), BTC, arm_delay=0))
            await pilot.pause()
            await pilot.press(key, "y")
            await pilot.pause()
            assert app.results == [False]


async def test_confirm_ignores_enter_until_armed() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = ConfirmOrderScreen(OrderSubmission.of(REQUEST), BTC, arm_delay=60)
        app.open(screen)
        await pilot.pause()
        await pilot.press("enter", "y")
        await pilot.pause()
        assert app.results == [] and app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [False]


async def test_confirm_in_production_is_loud() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        stop = OrderRequest(
            "BTC-USDT",
            Side.SELL,
            OrderType.MARKET,
            size=D("0.01"),
            tx_type=TxType.STOP,
            trigger_price=D("19000.0"),
        )
        screen = ConfirmOrderScreen(
            OrderSubmission.of(stop), BTC, environment="production", arm_delay=0
        )
        app.open(screen)
        await pilot.pause()
        assert screen.has_class("-production")
        shown = screen_text(screen)
        assert "PRODUCTION — REAL MONEY" in shown
        assert "SELL STOP MARKET on BTC-USDT" in shown
        assert "triggerPrice" in shown and "19,000.0 USDT" in shown


async def test_help_closes_with_escape_and_names_keys_in_plain_words() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = HelpScreen()
        app.open(screen)
        await pilot.pause()
        assert screen.rows is not None
        rows = {(row.pane, row.keys): row.action for row in screen.rows}
        assert rows["Everywhere", "b"] == "Buy: open the ticket on the selected market"
        assert rows["Order ticket", "F5"].startswith("Size: 25% of the available balance")
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]


async def test_cancel_all_shows_the_count_and_confirms() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = CancelAllScreen(
            "BTC-USDT", 3, preview=["a 1", "a 2", "a 3"], environment="production"
        )
        app.open(screen)
        await pilot.pause()
        shown = screen_text(screen)
        assert "Cancel 3 orders on BTC-USDT?" in shown
        assert "a 2" in shown and "PRODUCTION" in shown
        await pilot.press("y", "y")
        await pilot.pause()
        assert app.results == [True]


async def test_cancel_all_with_nothing_open_cannot_confirm() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = CancelAllScreen("ETH-USDT", 0)
        app.open(screen)
        await pilot.pause()
        assert "No open orders on ETH-USDT" in screen_text(screen)
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [False]


async def test_amend_returns_a_validated_price_amend() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = AmendScreen(resting_buy(), BTC)
        app.open(screen)
        await pilot.pause()
        price = screen.query_one("#price", Input)
        assert price.value == "20000.0"
        price.value = ""
        await pilot.press(*"19500.07")
        await pilot.pause()
        assert "Sends: price 19500.0" in plain(screen.query_one("#verdict", Static))
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [
            AmendRequest("BTC-USDT", "PRICE", order_id="0d1c2b3a", cl_order_id="cli-42",
                         value=D("19500.0"))
        ]  # fmt: skip


async def test_amend_refuses_an_invalid_size() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = AmendScreen(resting_buy(), BTC)
        app.open(screen)
        await pilot.pause()
        screen.query_one("#size", Input).value = "0.00001"
        screen.query_one("#size", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "below the minimum 0.0001" in plain(screen.query_one("#verdict", Static))
        assert app.results == [] and app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]
