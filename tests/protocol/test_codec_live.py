"""The client's codec on replies recorded from production BTSE (tests/fixtures/btse_live).

Every model decodes, every field lands where the UI reads it, and the values are the ones a
trader would see on BTSE's own site for that moment.
"""

from __future__ import annotations

from decimal import Decimal as D

from btse_tui.protocol import codec
from btse_tui.protocol.models import Side
from btse_tui.protocol.orderbook import BookResult, OrderBook
from btse_tui.ui.widgets.format import fmt_pct
from tests import btse_live


def test_ticker_for_one_symbol_is_an_object_with_seconds_and_a_ratio() -> None:
    [t] = codec.tickers(btse_live.load("ticker_24hr_symbol_spot"))
    assert t.symbol == "ETH-USDT"
    assert (t.last, t.open, t.high, t.low) == (
        D("1897.05"),
        D("1887.74"),
        D("1924.38"),
        D("1873.3"),
    )
    assert (t.bid, t.bid_size, t.ask, t.ask_size) == (
        D("1897.02"),
        D("3.225"),
        D("1897.43"),
        D("0.87"),
    )
    assert t.volume_base == D("8526.0201") and t.volume_quote == D("16129619.948371")
    assert t.change == D("9.31")
    # "priceChangePercent": "0.005" is a ratio: the 24h % column reads +0.50 %, not +0.01 %
    assert t.change_pct == D("0.5")
    assert fmt_pct(t.change_pct) == "+0.50%"
    # "closeTime": 1786607001 is seconds: 2026-08-13 07:43:21 UTC, not January 1970
    assert t.time_ms == 1_786_607_001_000


def test_ticker_list_form_reads_the_same() -> None:
    reply = btse_live.load("ticker_24hr_symbol_spot")
    listed = {**reply, "data": [reply["data"]]}
    assert codec.tickers(listed) == codec.tickers(reply)


def test_orderbook_depth_one() -> None:
    book = codec.orderbook(btse_live.load("orderbook_depth1_spot"), "ETH-USDT")
    assert book.symbol == "ETH-USDT" and book.timestamp_ms == 1_786_607_138_767
    assert [(lv.price, lv.size) for lv in book.bids] == [(D("1896.71"), D("0.12"))]
    assert [(lv.price, lv.size) for lv in book.asks] == [(D("1896.87"), D("0.31"))]


def test_klines_arrive_newest_first_and_come_out_oldest_first() -> None:
    candles = codec.klines(btse_live.load("klines_since_until_limit_spot"))
    assert [c.open_time_s for c in candles] == [1_770_451_200, 1_770_454_800]
    first = candles[0]
    assert (first.open, first.high, first.low, first.close) == (
        D("2026.9"),
        D("2032.48"),
        D("2015.43"),
        D("2019.1"),
    )
    assert first.volume == D("3633230.30589")
    later = codec.klines(btse_live.load("klines_start_spot"))
    times = [c.open_time_s for c in later]
    assert times == sorted(times) and len(times) == 4
    # a volume BTSE wrote in exponent form is read exactly
    assert later[-1].open_time_s == 1_771_102_800
    assert later[-1].volume == D("12036264.75204123")


def test_public_trades() -> None:
    trades = codec.trades(btse_live.load("trades_spot"), "ETH-USDT")
    assert len(trades) == 10
    first = trades[0]
    assert (first.symbol, first.trade_id, first.side) == ("ETH-USDT", "91715974", Side.BUY)
    assert (first.price, first.size) == (D("1895.8047330933"), D("0.285"))
    assert first.timestamp_ms == 1_786_607_527_388


def test_server_time_is_seconds() -> None:
    st = codec.server_time(btse_live.load("time"))
    assert st.epoch_s == 1_786_606_914 and st.iso == "2026-08-13T07:41:54.698Z"


def test_fees_and_wallet() -> None:
    [fee] = codec.fees(btse_live.load("user_fees_spot_v4"))
    assert (fee.symbol, fee.maker, fee.taker) == ("ETH-USDT", D("0.002"), D("0.002"))
    balances = {b.currency: b for b in codec.wallet(btse_live.load("user_wallet_spot"))}
    assert balances["USDT"].total == D("50.00003451") and balances["USDT"].locked == 0
    assert balances["BTC"].total == 0


def test_limit_order_ack() -> None:
    [order] = codec.orders(btse_live.load("order_create_limit_spot"))
    assert order.order_id == "cde4fb37-2e2b-437e-a816-4b55b2e2b7c7"
    assert (order.symbol, order.side, order.status, order.order_type) == (
        "ETH-USDT",
        Side.BUY,
        2,
        76,
    )
    assert order.price == D("1000") and order.original_size == D("0.0001")
    assert order.is_open and order.cl_order_id is None


def test_quote_sized_market_buy_ack_is_closed_at_status_5_with_dust() -> None:
    [order] = codec.orders(btse_live.load("order_create_quote_buy_doc"))
    assert order.order_currency == "quote" and order.original_quote_size == D("100")
    assert order.price == order.avg_fill_price == D("111381.34601685")
    assert order.total_filled == D("0.00089")
    assert order.remaining_quote_size == D("0.870602045")
    # status 5 is final for a MARKET order: it must leave the Open orders pane
    assert order.status == 5 and not order.is_open


def test_market_buy_trade_history_row_reads_the_fill() -> None:
    [fill] = codec.trade_history(btse_live.load("trade_history_market_buy_spot"))
    assert (fill.symbol, fill.side, fill.order_id) == (
        "ETH-USDT",
        Side.BUY,
        "2fa9678b-9945-47ce-9ffe-256dc7b4dd8c",
    )
    assert fill.price == D("1952.05859608") and fill.size == D("0.0001")  # not `size`
    assert (fill.fee_amount, fill.fee_currency) == (D("0.0000002"), "ETH")
    assert fill.timestamp_ms == 1_770_814_978_685


def test_oss_snapshot_with_best_ask_last_builds_the_right_book() -> None:
    [snap] = codec.decode_frame(btse_live.raw("oss_update_snapshot_doc"))
    book = OrderBook("BTC-USD")
    assert book.apply(snap) is BookResult.OK
    best_bid, best_ask = book.best_bid, book.best_ask
    assert best_bid is not None and best_ask is not None
    # the best ask is the LAST one sent ("59278.5"), not the first ("59292.0")
    assert (best_bid.price, best_bid.size) == (D("59252.5"), D("0.06865"))
    assert (best_ask.price, best_ask.size) == (D("59278.5"), D("0.01472"))
    bids, asks = book.top(5)
    assert [lv.price for lv in asks] == sorted(lv.price for lv in asks)
    assert [lv.price for lv in bids] == sorted((lv.price for lv in bids), reverse=True)
    # the delta's topic lacks "_0"; the book is keyed by data.symbol
    [delta] = codec.decode_frame(btse_live.raw("oss_update_delta_doc"))
    assert delta.symbol == "BTC-USD" and delta.prev_seq == snap.seq
    assert book.apply(delta) is BookResult.OK
    assert book.best_ask == best_ask
