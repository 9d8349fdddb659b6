"""OCO, trailing stops and PEG from the ticket to the embedded exchange and back: what is sent
(the confirm screen's body is exactly what the exchange received) and what the trader sees."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from btse_tui.protocol import codec
from btse_tui.sim.runner import SimServer
from btse_tui.ui.app import BtseApp
from btse_tui.ui.ticket.form import OrderForm
from btse_tui.ui.widgets.open_orders import OpenOrdersTable
from tests.ui import test_app_live as live
from tests.ui.test_app_live import engine_orders, until

demo_desk = live.demo  # the demo exchange and an app on it (the same fixture)

SYMBOL = "ETH-USDT"


def record_bodies(server: SimServer, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every create-order body the embedded exchange receives, as it parsed it."""
    received: list[dict[str, Any]] = []
    place = server.engine.place_order

    def recording(api_key: str, body: dict[str, Any]) -> Any:
        if api_key == server.demo_account.key:
            received.append(body)
        return place(api_key, body)

    monkeypatch.setattr(server.engine, "place_order", recording)
    return received


def book(server: SimServer) -> tuple[Decimal, Decimal, Decimal]:
    """(best bid, best ask, last) of ETH-USDT now."""
    ticker = server.call(lambda: server.engine.ticker(SYMBOL))
    return ticker.bid, ticker.ask, ticker.last


def print_trade(server: SimServer, price: Decimal, size: str = "0.001") -> None:
    """demo2 sells `size` at `price` and buys it back: the last price becomes `price` when it
    is inside the spread."""
    key = server.account("demo2").key
    for side in ("SELL", "BUY"):
        body = {"symbol": SYMBOL, "side": side, "type": "LIMIT", "price": str(price), "size": size}
        server.call(lambda body=body: server.engine.place_order(key, body))


async def ticket(pilot: Pilot, app: BtseApp, kind: str, side: str, **inputs: str) -> OrderForm:
    """Select ETH-USDT, pick `kind` and `side`, type `inputs` (input id → text)."""
    await until(pilot, lambda: app.query_one(OrderForm).market is not None)
    app.screen.select_market(SYMBOL)
    form = app.query_one(OrderForm)
    await until(pilot, lambda: form.market is not None and form.market.symbol == SYMBOL)
    form.set_kind(kind)
    form.set_side(side)
    await pilot.pause()
    for input_id, text in inputs.items():
        form.query_one(f"#{input_id}", Input).value = text
    await pilot.pause()
    return form


async def confirm(pilot: Pilot, app: BtseApp, form: OrderForm) -> tuple[dict[str, Any], str]:
    """Submit, wait for the confirm screen; return its body and its raw wire text, then send."""
    form.query_one("#clid", Input).focus()
    await pilot.press("enter")
    await until(pilot, lambda: type(app.screen).__name__ == "ConfirmOrderScreen")
    screen = app.screen
    body = dict(screen.body)
    wire = "".join(str(s.render()) for s in screen.query(Static))
    await until(pilot, lambda: screen.armed)  # Send is greyed out for a moment (no stray Enter)
    await pilot.press("enter")
    await until(pilot, lambda: type(app.screen).__name__ != "ConfirmOrderScreen")
    return body, wire


def sent_as(body: dict[str, Any]) -> dict[str, Any]:
    """A body as the exchange parses the bytes the client sends (floats exact)."""
    return json.loads(codec.dumps_body(body), parse_float=Decimal)


def row_status(table: OpenOrdersTable, cl_order_id: str) -> Callable[[], str | None]:
    def status() -> str | None:
        for key in (f"oco:{SYMBOL}:{cl_order_id}", *[o.order_id for o in table.orders]):
            orders = table.row_orders(key)
            if orders and orders[0].cl_order_id == cl_order_id and key in table:
                return table.cell_text(key, "status")
        return None

    return status


