"""Any JSON value in any field: the codec gives a model or a typed error, never another exception.

Each decoder gets a valid row with one field (or a new one) replaced by an arbitrary JSON value —
NaN, Infinity, 1e400, negatives, huge numbers, wrong types, nested junk. It must return models
whose numbers are all believable, or raise ProtocolError (BadValue names the field); with a
`dropped` list the bad row is left out and recorded instead of raising.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from btse_tui.protocol import codec
from btse_tui.protocol.codec_json import MAX_MAGNITUDE, MAX_TIME_MS, MIN_TIME_MS
from btse_tui.protocol.errors import BadValue, ProtocolError
from btse_tui.protocol.events import (
    BookDelta,
    BookSnapshot,
    BookTop,
    FillsReceived,
    FrameDropped,
    OrderUpdated,
    TradesPrinted,
    UnknownFrame,
)
from btse_tui.protocol.models import Market

TS = 1_700_000_000_000

#: Wire spellings a hostile exchange might send in place of a number.
HOSTILE_TEXT = st.sampled_from(
    ["Infinity", "-Infinity", "NaN", "nan", "1e400", "-1", "0", "1e30", "1e-40", "", " ", "0x10",
     "9" * 400, "1_000", "--1", "1e18", "1e19", "-0", "true"]
)  # fmt: skip

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | HOSTILE_TEXT
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)

TICKER = {"symbol": "BTC-USDT", "lastPrice": "95000.5", "openPrice": 94000, "highPrice": 96000.0,
          "lowPrice": "93000", "priceChange": "-1000", "priceChangePercent": "-0.011",
          "bidPrice": "94999", "bidQty": "0.5", "askPrice": "95001", "askQty": "0.7",
          "amount": "1234.5", "volume": "117000000", "closeTime": TS}  # fmt: skip
MARKET = {"symbol": "BTC-USDT", "baseCurrency": "BTC", "quoteCurrency": "USDT",
          "minPriceIncrement": "0.1", "minSizeIncrement": "0.00001", "minOrderPrice": "0.1",
          "minOrderSize": "0.00001", "maxOrderSize": "2000", "pricePrecision": 1,
          "sizePrecision": 5, "active": True, "type": "Spot",
          "displayName": "BTC/USDT"}  # fmt: skip
WALLET = {"currency": "USDT", "total": "100000.5", "available": "99000"}
ORDER = {"symbol": "BTC-USDT", "orderID": "o-1", "side": "BUY", "status": 2, "orderType": 76,
         "txType": 0, "price": "94000", "triggerPrice": 0, "originalOrderBaseSize": "0.001",
         "currentOrderBaseSize": "0.001", "remainingOrderBaseSize": "0.001",
         "filledBaseSize": 0, "totalFilledBaseSize": 0, "avgFilledPrice": 0,
         "orderCurrency": "base", "clOrderID": "cl-1", "timestamp": TS,
         "time_in_force": "GTC", "postOnly": False, "maker": True, "message": ""}  # fmt: skip
FILL = {"symbol": "BTC-USDT", "orderId": "o-1", "tradeId": "t-1", "side": "SELL",
        "price": "95000", "size": "0.001", "feeAmount": "-0.01", "feeCurrency": "USDT",
        "clOrderId": "cl-1", "serialId": 7, "base": "BTC", "quote": "USDT", "maker": False,
        "timestamp": TS}  # fmt: skip
TRADE = {"symbol": "BTC-USDT", "tradeId": 9, "price": 95000.5, "size": 0.25, "side": "BUY",
         "timestamp": TS}  # fmt: skip
FEE = {"symbol": "btc-usdt", "makerFee": "0.001", "takerFee": "0.0012"}

ROW_DECODERS: dict[str, tuple[dict, Callable[..., list]]] = {
    "tickers": (TICKER, codec.tickers),
    "markets": (
        MARKET,
        lambda rows, dropped=None: codec.markets({"data": rows, "msg": ""}, dropped),
    ),
    "wallet": (WALLET, codec.wallet),
    "open_orders": (ORDER, codec.open_orders),
    "trade_history": (FILL, codec.trade_history),
    "trades": (TRADE, lambda rows, dropped=None: codec.trades(rows, "BTC-USDT", dropped)),
    "fees": (FEE, codec.fees),
}


def _numbers(value: Any) -> list[Any]:
    """Every Decimal and int inside a decoded model (recursively)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [f.name for f in dataclasses.fields(value)]
        if isinstance(value, Market) and value.max_size == Decimal("Infinity"):
            fields.remove("max_size")  # the codec's own "no maximum"
        return [n for name in fields for n in _numbers(getattr(value, name))]
    if isinstance(value, list | tuple):
        return [n for item in value for n in _numbers(item)]
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return [value]
    return []


