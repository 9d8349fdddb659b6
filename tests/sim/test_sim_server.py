"""Starting the simulator: `btse-tui sim`, programmatic start/stop, determinism, scale."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from btse_tui.sim.cli import run_sim
from btse_tui.sim.context import SimConfig
from btse_tui.sim.runner import SimServer
from btse_tui.sim.server import SimState

ROOT = Path(__file__).resolve().parents[2]


def test_run_sim_prints_urls_and_credentials_and_obeys_console() -> None:
    out = io.StringIO()
    code = run_sim(
        ["--port", "0", "--rate", "0", "--api-key", "k1", "--api-secret", "s1", "--fault", "stall"],
        stdin=io.StringIO("fault http_500\nquit\n"),
        stdout=out,
    )
    text = out.getvalue()
    assert code == 0
    assert "http://127.0.0.1:" in text and "/ws/spot" in text and "/ws/oss/spot" in text
    assert "k1" in text and "s1" in text and "stall" in text and "http_500" in text
    assert run_sim(["--api-key", "only-key"], stdout=io.StringIO()) == 2
    assert run_sim(["--port", "0", "--fault", "nope"], stdout=io.StringIO()) == 2


def test_python_m_btse_tui_sim_runs_standalone() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "btse_tui.sim", "--port", "0", "--rate", "5"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    try:
        lines: dict[str, str] = {}
        assert proc.stdout is not None and proc.stdin is not None
        for line in proc.stdout:
            words = line.split()
            if len(words) >= 2:
                lines[" ".join(words[:-1])] = words[-1]
            if "API secret" in line:
                break
        rest = lines["REST (host root)"]
        resp = httpx.get(rest + "/public-api/market/v1/markets", timeout=10)
        assert resp.status_code == 200 and len(resp.json()["data"]["symbols"]) >= 30
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_programmatic_start_on_port_0_and_clean_stop() -> None:
    server = SimServer(SimConfig(flow_rate=0))
    urls = server.start()
    assert urls.rest.startswith("http://127.0.0.1:") and urls.spot_rest == urls.rest + "/spot"
    assert urls.ws_spot.endswith("/ws/spot") and urls.ws_oss.endswith("/ws/oss/spot")
    assert server.start() == urls  # idempotent
    assert server.call(lambda: len(server.engine.markets)) == 31
    server.stop()
    assert not server.running
    try:
        httpx.get(urls.rest + "/spot/api/v3.3/time", timeout=1)
    except httpx.TransportError:
        pass
    else:
        raise AssertionError("server still answering after stop()")


def test_same_seed_same_market_different_seed_different() -> None:
    def fingerprint(seed: int) -> tuple:
        state = SimState(SimConfig(seed=seed, markets=6))
        for _ in range(300):
            state.flow.step()
        books = tuple(state.engine.book_levels(s, 5) for s in ("BTC-USDT", "ETH-USDT"))
        return state.accounts[0].key, books

    assert fingerprint(3) == fingerprint(3)
    assert fingerprint(3) != fingerprint(4)


def test_scale_1300_markets_starts_and_lists() -> None:
    start = time.monotonic()
    with SimServer(SimConfig(markets=1300, flow_rate=50)) as server:
        resp = httpx.get(server.urls.rest + "/public-api/market/v1/markets", timeout=30)
        assert len(resp.json()["data"]["symbols"]) == 1300
        tickers = httpx.get(server.urls.rest + "/public-api/market/v1/ticker/24hr", timeout=30)
        assert len(tickers.json()["data"]) == 1300
    assert time.monotonic() - start < 20
