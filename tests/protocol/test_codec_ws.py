"""WebSocket codec: outgoing frames and every incoming frame shape of btse-api.md §5–§6."""

# ruff: noqa: E501  (the reference's JSON examples are kept verbatim, one line each)

from __future__ import annotations

from decimal import Decimal as D

import orjson
import pytest

from btse_tui.protocol import codec
from btse_tui.protocol.endpoints import book_topic, top_topic, trades_topic
from btse_tui.protocol.events import (
    AuthResult,
    BookDelta,
    BookSnapshot,
    BookTop,
    FillsReceived,
    FrameDropped,
    OrderUpdated,
    Pong,
    StreamError,
    SubscribeAck,
    TradesPrinted,
    UnknownFrame,
)
from btse_tui.protocol.models import Side, TxType

NOTIFICATION = """{"topic":"notificationApiV3","data":{"symbol":"ETH-USDT","orderID":"7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2918",
 "side":"MODE_BUY","orderType":77,"txType":0,"price":2500.5,"triggerPrice":0,"pegPriceDeviation":1,
 "stealth":1,"status":5,"timestamp":1700000000789,"avgFilledPrice":2500.5,"clOrderID":"cli-43",
 "maker":false,"postOnly":false,"orderUserInitiated":true,"originalOrderBaseSize":0,
 "originalOrderQuoteSize":50,"currentOrderBaseSize":0,"currentOrderQuoteSize":50,
 "filledBaseSize":0.0199,"totalFilledBaseSize":0.0199,"remainingBaseSize":0,
 "remainingQuoteSize":0.24,"orderCurrency":"USDT","time_in_force":"GTC"}}"""

FILLS = """{"topic":"fills","data":[{"orderId":"0d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d","serialId":"98765","clOrderId":"cli-42","type":"76","symbol":"ETH-USDT","side":"BUY","price":"2500.0","size":"0.01","feeAmount":"0.00001","feeCurrency":"ETH","base":"ETH","quote":"USDT","maker":true,"timestamp":"1700000002000","tradeId":"5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d"}]}"""

TRADES = """{"topic":"tradeHistoryApi:ETH-USDT","data":[{"symbol":"ETH-USDT","side":"SELL","size":0.25,"price":2499.5,"tradeId":123456789,"timestamp":1700000001000}]}"""

TOP = """{"topic":"snapshotL1:ETH-USDT","data":{"bids":[["2499.9","3.1"]],"asks":[["2500.0","1.7"]],"type":"snapshotL1","symbol":"ETH-USDT","timestamp":1700000000000}}"""

OSS_ERROR = """{"severity":"ERROR","errors":[{"arg":"update:NOPE-USDT_0","error":{"code":1000,"message":"Market pair provided is currently not supported."}}]}"""


def _one(raw: str | bytes) -> object:
    events = codec.decode_frame(raw)
    assert len(events) == 1, events
    return events[0]


def _notification(**changes: object) -> OrderUpdated:
    frame = orjson.loads(NOTIFICATION)
    frame["data"].update(changes)
    event = _one(orjson.dumps(frame))
    assert isinstance(event, OrderUpdated)
    return event


def test_outgoing_frames() -> None:
    topics = [trades_topic("ETH-USDT"), "notificationApiV3", "fills"]
    assert orjson.loads(codec.subscribe_frame(topics)) == {
        "op": "subscribe",
        "args": ["tradeHistoryApi:ETH-USDT", "notificationApiV3", "fills"],
    }
    assert orjson.loads(codec.unsubscribe_frame(iter([book_topic("BTC-USDT")]))) == {
        "op": "unsubscribe",
        "args": ["update:BTC-USDT_0"],
    }
    assert codec.PING == "ping"


@pytest.mark.parametrize("raw", ["pong", b"pong", "pong\n"])
def test_pong(raw: str | bytes) -> None:
    assert codec.decode_frame(raw) == [Pong()]


@pytest.mark.parametrize(
    ("raw", "success"),
    [
        ('{"event":"login","success":true}', True),
        ('{"event":"login","success":false}', False),
        ('{"event":"authKeyExpires","success":true}', True),
    ],
)
def test_auth_results(raw: str, success: bool) -> None:
    assert codec.decode_frame(raw) == [AuthResult(success=success)]


def test_subscribe_and_unsubscribe_acks() -> None:
    ack = _one('{"event":"subscribe","channel":["fills","tradeHistoryApi:ETH-USDT"]}')
    assert ack == SubscribeAck("subscribe", ("fills", "tradeHistoryApi:ETH-USDT"))
    assert _one('{"event":"unsubscribe","channel":["fills"]}') == SubscribeAck(
        "unsubscribe", ("fills",)
    )


