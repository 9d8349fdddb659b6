"""The embedded exchange as a benchmark child process: JSON config in, JSON commands on stdin."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from decimal import Decimal
from typing import Any

from btse_tui.sim import hub as sim_hub
from btse_tui.sim.context import SimConfig
from btse_tui.sim.runner import SimServer

_SENT = {"frames": 0, "bytes": 0, "notifications": 0}
_CHURN = {"rate": 0.0}
_original_send = sim_hub.Conn.send


def _counting_send(self: sim_hub.Conn, text: str, topic: str | None = None) -> None:
    """Conn.send that also counts the frames queued to clients (benchmark instrumentation)."""
    _SENT["frames"] += 1
    _SENT["bytes"] += len(text)
    if topic == "notificationApiV3":
        _SENT["notifications"] += 1
    _original_send(self, text, topic)


def _handle(server: SimServer, msg: dict[str, Any]) -> dict[str, Any]:
    cmd = msg.get("cmd")
    if cmd == "rate":
        server.flow_rate = float(msg["value"])
        return {"ok": True, "rate": server.flow_rate}
    if cmd == "sent":
        counts = server.call(lambda: dict(_SENT))
        return {"ok": True, "t": time.time(), **counts}
    if cmd == "top":
        bids, asks = server.call(lambda: server.engine.book_levels(msg["symbol"], 1))
        return {
            "ok": True,
            "bid": str(bids[0][0]) if bids else None,
            "ask": str(asks[0][0]) if asks else None,
        }
    if cmd == "spec":
        spec = server.engine.markets[msg["symbol"]]
        return {"ok": True, "tick": str(spec.tick), "lot": str(spec.lot), "min": str(spec.min_size)}
    if cmd == "place":
        key = server.account(msg.get("account", "demo2")).key

        def place() -> str:
            rec = server.engine.submit_order(
                key,
                msg["symbol"],
                msg["side"],
                "LIMIT",
                Decimal(msg["price"]),
                Decimal(msg["size"]),
                post_only=True,
            )
            return rec.order_id

        order_id = server.call(place)
        return {"ok": True, "t": time.time(), "order_id": order_id}
    if cmd == "cancel":
        key = server.account(msg.get("account", "demo2")).key
        done = server.call(lambda: server.engine.cancel(key, msg["order_id"]))
        return {"ok": bool(done), "t": time.time()}
    if cmd == "churn":
        # place + cancel far-from-market orders of one account: 2 notifications per pair
        rate = float(msg["value"])
        starting = _CHURN["rate"] <= 0 < rate
        _CHURN["rate"] = rate
        if starting:
            key = server.account(msg.get("account", "demo")).key
            symbol = msg.get("symbol", "BTC-USDT")

            def start() -> None:
                asyncio.get_running_loop().create_task(_churn(server, key, symbol))

            server.call(start)
        return {"ok": True, "rate": rate}
    return {"ok": False, "error": f"unknown command {cmd!r}"}


async def _churn(server: SimServer, key: str, symbol: str) -> None:
    """While _CHURN["rate"] > 0: that many notifications per second for `key`."""
    engine, hub = server.engine, server.state.hub
    spec = engine.markets[symbol]
    bids, _ = engine.book_levels(symbol, 1)
    price = (bids[0][0] / 2 / spec.tick).to_integral_value() * spec.tick
    size = spec.min_size
    loop = asyncio.get_running_loop()
    last, carry = loop.time(), 0.0
    while _CHURN["rate"] > 0:
        await asyncio.sleep(0.01)
        now = loop.time()
        carry += _CHURN["rate"] / 2 * (now - last)
        last = now
        pairs = min(int(carry), 2_000)
        carry -= pairs
        for _ in range(pairs):
            rec = engine.submit_order(key, symbol, "BUY", "LIMIT", price, size, post_only=True)
            engine.cancel(key, rec.order_id)
        hub.flush()


def main() -> int:
    """Start the simulator from argv[1] (SimConfig fields as JSON) and serve stdin commands."""
    config = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    sim_hub.Conn.send = _counting_send  # type: ignore[method-assign]
    server = SimServer(SimConfig(**config))
    urls = server.start()
    info = {
        "rest": urls.rest,
        "ws_spot": urls.ws_spot,
        "ws_oss": urls.ws_oss,
        "accounts": [{"name": a.name, "key": a.key, "secret": a.secret} for a in server.accounts],
    }
    print(json.dumps(info), flush=True)
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                reply = _handle(server, json.loads(line))
            except Exception as exc:  # report, keep serving
                reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            print(json.dumps(reply), flush=True)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
