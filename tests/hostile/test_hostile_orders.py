"""An order the exchange accepted is never called "failed": unknown — checking, then the truth."""

from __future__ import annotations

from decimal import Decimal

import pytest
from textual.widgets import Static

from btse_tui.protocol.errors import BtseError, OrderRejected
from btse_tui.protocol.models import OrderRequest, OrderType, Side
from btse_tui.protocol.session_events import OrderChecked, OrderUnknown
from btse_tui.sim.runner import SimServer
from btse_tui.ui.app import BtseApp
from btse_tui.ui.ticket.form import OrderForm
from tests.hostile.conftest import hostile_session
from tests.hostile.proxy import HostileProxy, RestRule, bad_chunks, reset, status, when
from tests.session.conftest import running
from tests.session.test_unknown_orders import engine_orders_with
from tests.ui.test_app_live import log_text, place_limit, until

SYMBOL = "BTC-USDT"
ORDER_PATH = "/spot/api/v3.3/order"

#: Answers that do not prove a refusal, sent after the real exchange placed the order.
UNPROVEN: dict[str, RestRule] = {
    "HTTP 500 page": status(500),
    "proxy 502": status(502),
    "connection reset": reset(),
    "malformed chunked reply": bad_chunks("-1"),
    "non-JSON 200": status(200, b"<html>OK</html>"),
    "4xx without BTSE's body": status(400, b"Bad Request"),
}


def _posts(proxy: HostileProxy) -> int:
    return sum(1 for r in proxy.requests if r.method == "POST" and r.path == ORDER_PATH)


def _buy(session, cl: str) -> OrderRequest:  # type: ignore[no-untyped-def]
    price = (session.tickers[SYMBOL].last * Decimal("0.9")).quantize(session.markets[SYMBOL].tick)
    return OrderRequest(
        SYMBOL, Side.BUY, OrderType.LIMIT, size=Decimal("0.001"), price=price, cl_order_id=cl
    )


@pytest.mark.parametrize("answer", list(UNPROVEN))
async def test_an_accepted_order_with_an_unproven_answer_is_unknown_then_found(
    sim: SimServer, proxy: HostileProxy, answer: str
) -> None:
    session = hostile_session(sim, proxy)
    async with running(session, spot=False) as run:
        proxy.rest = when(ORDER_PATH, UNPROVEN[answer], method="POST")
        cl = f"hostile-{abs(hash(answer)) % 10**6}"
        with pytest.raises(BtseError) as raised:
            await session.place(_buy(session, cl))
        assert not isinstance(raised.value, OrderRejected)
        unknown = await run.events.wait_kind(OrderUnknown, cl_order_id=cl)
        assert unknown.text.endswith("unknown — checking")
        proxy.honest()
        checked = await run.events.wait_kind(OrderChecked, cl_order_id=cl, within=10)
        assert checked.placed and checked.text == f"{cl}: placed — inserted"
        assert [o.cl_order_id for o in session.ledger.open_orders(SYMBOL)] == [cl]
    assert _posts(proxy) == 1  # never resent
    assert engine_orders_with(sim, cl) == 1


async def test_a_btse_refusal_with_a_code_is_rejected_not_unknown(
    sim: SimServer, proxy: HostileProxy
) -> None:
    session = hostile_session(sim, proxy)
    async with running(session, spot=False) as run:
        request = _buy(session, "too-big")
        huge = OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT, size=Decimal(1000),
                            price=request.price, cl_order_id="too-big")  # fmt: skip
        with pytest.raises(OrderRejected) as refused:
            await session.place(huge)
        assert refused.value.code is not None
        assert run.events.of(OrderUnknown) == [] and session.ledger.pending == {}


@pytest.fixture
async def app_via(sim: SimServer, proxy: HostileProxy) -> BtseApp:
    session = hostile_session(sim, proxy, unknown_check_s=1.0)
    # the app's own refresh pace (a 0.2 s ticker refresh trips a race in the order form's
    # repaint: OrderForm.fields() while the form is being rebuilt, NoMatches '#kind')
    session.refresher.tickers_every_s = type(session.refresher).tickers_every_s
    session.refresher.balances_every_s = type(session.refresher).balances_every_s
    return BtseApp(session)


def _hold_the_truth(proxy: HostileProxy, answer: RestRule) -> None:
    """Answer the order POST with `answer`, and keep its outcome hidden (queries answer 503,
    notifications are lost) until the proxy turns honest, so the form's wait can be seen."""
    post = when(ORDER_PATH, answer, method="POST")
    query = when(ORDER_PATH, status(503), method="GET")
    proxy.rest = lambda request, reply: query(request, post(request, reply))
    proxy.frames = lambda _stream, text: None if "notificationApiV3" in text else text


async def _type_an_order(pilot, app: BtseApp, sim: SimServer) -> str:  # type: ignore[no-untyped-def]
    """Type a resting limit buy of the form's market and press Enter; its client id."""
    form = app.query_one(OrderForm)
    await until(pilot, lambda: form.market is not None and "USDT" in form.balances)
    market = form.market
    last = sim.call(lambda: sim.engine.ticker(market.symbol).last)
    price = (last * Decimal("0.97")).quantize(market.tick)  # rests, no warning
    return await place_limit(pilot, app, f"{price:f}", f"{market.min_size * 10:f}")


def _result(app: BtseApp) -> str:
    return str(app.query_one(OrderForm).query_one("#result", Static).render())


@pytest.mark.parametrize(
    ("answer", "why"), [("HTTP 500 page", "HTTP 500"), ("connection reset", "connection lost")]
)
async def test_the_form_says_unknown_checking_then_what_the_check_found(
    sim: SimServer, proxy: HostileProxy, app_via: BtseApp, answer: str, why: str
) -> None:
    app = app_via
    async with app.run_test(size=(160, 48)) as pilot:
        _hold_the_truth(proxy, UNPROVEN[answer])
        cl = await _type_an_order(pilot, app, sim)
        await until(pilot, lambda: "unknown — checking" in _result(app))
        assert _result(app) == f"? unknown — checking ({why})"
        proxy.honest()
        await until(pilot, lambda: "checked" in _result(app), within=15)
        assert _result(app) == "✓ inserted (status 2, checked)"
        text = log_text(app)
        assert f"{cl}: placed — inserted" in text
        assert "failed" not in text.lower() and "Failed" not in _result(app)
        assert engine_orders_with(sim, cl) == 1 and _posts(proxy) == 1


async def test_the_form_says_not_placed_when_the_check_finds_nothing(
    sim: SimServer, proxy: HostileProxy, app_via: BtseApp
) -> None:
    app = app_via

    async with app.run_test(size=(160, 48)) as pilot:
        proxy.lose = lambda request: request.method == "POST" and request.path == ORDER_PATH
        cl = await _type_an_order(pilot, app, sim)
        await until(pilot, lambda: "unknown — checking" in _result(app))
        proxy.honest()
        await until(pilot, lambda: "not placed" in _result(app), within=15)
        assert _result(app) == "✗ not placed (checked by client id)"
        assert f"{cl}: not placed (checked by client id)" in log_text(app)
        assert "failed" not in log_text(app).lower()
        assert engine_orders_with(sim, cl) == 0
