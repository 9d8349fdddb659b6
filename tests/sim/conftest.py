"""Simulator fixtures: a still market, a living market, and raw clients bound to them."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from btse_tui.sim.context import SimConfig
from btse_tui.sim.runner import SimServer
from tests.sim.rawbtse import Spot

# ---------------------------------------------------------------- servers


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    """A simulator with a still market (flow off): books are seeded but nothing moves."""
    server = SimServer(SimConfig(flow_rate=0, ws_idle_timeout_s=60))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def live_sim() -> Iterator[SimServer]:
    """A simulator whose seeded traders move BTC-USDT and ETH-USDT at 300 msgs/s."""
    server = SimServer(SimConfig(flow_rate=300, flow_symbols=["BTC-USDT", "ETH-USDT"]))
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _faults_off(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts and ends with all faults off on the servers it used."""
    yield
    for name in ("sim", "live_sim"):
        if name in request.fixturenames:
            request.getfixturevalue(name).faults.reset()


@pytest.fixture
def spot(sim: SimServer) -> Iterator[Spot]:
    key, secret = sim.demo_account
    assert sim.urls is not None
    client = Spot(sim.urls.rest, key, secret)
    yield client
    client.close()


@pytest.fixture
def public(sim: SimServer) -> Iterator[httpx.Client]:
    assert sim.urls is not None
    with httpx.Client(base_url=sim.urls.rest, timeout=10) as client:
        yield client
