"""Every fault switches on and off, and a raw client notices exactly what the switch promises."""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

import httpx
import pytest
import websockets

from btse_tui.sim.cli import _handle
from btse_tui.sim.faults import FAULTS, Faults
from btse_tui.sim.runner import SimServer
from tests.sim.rawbtse import Spot, auth_headers, connect, recv_until, ws_login, ws_subscribe

QUIET = 0.3  # how long "nothing arrives" is watched for


async def pong_within(ws, wait: float) -> bool:
    await ws.send("ping")
    try:
        while await asyncio.wait_for(ws.recv(), wait) != "pong":
            pass
    except TimeoutError:
        return False
    return True


async def test_drop_sockets(sim: SimServer) -> None:
    async with connect(sim.urls.ws_spot) as a, connect(sim.urls.ws_oss) as b:
        sim.faults.drop_sockets = True
        for ws in (a, b):
            with pytest.raises(websockets.ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 5)
    async with connect(sim.urls.ws_spot) as c:  # accepted, then closed at once
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(c.recv(), 5)
    sim.faults.drop_sockets = False
    async with connect(sim.urls.ws_spot) as d:
        assert await pong_within(d, 5)


async def test_stall_keeps_tcp_open_but_sends_nothing(sim: SimServer, spot: Spot) -> None:
    async with connect(sim.urls.ws_oss) as ws:
        await ws_subscribe(ws, ["update:ETH-USDT_0"])
        await recv_until(ws, lambda m: m.get("topic") == "update:ETH-USDT_0")
        sim.faults.stall = True
        assert not await pong_within(ws, QUIET)
        spot.place(symbol="ETH-USDT", side="BUY", type="MARKET", size=0.01)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(ws.recv(), QUIET)
        assert ws.state is websockets.State.OPEN
        sim.faults.stall = False
        assert await pong_within(ws, 5)


def test_delay_responses(sim: SimServer, public: httpx.Client) -> None:
    sim.faults.delay_s = 0.4
    start = time.monotonic()
    assert public.get("/spot/api/v3.3/time").status_code == 200
    assert time.monotonic() - start >= 0.4
    sim.faults.delay_s = 0
    start = time.monotonic()
    public.get("/spot/api/v3.3/time")
    assert time.monotonic() - start < 0.4


def test_429_with_retry_after_seconds(sim: SimServer, public: httpx.Client, spot: Spot) -> None:
    sim.faults.retry_after_s = 3
    sim.faults.http_429 = True
    resp = public.get("/public-api/market/v1/markets")
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "3"
    assert resp.json()["status"] == 429
    assert spot.request("GET", "/api/v3.3/user/fees").status_code == 429
    sim.faults.http_429 = False
    assert public.get("/public-api/market/v1/markets").status_code == 200


def test_500(sim: SimServer, public: httpx.Client) -> None:
    sim.faults.http_500 = True
    resp = public.get("/spot/api/v3.3/time")
    assert resp.status_code == 500 and resp.json()["status"] == 500
    sim.faults.http_500 = False
    assert public.get("/spot/api/v3.3/time").status_code == 200


def test_order_timeout_places_the_order_but_never_answers(sim: SimServer, spot: Spot) -> None:
    sim.faults.order_timeout = True
    with pytest.raises(httpx.ReadTimeout):
        spot.http.post(
            "/spot/api/v3.3/order",
            content=b'{"symbol":"ETH-USDT","side":"BUY","type":"LIMIT","price":1300,'
            b'"size":0.01,"clOrderID":"lost-reply"}',
            headers=_headers(
                spot,
                '{"symbol":"ETH-USDT","side":"BUY","type":"LIMIT",'
                '"price":1300,"size":0.01,"clOrderID":"lost-reply"}',
            ),
            timeout=0.5,
        )
    sim.faults.order_timeout = False
    rows = spot.request(
        "GET", "/api/v3.3/user/open_orders", params={"clOrderID": "lost-reply"}
    ).json()
    assert len(rows) == 1 and rows[0]["price"] == 1300  # the order IS placed
    (cancelled,) = spot.cancel("ETH-USDT", rows[0]["orderID"]).json()
    assert cancelled["status"] == 6