def _believable(models: list[Any]) -> None:
    for number in _numbers(models):
        if isinstance(number, Decimal):
            assert number.is_finite() and abs(number) <= MAX_MAGNITUDE, number
        else:
            assert abs(number) < 2**63, number


def _times_believable(models: list[Any]) -> None:
    for model in models:
        for name in ("time_ms", "timestamp_ms"):
            ms = getattr(model, name, 0)
            assert ms == 0 or MIN_TIME_MS <= ms <= MAX_TIME_MS, (name, ms)


def _hostile_row(base: dict, data: st.DataObject) -> dict:
    row = dict(base)
    key = data.draw(st.sampled_from([*base, "extra"]), label="field")
    row[key] = data.draw(JSON_VALUES, label="value")
    return row


@pytest.mark.parametrize("name", list(ROW_DECODERS))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_json_value_in_any_field_gives_a_model_or_a_typed_error(
    name: str, data: st.DataObject
) -> None:
    base, decode = ROW_DECODERS[name]
    row = _hostile_row(base, data)
    try:
        models = decode([row])
    except ProtocolError as exc:
        assert str(exc)  # says what was wrong
    else:
        _believable(models)
        _times_believable(models)


@pytest.mark.parametrize("name", list(ROW_DECODERS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_bad_row_is_dropped_and_named_while_the_good_rows_stay(
    name: str, data: st.DataObject
) -> None:
    base, decode = ROW_DECODERS[name]
    row = _hostile_row(base, data)
    dropped: list[BadValue] = []
    models = decode([base, row, base], dropped)
    assert len(models) + len(dropped) == 3
    assert len(models) >= 2  # the honest rows always survive
    _believable(models)
    for error in dropped:
        assert error.where and error.field and error.rule


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("closeTime", "Infinity", "closeTime 'Infinity' is not a time"),
        ("closeTime", 4_200_000_000_000, "closeTime 4200000000000 is not a time"),
        ("lastPrice", "NaN", "lastPrice 'NaN' is not a finite number"),
        ("lastPrice", 1e30, "lastPrice 1e+30 is out of range (beyond 1e18)"),
        ("bidPrice", "-5", "bidPrice '-5' cannot be negative"),
        ("volume", [1], "volume [1] is not a number"),
    ],
)
def test_a_bad_ticker_field_is_named_with_its_value(field: str, value: Any, reason: str) -> None:
    dropped: list[BadValue] = []
    assert codec.tickers([{**TICKER, field: value}], dropped) == []
    [error] = dropped
    assert str(error).startswith(reason) and error.where == "ticker row"
    with pytest.raises(BadValue, match=field):
        codec.tickers([{**TICKER, field: value}])


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"total": "-777777.77"}, "total '-777777.77' cannot be negative"),
        ({"available": -1}, "available -1 cannot be negative"),
        ({"total": 1e30}, "total 1e+30 is out of range"),
        ({"total": "10", "available": "11"}, "available 11 is more than the total 10"),
    ],
)
def test_an_impossible_balance_is_refused(changes: dict, reason: str) -> None:
    with pytest.raises(BadValue) as caught:
        codec.wallet([{**WALLET, **changes}])
    assert str(caught.value).startswith(reason)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"price": -94000}, "price -94000 cannot be negative"),
        ({"price": 0}, "price 0 of an open LIMIT order must be above zero"),
        ({"originalOrderBaseSize": "-0.001"}, "originalOrderBaseSize '-0.001' cannot be negative"),
        ({"originalOrderBaseSize": 0}, "size 0 of an open order must be above zero"),
        (
            {"totalFilledBaseSize": "0.002"},
            "totalFilledBaseSize 0.002 is more than the order's size 0.001",
        ),
    ],
)
def test_an_impossible_order_is_refused(changes: dict, reason: str) -> None:
    with pytest.raises(BadValue) as caught:
        codec.order_from_row({**ORDER, **changes})
    assert str(caught.value).startswith(reason)


