"""Third-party clients against the embedded exchange: one still-market simulator per module."""

from __future__ import annotations

import decimal
from collections.abc import Iterator

import pytest

from btse_tui.sim.context import SimConfig
from btse_tui.sim.runner import SimServer


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    """A simulator with seeded books that do not move (flow off), so prices stay put."""
    with SimServer(SimConfig(flow_rate=0)) as server:
        yield server


@pytest.fixture(autouse=True)
def _decimal_context_restored() -> Iterator[None]:
    """ccxt's `decimal_to_precision` rewrites the thread's decimal context (ROUND_HALF_UP,
    Underflow trapped); later tests in this process must get the context they had before."""
    saved = decimal.getcontext().copy()
    yield
    decimal.setcontext(saved)
