"""429s: during a block the session sends nothing it was told not to, counts down, never storms."""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal

import httpx
import pytest

from btse_tui.protocol.errors import RateLimited
from btse_tui.protocol.models import OrderRequest, OrderType, Side
from btse_tui.protocol.session_events import RateLimitBlock, TickersRefreshed
from btse_tui.sim.runner import SimServer
from tests.session.conftest import fast_session, running, settings_for


@dataclass
class Sent:
    method: str
    path: str
    sent: float
    answered: float = 0.0
    status: int = 0
    retry_after: float = 0.0


class RecordingTransport(httpx.AsyncBaseTransport):
    """The real network, recording when each request left and what came back."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.log: list[Sent] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        row = Sent(request.method, request.url.path, time.monotonic())
        self.log.append(row)
        response = await self.inner.handle_async_request(request)
        row.answered = time.monotonic()
        row.status = response.status_code
        row.retry_after = float(response.headers.get("retry-after") or 0)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_nothing_is_sent_during_a_429_block(sim: SimServer) -> None:
    transport = RecordingTransport()
    http = httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(2.0))
    session = fast_session(sim, http=http, settings=settings_for(sim, cancel_all_after_s=3.0))
    session.refresher.tickers_every_s = 0.05  # eager pollers: a storm would show at once
    session.refresher.balances_every_s = 0.1
    try:
        async with running(session, refresh=True, dms=True) as run:
            sim.faults.retry_after_s = 2
            sim.faults.http_429 = True
            fault_on = time.monotonic()
            block = await run.events.wait_for(
                lambda e: isinstance(e, RateLimitBlock) and e.seconds > 0
            )
            assert 1.5 <= block.seconds <= 2.0
            assert block.until_ms > time.time() * 1000  # the status bar counts down to this

            # An order during the block is refused at once: nothing goes on the wire.
            posts = sum(
                1 for r in transport.log if r.method == "POST" and r.path.endswith("/order")
            )
            last = session.tickers["BTC-USDT"].last
            request = OrderRequest(
                "BTC-USDT", Side.BUY, OrderType.LIMIT, size=Decimal("0.001"),
                price=(last * Decimal("0.9")).quantize(Decimal("0.1")),
            )  # fmt: skip
            with pytest.raises(RateLimited, match="nothing sent"):
                await session.place(request)
            assert session.ledger.pending == {}
            assert posts == sum(
                1 for r in transport.log if r.method == "POST" and r.path.endswith("/order")
            )

            # Two more blocks: the client probes once per block, no more.
            for _ in range(2):
                previous = block.until_ms
                block = await run.events.wait_for(
                    lambda e, p=previous: isinstance(e, RateLimitBlock) and e.until_ms > p + 1500,
                    within=5,
                )
            sim.faults.http_429 = False
            fault_off = time.monotonic()
            mark = run.events.mark()
            await run.events.wait_kind(RateLimitBlock, seconds=0.0, after=mark, within=5)
            await run.events.wait_kind(TickersRefreshed, after=mark, within=5)
    finally:
        sim.faults.reset()
        await http.aclose()

    limited = [r for r in transport.log if r.status == 429]
    assert limited
    for answer in limited:  # told to wait: nothing left until the wait was over
        quiet_from, quiet_to = answer.answered, answer.answered + answer.retry_after
        early = [r for r in transport.log if quiet_from < r.sent < quiet_to - 0.05]
        assert early == [], f"sent during a block: {early}"
    during = [r for r in transport.log if fault_on <= r.sent <= fault_off]
    blocks = (fault_off - fault_on) / 2
    # in-flight requests when a 429 lands, plus one probe per block — never a storm
    assert len(during) <= 4 * (blocks + 1)
