"""The launched app holds the collector while it starts, freezes its start-up objects once
after the markets load, and keeps working; the pause ends even when no market ever loads."""

from __future__ import annotations

import gc
from decimal import Decimal
from pathlib import Path

import pytest

from btse_tui.client.session import TradingSession
from btse_tui.config import load_settings
from btse_tui.protocol.session_events import MarketsLoaded
from btse_tui.startup import start_demo_exchange
from btse_tui.ui import gc_tuning
from btse_tui.ui.app import BtseApp
from btse_tui.ui.widgets.open_orders import OpenOrdersTable
from tests.ui.test_app_live import place_limit, until


async def test_start_up_objects_are_frozen_once_and_orders_still_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen: list[int] = []
    real_freeze = gc_tuning.freeze_startup_objects

    def freeze() -> int:
        frozen.append(real_freeze())
        return frozen[-1]

    monkeypatch.setattr(gc_tuning, "freeze_startup_objects", freeze)
    monkeypatch.setattr(gc_tuning, "SETTLE_AFTER_S", 0.1)
    settings = load_settings(
        env={"BTSE_DEMO_SEED": "7", "BTSE_STATE_DIR": str(tmp_path), "BTSE_DEMO_RATE": "0"},
        dotenv_path=None,
    )
    server, urls, settings = start_demo_exchange(settings)
    app = BtseApp(TradingSession(settings, urls), settings=settings, freeze_startup_gc=True)
    gc_tuning.pause_for_startup()  # as run_dashboard does
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await until(pilot, lambda: bool(frozen))
            assert gc.isenabled()  # the freeze ended the pause
            assert frozen[0] > 10_000  # the modules, widgets and markets start-up built
            form = app.desk.form
            assert form.market is not None
            last = app.session.tickers[form.market.symbol].last
            price = f"{(last * Decimal('0.97')).quantize(form.market.tick):f}"  # rests, no warning
            cl = await place_limit(pilot, app, price, f"{form.market.min_size * 10:f}")
            table = app.query_one(OpenOrdersTable)
            await until(pilot, lambda: any(o.cl_order_id == cl for o in table.orders))
            # markets load again after a reconnect …
            app.desk.events.receive(MarketsLoaded(tuple(app.session.markets.values())))
            await pilot.pause(0.3)
        assert len(frozen) == 1  # … but the freeze happens once
    finally:
        gc.enable()
        gc.unfreeze()  # the test process goes on
        server.stop()


async def test_the_start_up_pause_ends_even_if_the_markets_never_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An exchange that never answers must not leave the collector off for the whole day."""
    from tests.ui.static_session import StaticSession

    class Unanswered(StaticSession):
        async def start(self, emit) -> None:  # type: ignore[no-untyped-def]
            self._emit = emit  # no markets, no prices: the exchange never answered

    monkeypatch.setattr(gc_tuning, "PAUSE_LIMIT_S", 0.2)
    app = BtseApp(Unanswered(), freeze_startup_gc=True)
    gc_tuning.pause_for_startup()
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await until(pilot, gc.isenabled)  # the desk's own timer: nothing else enables it
            assert app.desk.markets_table.row_count == 0
    finally:
        gc.enable()