def test_notification_example_quote_market_buy() -> None:
    order = _notification().order
    assert order.side is Side.BUY  # MODE_BUY
    assert order.order_currency == "quote"  # "USDT" is the quote asset of ETH-USDT
    assert order.status == 5 and order.status_label == "partially filled"
    assert order.tx_type is TxType.LIMIT and order.order_type_name == "MARKET"
    assert order.filled_size == D("0.0199") and order.total_filled == D("0.0199")
    assert order.original_quote_size == D("50") and order.remaining_quote_size == D("0.24")
    assert order.original_size is None and order.remaining_size is None  # unused halves
    assert order.avg_fill_price == D("2500.5") and order.cl_order_id == "cli-43"
    assert order.maker is False and order.timestamp_ms == 1700000000789


@pytest.mark.parametrize(
    ("side", "expected"),
    [("BUY", Side.BUY), ("MODE_BUY", Side.BUY), ("SELL", Side.SELL), ("MODE_SELL", Side.SELL)],
)
def test_notification_side_spellings(side: str, expected: Side) -> None:
    assert _notification(side=side).order.side is expected


@pytest.mark.parametrize(
    ("currency", "expected"),
    [("USDT", "quote"), ("quote", "quote"), ("base", "base"), ("ETH", "base")],
)
def test_notification_order_currency_spellings(currency: str, expected: str) -> None:
    assert _notification(orderCurrency=currency).order.order_currency == expected


def test_notification_base_sized_with_either_remaining_spelling() -> None:
    base_sized = {
        "orderCurrency": "base",
        "originalOrderBaseSize": 1.5,
        "originalOrderQuoteSize": 0,
        "currentOrderBaseSize": 1.5,
        "currentOrderQuoteSize": 0,
        "remainingQuoteSize": 0,
        "orderType": 76,
    }
    first = _notification(**base_sized, remainingBaseSize=0.75).order
    frame = orjson.loads(NOTIFICATION)
    del frame["data"]["remainingBaseSize"]
    frame["data"].update(base_sized, remainingOrderBaseSize=0.75)
    second = _one(orjson.dumps(frame)).order
    frame["data"].pop("remainingOrderBaseSize")
    frame["data"]["remainingSize"] = 0.75
    legacy = _one(orjson.dumps(frame)).order
    assert first.remaining_size == second.remaining_size == legacy.remaining_size == D("0.75")
    assert first.original_size == D("1.5") and first.original_quote_size is None


@pytest.mark.parametrize(
    ("tx", "expected"),
    [
        (0, TxType.LIMIT),
        (1, TxType.STOP),
        (2, TxType.TRIGGER),
        ("STOP", TxType.STOP),
        ("TAKEPROFIT", TxType.TRIGGER),
        ("LIMIT", TxType.LIMIT),
    ],
)
def test_notification_tx_type_int_or_string(tx: object, expected: TxType) -> None:
    assert _notification(txType=tx).order.tx_type is expected


def test_legacy_notification_array_gives_one_event_per_order() -> None:
    frame = orjson.loads(NOTIFICATION)
    second = dict(frame["data"], orderID="other", status=4)
    frame["data"] = [frame["data"], second]
    events = codec.decode_frame(orjson.dumps(frame))
    assert [type(e) for e in events] == [OrderUpdated, OrderUpdated]
    assert [e.order.order_id for e in events] == [
        "7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2918",
        "other",
    ]


def test_fills_example_with_strings() -> None:
    event = _one(FILLS)
    assert isinstance(event, FillsReceived)
    [fill] = event.fills
    assert fill.cl_order_id == "cli-42"  # lower-case d on the wire
    assert fill.order_id == "0d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    assert (fill.price, fill.size, fill.fee_amount) == (D("2500.0"), D("0.01"), D("0.00001"))
    assert fill.fee_currency == "ETH" and fill.maker is True and fill.side is Side.BUY
    assert fill.timestamp_ms == 1700000002000 and fill.serial_id == "98765"


def test_fills_with_json_numbers_decode_to_the_same_values() -> None:
    frame = orjson.loads(FILLS)
    row = frame["data"][0]
    row.update(price=2500.0, size=0.01, feeAmount=0.00001, timestamp=1700000002000, serialId=98765)
    [fill] = _one(orjson.dumps(frame)).fills
    assert (fill.price, fill.size, fill.fee_amount) == (D("2500.0"), D("0.01"), D("0.00001"))
    assert fill.timestamp_ms == 1700000002000 and fill.serial_id == "98765"


def test_public_trades_example() -> None:
    event = _one(TRADES)
    assert isinstance(event, TradesPrinted) and event.symbol == "ETH-USDT"
    [trade] = event.trades
    assert (trade.side, trade.size, trade.price, trade.trade_id) == (
        Side.SELL,
        D("0.25"),
        D("2499.5"),
        "123456789",
    )


