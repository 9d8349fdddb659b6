"""Candles as a trader reads them: OHLC and volume after given trades, flat gap candles that
open on time, klines backfill, bad rows left out, bounds."""

from __future__ import annotations

from decimal import Decimal

from btse_tui.protocol import codec
from btse_tui.protocol.candles import CandleBook, CandleSeries, next_interval
from btse_tui.protocol.models import Candle, Side, Trade

D = Decimal
T0 = 1_764_072_000  # a minute boundary (seconds)


def trade(seconds: float, price: str, size: str, tid: str = "") -> Trade:
    return Trade("BTC-USDT", tid, D(price), D(size), Side.BUY, int((T0 + seconds) * 1000))


def test_a_candle_is_open_high_low_close_and_quote_volume_of_its_trades() -> None:
    series = CandleSeries("BTC-USDT", "1m")
    for t in (
        trade(1, "100", "2"),
        trade(20, "104", "1"),
        trade(30, "97", "1"),
        trade(59, "101", "3"),
    ):
        series.add(t)
    (candle,) = series.view()
    assert candle == Candle(T0, D("100"), D("104"), D("97"), D("101"), D("200") + 104 + 97 + 303)


def test_a_quiet_period_opens_on_time_flat_at_the_last_close() -> None:
    series = CandleSeries("BTC-USDT", "1m")
    series.add(trade(5, "100", "1"))
    series.add(trade(50, "102", "1"))
    shown = series.view(now_s=T0 + 150)  # two minutes later, no trade since
    assert [c.open_time_s for c in shown] == [T0, T0 + 60, T0 + 120]
    assert shown[1] == Candle(T0 + 60, D(102), D(102), D(102), D(102), D(0))
    series.add(trade(185, "99", "1"))  # a trade after a gap fills the gap too
    assert [(c.open_time_s, c.close) for c in series.view()] == [
        (T0, D(102)), (T0 + 60, D(102)), (T0 + 120, D(102)), (T0 + 180, D(99)),
    ]  # fmt: skip


def test_klines_backfill_then_trades_merge_into_the_open_candle() -> None:
    wire = {
        "code": 1,
        "msg": "Success",
        "success": True,
        "data": [  # newest first, as BTSE sends them
            [str(T0 + 60), "101", "103", "100", "102", "500"],
            [str(T0), "100", "101", "99", "101", "800"],
        ],
    }
    series = CandleSeries("BTC-USDT", "1m")
    assert series.load(codec.klines(wire)) == []
    series.add(trade(70, "105", "2"))
    assert series.view()[-1] == Candle(T0 + 60, D(101), D(105), D(100), D(105), D(710))
    assert series.view()[0].close == D(101)


def test_rows_that_cannot_be_true_are_left_out_and_named() -> None:
    bad: list = []
    candles = codec.klines(
        [
            [T0, 100, 99, 98, 100, 1],  # high below the open
            [T0 + 60, 100, 101, 99, 100, 1],
            [T0 + 120, 100, 101, 0, 100, 1],  # low zero
        ],
        bad,
    )
    assert [c.open_time_s for c in candles] == [T0 + 60]
    assert [str(b) for b in bad] == [
        "high 99 is below the candle's open, close or low",
        "low 0 is not a price above zero",
    ]
    series = CandleSeries("BTC-USDT", "5m")
    dropped = series.load([Candle(T0 + 60, D(1), D(1), D(1), D(1), D(0))])
    assert [str(d) for d in dropped] == [f"open time {T0 + 60} is not the start of a 5m candle"]
    assert series.view() == ()


def test_bounded_per_interval_and_other_markets_dropped() -> None:
    book = CandleBook(limit=5)
    book.follow("BTC-USDT")
    book.series("1m")
    book.add([trade(i * 60, "100", "1", f"t{i}") for i in range(12)])
    shown = book.series("1m").view()
    assert len(shown) == 5 and shown[-1].open_time_s == T0 + 11 * 60
    book.add([trade(11 * 60, "100", "1", "t11")])  # the socket resent a print
    assert book.series("1m").view()[-1].volume == D(100)
    book.follow("ETH-USDT")
    assert book.get("BTC-USDT", "1m") is None and book.series("1m").view() == ()


def test_interval_keys_step_and_stop_at_the_ends() -> None:
    assert next_interval("15m", 1) == "1h"
    assert next_interval("1d", 1) == "1d"
    assert next_interval("1m", -1) == "1m"


def test_the_first_trade_of_an_empty_candle_opens_it() -> None:
    series = CandleSeries("BTC-USDT", "1m")
    series.load([Candle(T0, D(100), D(100), D(100), D(100), D(0))])  # the exchange's flat one
    series.add(trade(10, "103", "1"))
    assert series.view() == (Candle(T0, D(103), D(103), D(103), D(103), D(103)),)
