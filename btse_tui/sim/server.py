"""The simulator's Starlette app: owns the engine, demo accounts, living-market flow and timers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute

from btse_tui.sim import wire
from btse_tui.sim.access.ratelimit import RateLimiter
from btse_tui.sim.context import SimConfig, SimContext
from btse_tui.sim.engine import Engine
from btse_tui.sim.engine.catalog import MarketSpec, generated_markets
from btse_tui.sim.faults import FAULTS, Faults
from btse_tui.sim.http.routes import routes as rest_routes
from btse_tui.sim.hub import Hub
from btse_tui.sim.market.flow import MarketFlow
from btse_tui.sim.ws.oss import ws_oss
from btse_tui.sim.ws.spot import ws_spot

log = logging.getLogger(__name__)

FULL = frozenset({"Read", "Trading", "Wallet"})
#: name, permissions of the demo accounts; the first is the default one printed at start.
DEMO_ACCOUNTS: tuple[tuple[str, frozenset[str]], ...] = (
    ("demo", FULL),
    ("demo2", FULL),
    ("readonly", frozenset({"Read"})),
    ("tradeonly", frozenset({"Trading"})),
)
_FIAT_LIKE = {"USDT": 1, "USD": 1, "USDC": 1, "EUR": 1}
QUOTE_FUNDS = Decimal(1_000_000)
BASE_FUNDS_USD = Decimal(250_000)
#: minutes of candle history generated at start (capped for large catalogues).
HISTORY_MINUTES = 1440
#: for catalogues of more than 100 markets: minutes of history, and ladder levels per side placed
#: at start outside the majors (the flow loop completes the ladders in the background).
BIG_HISTORY_MINUTES = 30
BIG_PRIME_LEVELS = 3
#: thin ladders completed per tick of the flow loop
TOP_UP_PER_TICK = 10
#: most flow steps run in one tick of the flow loop (protects a slow machine).
MAX_STEPS_PER_TICK = 2_000
FLOW_TICK_S = 0.01


@dataclass(frozen=True)
class DemoAccount:
    """A funded demo account: name, API key, secret and permissions."""

    name: str
    key: str
    secret: str
    permissions: frozenset[str]


def _usd_prices(markets: list[MarketSpec]) -> dict[str, Decimal]:
    prices: dict[str, Decimal] = {c: Decimal(v) for c, v in _FIAT_LIKE.items()}
    for _ in range(3):  # resolve crosses like XYZ-BTC through BTC-USDT
        for m in markets:
            if m.base not in prices and m.quote in prices:
                prices[m.base] = m.start_price * prices[m.quote]
    return prices


def demo_balances(markets: list[MarketSpec]) -> dict[str, Decimal]:
    """Every currency of the catalogue: 1,000,000 of quote-like ones, ~$250k of the rest."""
    usd = _usd_prices(markets)
    out: dict[str, Decimal] = {}
    for m in markets:
        for cur in (m.base, m.quote):
            if cur in out:
                continue
            if cur in _FIAT_LIKE:
                out[cur] = QUOTE_FUNDS
            else:
                price = usd.get(cur) or Decimal(1)
                out[cur] = (BASE_FUNDS_USD / price).quantize(Decimal("0.00000001"))
    return out


def make_accounts(config: SimConfig) -> list[DemoAccount]:
    """The demo accounts: deterministic keys for a seed; `api_key`/`api_secret` override #1."""
    rng = random.Random(f"btse-sim-accounts-{config.seed}")
    out = []
    for i, (name, perms) in enumerate(DEMO_ACCOUNTS):
        key = f"{rng.getrandbits(256):064x}"
        secret = f"{rng.getrandbits(256):064x}"
        if i == 0:
            key = config.api_key or key
            secret = config.api_secret or secret
        out.append(DemoAccount(name, key, secret, perms))
    return out


async def _empty_404(request: Request, exc: Exception) -> Response:
    """Unknown paths answer 404 with an empty body, as BTSE does (btse-api.md §3.1)."""
    return Response(b"", 404)


