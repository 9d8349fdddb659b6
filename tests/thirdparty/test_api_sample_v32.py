"""BTSE's own api-sample python requests (spot v3.2) trade against the simulator.

`api_sample_v32.py` sends each request exactly as the sample scripts do (same paths, headers,
`requests` bodies and params; only the host differs), one process per sample script. The
bodies below are the samples' own (`spot_place_limit_order`, `spot_place_market_order`,
`spot_cancel_multiple_orders`, `spot_get_trade_history` …); where a sample needs the user's
input (an order id, a market this catalogue lists) the test supplies it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from btse_tui.sim.runner import SimServer

SCRIPT = Path(__file__).with_name("api_sample_v32.py")
V32 = "/api/v3.2"


def sample(sim: SimServer, method: str, path: str, payload: Any = None, public: bool = False):
    """Run one sample-style request in its own process; (HTTP status, JSON body)."""
    assert sim.urls is not None
    key, secret = sim.demo_account
    env = {**os.environ, "API_KEY": key, "API_SECRET_KEY": secret, "API_HOST": sim.urls.rest}
    argv = [sys.executable, str(SCRIPT), method, path]
    if payload is not None:
        argv.append(json.dumps(payload))
    if public:
        argv.append("--public")
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    return out["status"], out["body"]


def test_script_uses_no_project_code() -> None:
    text = SCRIPT.read_text()
    assert "btse_tui" not in text and "tests." not in text


def test_public_samples_read_the_market(sim: SimServer) -> None:
    status, rows = sample(sim, "GET", f"{V32}/market_summary", public=True)
    assert status == 200
    btc = next(r for r in rows if r["symbol"] == "BTC-USD")
    assert btc["lowestAsk"] > btc["highestBid"] > 0 and btc["futures"] is False
    status, book = sample(
        sim, "GET", f"{V32}/orderbook", {"symbol": "BTC-USD", "depth": 10}, public=True
    )
    assert status == 200 and book["symbol"] == "BTC-USD" and book["buyQuote"]
    status, candles = sample(
        sim, "GET", f"{V32}/ohlcv", {"symbol": "BTC-USD", "resolution": 1440}, public=True
    )
    assert status == 200 and len(candles[0]) == 6
    status, clock = sample(sim, "GET", f"{V32}/time", public=True)
    assert status == 200 and clock["epoch"] > 1_600_000_000


def test_sample_orders_place_list_amend_cancel_and_fill(sim: SimServer) -> None:
    key = sim.demo_account.key

    def open_now() -> dict[str, Any]:
        return {r.order_id: r for r in sim.call(lambda: sim.engine.open_orders(key, "BTC-USD"))}

    # spot_place_limit_order.py, its own body
    limit = {
        "clOrderID": "test-order-placement",
        "size": 0.0002,
        "price": 10,
        "side": "BUY",
        "symbol": "BTC-USD",
        "time_in_force": "GTC",
        "txType": "LIMIT",
        "type": "LIMIT",
    }
    status, [placed] = sample(sim, "POST", f"{V32}/order", limit)
    assert status == 200 and placed["status"] == 2
    assert (placed["size"], placed["fillSize"], placed["remainingSize"]) == (0.0002, 0, 0.0002)
    assert placed["originalSize"] == 0.0002 and placed["averageFillPrice"] == 0
    assert "currentOrderBaseSize" not in placed  # v3.3 fields stay out of v3.2 replies
    rec = open_now()[placed["orderID"]]
    assert (rec.price, rec.current_size, rec.cl_order_id) == (
        Decimal(10),
        Decimal("0.0002"),
        "test-order-placement",
    )

    # spot_get_open_orders.py (params={"symbol": …})
    status, rows = sample(sim, "GET", f"{V32}/user/open_orders", {"symbol": "BTC-USD"})
    assert status == 200
    [row] = [r for r in rows if r["orderID"] == placed["orderID"]]
    assert (row["size"], row["filledSize"], row["orderState"]) == (0.0002, 0, "STATUS_ACTIVE")

    # spot_amend_order.py: type ALL with orderPrice and orderSize
    amend = {
        "symbol": "BTC-USD",
        "orderID": placed["orderID"],
        "type": "ALL",
        "orderPrice": 11,
        "orderSize": 0.0003,
    }
    status, [amended] = sample(sim, "PUT", f"{V32}/order", amend)
    assert status == 200 and amended["status"] == 123 and amended["size"] == 0.0003
    rec = open_now()[placed["orderID"]]
    assert (rec.price, rec.current_size) == (Decimal(11), Decimal("0.0003"))

    # spot_cancel_multiple_orders.py: a second order, then DELETE with only the symbol
    second = {**limit, "clOrderID": "test-order-2", "size": 0.00003, "price": 5}
    status, _ = sample(sim, "POST", f"{V32}/order", second)
    assert status == 200 and len(open_now()) == 2
    status, cancelled = sample(sim, "DELETE", f"{V32}/order", {"symbol": "BTC-USD"})
    assert status == 200 and sorted(c["status"] for c in cancelled) == [6, 6]
    assert open_now() == {}

    # spot_place_market_order.py: base-sized market buy, then its fill in trade history
    before = dict((c, t) for c, t, _ in sim.call(lambda: sim.engine.wallet(key)))
    market = {
        "clOrderID": "test-order-placement",
        "size": 0.0005,
        "side": "BUY",
        "symbol": "BTC-USD",
        "txType": "LIMIT",
        "type": "MARKET",
    }
    status, [bought] = sample(sim, "POST", f"{V32}/order", market)
    assert status == 200 and bought["status"] == 4 and bought["fillSize"] == 0.0005
    after = dict((c, t) for c, t, _ in sim.call(lambda: sim.engine.wallet(key)))
    assert after["BTC"] > before["BTC"] and after["USD"] < before["USD"]

    status, trades = sample(
        sim, "GET", f"{V32}/user/trade_history", {"symbol": "BTC-USD", "includeOld": True}
    )
    assert status == 200
    mine = [t for t in trades if t["orderId"] == bought["orderID"]]
    assert sum(Decimal(str(t["filledSize"])) for t in mine) == Decimal("0.0005")
    assert all("averageFillPrice" in t and "avgFilledPrice" not in t for t in mine)

    # spot_get_wallet_balance.py / spot_get_user_fees.py
    status, wallet = sample(sim, "GET", f"{V32}/user/wallet")
    assert status == 200
    usd = next(w for w in wallet if w["currency"] == "USD")
    assert Decimal(str(usd["total"])) == after["USD"]
    status, fees = sample(sim, "GET", f"{V32}/user/fees")
    assert status == 200 and {"symbol": "BTC-USD", "makerFee": 0.001, "takerFee": 0.002} in fees


def test_sample_with_a_wrong_secret_gets_401(sim: SimServer) -> None:
    assert sim.urls is not None
    key, _ = sim.demo_account
    env = {**os.environ, "API_KEY": key, "API_SECRET_KEY": "0" * 64, "API_HOST": sim.urls.rest}
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "GET", f"{V32}/user/open_orders", '{"symbol": "BTC-USD"}'],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert json.loads(proc.stdout)["status"] == 401
