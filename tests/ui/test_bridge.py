"""The pure bridge: events become messages, coalescing keeps the last value, lines read well."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal as D

from btse_tui.protocol.events import (
    AuthResult,
    BookDelta,
    BookSnapshot,
    BookTop,
    FillsReceived,
    OrderUpdated,
    Pong,
    StreamError,
    StreamState,
    StreamStateChanged,
    SubscribeAck,
    TradesPrinted,
    UnknownFrame,
)
from btse_tui.protocol.models import BookLevel, Fill, Side, Ticker, Trade
from btse_tui.protocol.orderbook import OrderBook
from btse_tui.ui import messages as m
from btse_tui.ui.bridge import (
    Coalescer,
    book_message,
    coalesce_key,
    describe_fill,
    describe_order,
    severity_for,
    to_message,
)
from tests.ui.order_fixtures import BTC, TS_MS, resting_buy


def hms(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000).strftime("%H:%M:%S")


# ---------------------------------------------------------------- to_message


def test_order_and_fill_events_become_order_and_fill_messages() -> None:
    order = resting_buy()
    fill = Fill("BTC-USDT", "0d1c2b3a", "t1", Side.BUY, D("20000"), D("0.001"))
    assert to_message(OrderUpdated(order)) == m.OrderEvent(order)
    assert to_message(FillsReceived((fill,))) == m.FillsEvent((fill,))


def test_stream_state_and_pong_become_status_messages() -> None:
    state = StreamStateChanged("spot", StreamState.STALE, "no frame for 20 s")
    assert to_message(state) == m.StreamStatus(state)
    assert to_message(Pong(12.5)) == m.PongReceived(12.5)


def test_failed_sign_in_is_an_error_notice_in_plain_words() -> None:
    message = to_message(AuthResult(False, "Authenticate failed"))
    assert isinstance(message, m.ConnectionNotice)
    assert message.severity == "error"
    assert "Authenticate failed" in message.text
    ok = to_message(AuthResult(True))
    assert isinstance(ok, m.ConnectionNotice) and ok.severity == "information"


def test_stream_error_names_the_topic_and_code() -> None:
    message = to_message(StreamError(1000, "Market pair not supported", "update:NOPE-USDT_0"))
    assert isinstance(message, m.ConnectionNotice)
    assert message.severity == "warning"
    assert "update:NOPE-USDT_0" in message.text and "code 1000" in message.text


def test_trades_and_top_of_book_messages() -> None:
    trade = Trade("BTC-USDT", "1", D("20000"), D("0.1"), Side.SELL, TS_MS)
    assert to_message(TradesPrinted("BTC-USDT", (trade,))) == m.TradesPrinted("BTC-USDT", (trade,))
    top = to_message(BookTop("BTC-USDT", D("1"), D("2"), None, None))
    assert top == m.BookTopChanged("BTC-USDT", BookLevel(D("1"), D("2")), None)


def test_book_frames_acks_and_unknown_frames_have_no_message() -> None:
    delta = BookDelta("BTC-USDT", "update:BTC-USDT_0", (), (), 2, 1)
    assert to_message(delta) is None
    assert to_message(SubscribeAck("subscribe", ("fills",))) is None
    assert to_message(UnknownFrame("{}")) is None


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


def test_coalesce_keys_separate_symbols_and_never_merge_orders() -> None:
    a = m.TickerUpdated(Ticker("BTC-USDT", D("1")))
    b = m.TickerUpdated(Ticker("ETH-USDT", D("1")))
    assert coalesce_key(a) != coalesce_key(b)
    assert coalesce_key(m.OrderEvent(resting_buy())) is None
    assert coalesce_key(m.FillsEvent(())) is None


def test_can_replace_only_for_the_same_key() -> None:
    btc1 = m.TickerUpdated(Ticker("BTC-USDT", D("1")))
    btc2 = m.TickerUpdated(Ticker("BTC-USDT", D("2")))
    eth = m.TickerUpdated(Ticker("ETH-USDT", D("1")))
    assert btc1.can_replace(btc2)
    assert not btc1.can_replace(eth)
    book = m.BookChanged("BTC-USDT", (), (), 1)
    assert book.can_replace(m.BookChanged("BTC-USDT", (), (), 2))
    assert not book.can_replace(m.BookChanged("ETH-USDT", (), (), 2))
    assert not m.OrderEvent(resting_buy()).can_replace(m.OrderEvent(resting_buy()))


def test_a_ticker_batch_is_replaced_only_by_a_batch_covering_all_its_symbols() -> None:
    t = Ticker("BTC-USDT", D("1"))
    u = Ticker("ETH-USDT", D("1"))
    older = m.TickersUpdated({"BTC-USDT": t, "ETH-USDT": u})
    assert older.can_replace(m.TickersUpdated({"BTC-USDT": t, "ETH-USDT": u}))
    assert not older.can_replace(m.TickersUpdated({"BTC-USDT": t}))


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


def test_severity_for_each_outcome() -> None:
    assert severity_for(resting_buy(status=4)) == "filled"
    assert severity_for(resting_buy(status=5)) == "partial"
    assert severity_for(resting_buy(status=6)) == "cancelled"
    assert severity_for(resting_buy(status=15)) == "rejected"
    assert severity_for(resting_buy(status=8)) == "rejected"
    assert severity_for(resting_buy(status=-1)) == "rejected"
    assert severity_for(resting_buy(status=2)) == "info"
    assert severity_for(resting_buy(status=9)) == "info"


def test_book_message_carries_the_best_levels_best_first() -> None:
    book = OrderBook("BTC-USDT")
    book.apply(
        BookSnapshot(
            "BTC-USDT",
            "update:BTC-USDT_0",
            bids=((D("99"), D("1")), (D("100"), D("2"))),
            asks=((D("102"), D("1")), (D("101"), D("3"))),
            seq=7,
        )
    )
    message = book_message(book, depth=1)
    assert message == m.BookChanged(
        "BTC-USDT", (BookLevel(D("100"), D("2")),), (BookLevel(D("101"), D("3")),), 7
    )
    assert coalesce_key(message) == ("book", "BTC-USDT")
