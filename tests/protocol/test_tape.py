"""TradeTape: newest first, bounded, each print once, the trader's own fills marked."""

from __future__ import annotations

from decimal import Decimal

from btse_tui.protocol.models import Fill, Side, Trade
from btse_tui.protocol.tape import TradeTape

D = Decimal


def trade(n: int, symbol: str = "BTC-USDT", price: str = "100", size: str = "1") -> Trade:
    side = Side.BUY if n % 2 else Side.SELL
    return Trade(symbol, str(n), D(price), D(size), side, 1_000_000 + n * 10)


def fill(price: str, size: str, at_ms: int, trade_id: str = "uuid-1") -> Fill:
    return Fill("BTC-USDT", "ord-1", trade_id, Side.BUY, D(price), D(size), timestamp_ms=at_ms)


def ids(tape: TradeTape) -> list[str]:
    return [p.trade.trade_id for p in tape.prints]


def test_newest_first_whatever_order_they_come_in() -> None:
    tape = TradeTape()
    tape.reset("BTC-USDT")
    assert tape.add([trade(1), trade(2)])
    assert tape.add([trade(5), trade(4)])
    assert tape.add([trade(3)])  # late (a REST page after the socket's frame)
    assert ids(tape) == ["5", "4", "3", "2", "1"]


def test_a_print_seen_twice_is_kept_once() -> None:
    tape = TradeTape()
    tape.reset("BTC-USDT")
    tape.add([trade(1), trade(2), trade(3)])  # the REST backfill
    assert not tape.add([trade(2), trade(3)])  # the socket's first frame repeats them
    tape.add([trade(3), trade(4)])
    assert ids(tape) == ["4", "3", "2", "1"]


def test_without_trade_ids_time_price_size_and_side_tell_prints_apart() -> None:
    tape = TradeTape()
    tape.reset("BTC-USDT")
    bare = Trade("BTC-USDT", "", D(100), D(1), Side.BUY, 5)
    tape.add([bare, bare])
    tape.add([bare, Trade("BTC-USDT", "", D(100), D(1), Side.SELL, 5)])
    assert len(tape.prints) == 2


def test_bounded_to_the_newest() -> None:
    tape = TradeTape(limit=200)
    tape.reset("BTC-USDT")
    for start in range(0, 1000, 50):
        tape.add(trade(n) for n in range(start, start + 50))
    assert len(tape.prints) == 200
    assert ids(tape)[0] == "999" and ids(tape)[-1] == "800"
    tape.add([trade(10)])  # older than everything kept: it does not come back
    assert ids(tape)[-1] == "800" and len(tape.prints) == 200


def test_other_markets_and_a_reset_empty_it() -> None:
    tape = TradeTape()
    tape.reset("BTC-USDT")
    tape.add([trade(1)])
    assert not tape.add([trade(2, "ETH-USDT")])
    tape.reset("ETH-USDT")
    assert tape.prints == ()
    tape.add([trade(1), trade(2, "ETH-USDT")])
    assert [(p.trade.symbol, p.trade.trade_id) for p in tape.prints] == [("ETH-USDT", "2")]


def test_own_fill_marks_its_print_by_price_size_and_time() -> None:
    tape = TradeTape()
    tape.reset("BTC-USDT")
    tape.add([trade(1, size="0.5"), trade(2, size="0.25"), trade(3, size="0.5")])
    # the fill's trade id is not the public one (as on BTSE): matched by price, size, time
    assert tape.mark_own([fill("100", "0.5", 1_000_030)])
    assert [p.own for p in tape.prints] == [True, False, False]
    assert not tape.mark_own([fill("100", "0.5", 1_900_000, "uuid-2")])  # no print that late


def test_a_fill_before_its_print_marks_it_when_it_comes() -> None:
    tape = TradeTape()
    tape.reset("BTC-USDT", [fill("100", "0.25", 1_000_020)])
    tape.add([trade(2, size="0.25"), trade(4, size="0.25")])
    assert [p.own for p in tape.prints] == [False, True]  # one fill marks one print


def test_a_fill_with_the_print_trade_id_marks_it() -> None:
    tape = TradeTape()
    tape.reset("BTC-USDT")
    tape.add([trade(7, price="101")])
    assert tape.mark_own([fill("999", "9", 0, trade_id="7")])
    assert tape.prints[0].own


def test_a_gap_stays_on_its_print_until_a_batch_reaching_back_to_it_clears_it() -> None:
    tape = TradeTape(limit=10)
    tape.reset("BTC-USDT")
    tape.add([trade(1), trade(2, price="102")])
    since = tape.newest
    assert since is not None and since.trade_id == "2"
    assert tape.set_gap(since) and not tape.set_gap(since)  # marked once
    tape.add([trade(7), trade(8)])  # the socket's prints after the reconnect
    tape.mark_own([fill("102", "1", trade(2).timestamp_ms)])  # the gap stays on it
    marked = [(p.trade.trade_id, p.gap_after, p.own) for p in tape.prints]
    assert marked == [("8", False, False), ("7", False, False), ("2", True, True),
                      ("1", False, False)]  # fmt: skip
    # a full batch that stops short of the print before the outage does not cover it
    short = [trade(n) for n in (8, 7, 6, 5)]
    assert not tape.covers(short, since, complete=False)
    # one that reaches back to it (or everything the exchange had) does
    assert tape.covers([*short, trade(4), trade(3), trade(2)], since, complete=False)
    assert tape.covers(short, since, complete=True)
    assert tape.set_gap(since, False)
    assert not any(p.gap_after for p in tape.prints)
