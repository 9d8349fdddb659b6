"""100 forced disconnects during 10,000 order events: the app ends equal to the exchange's truth."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from btse_tui import journal as jr
from btse_tui.client import limiter as lim
from btse_tui.client.limiter import Limit, RateLimiter
from btse_tui.protocol.errors import OrderRejected
from btse_tui.protocol.models import Order, OrderRequest, OrderType, Side, TimeInForce
from btse_tui.protocol.session_events import OrderChanged, Resynced
from btse_tui.sim.context import SimConfig
from btse_tui.sim.engine import ledger as engine_ledger
from btse_tui.sim.runner import SimServer
from tests.session.conftest import EngineWatch, fast_session, open_journal, running

SYMBOL = "BTC-USDT"
TARGET_EVENTS = 10_000
DROPS = 100
TRADERS = 4


class Trader:
    """Random but plausible trading through the session: join the book, take liquidity, cancel."""

    def __init__(self, session, seed: int) -> None:  # type: ignore[no-untyped-def]
        self.session = session
        self.rng = random.Random(seed)
        self.acked: list[str] = []
        self.tick = session.markets[SYMBOL].tick
        self.bid = self.ask = Decimal(0)

    async def quotes(self) -> None:
        [ticker] = await self.session.rest.tickers([SYMBOL])
        self.bid, self.ask = ticker.bid, ticker.ask

    def size(self) -> Decimal:
        return Decimal(self.rng.choice(["0.0002", "0.0005", "0.001", "0.002"]))

    async def step(self) -> None:
        rng, tick = self.rng, self.tick
        roll = rng.random()
        mine = self.session.ledger.open_orders(SYMBOL)
        if roll < 0.22 and mine:
            await self.session.cancel(rng.choice(mine[: max(1, len(mine) // 2)]))
            return
        side = rng.choice([Side.BUY, Side.SELL])
        if roll < 0.62:  # join the book a few ticks from the top: other traders fill it
            away = rng.randint(0, 3) * tick
            price = self.bid - away if side is Side.BUY else self.ask + away
            tif = TimeInForce.GTC
        else:  # take liquidity now
            price = self.ask + 2 * tick if side is Side.BUY else self.bid - 2 * tick
            tif = TimeInForce.IOC
        request = OrderRequest(
            SYMBOL, side, OrderType.LIMIT, size=self.size(), price=price, time_in_force=tif
        )
        acks = await self.session.place(request)
        self.acked.append(acks[0].cl_order_id)

    async def run(self, stop: asyncio.Event) -> None:
        n = 0
        while not stop.is_set():
            if n % 20 == 0:
                await self.quotes()
            n += 1
            with contextlib.suppress(OrderRejected):  # e.g. a balance ran short: refused
                await self.step()


def exchange_truth(server: SimServer, key: str) -> tuple[list, list, set]:
    def read() -> tuple[list, list, set]:
        acct = server.engine.account_for_key(key)
        opened = [r.snapshot() for r in acct.open_orders.values()]
        closed = [r.snapshot() for r in acct.history.values()]
        fills = {(f.order_id, f.trade_id) for f in acct.fills}
        return opened, closed, fills

    return server.call(read)


async def test_100_disconnects_during_10000_order_events_lose_and_duplicate_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The truth compared below is every order of the run: keep all of them in the exchange's
    # closed-order history (it keeps the newest 10,000, and fast REST places more than that).
    monkeypatch.setattr(engine_ledger, "HISTORY_MAX", 1_000_000)
    server = SimServer(SimConfig(flow_rate=120, flow_symbols=[SYMBOL]))
    server.start()
    key = server.demo_account.key
    journal = open_journal(tmp_path)
    # The subject is reconnect + reconcile, not pacing: BTSE's 75 orders/s would make this a
    # two-minute test, so the client limiter is opened up (the 429 test covers pacing).
    roomy = RateLimiter({b: Limit(10_000, 1.0) for b in (lim.QUERY, lim.ORDERS, lim.MARKETS)})
    session = fast_session(server, journal, limiter=roomy)
    watch = EngineWatch(server, key, asyncio.get_running_loop())
    started = time.monotonic()
    try:
        async with running(session) as run:
            stop = asyncio.Event()
            traders = [Trader(session, seed) for seed in range(TRADERS)]
            tasks = [asyncio.create_task(t.run(stop)) for t in traders]

            every = TARGET_EVENTS * 0.95 / DROPS
            resync_mark = 0
            for k in range(1, DROPS + 1):
                await watch.until(lambda k=k: watch.orders >= k * every, within=60)
                if k > 1:  # each drop hits a socket that is up again and reconciled
                    await run.events.wait_kind(Resynced, after=resync_mark, within=30)
                resync_mark = run.events.mark()
                server.faults.drop_sockets = True
                server.faults.drop_sockets = False
            await run.events.wait_kind(Resynced, after=resync_mark, within=30)
            await watch.until(lambda: watch.orders >= TARGET_EVENTS, within=60)
            stop.set()
            await asyncio.gather(*tasks)
            server.flow_rate = 0
            server.call(lambda: None)  # the market is still from here on

            # A sentinel: once its cancel arrives on the socket, everything before it has too.
            last = session.tickers[SYMBOL].last
            request = OrderRequest(
                SYMBOL, Side.BUY, OrderType.LIMIT, size=Decimal("0.001"),
                price=(last * Decimal("0.5")).quantize(traders[0].tick), cl_order_id="sentinel",
            )  # fmt: skip
            sentinel = (await session.place(request))[0]
            mark = run.events.mark()
            await session.cancel(sentinel)
            await run.events.wait_for(
                lambda e: (
                    isinstance(e, OrderChanged)
                    and e.order.order_id == sentinel.order_id
                    and e.order.status == 6
                ),
                after=mark,
                within=30,
            )
            assert session.ledger.pending == {}
            reports = [e.report for e in run.events.of(Resynced)]
            resyncs = len(reports)
            reconnects = session.spot.reconnects
            opened, closed, fills = exchange_truth(server, key)
            ledger = session.ledger
            acked = [cl for t in traders for cl in t.acked]
    finally:
        watch.close()
        server.stop()
    elapsed = time.monotonic() - started

    assert watch.orders >= TARGET_EVENTS
    assert reconnects >= DROPS and resyncs >= DROPS
    # The drops did lose events on the socket, and the resyncs brought them back.
    healed_orders = sum(r.orders_changed for r in reports)
    healed_fills = sum(r.fills_recovered for r in reports)
    assert healed_orders > 0 and healed_fills > 0

    # The app's open orders are the exchange's, with the same fills and status.
    def view(o: Order) -> tuple:
        return (o.order_id, o.status, o.total_filled)

    assert sorted(view(o) for o in ledger.open_orders()) == sorted(
        (r.order_id, r.status, r.filled_size) for r in opened
    )
    # Every closed order ended the same way.
    wrong = [
        r.order_id
        for r in closed
        if r.order_id not in ledger.closed
        or (ledger.closed[r.order_id].status, ledger.closed[r.order_id].total_filled)
        != (r.status, r.filled_size)
    ]
    assert wrong == []
    # Every fill, none missing and none invented.
    assert set(ledger.fills) == fills

    # No order placed twice: one exchange order per clOrderID, one journalled request each.
    per_cl = Counter(r.cl_order_id for r in [*opened, *closed])
    assert per_cl.most_common(1)[0][1] == 1
    assert set(acked) <= set(per_cl)
    requests = Counter(
        e.payload["clOrderID"]
        for e in journal.iter_kind(jr.ORDER_REQUEST)
        if e.payload["action"] == "place"
    )
    assert requests.most_common(1)[0][1] == 1
    assert set(per_cl) <= set(requests)
    journal.close()
    print(
        f"\n{watch.orders} order events, {watch.fills} fills, {len(per_cl)} orders, "
        f"{reconnects} reconnects, {resyncs} resyncs ({healed_orders} orders changed, "
        f"{healed_fills} fills recovered) in {elapsed:.1f} s"
    )
