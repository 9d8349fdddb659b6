"""Benchmark 3: REST time per call, our RestClient against bare httpx and ccxt, same simulator."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx
import orjson

from benchmarks.common import Result, SimProcess, median
from btse_tui.client.auth import BtseAuth
from btse_tui.client.rest import RestClient, make_http_client
from btse_tui.config import Secret
from btse_tui.protocol import endpoints as ep
from btse_tui.protocol.endpoints import BaseUrls
from btse_tui.protocol.models import OrderRequest, OrderType, Side
from btse_tui.protocol.signing import NonceSource

SYMBOL = "BTC-USDT"
#: RestClient's time per call at most this many times bare stock httpx's (what our layer adds)
TARGET = 1.1
Call = Callable[[], Awaitable[Any]]


#: every client here signs with the one demo key, and the exchange refuses a nonce that key
#: already used: they share one strictly increasing source
NONCES = NonceSource()


class BareHttpx:
    """Hand-written BTSE calls over stock httpx (httpcore + h11): the thinnest sensible client,
    so the ratio is what RestClient itself adds (typed decoding, the auth flow, error mapping).
    """

    def __init__(self, rest: str, key: str, secret: str) -> None:
        # same timeouts and headers as ours, httpx's own transport as ours uses it
        self.http = make_http_client(transport=httpx.AsyncHTTPTransport())
        self.rest = rest.rstrip("/")
        self.key = key
        self.secret = secret.encode()
        self.nonces = NONCES

    def _headers(self, path: str, body: bytes = b"") -> dict[str, str]:
        nonce = self.nonces.next()
        message = (path + nonce).encode() + body
        sign = hmac.new(self.secret, message, hashlib.sha384).hexdigest()
        return {"request-api": self.key, "request-nonce": nonce, "request-sign": sign}

    async def markets(self) -> Any:
        response = await self.http.get(self.rest + ep.MARKETS)
        return orjson.loads(response.content)

    async def ticker(self, symbol: str) -> Any:
        response = await self.http.get(self.rest + ep.TICKER_24HR, params={"symbol": symbol})
        return orjson.loads(response.content)

    async def place_cancel(self, price: str, size: str) -> None:
        body = orjson.dumps(
            {
                "symbol": SYMBOL,
                "side": "BUY",
                "type": "LIMIT",
                "size": size,
                "price": price,
                "time_in_force": "GTC",
                "txType": "LIMIT",
                "postOnly": False,
            }
        )
        headers = self._headers(ep.ORDER, body)
        headers["Content-Type"] = "application/json"
        response = await self.http.post(
            self.rest + "/spot" + ep.ORDER, content=body, headers=headers
        )
        response.raise_for_status()
        order_id = orjson.loads(response.content)[0]["orderID"]
        response = await self.http.delete(
            self.rest + "/spot" + ep.ORDER,
            params={"symbol": SYMBOL, "orderID": order_id},
            headers=self._headers(ep.ORDER),
        )
        response.raise_for_status()
        orjson.loads(response.content)

    async def close(self) -> None:
        await self.http.aclose()


class Ours:
    """Our RestClient with its auth, as the app builds it (no client-side rate limiter)."""

    def __init__(self, rest: str, key: str, secret: str) -> None:
        self.http = make_http_client()
        urls = BaseUrls(rest, rest.replace("http", "ws") + "/ws/spot", "")
        self.client = RestClient(self.http, urls, BtseAuth(key, Secret(secret), NONCES))

    async def markets(self) -> Any:
        return await self.client.markets()

    async def ticker(self, symbol: str) -> Any:
        return await self.client.tickers([symbol])

    async def place_cancel(self, price: str, size: str) -> None:
        request = OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT, Decimal(size), Decimal(price))
        acks = await self.client.place_order(request)
        await self.client.cancel_order(SYMBOL, order_id=acks[0].order_id)

    async def close(self) -> None:
        await self.http.aclose()


class Ccxt:
    """ccxt's async `btse` with its API URLs pointed at the simulator (rate limiter off)."""

    def __init__(self, rest: str, key: str, secret: str) -> None:
        import ccxt.async_support as ccxt_async

        self.ex = ccxt_async.btse({"apiKey": key, "secret": secret, "enableRateLimit": False})
        self.ex.urls["api"] = {"public": rest, "private": rest}

    async def prepare(self) -> None:
        await self.ex.load_markets()

    async def markets(self) -> Any:
        return await self.ex.fetch_markets()

    async def ticker(self, symbol: str) -> Any:
        return await self.ex.fetch_ticker(symbol.replace("-", "/"))

    async def close(self) -> None:
        await self.ex.close()


