"""Request bodies and their exact signed bytes: order, amend, cancel, dead man's switch."""

from __future__ import annotations

from decimal import Decimal as D

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from btse_tui.protocol import codec
from btse_tui.protocol.errors import ValidationError
from btse_tui.protocol.models import (
    AmendRequest,
    OrderRequest,
    OrderType,
    Side,
    TimeInForce,
    TxType,
)


def test_limit_buy_body_is_the_reference_recipe() -> None:
    req = OrderRequest("ETH-USDT", Side.BUY, OrderType.LIMIT, size=D("0.01"), price=D("2500"))
    raw = codec.dumps_body(codec.order_body(req))
    assert raw == (
        b'{"symbol":"ETH-USDT","side":"BUY","type":"LIMIT","size":0.01,"price":2500,'
        b'"time_in_force":"GTC","txType":"LIMIT","postOnly":false}'
    )


def test_market_buy_by_quote_sends_budget_as_price_and_no_size() -> None:
    req = OrderRequest("ETH-USDT", Side.BUY, OrderType.MARKET, price=D("50"))
    body = codec.order_body(req)
    assert body["price"] == D("50") and "size" not in body


def test_market_order_with_size_never_sends_a_price() -> None:
    req = OrderRequest("ETH-USDT", Side.SELL, OrderType.MARKET, size=D("0.01"), price=D("1"))
    body = codec.order_body(req)
    assert body["size"] == D("0.01") and "price" not in body


def test_stop_limit_body_has_trigger_price_and_client_id() -> None:
    req = OrderRequest(
        "ETH-USDT",
        Side.SELL,
        OrderType.LIMIT,
        size=D("1"),
        price=D("2300"),
        time_in_force=TimeInForce.IOC,
        tx_type=TxType.STOP,
        trigger_price=D("2350.5"),
        cl_order_id="cli-7",
    )
    assert list(codec.order_body(req)) == [
        "symbol",
        "side",
        "type",
        "size",
        "price",
        "time_in_force",
        "txType",
        "triggerPrice",
        "postOnly",
        "clOrderID",
    ]
    body = orjson.loads(codec.dumps_body(codec.order_body(req)))
    assert body["txType"] == "STOP" and body["time_in_force"] == "IOC"
    assert body["triggerPrice"] == 2350.5 and body["clOrderID"] == "cli-7"


def test_oco_body_carries_stop_price() -> None:
    req = OrderRequest(
        "ETH-USDT",
        Side.SELL,
        OrderType.OCO,
        size=D("1"),
        price=D("2600"),
        trigger_price=D("2400"),
        stop_price=D("2390"),
    )
    body = codec.order_body(req)
    assert body["type"] == "OCO" and body["stopPrice"] == D("2390")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("0.00001"), b"0.00001"),
        (D("1E-8"), b"0.00000001"),
        (D("2500.00"), b"2500"),
        (D("1E+3"), b"1000"),
        (D("0.10"), b"0.1"),
        (D("-0.0"), b"0"),
        (D("123456789.123456789"), b"123456789.123456789"),
    ],
)
def test_dumps_body_writes_decimals_as_plain_numbers(value: D, text: bytes) -> None:
    assert codec.dumps_body({"size": value}) == b'{"size":' + text + b"}"


def test_dumps_body_is_compact_and_keeps_key_order_and_plain_types() -> None:
    raw = codec.dumps_body({"z": "é", "a": True, "m": None, "n": 3, "side": Side.SELL})
    assert raw == '{"z":"é","a":true,"m":null,"n":3,"side":"SELL"}'.encode()


def test_dumps_body_refuses_nan() -> None:
    with pytest.raises(ValueError):
        codec.dumps_body({"price": D("NaN")})


@given(
    st.decimals(
        min_value=D("-1e12"), max_value=D("1e12"), allow_nan=False, allow_infinity=False, places=10
    )
)
def test_dumps_body_round_trips_any_decimal_without_exponent(value: D) -> None:
    raw = codec.dumps_body({"v": value})
    assert b"e" not in raw.lower()
    number_text = raw[len(b'{"v":') : -1].decode()
    assert D(number_text) == value


def test_amend_bodies() -> None:
    price = AmendRequest("ETH-USDT", "price", order_id="o1", value=D("2501.5"))
    assert codec.dumps_body(codec.amend_body(price)) == (
        b'{"symbol":"ETH-USDT","orderID":"o1","type":"PRICE","value":2501.5}'
    )
    everything = AmendRequest(
        "ETH-USDT", "ALL", cl_order_id="cli-1", order_price=D("2500"), order_size=D("0.5")
    )
    assert codec.amend_body(everything) == {
        "symbol": "ETH-USDT",
        "clOrderID": "cli-1",
        "type": "ALL",
        "orderPrice": D("2500"),
        "orderSize": D("0.5"),
    }


@pytest.mark.parametrize(
    ("req", "field"),
    [
        (AmendRequest("ETH-USDT", "PRICE", value=D("1")), "orderID"),
        (AmendRequest("ETH-USDT", "SIZE", order_id="o1"), "value"),
        (AmendRequest("ETH-USDT", "ALL", order_id="o1"), "order_price"),
        (AmendRequest("ETH-USDT", "COLOUR", order_id="o1", value=D("1")), "type"),
    ],
)
def test_amend_body_refuses_incomplete_requests(req: AmendRequest, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        codec.amend_body(req)
    assert info.value.field == field and str(info.value).startswith(field)


def test_cancel_params() -> None:
    assert codec.cancel_params("ETH-USDT") == {"symbol": "ETH-USDT"}
    assert codec.cancel_params("ETH-USDT", order_id="o1") == {
        "symbol": "ETH-USDT",
        "orderID": "o1",
    }
    assert codec.cancel_params("ETH-USDT", cl_order_id="c1") == {
        "symbol": "ETH-USDT",
        "clOrderID": "c1",
    }
    assert codec.cancel_params("ETH-USDT", "o1", "c1") == {"symbol": "ETH-USDT", "orderID": "o1"}


def test_cancel_all_after_body() -> None:
    assert codec.dumps_body(codec.cancel_all_after_body(60000)) == b'{"timeout":60000}'
