"""OrderForm in a small host app: what the trader types, sees, and what the app receives."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Static
from textual.widgets._footer import FooterKey

from btse_tui.client.session import TradingSession
from btse_tui.config import load_settings
from btse_tui.protocol.models import OrderRequest, OrderType, Side
from btse_tui.sim.runner import SimServer
from btse_tui.startup import start_demo_exchange
from btse_tui.ui.app import BtseApp
from btse_tui.ui.ticket.form import OrderForm
from btse_tui.ui.ticket.side_switch import SideSwitch
from tests.ui.order_fixtures import BALANCES, BTC, BTC_TICKER, ETH, resting_buy
from tests.ui.static_session import StaticSession
from tests.ui.test_app_live import log_text, place_limit, until


class FormHost(App[None]):
    """Hosts one OrderForm for BTC-USDT and records every Submitted request."""

    def __init__(self) -> None:
        super().__init__()
        self.submitted: list[OrderRequest] = []

    def compose(self) -> ComposeResult:
        yield OrderForm()

    def on_mount(self) -> None:
        self.query_one(OrderForm).set_market(BTC, BTC_TICKER, BALANCES)

    def on_order_form_submitted(self, message: OrderForm.Submitted) -> None:
        self.submitted.append(message.request)


def text(widget: Widget) -> str:
    return str(widget.render())


async def type_into(pilot, form: OrderForm, input_id: str, value: str) -> None:
    form.query_one(f"#{input_id}", Input).focus()
    await pilot.press(*value)


async def test_invalid_size_shows_the_reason_and_posts_nothing() -> None:
    app = FormHost()
    async with app.run_test(size=(60, 40)) as pilot:
        form = app.query_one(OrderForm)
        await type_into(pilot, form, "price", "20000")
        await type_into(pilot, form, "size", "0.00001")
        await pilot.press("enter")
        await pilot.pause()
        reason = form.query_one("#reason-size", Static)
        assert reason.display
        assert "size 0.00001 is below the minimum 0.0001 for BTC-USDT" in text(reason)
        assert form.query_one("#size", Input).has_class("-error")
        assert form.query_one("#submit", Button).disabled
        assert app.submitted == []


async def test_junk_shows_a_reason_as_it_is_typed() -> None:
    app = FormHost()
    async with app.run_test(size=(60, 40)) as pilot:
        form = app.query_one(OrderForm)
        await type_into(pilot, form, "price", "2o000")
        await pilot.pause()
        assert "price 2o000 is not a number" in text(form.query_one("#reason-price", Static))
        # An untouched empty size is not nagged about before the trader tries to submit.
        assert not form.query_one("#reason-size", Static).display
        await pilot.press("enter")
        await pilot.pause()
        assert "size is required" in text(form.query_one("#reason-size", Static))
        assert app.submitted == []


async def test_valid_limit_order_posts_exactly_once_until_done() -> None:
    app = FormHost()
    async with app.run_test(size=(60, 40)) as pilot:
        form = app.query_one(OrderForm)
        await type_into(pilot, form, "price", "20000.05")
        await type_into(pilot, form, "size", "0.00123")
        await pilot.pause()
        assert "sends 20000.0 (tick 0.1)" in text(form.query_one("#reason-price", Static))
        assert "sends 0.0012 (lot 0.0001)" in text(form.query_one("#reason-size", Static))
        clid = form.query_one("#clid", Input).value
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert len(app.submitted) == 1
        request = app.submitted[0]
        assert request == OrderRequest(
            symbol="BTC-USDT",
            side=Side.BUY,
            type=OrderType.LIMIT,
            size=D("0.0012"),
            price=D("20000.0"),
            cl_order_id=clid,
        )
        submit = form.query_one("#submit", Button)
        assert submit.disabled and "Sending" in str(submit.label)
        form.submit()
        await pilot.pause()
        assert len(app.submitted) == 1

        form.submission_done()
        form.show_result("inserted (status 2)", ok=True)
        await pilot.pause()
        assert "inserted (status 2)" in text(form.query_one("#result", Static))
        new_clid = form.query_one("#clid", Input).value
        assert new_clid != clid
        form.query_one("#size", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.submitted) == 2
        assert app.submitted[1].cl_order_id == new_clid


async def test_market_buy_asks_for_a_quote_amount() -> None:
    app = FormHost()
    async with app.run_test(size=(60, 40)) as pilot:
        form = app.query_one(OrderForm)
        form.query_one("#kind").focus()
        await pilot.press("enter", "down", "enter")  # Limit → Market
        await pilot.pause()
        assert form.query_one("#row-amount").display
        assert not form.query_one("#row-price").display
        assert not form.query_one("#row-size").display
        assert not form.query_one("#row-tif").display
        await type_into(pilot, form, "amount", "50")
        await pilot.pause()
        assert "50.00 USDT" in text(form.query_one("#summary", Static))
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.submitted) == 1
        request = app.submitted[0]
        assert (request.type, request.price, request.size) == (OrderType.MARKET, D("50"), None)


async def test_a_type_switch_never_moves_a_number_into_a_field_of_another_meaning() -> None:
    app = FormHost()
    async with app.run_test(size=(60, 40)) as pilot:
        form = app.query_one(OrderForm)
        await type_into(pilot, form, "price", "97000")
        await type_into(pilot, form, "size", "0.001")
        form.set_kind("MARKET")  # Limit → Market BUY: an amount to spend, still empty
        await pilot.pause()
        amount = form.query_one("#amount", Input)
        assert amount.display and amount.value == ""
        assert not form.query_one("#row-price").display
        assert "BUY market" in str(form.query_one("#submit", Button).label)
        await type_into(pilot, form, "amount", "50")
        form.set_kind("STOP_LIMIT")  # Market → Stop limit: the limit price comes back as typed
        await pilot.pause()
        assert form.query_one("#price", Input).value == "97000"
        assert form.query_one("#size", Input).value == "0.001"
        assert not form.query_one("#row-amount").display
        form.set_kind("MARKET")
        await pilot.pause()
        assert amount.value == "50"
        assert "BUY 50.00 USDT of BTC @ market" in str(form.query_one("#submit", Button).label)


async def test_market_sell_hides_the_price_and_shows_base_balance() -> None:
    app = FormHost()
    async with app.run_test(size=(60, 40)) as pilot:
        form = app.query_one(OrderForm)
        form.set_kind("MARKET")
        form.set_side("SELL")
        await pilot.pause()
        assert not form.query_one("#row-price").display
        assert form.query_one("#row-size").display
        assert "0.0500 BTC" in text(form.query_one("#avail", Label))
        await pilot.press("f8")
        await pilot.pause()
        assert form.query_one("#size", Input).value == "0.0500"
        assert "≈ 1,000.00 USDT" in text(form.query_one("#summary", Static))


async def test_25_percent_sizes_a_buy_from_quote_over_price_rounded_down() -> None:
    app = FormHost()
    async with app.run_test(size=(60, 40)) as pilot:
        form = app.query_one(OrderForm)
        await type_into(pilot, form, "price", "20000.3")
        await pilot.click("#fraction-0")
        await pilot.pause()
        # 1,000 USDT x 25 % / 20,000.3 = 0.01249… → 0.0124 (down to the lot)
        assert form.query_one("#size", Input).value == "0.0124"
        await pilot.press("f6")
        await pilot.pause()
        assert form.query_one("#size", Input).value == "0.0249"


async def test_the_fee_line_says_maker_or_taker_as_the_order_would_trade() -> None:
    app = FormHost()  # the book: bid 19,999.9, ask 20,000.1
    async with app.run_test(size=(60, 40)) as pilot:
        form = app.query_one(OrderForm)
        summary = form.query_one("#summary", Static)
        form.set_fees(maker=D("0.001"), taker=D("0.002"))
        await pilot.pause()
        assert "– (maker 0.1% · taker 0.2%)" in text(summary)
        await type_into(pilot, form, "price", "20000")
        await type_into(pilot, form, "size", "0.0012")
        await pilot.pause()
        assert "Notional  24.00 USDT" in text(summary)
        assert "Fee ≈     0.0240 USDT (0.1% maker)" in text(summary)  # rests under the ask
        await type_into(pilot, form, "price", "20000.1")  # takes the ask
        await pilot.pause()
        assert "Fee ≈     0.0480 USDT (0.2% taker)" in text(summary)
        form.query_one("#post-only", Checkbox).value = True
        await pilot.pause()
        assert "(0.1% maker)" in text(summary)
        form.set_kind("MARKET")
        form.set_side("SELL")
        await pilot.pause()
        assert "(0.2% taker)" in text(summary)


async def test_book_pick_sets_the_price_and_turns_market_into_limit() -> None:
    app = FormHost()
    async with app.run_test(size=(60, 40)) as pilot:
        form = app.query_one(OrderForm)
        form.set_kind("MARKET")
        await pilot.pause()
        form.set_price(D("19999.9"))
        await pilot.pause()
        assert form.fields().kind == "LIMIT"
        assert form.query_one("#price", Input).value == "19999.9"


async def test_switching_market_clears_the_typed_numbers() -> None:
    app = FormHost()
    async with app.run_test(size=(60, 40)) as pilot:
        form = app.query_one(OrderForm)
        await type_into(pilot, form, "size", "1")
        form.set_market(ETH, None, BALANCES)
        await pilot.pause()
        assert form.query_one("#size", Input).value == ""
        assert form.border_title == "Order · ETH-USDT"
        assert text(form.query_one("#base-unit", Label)) == "ETH"


async def test_side_keys_flip_the_switch_and_the_submit_colour() -> None:
    app = FormHost()
    async with app.run_test(size=(60, 40)) as pilot:
        form = app.query_one(OrderForm)
        form.query_one("#side-switch").focus()
        await pilot.press("v")
        await pilot.pause()
        assert form.fields().side is Side.SELL
        assert form.query_one("#submit", Button).variant == "error"
        await pilot.press("b")
        await pilot.pause()
        assert form.fields().side is Side.BUY


async def test_clicking_a_side_picks_that_side() -> None:
    app = FormHost()
    async with app.run_test(size=(60, 40)) as pilot:
        form = app.query_one(OrderForm)
        await pilot.click("#side-switch", offset=(12, 0))
        assert form.fields().side is Side.SELL
        await pilot.click("#side-switch", offset=(12, 0))
        assert form.fields().side is Side.SELL
        await pilot.click("#side-switch", offset=(2, 0))
        assert form.fields().side is Side.BUY


def footer_keys(app: App[None]) -> dict[str, str]:
    """What the footer offers right now: key → description."""
    return {key.key: key.description for key in app.screen.query(FooterKey)}


async def settle(pilot) -> None:
    for _ in range(3):  # focus change → bindings change → footer recompose
        await pilot.pause()


async def test_esc_from_a_field_then_s_leaves_the_ticket_as_it_was() -> None:
    app = BtseApp(StaticSession())
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.desk.form.market is not None)
        await pilot.press("b", *"97000", "tab", *"0.001", "escape")
        await settle(pilot)
        assert isinstance(app.focused, SideSwitch)
        submit = app.desk.form.query_one("#submit", Button)
        assert str(submit.label) == "BUY 0.00100 BTC @ 97,000.0"
        await pilot.press("s")
        await settle(pilot)
        assert app.desk.form.fields().side is Side.BUY
        assert str(submit.label) == "BUY 0.00100 BTC @ 97,000.0"
        # the keys that do change the side here are the ones the footer names
        shown = footer_keys(app)
        assert (shown.get("b"), shown.get("v"), shown.get("space")) == ("Buy", "Sell", "Flip side")
        assert "s" not in shown
        await pilot.press("v")
        await settle(pilot)
        assert str(submit.label) == "SELL 0.00100 BTC @ 97,000.0"


#: Characters of the key names the footer uses for printable keys.
_CHARACTERS = {"slash": "/", "question_mark": "?", "space": " "}


async def test_every_key_the_footer_shows_acts_in_each_focus_state() -> None:
    """A key the focused widget would type instead (an input types `/`) is not offered."""
    app = BtseApp(StaticSession())
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.desk.form.market is not None)
        form = app.desk.form
        targets = [
            app.desk.markets_table,
            form.query_one("#price", Input),
            form.query_one("#size", Input),
            form.query_one(SideSwitch),
            form.query_one("#kind"),
            form.query_one("#clid", Input),
            app.desk.orders_table,
        ]
        for target in targets:
            target.focus()
            await settle(pilot)
            shown = footer_keys(app)
            assert shown, f"empty footer with {target} focused"
            for key in shown:
                character = _CHARACTERS.get(key, key if len(key) == 1 else None)
                consumed = target.check_consume_key(key, character)
                assert not consumed, f"{key} shown but typed by {target}"
            if target in form.query(Input):
                assert "f5" in shown  # the balance keys, where the size is typed


def result_text(form: OrderForm) -> str:
    return text(form.query_one("#result", Static))


async def send_limit(pilot, form: OrderForm, price: str, size: str) -> OrderRequest:
    """Type a limit order, submit it, and settle the submission as the app would."""
    await type_into(pilot, form, "price", price)
    await type_into(pilot, form, "size", size)
    await pilot.press("enter")
    await pilot.pause()
    request = form.app.submitted[-1]  # type: ignore[attr-defined]
    form.submission_done()
    return request


async def test_the_last_result_leaves_when_the_trader_starts_the_next_order() -> None:
    app = FormHost()
    async with app.run_test(size=(60, 40)) as pilot:
        form = app.query_one(OrderForm)
        await send_limit(pilot, form, "20000", "0.001")
        form.show_result("Failed: HTTP 429 Too Many Requests", ok=False)
        await pilot.pause()
        assert "HTTP 429" in result_text(form)
        await type_into(pilot, form, "price", "1")  # the next order
        await pilot.pause()
        assert result_text(form) == ""

        await send_limit(pilot, form, "", "")
        form.show_result("filled (status 4)", ok=True)
        await pilot.pause()
        assert result_text(form) == "✓ filled (status 4)"
        form.set_side("SELL")  # a flipped side is a new order too
        await pilot.pause()
        assert result_text(form) == ""


async def test_a_result_follows_its_own_order_until_the_next_one() -> None:
    app = FormHost()
    async with app.run_test(size=(60, 40)) as pilot:
        form = app.query_one(OrderForm)
        request = await send_limit(pilot, form, "20000", "0.001")
        form.show_result("no answer — checking whether it was placed", ok=False)
        found = resting_buy(cl_order_id=request.cl_order_id)
        form.order_changed(resting_buy(cl_order_id="someone-else", status=4))
        await pilot.pause()
        assert "checking" in result_text(form)
        form.order_changed(found)  # the check found it
        await pilot.pause()
        assert result_text(form) == "✓ inserted (status 2)"
        form.order_changed(replace(found, status=4))  # and later it filled
        await pilot.pause()
        assert result_text(form) == "✓ filled (status 4)"
        await type_into(pilot, form, "size", "2")
        form.order_changed(replace(found, status=6))  # no longer the form's order
        await pilot.pause()
        assert result_text(form) == ""


@pytest.fixture
def slow_demo(tmp_path: Path) -> Iterator[tuple[SimServer, BtseApp]]:
    """The embedded exchange with a 1 s HTTP timeout (an unanswered order times out fast)."""
    settings = load_settings(
        env={
            "BTSE_DEMO_SEED": "7",
            "BTSE_STATE_DIR": str(tmp_path),
            "BTSE_DEMO_RATE": "0",
            "BTSE_HTTP_TIMEOUT": "1",
        },
        dotenv_path=None,
    )
    server, urls, settings = start_demo_exchange(settings)
    app = BtseApp(TradingSession(settings, urls), settings=settings)
    yield server, app
    server.stop()


async def test_after_an_order_timeout_the_result_says_what_the_check_found(slow_demo) -> None:
    server, app = slow_demo
    async with app.run_test(size=(160, 48)) as pilot:
        form = app.desk.form
        # the ticket needs its market, the wallet and a last price (each arrives on its own)
        await until(
            pilot,
            lambda: (
                form.market is not None
                and form.balances
                and form.ticker is not None
                and form.ticker.last is not None
            ),
        )
        last = form.ticker.last
        price = str((last * D("0.97")).quantize(form.market.tick))  # rests, no confirm
        server.faults.order_timeout = True  # placed by the exchange, never answered
        try:
            await place_limit(pilot, app, price, "0.001")
            await until(pilot, lambda: "checking" in log_text(app), within=15)
            await until(
                pilot, lambda: result_text(app.desk.form) == "✓ inserted (status 2, checked)", 15
            )
        finally:
            server.faults.order_timeout = False
