"""A raw BTSE client for the simulator tests, written only from btse-api.md (no project code)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import time
from typing import Any

import httpx
import websockets

FRAME_TIMEOUT = 5.0


# ---------------------------------------------------------------- raw signing (btse-api.md §2)


_last_nonce = 0


def nonce_ms() -> str:
    """Epoch milliseconds, strictly increasing (btse-api.md §2.1): calls in one ms never share."""
    global _last_nonce
    _last_nonce = max(int(time.time() * 1000), _last_nonce + 1)
    return str(_last_nonce)


def hmac384(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha384).hexdigest()


def auth_headers(key: str, secret: str, signed_path: str, body: str = "", nonce: str | None = None):
    """request-api / request-nonce / request-sign over urlpath + nonce + body."""
    nonce = nonce or nonce_ms()
    return {
        "request-api": key,
        "request-nonce": nonce,
        "request-sign": hmac384(secret, signed_path + nonce + body),
        "Content-Type": "application/json",
    }


class Spot:
    """Signed calls to `<rest>/spot/api/...` the way the reference says: sign the path without
    `/spot` and without the query string, and the exact body bytes sent."""

    def __init__(self, rest: str, key: str, secret: str):
        self.base = rest
        self.key = key
        self.secret = secret
        self.http = httpx.Client(base_url=self.base, timeout=10)

    def request(
        self, method: str, path: str, body: Any = None, params: dict | None = None
    ) -> httpx.Response:
        text = "" if body is None else json.dumps(body, separators=(",", ":"))
        headers = auth_headers(self.key, self.secret, path, text)
        return self.http.request(
            method, "/spot" + path, params=params, content=text.encode() or None, headers=headers
        )

    def place(self, **body: Any) -> httpx.Response:
        return self.request("POST", "/api/v3.3/order", body)

    def cancel(self, symbol: str, order_id: str) -> httpx.Response:
        return self.request(
            "DELETE", "/api/v3.3/order", params={"symbol": symbol, "orderID": order_id}
        )

    def close(self) -> None:
        self.http.close()


# ---------------------------------------------------------------- raw sockets


async def recv_json(ws: Any, wait: float = FRAME_TIMEOUT) -> Any:
    """The next JSON frame (skipping bare `pong`)."""
    while True:
        raw = await asyncio.wait_for(ws.recv(), wait)
        if raw == "pong":
            continue
        return json.loads(raw)


async def recv_until(ws: Any, predicate: Any, wait: float = FRAME_TIMEOUT) -> Any:
    """Skip frames until one satisfies `predicate` (within `wait` seconds in total)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        left = deadline - loop.time()
        if left <= 0:
            raise TimeoutError("no matching frame")
        msg = await recv_json(ws, left)
        if predicate(msg):
            return msg


async def ws_login(ws: Any, key: str, secret: str) -> dict:
    nonce = nonce_ms()
    sig = hmac384(secret, "/ws/spot" + nonce)
    await ws.send(json.dumps({"op": "authKeyExpires", "args": [key, nonce, sig]}))
    return await recv_until(ws, lambda m: m.get("event") == "login")


async def ws_subscribe(ws: Any, topics: list[str], op: str = "subscribe") -> dict:
    await ws.send(json.dumps({"op": op, "args": topics}))
    return await recv_until(ws, lambda m: m.get("event") == op)


def connect(url: str) -> Any:
    return websockets.connect(url, open_timeout=5, close_timeout=1, ping_interval=None)


def no_exponent(text: str) -> bool:
    """True if no JSON number in `text` uses exponent notation."""
    return re.search(r"[0-9]\.?[0-9]*[eE][+-]?[0-9]", _strip_strings(text)) is None


def _strip_strings(text: str) -> str:
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