def test_a_refused_order_echo_is_not_judged() -> None:
    """An ack with a failure status repeats what was asked, zeros included: it is not refused."""
    echo = codec.order_from_row({**ORDER, "status": 15, "price": 0, "originalOrderBaseSize": 0})
    assert echo.is_failure


def test_one_nan_token_costs_its_row_not_the_reply() -> None:
    body = b'[{"symbol":"A-USDT","lastPrice":NaN},{"symbol":"B-USDT","lastPrice":1e400},' + (
        b'{"symbol":"C-USDT","lastPrice":2}]'
    )
    dropped: list[BadValue] = []
    assert [t.symbol for t in codec.tickers(body, dropped)] == ["C-USDT"]
    assert [e.field for e in dropped] == ["lastPrice", "lastPrice"]


# ---------------------------------------------------------------------------- frames

BOOK = {"topic": "update:BTC-USDT_0", "data": {"symbol": "BTC-USDT", "type": "delta",
        "bids": [["94999.5", "0.5"]], "asks": [["95000.5", "0"]], "seqNum": 12,
        "prevSeqNum": 11, "timestamp": TS}}  # fmt: skip
TOP = {"topic": "snapshotL1:BTC-USDT", "data": {"symbol": "BTC-USDT", "bids": [["94999", "1"]],
       "asks": [["95001", "2"]], "timestamp": TS}}  # fmt: skip
FRAMES = {
    "book": (BOOK, (BookDelta, BookSnapshot)),
    "top": (TOP, (BookTop,)),
    "notification": ({"topic": "notificationApiV3", "data": ORDER}, (OrderUpdated,)),
    "fills": ({"topic": "fills", "data": [FILL]}, (FillsReceived,)),
    "trades": ({"topic": "tradeHistoryApi:BTC-USDT", "data": [TRADE]}, (TradesPrinted,)),
}


@pytest.mark.parametrize("name", list(FRAMES))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_json_value_in_a_frame_gives_events_or_a_dropped_frame_never_an_exception(
    name: str, data: st.DataObject
) -> None:
    frame, kinds = FRAMES[name]
    payload = frame["data"]
    inner = payload[0] if isinstance(payload, list) else payload
    hostile = _hostile_row(inner, data)
    if name == "book" and data.draw(st.booleans(), label="in a level"):
        hostile = {**inner, "bids": [[data.draw(JSON_VALUES), data.draw(JSON_VALUES)]]}
    # the standard library writes NaN / Infinity tokens and integers of any size
    raw = json.dumps(
        {"topic": frame["topic"], "data": [hostile] if isinstance(payload, list) else hostile}
    ).encode()
    events = codec.decode_frame(raw)
    assert events
    for event in events:
        assert isinstance(event, (*kinds, FrameDropped, UnknownFrame)), event
        if isinstance(event, FrameDropped):
            assert event.reason and event.topic == frame["topic"]
        else:
            _believable([event])
