"""Simulator configuration and the per-server context shared by REST and WebSocket handlers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from btse_tui.sim.access.auth import UsedNonces
from btse_tui.sim.access.ratelimit import RateLimitConfig, RateLimiter
from btse_tui.sim.faults import Faults
from btse_tui.sim.hub import Hub


@dataclass
class SimConfig:
    """Everything `btse-tui sim` and `SimServer` can be told.

    `markets`: how many markets (the ~30 realistic defaults first, then generated ones).
    `flow_rate`: messages per second of the seeded "other traders" (0 = a still market).
    `flow_symbols`: restrict the flow to these markets (None = all).
    `api_key`/`api_secret`: credentials of the default demo account (generated when None).
    `notification_style`: "captured" (side MODE_BUY, orderCurrency = currency code, as in the
    only captured payload) or "table" (BUY/SELL and "base"/"quote", as in the field table).
    """

    host: str = "127.0.0.1"
    port: int = 0
    markets: int = 31
    seed: int = 0
    flow_rate: float = 20.0
    flow_symbols: list[str] | None = None
    api_key: str | None = None
    api_secret: str | None = None
    ws_idle_timeout_s: float = 60.0
    nonce_window_s: float = 30.0
    rate_limits: RateLimitConfig = field(default_factory=RateLimitConfig)
    notification_style: str = "captured"
    maker_fee: Decimal = Decimal("0.001")
    taker_fee: Decimal = Decimal("0.002")
    advance_interval_s: float = 0.1
    log_level: str = "warning"


@dataclass
class SimContext:
    """The live objects of one running simulator (all used on the server's event loop)."""

    config: SimConfig
    engine: Any
    hub: Hub
    faults: Faults
    limiter: RateLimiter
    clock: Callable[[], float] = time.time
    used_nonces: UsedNonces = field(default_factory=UsedNonces)
    shutdown: asyncio.Event = field(default_factory=asyncio.Event)

    def now_ms(self) -> int:
        return int(self.clock() * 1000)
