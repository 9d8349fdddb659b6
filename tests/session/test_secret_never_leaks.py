"""The API secret appears in no log line, no output, no event, no exception and no file written."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from btse_tui.protocol.errors import BtseError
from btse_tui.protocol.models import OrderRequest, OrderType, Side
from btse_tui.protocol.session_events import DeadMansSwitch, OrderChecked, RateLimitBlock, Resynced
from btse_tui.sim.context import SimConfig
from btse_tui.sim.runner import SimServer
from tests.session.conftest import fast_session, open_journal, running, settings_for

SECRET = "s3cr3t-7f2d9a41c0e8b5d6a3f1e9c7b2d4a6f8"
SYMBOL = "BTC-USDT"


@pytest.fixture
def secret_sim() -> SimServer:
    server = SimServer(SimConfig(flow_rate=20, flow_symbols=[SYMBOL], api_secret=SECRET))
    server.start()
    yield server  # type: ignore[misc]
    server.faults.reset()
    server.stop()


async def test_the_secret_is_nowhere(
    secret_sim: SimServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, including httpx, httpcore and websockets
    sim = secret_sim
    assert sim.demo_account.secret == SECRET
    journal = open_journal(tmp_path / "state")
    http = httpx.AsyncClient(timeout=httpx.Timeout(1.0))
    settings = settings_for(sim, cancel_all_after_s=2.0)
    session = fast_session(sim, journal, http=http, settings=settings)
    errors: list[BaseException] = []
    async with running(session, book=True, refresh=True, dms=True, market=SYMBOL) as run:
        await run.events.wait_kind(DeadMansSwitch, armed=True)
        last = session.tickers[SYMBOL].last
        tick = session.markets[SYMBOL].tick
        good = OrderRequest(
            SYMBOL, Side.BUY, OrderType.LIMIT, size=Decimal("0.001"),
            price=(last * Decimal("0.9")).quantize(tick),
        )  # fmt: skip
        await session.place(good)
        bad = OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT, size=Decimal("0.001"), price=tick / 3)
        sim.faults.order_timeout = False
        for request, fault in ((bad, None), (good, "order_timeout"), (good, "http_429")):
            if fault:
                setattr(sim.faults, fault, True)
            try:
                await session.place(request)
            except BtseError as exc:
                errors.append(exc)
            sim.faults.reset()
        await run.events.wait_kind(OrderChecked, within=10)
        mark = run.events.mark()
        await run.events.wait_kind(RateLimitBlock, seconds=0.0, within=5)
        sim.faults.drop_sockets = True
        sim.faults.drop_sockets = False
        await run.events.wait_kind(Resynced, after=mark, within=10)
        events = list(run.events.events)
    journal.close()
    await http.aclose()

    assert len(errors) == 3
    out, err = capfd.readouterr()
    texts = {
        "logs": caplog.text,
        "stdout": out,
        "stderr": err,
        "events": "\n".join(repr(e) for e in events),
        "errors": "\n".join(f"{e!s} {e!r}" for e in errors),
        "settings": f"{settings!r} {settings!s} {session.settings!r}",
        "auth": repr(session._auth),
    }
    for name, text in texts.items():
        assert SECRET not in text, f"secret found in {name}"
    written = [p for p in (tmp_path / "state").rglob("*") if p.is_file()]
    assert any(p.name == "journal.sqlite3" for p in written)
    for path in written:
        assert SECRET.encode() not in path.read_bytes(), f"secret found in {path.name}"
    assert "HTTP Request" in caplog.text  # the logs really were captured
