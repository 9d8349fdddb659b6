"""The BTSE quick-start's five steps (seed-quickstart.txt) run against the simulator.

The quick-start's code uses `requests`; here httpx sends the very same bytes (`json.dumps(body)`
with default separators — what `requests(json=...)` sends), so the signature rules are identical.
Step 5 as printed signs the query string, which BTSE rejects: the simulator must answer 401 too.
Only the URLs differ from the printed code. Its blocking calls are kept on purpose (the server
runs on its own thread).
"""
# ruff: noqa: ASYNC210

from __future__ import annotations

import hashlib
import hmac
import json
import time

import httpx
import pytest
import websockets

from btse_tui.sim.context import SimConfig
from btse_tui.sim.runner import SimServer
from tests.sim.rawbtse import recv_until


@pytest.fixture(scope="module")
def qs_sim():
    with SimServer(SimConfig(flow_rate=0)) as server:
        yield server


async def test_quickstart_five_steps(qs_sim: SimServer) -> None:
    API_KEY, API_SECRET = qs_sim.demo_account
    HOST = qs_sim.urls.rest  # was https://testapi.btse.io
    BASE_URL = qs_sim.urls.spot_rest  # was https://testapi.btse.io/spot
    WS_URL = qs_sim.urls.ws_spot  # was wss://testws.btse.io/ws/spot

    # Step 1 — public market data
    resp = httpx.get(HOST + "/public-api/market/v1/markets")
    symbols = resp.json()["data"]["symbols"]
    btc = next(s for s in symbols if s["symbol"] == "BTC-USDT")
    assert btc["minOrderSize"] and btc["active"] is True
    curl = httpx.get(HOST + "/public-api/market/v1/markets?symbol=BTC-USDT").json()
    assert [s["symbol"] for s in curl["data"]["symbols"]] == ["BTC-USDT"]

    # Step 2 — the signing helper, as written (requests → httpx with identical bytes)
    def signed_request(method, path, body=None):
        nonce = str(int(time.time() * 1000))
        body_str = json.dumps(body) if body else ""
        message = path + nonce + body_str
        signature = hmac.new(API_SECRET.encode(), message.encode(), hashlib.sha384).hexdigest()
        headers = {
            "request-api": API_KEY,
            "request-nonce": nonce,
            "request-sign": signature,
            "Content-Type": "application/json",
        }
        url = BASE_URL + path
        if method == "GET":
            return httpx.get(url, headers=headers)
        elif method == "POST":
            return httpx.post(url, headers=headers, content=json.dumps(body))
        elif method == "DELETE":
            return httpx.delete(url, headers=headers)

    # Step 4 (opened first so step 3's and 5's notifications are seen)
    async with websockets.connect(WS_URL) as ws:
        nonce = str(int(time.time() * 1000))
        sig = hmac.new(API_SECRET.encode(), f"/ws/spot{nonce}".encode(), hashlib.sha384).hexdigest()
        await ws.send(json.dumps({"op": "authKeyExpires", "args": [API_KEY, nonce, sig]}))
        await ws.send(json.dumps({"op": "subscribe", "args": ["notificationApiV3"]}))
        assert (await recv_until(ws, lambda m: "event" in m)) == {"event": "login", "success": True}
        ack = await recv_until(ws, lambda m: m.get("event") == "subscribe")
        assert ack["channel"] == ["notificationApiV3"]

        # Step 3 — a test order
        order = {
            "symbol": "BTC-USD",
            "side": "BUY",
            "type": "LIMIT",
            "price": 20000,
            "size": 0.001,
            "time_in_force": "GTC",
        }
        resp = signed_request("POST", "/api/v3.3/order", order)
        result = resp.json()
        order_id = result[0]["orderID"]
        assert resp.status_code == 200 and result[0]["status"] == 2
        note = await recv_until(ws, lambda m: m.get("topic") == "notificationApiV3")
        assert note["data"]["orderID"] == order_id and note["data"]["status"] == 2

        # Step 5 — exactly as printed: the query string is signed → 401, as on BTSE
        resp = signed_request("DELETE", f"/api/v3.3/order?symbol=BTC-USD&orderID={order_id}")
        assert resp.status_code == 401
        assert resp.json()["message"] == "Signature verification failed"

        # Step 5 — signed correctly: path only, parameters in the query string
        nonce = str(int(time.time() * 1000))
        signature = hmac.new(
            API_SECRET.encode(), f"/api/v3.3/order{nonce}".encode(), hashlib.sha384
        ).hexdigest()
        headers = {"request-api": API_KEY, "request-nonce": nonce, "request-sign": signature}
        resp = httpx.delete(
            BASE_URL + "/api/v3.3/order",
            params={"symbol": "BTC-USD", "orderID": order_id},
            headers=headers,
        )
        assert resp.status_code == 200 and resp.json()[0]["status"] == 6
        note = await recv_until(ws, lambda m: m.get("topic") == "notificationApiV3")
        assert note["data"]["orderID"] == order_id and note["data"]["status"] == 6
