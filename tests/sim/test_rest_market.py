"""Public market data against btse-api.md §3 (shapes, types, parameters, errors)."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import httpx

from tests.sim.rawbtse import no_exponent

MK = "/public-api/market/v1"
SPOT = "/spot/api/v3.3"


def envelope(resp: httpx.Response) -> object:
    assert resp.status_code == 200, resp.text
    assert no_exponent(resp.text)
    body = resp.json()
    assert body["success"] is True and body["code"] == 1 and body["msg"] == "Success"
    assert isinstance(body["time"], int) and abs(body["time"] - time.time() * 1000) < 60_000
    return body["data"]


def assert_param_error(resp: httpx.Response, fragment: str = "") -> None:
    assert resp.status_code == 400
    body = resp.json()
    assert body["success"] is False and body["code"] == 10010004 and body["data"] == []
    assert body["msg"].startswith("Request parameter is invalid: ")
    assert fragment in body["msg"]


def test_markets_rows_are_strings_with_int_precisions(public: httpx.Client) -> None:
    symbols = envelope(public.get(f"{MK}/markets"))["symbols"]
    assert len(symbols) >= 30
    btc = next(s for s in symbols if s["symbol"] == "BTC-USDT")
    assert btc["type"] == "Spot" and btc["category"] == "CRYPTO"
    assert btc["baseCurrency"] == "BTC" and btc["quoteCurrency"] == "USDT"
    assert btc["tradeCurrency"] == "BTC" and btc["active"] is True
    for field in ("minOrderPrice", "minPriceIncrement", "minOrderSize", "maxOrderSize"):
        assert isinstance(btc[field], str)
        Decimal(btc[field])
    assert isinstance(btc["minSizeIncrement"], str)
    assert isinstance(btc["pricePrecision"], int) and isinstance(btc["sizePrecision"], int)
    assert Decimal(btc["minPriceIncrement"]) == Decimal(1).scaleb(-btc["pricePrecision"])
    assert any(s["active"] is False for s in symbols)  # an inactive market exists


def test_market_selectors_symbol_symbols_types(public: httpx.Client) -> None:
    one = envelope(public.get(f"{MK}/markets", params={"symbol": "ETH-USDT"}))["symbols"]
    assert [r["symbol"] for r in one] == ["ETH-USDT"]
    two = envelope(public.get(f"{MK}/exchangeInfo", params={"symbols": '["BTC-USDT","ETH-USD"]'}))[
        "symbols"
    ]
    assert sorted(r["symbol"] for r in two) == ["BTC-USDT", "ETH-USD"]
    spot = envelope(public.get(f"{MK}/markets", params={"types": '["Spot"]'}))["symbols"]
    assert len(spot) >= 30
    perps = envelope(public.get(f"{MK}/markets", params={"types": '["FuturesPerpetual"]'}))
    assert perps["symbols"] == []


def test_selector_errors(public: httpx.Client) -> None:
    assert_param_error(
        public.get(f"{MK}/ticker/24hr", params={"symbol": "BTC-USDT", "types": '["Spot"]'}),
        "mutually exclusive",
    )
    assert_param_error(public.get(f"{MK}/markets", params={"types": "Spot"}), "Invalid json format")
    assert_param_error(public.get(f"{MK}/markets", params={"symbol": "NOPE-USDT"}))


def test_exchange_info_carries_the_rate_limit(public: httpx.Client) -> None:
    data = envelope(public.get(f"{MK}/exchangeInfo"))
    assert data["rateLimits"] == [
        {"type": "RAW_REQUEST", "interval": "SECOND", "intervalNum": 2, "limit": 50}
    ]
    assert data["symbols"][0].keys() >= {"symbol", "minPriceIncrement", "sizePrecision"}


def test_ticker_24hr_strings_except_times(public: httpx.Client) -> None:
    rows = envelope(
        public.get(f"{MK}/ticker/24hr", params={"symbol": "BTC-USDT", "isFull": "true"})
    )
    (row,) = rows
    for field in (
        "lastPrice",
        "openPrice",
        "highPrice",
        "lowPrice",
        "amount",
        "volume",
        "priceChange",
        "priceChangePercent",
        "prevClosePrice",
        "bidPrice",
        "bidQty",
        "askPrice",
        "askQty",
    ):
        assert isinstance(row[field], str), field
    assert isinstance(row["openTime"], int) and isinstance(row["closeTime"], int)
    assert row["closeTime"] - row["openTime"] == 86_400  # seconds, as BTSE sends them
    assert Decimal(row["bidPrice"]) < Decimal(row["askPrice"])
    all_rows = envelope(public.get(f"{MK}/ticker/24hr"))
    assert len(all_rows) >= 30


def test_orderbook_depths(public: httpx.Client) -> None:
    data = envelope(public.get(f"{MK}/orderbook", params={"symbol": "BTC-USDT"}))
    assert len(data["bids"]) == 10 and len(data["asks"]) == 10  # omitted → 10
    assert isinstance(data["timestamp"], int)
    for price, size in data["bids"] + data["asks"]:
        assert isinstance(price, str) and isinstance(size, str)
    bids = [Decimal(p) for p, _ in data["bids"]]
    asks = [Decimal(p) for p, _ in data["asks"]]
    assert bids == sorted(bids, reverse=True)
    assert max(bids) < min(asks)
    for depth in (5, 20):
        data = envelope(
            public.get(f"{MK}/orderbook", params={"symbol": "BTC-USDT", "depth": depth})
        )
        assert len(data["bids"]) == depth
    assert_param_error(
        public.get(f"{MK}/orderbook", params={"symbol": "BTC-USDT", "depth": 7}), "Invalid depth"
    )
    assert_param_error(public.get(f"{MK}/orderbook"), "symbol")


def test_trades_rows(public: httpx.Client, spot) -> None:
    # make a print: a market buy against the seeded book
    assert spot.place(symbol="ETH-USDT", side="BUY", type="MARKET", size=0.01).status_code == 200
    rows = envelope(public.get(f"{MK}/trades", params={"symbol": "ETH-USDT", "limit": 5}))
    assert 1 <= len(rows) <= 5
    row = rows[0]
    assert isinstance(row["id"], int) and isinstance(row["timestamp"], int)
    assert row["side"] in ("BUY", "SELL")
    assert Decimal(row["quoteSize"]) == Decimal(row["price"]) * Decimal(row["size"])
    assert_param_error(public.get(f"{MK}/trades", params={"symbol": "ETH-USDT", "limit": 501}))


def test_klines_seconds_strings_and_range_rule(public: httpx.Client) -> None:
    params = {"symbol": "BTC-USDT", "resolution": 60}
    rows = envelope(public.get(f"{MK}/klines", params=params))
    assert len(rows) == 10  # limit omitted → 10
    for row in rows:
        assert len(row) == 6 and all(isinstance(v, str) for v in row)
        assert Decimal(row[2]) >= Decimal(row[3])  # high >= low
    times = [int(r[0]) for r in rows]
    assert times == sorted(times) and all(t % 3600 == 0 for t in times)
    assert abs(times[-1] - time.time()) < 2 * 3600  # seconds, not ms
    start = times[0]
    rows = envelope(public.get(f"{MK}/klines", params={**params, "start": start, "limit": 3}))
    assert [int(r[0]) for r in rows] == [start, start + 3600, start + 7200]
    assert_param_error(
        public.get(f"{MK}/klines", params={**params, "start": start, "end": start + 20 * 3600})
    )
    assert_param_error(public.get(f"{MK}/klines", params={**params, "resolution": 7}))


def test_legacy_market_summary_numbers(public: httpx.Client) -> None:
    resp = public.get(f"{SPOT}/market_summary", params={"symbol": "BTC-USDT"})
    assert resp.status_code == 200 and no_exponent(resp.text)
    (row,) = resp.json()
    for field in ("last", "lowestAsk", "highestBid", "volume", "size", "minValidPrice"):
        assert isinstance(row[field], int | float), field
    assert row["minPriceIncrement"] == 0.1 and row["minOrderSize"] == 0.00001
    assert '"minOrderSize":0.00001' in resp.text  # exact, no exponent
    assert row["base"] == "BTC" and row["quote"] == "USDT" and row["futures"] is False
    assert row["lowestAsk"] > row["highestBid"]
    assert len(public.get(f"{SPOT}/market_summary").json()) >= 30
    bad = public.get(f"{SPOT}/market_summary", params={"symbol": "NOPE-USDT"})
    assert bad.status_code == 400 and bad.json()["errorCode"] == -7006


def test_legacy_orderbooks_use_string_quotes(public: httpx.Client) -> None:
    for path, params in (
        ("/orderbook/L2", {"symbol": "ETH-USDT", "depth": 5}),
        ("/orderbook", {"symbol": "ETH-USDT", "limit_bids": 5, "limit_asks": 5}),
    ):
        body = public.get(SPOT + path, params=params).json()
        assert body["symbol"] == "ETH-USDT" and isinstance(body["timestamp"], int)
        assert len(body["buyQuote"]) == 5 and len(body["sellQuote"]) == 5
        for q in body["buyQuote"] + body["sellQuote"]:
            assert isinstance(q["price"], str) and isinstance(q["size"], str)
        best_bid = max(Decimal(q["price"]) for q in body["buyQuote"])
        best_ask = min(Decimal(q["price"]) for q in body["sellQuote"])
        assert best_bid < best_ask
    grouped = public.get(f"{SPOT}/orderbook/L2", params={"symbol": "ETH-USDT", "group": 2}).json()
    for q in grouped["buyQuote"]:
        assert Decimal(q["price"]) % Decimal("1") == 0  # tick 0.01 × 10² buckets


def test_legacy_trades_time_price(public: httpx.Client, spot) -> None:
    spot.place(symbol="BTC-USDT", side="SELL", type="MARKET", size=0.001)
    rows = public.get(f"{SPOT}/trades", params={"symbol": "BTC-USDT", "count": 3}).json()
    assert 1 <= len(rows) <= 3
    assert rows[0].keys() == {"price", "size", "side", "symbol", "serialId", "timestamp"}
    assert isinstance(rows[0]["price"], int | float)
    t = public.get(f"{SPOT}/time").json()
    assert isinstance(t["epoch"], int) and abs(t["epoch"] - time.time()) < 60  # seconds
    assert t["iso"].endswith("Z") and t["iso"][:4].isdigit()
    (price,) = public.get(f"{SPOT}/price", params={"symbol": "BTC-USDT"}).json()
    assert price.keys() == {"symbol", "indexPrice", "lastPrice", "markPrice"}
    assert price["markPrice"] == 0


def test_unknown_path_is_404_and_time_is_not_under_markets_api(public: httpx.Client) -> None:
    missing = public.get(f"{MK}/time")
    assert missing.status_code == 404 and missing.content == b""
    assert public.get("/spot/api/v3.3/nope").status_code == 404


def test_symbols_json_array_must_be_json(public: httpx.Client) -> None:
    assert_param_error(public.get(f"{MK}/ticker/24hr", params={"symbols": "BTC-USDT"}))
    ok = envelope(
        public.get(f"{MK}/ticker/24hr", params={"symbols": json.dumps(["BTC-USDT", "ETH-USDT"])})
    )
    assert sorted(r["symbol"] for r in ok) == ["BTC-USDT", "ETH-USDT"]
