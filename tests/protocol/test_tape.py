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