def _headers(spot: Spot, body: str) -> dict:
    return auth_headers(spot.key, spot.secret, "/api/v3.3/order", body)


async def test_skip_seq_and_crossed_delta(sim: SimServer, spot: Spot) -> None:
    topic = "update:XRP-USDT_0"
    async with connect(sim.urls.ws_oss) as ws:
        await ws_subscribe(ws, [topic])
        last = (await recv_until(ws, lambda m: m.get("topic") == topic))["data"]["seqNum"]

        async def next_delta(price: str) -> dict:
            (placed,) = spot.place(
                symbol="XRP-USDT", side="BUY", type="LIMIT", price=price, size=1
            ).json()
            spot.cancel("XRP-USDT", placed["orderID"])
            return (await recv_until(ws, lambda m: m.get("topic") == topic))["data"]

        sim.faults.skip_seq = True
        gap = await next_delta("1.5")
        assert gap["prevSeqNum"] != last and gap["seqNum"] == gap["prevSeqNum"] + 1
        sim.faults.skip_seq = False
        await recv_until(ws, lambda m: m.get("topic") == topic)  # the cancel's delta
        ok = await next_delta("1.5")
        after = (await recv_until(ws, lambda m: m.get("topic") == topic))["data"]
        assert after["prevSeqNum"] == ok["seqNum"]

        sim.faults.crossed_delta = True
        crossed = await next_delta("1.4")
        book = await sim.acall(lambda: sim.engine.book_levels("XRP-USDT", 1))
        best_ask = book[1][0][0]
        assert any(Decimal(p) >= best_ask for p, s in crossed["bids"] if s != "0")  # crosses
        sim.faults.crossed_delta = False
        await recv_until(ws, lambda m: m.get("topic") == topic)  # the cancel's delta
        clean = await next_delta("1.4")
        assert all(Decimal(p) < best_ask for p, s in clean["bids"] if s != "0")


async def test_reject_auth_after_accepting_the_socket(sim: SimServer) -> None:
    key, secret = sim.demo_account
    sim.faults.reject_auth = True
    async with connect(sim.urls.ws_spot) as ws:
        assert await ws_login(ws, key, secret) == {"event": "login", "success": False}
        sim.faults.reject_auth = False
        assert await ws_login(ws, key, secret) == {"event": "login", "success": True}


def test_fault_control_endpoint_and_console(sim: SimServer, public: httpx.Client) -> None:
    resp = public.post("/_sim/faults", json={"http_500": True})
    assert resp.json()["http_500"] is True and sim.faults.http_500 is True
    public.post("/_sim/faults", json={"http_500": False})
    assert public.get("/_sim/faults").json() == {n: d for n, (d, _h) in FAULTS.items()}
    lines: list[str] = []
    assert _handle("fault delay_s=0.25", sim, lines.append)
    assert sim.faults.delay_s == 0.25
    assert _handle("reset", sim, lines.append) and sim.faults.delay_s == 0
    assert _handle("rate 0", sim, lines.append) and sim.flow_rate == 0
    assert not _handle("quit", sim, lines.append)


def test_faults_object_validates_names_and_notifies() -> None:
    faults = Faults()
    seen: list[tuple[str, object]] = []
    remove = faults.on_change(lambda n, v: seen.append((n, v)))
    faults.set("stall")
    faults.set("stall=off")
    faults.set("retry-after-s=7")
    assert seen == [("stall", True), ("stall", False), ("retry_after_s", 7)]
    remove()
    with pytest.raises(AttributeError):
        faults.nope = True
    assert faults.active() == {"retry_after_s": 7}
    faults.reset()
    assert faults.active() == {}
