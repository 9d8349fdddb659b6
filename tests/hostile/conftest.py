"""Hostile-exchange fixtures: the real embedded exchange behind a proxy that lies on demand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from btse_tui.client.session import TradingSession
from btse_tui.sim.runner import SimServer
from tests.hostile.proxy import HostileProxy
from tests.session.conftest import settings_for, sim, urls_of

__all__ = ["hostile_session", "proxy", "sim"]


@pytest.fixture
async def proxy(sim: SimServer) -> AsyncIterator[HostileProxy]:
    """A proxy in front of `sim`, honest until a test tells it to lie."""
    hostile = HostileProxy(urls_of(sim))
    hostile.urls = await hostile.start()  # type: ignore[attr-defined]
    yield hostile
    await hostile.close()


def hostile_session(sim: SimServer, proxy: HostileProxy, **kwargs: Any) -> TradingSession:
    """A session trading the sim's demo account through `proxy`, with quick refreshes."""
    kwargs.setdefault("backoff_base_s", 0.01)
    kwargs.setdefault("backoff_cap_s", 0.2)
    kwargs.setdefault("min_healthy_s", 0.5)
    session = TradingSession(settings_for(sim), proxy.urls, **kwargs)  # type: ignore[attr-defined]
    session.refresher.tickers_every_s = 0.2
    session.refresher.balances_every_s = 0.3
    return session
