"""Dead man's switch: re-armed while the app lives; when the heartbeat stops, orders go."""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

from btse_tui.protocol.models import OrderRequest, OrderType, Side
from btse_tui.protocol.session_events import DeadMansSwitch, OrderChanged
from btse_tui.sim.runner import SimServer
from tests.session.conftest import EngineWatch, fast_session, running, settings_for

SYMBOL = "ETH-USDT"


async def place_resting(session, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    last = session.tickers[SYMBOL].last
    tick = session.markets[SYMBOL].tick
    ids = []
    for i in range(n):
        price = (last * Decimal("0.9")).quantize(tick) - i * tick
        request = OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT, size=Decimal("0.01"), price=price)
        ids.append((await session.place(request))[0].order_id)
    return ids


def open_on_exchange(sim: SimServer) -> set[str]:
    key = sim.demo_account.key
    return sim.call(lambda: {r.order_id for r in sim.engine.open_orders(key)})


async def test_heartbeat_keeps_orders_and_its_death_cancels_them(sim: SimServer) -> None:
    session = fast_session(sim, settings=settings_for(sim, cancel_all_after_s=1.0))
    watch = EngineWatch(sim, sim.demo_account.key, asyncio.get_running_loop())
    try:
        async with running(session) as run:
            ids = await place_resting(session, 2)
            dms = asyncio.create_task(session.run_dead_mans_switch())
            first = await run.events.wait_kind(DeadMansSwitch, armed=True)
            assert first.timeout_s == 1.0 and first.text == "DMS 1s"
            started = time.monotonic()
            # Re-armed every ~1/3 s: after more than one full timeout nothing was cancelled.
            for _ in range(5):
                await run.events.wait_for(
                    lambda e: isinstance(e, DeadMansSwitch) and e.armed and e is not first,
                    after=run.events.mark(),
                )
            assert time.monotonic() - started > 1.0
            assert open_on_exchange(sim) == set(ids)
            assert watch.cancels_by_system == []

            dms.cancel()  # the app (or the SSH link) dies: no more heartbeats
            await asyncio.gather(dms, return_exceptions=True)
            stopped = time.monotonic()
            await watch.until(lambda: len(watch.cancels_by_system) == 2, within=5)
            assert 0.5 < time.monotonic() - stopped < 2.5
            assert sorted(watch.cancels_by_system) == sorted(ids)
            assert open_on_exchange(sim) == set()
            for order_id in ids:  # and the screen learns it from the notifications
                await run.events.wait_for(
                    lambda e, oid=order_id: (
                        isinstance(e, OrderChanged)
                        and e.order.order_id == oid
                        and e.order.status == 6
                    )
                )
            assert session.ledger.open_orders() == []
    finally:
        watch.close()


async def test_toggle_at_runtime_arms_and_disarms_on_the_exchange(sim: SimServer) -> None:
    key = sim.demo_account.key
    session = fast_session(sim)
    deadline = lambda: sim.call(lambda: sim.engine.account_for_key(key).cancel_deadline_ms)  # noqa: E731
    async with running(session, spot=False, dms=True) as run:
        off = await run.events.wait_kind(DeadMansSwitch)
        assert (off.armed, off.timeout_s, off.text) == (False, 0.0, "DMS off")
        assert deadline() is None

        mark = run.events.mark()
        session.set_dead_mans_switch(30)
        armed = await run.events.wait_kind(DeadMansSwitch, armed=True, after=mark)
        assert armed.timeout_s == 30 and armed.last_armed_ms is not None
        assert session.dead_mans_switch_s == 30
        assert deadline() is not None

        mark = run.events.mark()
        session.set_dead_mans_switch(None)
        disarmed = await run.events.wait_kind(DeadMansSwitch, armed=False, after=mark)
        assert disarmed.timeout_s == 0 and disarmed.text == "DMS off"
        assert deadline() is None
