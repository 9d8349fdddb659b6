"""The pure bridge: coalescing keeps the last value, notices and order lines read well."""

from __future__ import annotations

from decimal import Decimal as D

from btse_tui.protocol.events import (
    AuthResult,
    BookDelta,
    BookTop,
    FillsReceived,
    OrderUpdated,
    StreamError,
    SubscribeAck,
    TradesPrinted,
    UnknownFrame,
)
from btse_tui.protocol.models import Fill, Side, Trade
from btse_tui.ui.bridge import Coalescer, connection_notice, describe_fill, describe_order
from tests.ui.order_fixtures import BTC, TS_MS, resting_buy

# ---------------------------------------------------------------- connection notices


def test_failed_sign_in_is_an_error_notice_in_plain_words() -> None:
    message = connection_notice(AuthResult(False, "Authenticate failed"))
    assert message is not None
    assert message.severity == "error"
    assert "Authenticate failed" in message.text
    ok = connection_notice(AuthResult(True))
    assert ok is not None and ok.severity == "information"


def test_stream_error_names_the_topic_and_code() -> None:
    message = connection_notice(
        StreamError(1000, "Market pair not supported", "update:NOPE-USDT_0")
    )
    assert message is not None
    assert message.severity == "warning"
    assert "update:NOPE-USDT_0" in message.text and "code 1000" in message.text


def test_other_events_are_no_connection_notice() -> None:
    fill = Fill("BTC-USDT", "0d1c2b3a", "t1", Side.BUY, D("20000"), D("0.001"))
    trade = Trade("BTC-USDT", "1", D("20000"), D("0.1"), Side.SELL, TS_MS)
    for event in (
        OrderUpdated(resting_buy()),
        FillsReceived((fill,)),
        TradesPrinted("BTC-USDT", (trade,)),
        BookTop("BTC-USDT", D("1"), D("2"), None, None),
        BookDelta("BTC-USDT", "update:BTC-USDT_0", (), (), 2, 1),
        SubscribeAck("subscribe", ("fills",)),
        UnknownFrame("{}"),
    ):
        assert connection_notice(event) is None


# ---------------------------------------------------------------- coalescing


def test_coalescer_keeps_the_last_value_per_key_and_drains_empty() -> None:
    coalescer: Coalescer[str, int] = Coalescer()
    for value in range(100):
        coalescer.put("BTC-USDT", value)
    coalescer.put("ETH-USDT", 7)
    assert coalescer.drain() == {"BTC-USDT": 99, "ETH-USDT": 7}
    assert coalescer.dropped == 99
    assert coalescer.drain() == {}
    assert not coalescer


# ---------------------------------------------------------------- plain words


def test_describe_order_reads_like_a_sentence_with_market_precision() -> None:
    line = describe_order(resting_buy(), BTC)
    assert line == "BUY 0.0010 BTC-USDT @ 20,000.0  inserted"


def test_describe_order_partial_fill_shows_amount_and_average() -> None:
    order = resting_buy(status=5, total_filled=D("0.0004"), avg_fill_price=D("19999.95"))
    assert describe_order(order, BTC).endswith("partially filled 0.0004 @ 20,000.0")


def test_describe_order_rejection_carries_status_code_and_message() -> None:
    order = resting_buy(status=15, message="post only order would cross")
    line = describe_order(order, BTC)
    assert "rejected (status 15): post only order would cross" in line


def test_describe_quote_sized_market_buy() -> None:
    order = resting_buy(
        order_type=77,
        price=None,
        original_size=None,
        current_size=None,
        original_quote_size=D("50"),
        order_currency="quote",
    )
    assert "BUY 50.00 USDT of BTC-USDT @ market" in describe_order(order, BTC)


def test_describe_order_without_market_keeps_the_wire_digits() -> None:
    assert "BUY 0.001 BTC-USDT @ 20,000  inserted" in describe_order(resting_buy())


def test_describe_fill() -> None:
    fill = Fill(
        "BTC-USDT",
        "o",
        "t",
        Side.SELL,
        D("21000"),
        D("0.002"),
        fee_amount=D("0.05"),
        fee_currency="USDT",
        maker=True,
        timestamp_ms=TS_MS,
    )
    line = describe_fill(fill, BTC)
    assert line == "FILL SELL 0.0020 BTC-USDT @ 21,000.0  maker, fee 0.05 USDT"
