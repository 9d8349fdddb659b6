"""REST codec: every reply shape of btse-api.md §3–§4, decoded from the reference examples."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from btse_tui.protocol import codec
from btse_tui.protocol.errors import ApiError, ProtocolError
from btse_tui.protocol.models import OrderStatus, Side, TxType

MARKETS = b"""{"success":true,"code":1,"msg":"Success","time":1700000000123,
 "data":{"symbols":[{"symbol":"ETH-USDT","type":"Spot","category":"CRYPTO","tradeCurrency":"ETH",
  "baseCurrency":"ETH","quoteCurrency":"USDT","displayName":"Ethereum","active":true,
  "minOrderPrice":"0.01","minPriceIncrement":"0.01","pricePrecision":2,"minOrderSize":"0.0001",
  "maxOrderSize":"500","minSizeIncrement":"0.0001","sizePrecision":4}]}}"""

ACK = b"""[{"status":2,"symbol":"ETH-USDT","orderType":76,"price":2500,"side":"BUY",
  "orderID":"0d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d","timestamp":1700000000456,"triggerPrice":0,
  "stopPrice":null,"trigger":false,"message":"","clOrderID":"cli-42","stealth":1,"deviation":1,
  "postOnly":false,"orderDetailType":null,"originalOrderBaseSize":0.01,"originalOrderQuoteSize":null,
  "currentOrderBaseSize":0.01,"currentOrderQuoteSize":null,"remainingOrderBaseSize":0.01,
  "remainingOrderQuoteSize":null,"filledBaseSize":0,"totalFilledBaseSize":0,"orderCurrency":"base",
  "avgFilledPrice":0,"time_in_force":"GTC"}]"""


def test_markets_envelope_row() -> None:
    [m] = codec.markets(MARKETS)
    assert (m.symbol, m.base, m.quote, m.type, m.display_name) == (
        "ETH-USDT",
        "ETH",
        "USDT",
        "Spot",
        "Ethereum",
    )
    assert m.active is True
    assert (m.min_price, m.tick, m.min_size, m.max_size, m.lot) == (
        D("0.01"),
        D("0.01"),
        D("0.0001"),
        D("500"),
        D("0.0001"),
    )
    assert (m.price_precision, m.size_precision) == (2, 4)


def test_markets_keeps_futures_rows_with_their_type() -> None:
    obj = codec.loads(MARKETS)
    row = dict(obj["data"]["symbols"][0], symbol="BTC-PERP-USDT", type="FuturesPerpetual")
    obj["data"]["symbols"].append(row)
    found = codec.markets(obj)
    assert [(m.symbol, m.type) for m in found] == [
        ("ETH-USDT", "Spot"),
        ("BTC-PERP-USDT", "FuturesPerpetual"),
    ]


def test_markets_refresh_reads_each_row_anew_when_it_changed() -> None:
    """A refresh that repeats a row gives the same market; a changed tick or precision, or a
    row refused once, is read again, never taken from an earlier reply."""
    first_market = codec.markets(MARKETS)[0]
    assert codec.markets(MARKETS) == [first_market]
    obj = codec.loads(MARKETS)
    obj["data"]["symbols"][0]["minPriceIncrement"] = "0.05"
    assert codec.markets(obj)[0].tick == D("0.05")
    one = codec.loads(MARKETS)
    one["data"]["symbols"][0]["pricePrecision"] = 1
    assert codec.markets(one)[0].price_precision == 1
    refused = codec.loads(MARKETS)
    refused["data"]["symbols"][0]["pricePrecision"] = 99
    for _ in range(2):
        dropped: list = []
        assert codec.markets(refused, dropped) == []
        assert [bad.field for bad in dropped] == ["pricePrecision"]
    assert codec.markets(MARKETS) == [first_market]


def test_markets_missing_tick_is_a_protocol_error() -> None:
    obj = codec.loads(MARKETS)
    del obj["data"]["symbols"][0]["minPriceIncrement"]
    with pytest.raises(ProtocolError, match="minPriceIncrement"):
        codec.markets(obj)


def test_envelope_with_success_false_raises_api_error() -> None:
    body = (
        b'{"success":false,"code":10010004,"msg":"Request parameter is invalid: depth",'
        b'"time":1700000000123,"data":[]}'
    )
    with pytest.raises(ApiError) as info:
        codec.tickers(body)
    assert info.value.code == 10010004
    assert "depth" in info.value.message


def test_exchange_info_rate_limits_and_symbols() -> None:
    row = codec.loads(MARKETS)["data"]["symbols"][0]
    obj = {
        "success": True,
        "code": 1,
        "msg": "Success",
        "time": 1,
        "data": {
            "rateLimits": [
                {"type": "RAW_REQUEST", "interval": "SECOND", "intervalNum": 2, "limit": 50}
            ],
            "symbols": [row],
        },
    }
    info = codec.exchange_info(obj)
    [rule] = info.rate_limits
    assert (rule.type, rule.interval, rule.interval_num, rule.limit) == (
        "RAW_REQUEST",
        "SECOND",
        2,
        50,
    )
    assert [m.symbol for m in info.markets] == ["ETH-USDT"]


def test_ticker_24hr_strings_amount_is_base_volume_is_quote() -> None:
    row = {
        "symbol": "ETH-USDT",
        "lastPrice": "2500.5",
        "openPrice": "2450",
        "highPrice": "2510",
        "lowPrice": "2440",
        "amount": "1234.5",
        "volume": "3086250.75",
        "openTime": 1699913600,
        "closeTime": 1700000000,
        "priceChange": "50.5",
        "priceChangePercent": "0.021",
        "prevClosePrice": "2450",
        "bidPrice": "2500.4",
        "bidQty": "1.5",
        "askPrice": "2500.6",
        "askQty": "0.7",
    }
    [t] = codec.tickers({"success": True, "code": 1, "msg": "Success", "time": 1, "data": [row]})
    assert t.last == D("2500.5") and t.open == D("2450")
    assert (t.high, t.low) == (D("2510"), D("2440"))
    assert t.volume_base == D("1234.5") and t.volume_quote == D("3086250.75")
    assert t.change == D("50.5") and t.change_pct == D("2.1")  # a ratio on the wire
    assert (t.bid, t.bid_size, t.ask, t.ask_size) == (D("2500.4"), D("1.5"), D("2500.6"), D("0.7"))
    assert t.time_ms == 1700000000000


def test_ticker_close_time_in_seconds_reads_as_ms() -> None:
    """BTSE sends ticker/24hr openTime/closeTime in epoch seconds (observed live)."""
    row = {"symbol": "BTC-USDT", "lastPrice": "1", "openTime": 1699913600, "closeTime": 1700000000}
    [t] = codec.tickers({"success": True, "code": 1, "msg": "Success", "time": 1, "data": [row]})
    assert t.time_ms == 1_700_000_000_000


def test_ticker_blank_fields_are_none() -> None:
    [t] = codec.tickers([{"symbol": "NEW-USDT", "lastPrice": "", "bidPrice": None}])
    assert t.last is None and t.bid is None


def test_orderbook_sorted_by_price_even_with_descending_asks() -> None:
    obj = {
        "success": True,
        "code": 1,
        "msg": "Success",
        "time": 1,
        "data": {
            "timestamp": 1700000000000,
            "bids": [["2499.9", "1"], ["2500.0", "2"], ["2499.5", "3"]],
            "asks": [["2502.0", "1"], ["2501.0", "2"], ["2500.5", "3"]],
        },
    }
    book = codec.orderbook(obj, "ETH-USDT")
    assert book.symbol == "ETH-USDT" and book.timestamp_ms == 1700000000000
    assert [lv.price for lv in book.bids] == [D("2500.0"), D("2499.9"), D("2499.5")]
    assert [lv.price for lv in book.asks] == [D("2500.5"), D("2501.0"), D("2502.0")]
    assert book.asks[0].size == D("3")


def test_legacy_orderbook_buy_and_sell_quotes() -> None:
    obj = {
        "buyQuote": [{"price": "2499.9", "size": "1.5"}, {"price": "2500", "size": "0.1"}],
        "sellQuote": [{"price": "2501", "size": "2"}, {"price": "2500.5", "size": "0.3"}],
        "timestamp": 1700000000000,
        "symbol": "ETH-USDT",
    }
    book = codec.legacy_orderbook(obj)
    assert book.symbol == "ETH-USDT"
    assert book.bids[0].price == D("2500") and book.asks[0].price == D("2500.5")


def test_markets_api_trades() -> None:
    rows = [
        {
            "id": 91151062,
            "timestamp": 1700000000000,
            "price": "2500.5",
            "size": "0.25",
            "quoteSize": "625.125",
            "side": "BUY",
        }
    ]
    [t] = codec.trades({"success": True, "code": 1, "msg": "", "time": 1, "data": rows}, "ETH-USDT")
    assert (t.symbol, t.trade_id, t.price, t.size, t.side) == (
        "ETH-USDT",
        "91151062",
        D("2500.5"),
        D("0.25"),
        Side.BUY,
    )


def test_legacy_trades_rows_with_numbers() -> None:
    rows = [
        {
            "price": 2499.5,
            "size": 0.0199,
            "side": "SELL",
            "symbol": "ETH-USDT",
            "serialId": 1234,
            "timestamp": 1700000001000,
        }
    ]
    [t] = codec.trades(rows, "IGNORED")
    assert t.symbol == "ETH-USDT" and t.trade_id == "1234"
    assert t.price == D("2499.5") and t.size == D("0.0199")  # exact, not binary float noise
    assert t.side is Side.SELL


def test_klines_strings_and_legacy_numbers() -> None:
    markets_api = {
        "success": True,
        "code": 1,
        "msg": "",
        "time": 1,
        "data": [["1700000000", "2500", "2510.5", "2490", "2505", "123456.78"]],
    }
    [c] = codec.klines(markets_api)
    assert (c.open_time_s, c.open, c.high, c.low, c.close, c.volume) == (
        1700000000,
        D("2500"),
        D("2510.5"),
        D("2490"),
        D("2505"),
        D("123456.78"),
    )
    [legacy] = codec.klines([[1700000000, 2500, 2510.5, 2490, 2505, 123456.78]])
    assert legacy == c


def test_market_summary_legacy_row() -> None:
    row = {
        "symbol": "BTC-USDT",
        "last": 50000.5,
        "lowestAsk": 50001,
        "highestBid": 50000,
        "percentageChange": -1.25,
        "volume": 1234567.89,
        "high24Hr": 51000,
        "low24Hr": 49000,
        "base": "BTC",
        "quote": "USDT",
        "active": True,
        "size": 24.5,
        "minValidPrice": 0.1,
        "minPriceIncrement": 0.1,
        "minOrderSize": 0.00001,
        "maxOrderSize": 2000,
        "minSizeIncrement": 0.00001,
        "openTime": 0,
        "closeTime": 0,
        "startMatching": 0,
        "inactiveTime": 0,
        "futures": False,
        "isMarketOpenToOtc": True,
        "isMarketOpenToSpot": True,
        "openInterest": 0,
        "fundingRate": 0,
        "availableSettlement": None,
    }
    [(market, ticker)] = codec.market_summary([row])
    assert (market.symbol, market.base, market.quote, market.type) == (
        "BTC-USDT",
        "BTC",
        "USDT",
        "Spot",
    )
    assert market.min_price == D("0.1") and market.tick == D("0.1")
    assert market.min_size == D("0.00001") and market.lot == D("0.00001")
    assert market.size_precision == 5 and market.price_precision == 1
    assert ticker.last == D("50000.5") and ticker.change_pct == D("-1.25")
    assert (ticker.bid, ticker.ask) == (D("50000"), D("50001"))
    assert ticker.volume_base == D("24.5") and ticker.volume_quote == D("1234567.89")


def test_server_time_epoch_seconds() -> None:
    t = codec.server_time(b'{"iso":"2025-01-01T00:00:00.000Z","epoch":1735689600}')
    assert (t.iso, t.epoch_s) == ("2025-01-01T00:00:00.000Z", 1735689600)


# ---------------------------------------------------------------------------- orders


def test_create_ack_example() -> None:
    [o] = codec.orders(ACK)
    assert o.status == OrderStatus.ORDER_INSERTED and o.status_label == "inserted"
    assert (o.symbol, o.side, o.order_id, o.cl_order_id) == (
        "ETH-USDT",
        Side.BUY,
        "0d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "cli-42",
    )
    assert o.order_type_name == "LIMIT" and o.price == D("2500")
    assert o.trigger_price is None  # triggerPrice 0 means none
    assert o.original_size == D("0.01") and o.remaining_size == D("0.01")
    assert o.original_quote_size is None and o.order_currency == "base"
    assert o.total_filled == 0 and o.is_open and not o.is_failure
    assert o.time_in_force == "GTC" and o.timestamp_ms == 1700000000456


def test_ack_as_single_object_is_accepted() -> None:
    single = codec.loads(ACK)[0]
    assert codec.orders(single) == codec.orders(ACK)


def test_oco_ack_has_two_legs() -> None:
    limit_leg = dict(codec.loads(ACK)[0], orderType=76, status=2, trigger=False, clOrderID="oco")
    stop_leg = dict(
        limit_leg,
        orderID="1e2d3c4b-0000-4000-8000-000000000001",
        status=9,
        trigger=True,
        triggerPrice=2400,
    )
    legs = codec.orders([limit_leg, stop_leg])
    assert [(o.status, o.is_trigger) for o in legs] == [(2, False), (9, True)]
    assert legs[1].trigger_price == D("2400") and legs[1].status_label == "trigger inserted"
    assert {o.cl_order_id for o in legs} == {"oco"}


def test_http_200_with_insufficient_balance_status_stays_an_order() -> None:
    item = dict(codec.loads(ACK)[0], status=8, message="Insufficient balance")
    [o] = codec.orders([item])
    assert o.is_failure and not o.is_open
    assert o.message == "Insufficient balance" and o.status_label == "insufficient balance"


def test_quote_sized_ack_uses_quote_fields() -> None:
    item = dict(
        codec.loads(ACK)[0],
        orderType=77,
        orderCurrency="quote",
        originalOrderBaseSize=None,
        originalOrderQuoteSize=50,
        currentOrderBaseSize=None,
        currentOrderQuoteSize=50,
        remainingOrderBaseSize=None,
        remainingOrderQuoteSize=50,
    )
    [o] = codec.orders([item])
    assert o.order_currency == "quote" and o.order_type_name == "MARKET"
    assert o.original_quote_size == D("50") and o.original_size is None
    assert o.remaining_quote_size == D("50") and o.remaining_size is None


def test_get_order_object_camel_case_tif_and_trigger_order() -> None:
    obj = {
        "orderID": "abc",
        "orderType": 76,
        "price": 2400,
        "side": "SELL",
        "orderValue": 24,
        "timestamp": 1700000000000,
        "triggerOrder": True,
        "triggerPrice": 2450,
        "triggerOrderType": 1001,
        "symbol": "ETH-USDT",
        "clOrderID": None,
        "status": 9,
        "timeInForce": "IOC",
        "originalOrderBaseSize": 0.01,
        "originalOrderQuoteSize": None,
        "currentOrderBaseSize": 0.01,
        "remainingOrderBaseSize": 0.01,
        "totalFilledBaseSize": 0,
        "orderCurrency": "base",
        "avgFilledPrice": 0,
        "triggered": False,
    }
    o = codec.order(obj)
    assert o.time_in_force == "IOC" and o.is_trigger and o.tx_type is TxType.STOP
    assert o.side is Side.SELL and o.cl_order_id is None and o.trigger_price == D("2450")


def test_open_orders_derive_status_from_fills_and_trigger_state() -> None:
    base = {
        "orderID": "o1",
        "orderType": 76,
        "price": 2500,
        "side": "BUY",
        "symbol": "ETH-USDT",
        "timeInForce": "GTC",
        "originalOrderBaseSize": 1,
        "currentOrderBaseSize": 1,
        "remainingOrderBaseSize": 1,
        "totalFilledBaseSize": 0,
        "orderCurrency": "base",
        "avgFilledPrice": 0,
        "orderState": "STATUS_ACTIVE",
        "triggerOrder": False,
        "triggered": False,
    }
    partly = dict(base, orderID="o2", totalFilledBaseSize=0.4, remainingOrderBaseSize=0.6)
    stop = dict(
        base,
        orderID="o3",
        triggerOrder=True,
        triggerOrderType=1002,
        triggerPrice=2600,
        orderState="STATUS_INACTIVE",
    )
    fired = dict(stop, orderID="o4", triggered=True, orderState="STATUS_ACTIVE")
    found = codec.open_orders([base, partly, stop, fired])
    assert [o.status for o in found] == [2, 5, 9, 2]
    assert found[1].total_filled == D("0.4") and found[1].remaining_size == D("0.6")
    assert found[2].tx_type is TxType.TRIGGER
    assert all(o.is_open for o in found)
    # the amend screen offers the trigger of the waiting stop only, not of the fired one
    assert [o.awaits_trigger for o in found] == [False, False, True, False]


def test_trade_history_rows_use_filled_price_and_size() -> None:
    row = {
        "tradeId": "t-1",
        "orderId": "o-1",
        "clOrderID": "cli-42",
        "username": "me",
        "side": "BUY",
        "orderType": 76,
        "triggerType": 0,
        "price": 2500,
        "size": 0.02,
        "filledPrice": 2499.5,
        "filledSize": 0.01,
        "triggerPrice": 0,
        "base": "ETH",
        "quote": "USDT",
        "symbol": "ETH-USDT",
        "feeCurrency": "ETH",
        "feeAmount": 0.00001,
        "wallet": "SPOT@",
        "realizedPnl": 0,
        "total": 0,
        "serialId": 98765,
        "timestamp": 1700000002000,
        "avgFilledPrice": 2499.5,
    }
    [f] = codec.trade_history([row])
    assert (f.order_id, f.trade_id, f.cl_order_id) == ("o-1", "t-1", "cli-42")
    assert f.price == D("2499.5") and f.size == D("0.01")
    assert f.fee_amount == D("0.00001") and f.fee_currency == "ETH"
    assert f.serial_id == "98765" and f.timestamp_ms == 1700000002000


def test_fees_object_or_array() -> None:
    one = codec.fees(b'{"symbol":"btc-usd","makerFee":0,"takerFee":0}')
    assert [(r.symbol, r.maker, r.taker) for r in one] == [("BTC-USD", 0, 0)]
    many = codec.fees(
        [
            {"symbol": "BTC-USDT", "makerFee": 0.0005, "takerFee": "0.001"},
            {"symbol": "ETH-USDT", "makerFee": 0.0006, "takerFee": 0.0012},
        ]
    )
    assert [(r.maker, r.taker) for r in many] == [
        (D("0.0005"), D("0.001")),
        (D("0.0006"), D("0.0012")),
    ]


def test_wallet_rows_and_newer_assets_envelope() -> None:
    [b] = codec.wallet(b'[{"currency":"USDT","total":1000.5,"available":900.5}]')
    assert (b.currency, b.total, b.available, b.locked) == (
        "USDT",
        D("1000.5"),
        D("900.5"),
        D("100.0"),
    )
    newer = {
        "code": 1,
        "msg": "Success",
        "time": 1,
        "success": True,
        "data": [{"asset": "PEIPEI", "type": "SPOT", "totalAmount": "10", "availableAmount": "4"}],
    }
    [p] = codec.wallet(newer)
    assert (p.currency, p.total, p.available) == ("PEIPEI", D("10"), D("4"))


def test_bad_json_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError):
        codec.orders(b"<html>502 Bad Gateway</html>")
    with pytest.raises(ProtocolError):
        codec.loads("{")
