"""No blind resends: a POST without an answer becomes `unknown — checking`, then the truth."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from btse_tui import journal as jr
from btse_tui.protocol.errors import RequestTimeout, TransportError, ValidationError
from btse_tui.protocol.models import OrderRequest, OrderType, Side
from btse_tui.protocol.session_events import OrderChecked, OrderUnknown
from btse_tui.sim.runner import SimServer
from tests.session.conftest import fast_session, open_journal, running, settings_for

SYMBOL = "BTC-USDT"


class CountingTransport(httpx.AsyncBaseTransport):
    """The real network, counting order POSTs; `fail_posts` makes them die before sending."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.posts = 0
        self.fail_posts = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/api/v3.3/order"):
            self.posts += 1
            if self.fail_posts:
                raise httpx.ConnectError("link down", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def engine_orders_with(sim: SimServer, cl: str) -> int:
    """How many orders the exchange has (open or recently closed) carrying clOrderID `cl`."""
    key = sim.demo_account.key

    def count() -> int:
        acct = sim.engine.account_for_key(key)
        records = [*acct.open_orders.values(), *acct.history.values()]
        return Counter(r.cl_order_id for r in records)[cl]

    return sim.call(count)


def buy(session, cl: str | None = None) -> OrderRequest:  # type: ignore[no-untyped-def]
    last = session.tickers[SYMBOL].last
    price = (last * Decimal("0.9")).quantize(session.markets[SYMBOL].tick)
    return OrderRequest(
        SYMBOL, Side.BUY, OrderType.LIMIT, size=Decimal("0.001"), price=price, cl_order_id=cl
    )


@pytest.mark.parametrize("socket", [True, False], ids=["notification-settles", "query-settles"])
async def test_accepted_but_unanswered_post_ends_known_with_one_order(
    sim: SimServer, tmp_path: Path, socket: bool
) -> None:
    journal = open_journal(tmp_path)
    transport = CountingTransport()
    http = httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(1.0))
    session = fast_session(sim, journal, http=http)
    try:
        async with running(session, spot=socket) as run:
            sim.faults.order_timeout = True  # placed by the exchange, never answered
            request = buy(session)
            with pytest.raises(RequestTimeout):
                await session.place(request)
            unknown = await run.events.wait_kind(OrderUnknown)
            cl = unknown.cl_order_id
            assert unknown.text.endswith("unknown — checking")
            assert unknown.request.symbol == SYMBOL and unknown.request.price == request.price
            checked = await run.events.wait_kind(OrderChecked, within=10)
            assert checked.cl_order_id == cl and checked.placed
            assert checked.order.is_open and checked.order.cl_order_id == cl
            assert session.ledger.find_by_client_id(cl) is not None
            assert session.ledger.pending == {}
            assert [o.cl_order_id for o in session.ledger.open_orders()] == [cl]
        assert transport.posts == 1  # never resent
        assert engine_orders_with(sim, cl) == 1
        outcomes = [e.payload.get("outcome") for e in journal.iter_kind(jr.ORDER_ERROR)]
        assert outcomes == ["unknown"]
        checks = [e.payload for e in journal.iter_kind(jr.ORDER_REPLY)]
        assert checks[-1]["action"] == "check" and checks[-1]["found"] is True
    finally:
        sim.faults.order_timeout = False
        journal.close()
        await http.aclose()


async def test_post_lost_in_transit_ends_as_not_placed_without_a_resend(sim: SimServer) -> None:
    transport = CountingTransport()
    http = httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(2.0))
    session = fast_session(sim, http=http, unknown_check_s=0.5)
    try:
        async with running(session) as run:
            transport.fail_posts = True
            with pytest.raises(TransportError):
                await session.place(buy(session, cl="lost-1"))
            await run.events.wait_kind(OrderUnknown, cl_order_id="lost-1")
            assert session.ledger.pending["lost-1"].state == "unknown"
            checked = await run.events.wait_kind(OrderChecked, within=10)
            assert checked.cl_order_id == "lost-1" and not checked.placed
            assert "not placed" in checked.text
            assert session.ledger.pending == {}
        assert transport.posts == 1
        assert engine_orders_with(sim, "lost-1") == 0
    finally:
        await http.aclose()


async def test_a_clorderid_is_never_sent_twice(sim: SimServer) -> None:
    session = fast_session(sim, settings=settings_for(sim))
    async with running(session, spot=False):
        request = buy(session, cl="once-only")
        await session.place(request)
        with pytest.raises(ValidationError, match="never resent"):
            await session.place(request)
        generated = [(await session.place(buy(session)))[0].cl_order_id for _ in range(3)]
        assert len(set(generated)) == 3 and all(generated)
    assert engine_orders_with(sim, "once-only") == 1