async def test_oco_body_is_what_the_exchange_got_one_row_and_a_fill_cancels_the_stop(
    demo_desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, app = demo_desk
    received = record_bodies(server, monkeypatch)
    async with app.run_test(size=(160, 48)) as pilot:
        bid, ask, _last = book(server)
        inside = ((bid + ask) / 2).quantize(Decimal("0.01"))  # the limit leg: best ask
        trigger, stop = bid - Decimal(5), bid - Decimal("5.5")
        form = await ticket(
            pilot, app, "OCO", "SELL", price=f"{inside}", trigger=f"{trigger}",
            stop=f"{stop}", size="0.0100",
        )  # fmt: skip
        cl = form.query_one("#clid", Input).value
        body, wire = await confirm(pilot, app, form)
        assert body["type"] == "OCO" and body["txType"] == "LIMIT"
        assert (body["price"], body["triggerPrice"], body["stopPrice"]) == (inside, trigger, stop)
        assert codec.dumps_body(body).decode() in wire  # the screen shows the exact bytes
        await until(pilot, lambda: len(engine_orders(server, cl)) == 2)
        assert received == [sent_as(body)]
        table = app.query_one(OpenOrdersTable)
        key = f"oco:{SYMBOL}:{cl}"
        await until(pilot, lambda: key in table)
        assert table.row_count == 1  # both legs, one row
        assert table.cell_text(key, "type") == "OCO"
        assert table.cell_text(key, "status") == f"+stop {trigger:,}"
        assert table.cell_text(key, "price").replace(",", "") == f"{inside}"

        demo2 = server.account("demo2").key
        buy = {
            "symbol": SYMBOL,
            "side": "BUY",
            "type": "LIMIT",
            "price": str(inside),
            "size": "0.004",
        }
        server.call(lambda: server.engine.place_order(demo2, buy))
        await until(pilot, lambda: table.cell_text(key, "status") == "stop cancelled")
        assert table.cell_text(key, "filled").strip() == "0.0040"
        (limit_leg,) = engine_orders(server, cl)  # the stop leg is gone on the exchange
        assert limit_leg.trigger_price is None

        table.focus()
        table.move_cursor(key)
        await pilot.press("c")  # cancel the row: the remaining leg
        await until(pilot, lambda: key not in table)
        assert engine_orders(server, cl) == []


async def test_trailing_stop_trigger_follows_the_price_on_screen_and_fires(
    demo_desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, app = demo_desk
    received = record_bodies(server, monkeypatch)
    async with app.run_test(size=(160, 48)) as pilot:
        _bid, ask, last = book(server)
        trail = Decimal("0.30")
        form = await ticket(pilot, app, "TRAILING_STOP", "SELL", trail="0.30", size="0.0100")
        cl = form.query_one("#clid", Input).value
        body, _ = await confirm(pilot, app, form)
        assert body["type"] == "MARKET" and body["txType"] == "STOP"
        assert body["trailValue"] == trail and "triggerPrice" not in body
        await until(pilot, lambda: len(engine_orders(server, cl)) == 1)
        assert received == [sent_as(body)]
        table = app.query_one(OpenOrdersTable)
        status = row_status(table, cl)
        await until(pilot, lambda: status() == f"trail {last - trail:,}")
        (order,) = [o for o in table.orders if o.cl_order_id == cl]
        assert table.cell_text(order.order_id, "type") == "TRAIL"

        high = min(ask - Decimal("0.01"), last + Decimal("0.20"))
        print_trade(server, high)
        await until(pilot, lambda: status() == f"trail {high - trail:,}")
        print_trade(server, high - trail)  # back by the trail: it fires and sells
        await until(pilot, lambda: order.order_id not in table)
        assert engine_orders(server, cl) == []
        done = server.call(lambda: server.engine.get_order(server.demo_account.key, cl_order_id=cl))
        assert done.status == 4


async def test_peg_rests_within_its_deviation_and_follows(
    demo_desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, app = demo_desk
    received = record_bodies(server, monkeypatch)
    async with app.run_test(size=(160, 48)) as pilot:
        bid, _ask, last = book(server)
        form = await ticket(
            pilot, app, "PEG", "BUY", price=f"{last}", size="0.0100", deviation="-0.01",
            stealth="50",
        )  # fmt: skip
        cl = form.query_one("#clid", Input).value
        body, _ = await confirm(pilot, app, form)
        assert body["type"] == "PEG" and body["deviation"] == Decimal("-0.01")
        assert body["stealth"] == Decimal(50) and body["price"] == last
        await until(pilot, lambda: len(engine_orders(server, cl)) == 1)
        assert received == [sent_as(body)]
        pegged = (last * Decimal("0.9999")).quantize(Decimal("0.01"), "ROUND_FLOOR")
        table = app.query_one(OpenOrdersTable)
        await until(pilot, lambda: any(o.cl_order_id == cl for o in table.orders))
        (order,) = [o for o in table.orders if o.cl_order_id == cl]
        assert table.cell_text(order.order_id, "type") == "PEG"
        await until(
            pilot, lambda: table.cell_text(order.order_id, "price").replace(",", "") == f"{pegged}"
        )
        lower = max(bid + Decimal("0.01"), last - Decimal("0.10"))  # inside the spread
        print_trade(server, lower)
        moved = (lower * Decimal("0.9999")).quantize(Decimal("0.01"), "ROUND_FLOOR")
        assert moved != pegged
        await until(
            pilot, lambda: table.cell_text(order.order_id, "price").replace(",", "") == f"{moved}"
        )


@pytest.mark.parametrize(
    ("kind", "side", "inputs", "reason_id", "words"),
    [
        (
            "OCO", "BUY", {"price": "4000", "trigger": "3000", "stop": "3001", "size": "0.01"},
            "price", "price 4000 of a BUY OCO must be below its trigger price 3000",
        ),
        (
            "PEG", "BUY", {"price": "3000", "size": "0.01", "deviation": "11", "stealth": "10"},
            "deviation", "deviation 11 must be between -10 and 10",
        ),
        (
            "PEG", "SELL", {"price": "3000", "size": "0.01", "deviation": "1", "stealth": "150"},
            "stealth", "stealth 150 must be at most 100",
        ),
        (
            "TRAILING_STOP", "SELL", {"trail": "0.005", "size": "0.01"},
            "trail", "trail 0.005 is not a multiple of the tick 0.01 for ETH-USDT",
        ),
    ],
)  # fmt: skip
async def test_invalid_fields_name_field_value_and_rule_and_send_nothing(
    demo_desk, monkeypatch: pytest.MonkeyPatch, kind, side, inputs, reason_id, words
) -> None:
    server, app = demo_desk
    received = record_bodies(server, monkeypatch)
    async with app.run_test(size=(160, 48)) as pilot:
        form = await ticket(pilot, app, kind, side, **inputs)
        cl = form.query_one("#clid", Input).value
        form.query_one("#clid", Input).focus()
        await pilot.press("enter")
        line = form.query_one(f"#reason-{reason_id}", Static)
        await until(pilot, lambda: words in str(line.render()))
        assert type(app.screen).__name__ != "ConfirmOrderScreen"
        assert received == [] and engine_orders(server, cl) == []


async def test_cancelling_an_oco_row_cancels_both_legs(
    demo_desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, app = demo_desk
    async with app.run_test(size=(120, 36)) as pilot:
        bid, ask, _last = book(server)
        form = await ticket(
            pilot, app, "OCO", "BUY", price=f"{bid - 1}", trigger=f"{ask + 5}",
            stop=f"{ask + Decimal('5.5')}", size="0.0100",
        )  # fmt: skip
        cl = form.query_one("#clid", Input).value
        await confirm(pilot, app, form)
        await until(pilot, lambda: len(engine_orders(server, cl)) == 2)
        table = app.query_one(OpenOrdersTable)
        key = f"oco:{SYMBOL}:{cl}"
        await until(pilot, lambda: key in table)
        assert table.cell_text(key, "status") == f"+stop {ask + 5:,}"
        table.focus()
        table.move_cursor(key)
        await pilot.press("c")
        await until(pilot, lambda: key not in table)
        assert engine_orders(server, cl) == []
        acct = server.engine.account_for_key(server.demo_account.key)
        ended = server.call(
            lambda: [r.status for r in acct.history.values() if r.cl_order_id == cl]
        )
        assert ended == [6, 6]
