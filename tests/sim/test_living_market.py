"""The seeded other traders keep the market alive: trades print and books move on their own."""

from __future__ import annotations

from btse_tui.sim.runner import SimServer
from tests.sim.rawbtse import connect, recv_until, ws_subscribe


async def test_trades_print_and_book_moves_without_us(live_sim: SimServer) -> None:
    async with connect(live_sim.urls.ws_spot) as ws, connect(live_sim.urls.ws_oss) as oss:
        await ws_subscribe(ws, ["tradeHistoryApi:ETH-USDT"])
        await ws_subscribe(oss, ["update:ETH-USDT_0"])
        snap = await recv_until(oss, lambda m: m.get("data", {}).get("type") == "snapshot")
        delta = await recv_until(oss, lambda m: m.get("data", {}).get("type") == "delta")
        assert delta["data"]["prevSeqNum"] == snap["data"]["seqNum"]
        first = await recv_until(ws, lambda m: m.get("topic") == "tradeHistoryApi:ETH-USDT")
        later = await recv_until(
            ws,
            lambda m: (
                m.get("topic") == "tradeHistoryApi:ETH-USDT"
                and m["data"][0]["tradeId"] != first["data"][0]["tradeId"]
            ),
        )
        assert later["data"][0]["symbol"] == "ETH-USDT"


def test_flow_rate_is_switchable_at_runtime(live_sim: SimServer) -> None:
    live_sim.flow_rate = 0
    try:
        before = live_sim.call(lambda: live_sim.engine.book_levels("BTC-USDT", 20))
        assert live_sim.call(lambda: live_sim.engine.book_levels("BTC-USDT", 20)) == before
    finally:
        live_sim.flow_rate = 300