class SimState:
    """Everything one simulator owns; `app` is the ASGI application to serve."""

    def __init__(self, config: SimConfig, faults: Faults | None = None) -> None:
        self.config = config
        self.faults = faults or Faults()
        markets = generated_markets(max(1, config.markets), config.seed)
        self.engine = Engine(
            markets,
            maker_fee=config.maker_fee,
            taker_fee=config.taker_fee,
            seed=config.seed,
        )
        self.accounts = make_accounts(config)
        funds = demo_balances(markets)
        for acct in self.accounts:
            self.engine.add_account(
                acct.key, acct.secret, dict(funds), permissions=acct.permissions, name=acct.name
            )
        big = len(markets) > 100
        self.flow = MarketFlow(
            self.engine,
            seed=config.seed,
            symbols=config.flow_symbols,
            history_minutes=HISTORY_MINUTES if not big else BIG_HISTORY_MINUTES,
            prime_levels=BIG_PRIME_LEVELS if big else None,
        )
        self.flow_rate = float(config.flow_rate)
        self.hub = Hub(self.engine, self.faults, notification_style=config.notification_style)
        self.ctx = SimContext(
            config=config,
            engine=self.engine,
            hub=self.hub,
            faults=self.faults,
            limiter=RateLimiter(config.rate_limits),
        )
        self.loop: asyncio.AbstractEventLoop | None = None
        self.app = Starlette(
            routes=self._routes(),
            lifespan=self._lifespan,
            exception_handlers={404: _empty_404},
        )
        self.app.state.sim = self.ctx

    def _routes(self) -> list[Any]:
        return [
            *rest_routes(),
            WebSocketRoute("/ws/spot", ws_spot),
            WebSocketRoute("/ws/oss/spot", ws_oss),
            Route("/_sim/faults", self._faults_endpoint, methods=["GET", "POST"]),
        ]

    async def _faults_endpoint(self, request: Request) -> Response:
        """Test/ops hook (not a BTSE path): GET the switches, POST `{"name": value}` to set."""
        if request.method == "POST":
            try:
                changes = await request.json()
                for name, value in dict(changes).items():
                    setattr(self.faults, name, value)
            except (AttributeError, ValueError, TypeError) as exc:
                return Response(wire.dumps({"error": str(exc)}), 400, media_type="application/json")
        state = {name: getattr(self.faults, name) for name in FAULTS}
        return Response(wire.dumps(state), media_type="application/json")

    # ------------------------------------------------------------------ lifecycle

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        self.loop = asyncio.get_running_loop()
        remove = self.faults.on_change(self._fault_changed)
        tasks = [
            asyncio.create_task(self._flow_loop(), name="sim-flow"),
            asyncio.create_task(self._advance_loop(), name="sim-advance"),
        ]
        try:
            yield
        finally:
            remove()
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            self.hub.close()

    def begin_shutdown(self) -> None:
        """Release hanging requests and close every socket (call on the server loop)."""
        self.ctx.shutdown.set()
        self.hub.drop_all(1001, "server shutting down")

    def _fault_changed(self, name: str, value: Any) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        if name == "drop_sockets" and value:
            loop.call_soon_threadsafe(self.hub.drop_all)
        elif name == "stall" and not value:
            # the silence ends: sockets start counting idle time from now
            loop.call_soon_threadsafe(self._touch_all)

    def _touch_all(self) -> None:
        now = time.monotonic()
        for conn in self.hub.conns:
            conn.last_seen = now

    async def _flow_loop(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        carry = 0.0
        flow, hub = self.flow, self.hub
        thin = True
        while True:
            await asyncio.sleep(FLOW_TICK_S)
            if thin:
                try:
                    thin = flow.top_up(TOP_UP_PER_TICK) > 0
                    hub.flush()
                except Exception:
                    log.exception("market flow top-up failed")
                    thin = False
            now = loop.time()
            rate = self.flow_rate
            if rate <= 0:
                carry, last = 0.0, now
                continue
            carry += rate * (now - last)
            last = now
            steps = int(carry)
            carry -= steps
            if steps > MAX_STEPS_PER_TICK:
                steps, carry = MAX_STEPS_PER_TICK, 0.0
            try:
                for _ in range(steps):
                    flow.step()
                    hub.flush()
            except Exception:
                log.exception("market flow step failed")

    async def _advance_loop(self) -> None:
        interval = self.config.advance_interval_s
        while True:
            await asyncio.sleep(interval)
            try:
                self.engine.advance()
                self.hub.flush()
                self.hub.close_idle(self.config.ws_idle_timeout_s)
            except Exception:
                log.exception("engine advance failed")
