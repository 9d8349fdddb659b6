"""A stand-alone BTSE client written only from btse-api.md (httpx, websockets, hmac).

Usage: python raw_client_script.py REST_ROOT WS_SPOT_URL API_KEY API_SECRET
It lists markets, places a limit buy that partly fills, waits for its notificationApiV3 and
fills frames, cancels the rest, and prints a JSON summary on stdout.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import sys
import time
from decimal import Decimal

import httpx
import websockets

SYMBOL = "ETH-USDT"


def sign(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha384).hexdigest()


_last_nonce = 0


def next_nonce() -> str:
    """Epoch milliseconds, strictly increasing: two calls in one millisecond never share one."""
    global _last_nonce
    _last_nonce = max(int(time.time() * 1000), _last_nonce + 1)
    return str(_last_nonce)


def headers(key: str, secret: str, path: str, body: str = "") -> dict:
    nonce = next_nonce()
    return {
        "request-api": key,
        "request-nonce": nonce,
        "request-sign": sign(secret, path + nonce + body),
        "Content-Type": "application/json",
    }


async def next_frame(ws, want) -> dict:
    while True:
        raw = await asyncio.wait_for(ws.recv(), 10)
        if raw == "pong":
            continue
        msg = json.loads(raw)
        if want(msg):
            return msg


async def main(rest: str, ws_url: str, key: str, secret: str) -> dict:
    out: dict = {}
    async with httpx.AsyncClient(base_url=rest, timeout=10) as http:
        markets = (await http.get("/public-api/market/v1/markets")).json()["data"]["symbols"]
        out["markets"] = len(markets)
        spec = next(m for m in markets if m["symbol"] == SYMBOL)
        lot = Decimal(spec["minSizeIncrement"])
        book = (
            await http.get("/public-api/market/v1/orderbook", params={"symbol": SYMBOL})
        ).json()["data"]
        best_price, best_size = min(((Decimal(p), Decimal(s)) for p, s in book["asks"]))
        size = best_size + lot * 100  # more than the best ask holds → a partial fill

        async with websockets.connect(ws_url) as ws:
            nonce = next_nonce()
            await ws.send(
                json.dumps(
                    {"op": "authKeyExpires", "args": [key, nonce, sign(secret, "/ws/spot" + nonce)]}
                )
            )
            login = await next_frame(ws, lambda m: m.get("event") == "login")
            out["login"] = login["success"]
            await ws.send(json.dumps({"op": "subscribe", "args": ["notificationApiV3", "fills"]}))
            await next_frame(ws, lambda m: m.get("event") == "subscribe")

            body = json.dumps(
                {
                    "symbol": SYMBOL,
                    "side": "BUY",
                    "type": "LIMIT",
                    "price": format(best_price, "f"),
                    "size": format(size, "f"),
                    "time_in_force": "GTC",
                    "clOrderID": "raw-script",
                },
                separators=(",", ":"),
            )
            resp = await http.post(
                "/spot/api/v3.3/order",
                content=body,
                headers=headers(key, secret, "/api/v3.3/order", body),
            )
            (ack,) = resp.json()
            order_id = ack["orderID"]
            out["placed_status"] = ack["status"]
            fills = await next_frame(
                ws,
                lambda m: (
                    m.get("topic") == "fills" and any(f["orderId"] == order_id for f in m["data"])
                ),
            )
            out["filled"] = str(sum(Decimal(f["size"]) for f in fills["data"]))
            note = await next_frame(
                ws,
                lambda m: (
                    m.get("topic") == "notificationApiV3" and m["data"]["orderID"] == order_id
                ),
            )
            out["notified_status"] = note["data"]["status"]

            resp = await http.delete(
                "/spot/api/v3.3/order",
                params={"symbol": SYMBOL, "orderID": order_id},
                headers=headers(key, secret, "/api/v3.3/order"),
            )
            out["cancel_status"] = resp.json()[0]["status"]
            note = await next_frame(
                ws,
                lambda m: (
                    m.get("topic") == "notificationApiV3"
                    and m["data"]["orderID"] == order_id
                    and m["data"]["status"] == 6
                ),
            )
            out["cancel_notified"] = note["data"]["status"]
            out["best_ask_size"] = str(best_size)
    return out


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(*sys.argv[1:5]))))