def test_public_trades_batch_is_ordered_newest_last() -> None:
    frame = orjson.loads(TRADES)
    older = dict(frame["data"][0], tradeId=1, timestamp=1699999999000)
    frame["data"].append(older)
    event = _one(orjson.dumps(frame))
    assert [t.trade_id for t in event.trades] == ["1", "123456789"]


def test_snapshot_l1_gives_book_top() -> None:
    assert _one(TOP) == BookTop(
        "ETH-USDT", D("2499.9"), D("3.1"), D("2500.0"), D("1.7"), 1700000000000
    )
    assert top_topic("ETH-USDT") == "snapshotL1:ETH-USDT"


def test_oss_snapshot_and_delta() -> None:
    snap = {
        "topic": "update:BTC-USDT_0",
        "data": {
            "bids": [["50000.1", "1.2"], ["49999.5", "0.3"]],
            "asks": [["50002", "0.1"], ["50001", "0.5"]],
            "seqNum": 10,
            "prevSeqNum": 9,
            "type": "snapshot",
            "timestamp": 1700000000000,
            "symbol": "BTC-USDT",
        },
    }
    event = _one(orjson.dumps(snap))
    assert isinstance(event, BookSnapshot)
    assert (event.symbol, event.topic, event.seq) == ("BTC-USDT", "update:BTC-USDT_0", 10)
    assert event.asks == ((D("50002"), D("0.1")), (D("50001"), D("0.5")))
    # G33's delta example uses a topic without `_0`: the symbol comes from data.symbol.
    delta = {
        "topic": "update:BTC-USD",
        "data": {
            "bids": [["50000.1", "0"]],
            "asks": [],
            "seqNum": 11,
            "prevSeqNum": 10,
            "type": "delta",
            "timestamp": 1700000000100,
            "symbol": "BTC-USDT",
        },
    }
    event = _one(orjson.dumps(delta))
    assert isinstance(event, BookDelta)
    assert (event.symbol, event.topic, event.seq, event.prev_seq) == (
        "BTC-USDT",
        "update:BTC-USD",
        11,
        10,
    )
    assert event.bids == ((D("50000.1"), D("0")),) and event.asks == ()


def test_book_symbol_falls_back_to_topic_keeping_prefixes() -> None:
    frame = {
        "topic": "update:K_PEIPEI-USDT_0",
        "data": {"bids": [], "asks": [], "seqNum": 1, "prevSeqNum": 0, "type": "snapshot"},
    }
    assert _one(orjson.dumps(frame)).symbol == "K_PEIPEI-USDT"


def test_error_frame_gives_one_stream_error_per_argument() -> None:
    assert _one(OSS_ERROR) == StreamError(
        1000, "Market pair provided is currently not supported.", "update:NOPE-USDT_0"
    )
    two = orjson.loads(OSS_ERROR)
    two["errors"].append({"error": {"code": 1001, "message": "Operation not supported."}})
    events = codec.decode_frame(orjson.dumps(two))
    assert [(e.code, e.arg) for e in events] == [(1000, "update:NOPE-USDT_0"), (1001, "")]


@pytest.mark.parametrize(
    "raw",
    [
        "hello",
        "[1,2]",
        '{"topic":"notificationApiV2","data":{}}',
        '{"event":"welcome"}',
    ],
)
def test_anything_else_is_an_unknown_frame_with_the_raw_text(raw: str) -> None:
    event = _one(raw)
    assert isinstance(event, UnknownFrame) and event.raw == raw


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ('{"topic":"fills","data":[{"symbol":"ETH-USDT"}]}', "side is missing"),
        (
            '{"topic":"update:BTC-USDT_0","data":{"type":"snapshot","bids":[["x","1"]]}}',
            "price 'x' is not a number",
        ),
        (
            '{"topic":"update:BTC-USDT_0","data":{"type":"snapshot","bids":[["NaN","1"]]}}',
            "price 'NaN' is not a finite number",
        ),
        (
            '{"topic":"update:BTC-USDT_0","data":{"type":"delta","seqNum":"Infinity"}}',
            "seqNum 'Infinity' is not an integer",
        ),
        (
            '{"topic":"snapshotL1:BTC-USDT","data":{"bids":[["2","1"]],"asks":[["1","1"]]}}',
            "bid 2 is not below the ask 1",
        ),
        (
            '{"topic":"notificationApiV3","data":{"symbol":"BTC-USDT","orderID":"o","side":"BUY",'
            '"status":2,"price":-94000,"originalOrderBaseSize":-0.001,"timestamp":1700000000000}}',
            "price -94000 cannot be negative",
        ),
    ],
)
def test_a_known_topic_with_an_impossible_value_is_dropped_whole_with_the_reason(
    raw: str, reason: str
) -> None:
    event = _one(raw)
    assert isinstance(event, FrameDropped)
    assert event.reason == reason and event.raw == raw and event.topic in raw