async def _time_calls(calls: dict[str, Call], n: int, warmup: int = 10) -> dict[str, list[float]]:
    """ms per call for each named call, interleaved round-robin so all see the same load."""
    for call in calls.values():
        for _ in range(warmup):
            await call()
    out: dict[str, list[float]] = {name: [] for name in calls}
    clock = time.perf_counter
    for _ in range(n):
        for name, call in calls.items():
            t0 = clock()
            await call()
            out[name].append((clock() - t0) * 1000)
    return out


async def _run(rest: str, key: str, secret: str, price: str, size: str, n: int) -> dict:
    ours, bare = Ours(rest, key, secret), BareHttpx(rest, key, secret)
    ccxt_client: Ccxt | None = None
    ccxt_error = ""
    try:
        ccxt_client = Ccxt(rest, key, secret)
        await ccxt_client.prepare()
    except Exception as exc:  # not installed, or cannot talk to the sim
        ccxt_error = f"{type(exc).__name__}: {exc}"[:120]
        if ccxt_client is not None:
            await ccxt_client.close()
        ccxt_client = None
    try:
        markets: dict[str, Call] = {
            "ours": ours.markets,
            "httpx": bare.markets,
        }
        tickers: dict[str, Call] = {
            "ours": lambda: ours.ticker(SYMBOL),
            "httpx": lambda: bare.ticker(SYMBOL),
        }
        if ccxt_client is not None:
            markets["ccxt"] = ccxt_client.markets
            tickers["ccxt"] = lambda: ccxt_client.ticker(SYMBOL)  # type: ignore[union-attr]
        orders: dict[str, Call] = {
            "ours": lambda: ours.place_cancel(price, size),
            "httpx": lambda: bare.place_cancel(price, size),
        }
        return {
            "markets": await _time_calls(markets, n),
            "ticker": await _time_calls(tickers, n),
            "order": await _time_calls(orders, n),
            "ccxt_error": ccxt_error,
        }
    finally:
        await ours.close()
        await bare.close()
        if ccxt_client is not None:
            await ccxt_client.close()


def run(quick: bool = False) -> list[Result]:
    """Start a still simulator in a child process and time each client's calls against it."""
    n = 60 if quick else 200
    with SimProcess(markets=31, flow_rate=0, seed=3) as sim:
        key, secret = sim.account(0)
        top = sim.command("top", symbol=SYMBOL)
        spec = sim.command("spec", symbol=SYMBOL)
        tick = Decimal(spec["tick"])
        price = str((Decimal(top["bid"]) * Decimal("0.5") / tick).to_integral_value() * tick)
        size = spec["min"]
        data = asyncio.run(_run(sim.rest, key, secret, price, size, n))
    rows = []
    ccxt_note = f"; ccxt unavailable ({data['ccxt_error']})" if data["ccxt_error"] else ""
    for kind, what in (
        ("markets", "REST load markets (31), ms/call"),
        ("ticker", "REST 24 h ticker of one market, ms/call"),
    ):
        times = {name: median(v) for name, v in data[kind].items()}
        ours, bare, cx = times["ours"], times["httpx"], times.get("ccxt")
        ok = ours <= TARGET * bare
        rows.append(
            Result(
                "3",
                what,
                ours,
                "ms",
                baseline=bare,
                baseline_name="bare stock httpx",
                target=f"≤ {TARGET}× httpx",
                passed=ok if kind == "markets" else None,
                higher_is_better=False,
                note=(f"ccxt {cx:.3f} ms" if cx is not None else "ccxt n/a")
                + f"; median of {n}"
                + ccxt_note,
                extra={"ccxt_ms": cx, "runs_ms": {k: v for k, v in times.items()}},
            )
        )
    times = {name: median(v) for name, v in data["order"].items()}
    rows.append(
        Result(
            "3",
            "REST place + cancel LIMIT, ms/pair",
            times["ours"],
            "ms",
            baseline=times["httpx"],
            baseline_name="bare stock httpx, hand-signed",
            target=f"≤ {TARGET}× httpx",
            passed=times["ours"] <= TARGET * times["httpx"],
            higher_is_better=False,
            note=f"median of {n}; ccxt n/a: its btse create/cancel use /spot/api/v4/trade/orders, "
            "not timed yet against the v4 routes the simulator now serves (docs/protocol.md)",
            extra={"ccxt_ms": None},
        )
    )
    return rows
