"""The alert book: which price alerts fire for which prices, once or recurring, and the
moves-X%-in-N-minutes window."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from btse_tui.protocol.alert_book import AlertBook
from btse_tui.protocol.alert_rule import AlertCondition as C
from btse_tui.protocol.alert_rule import PriceAlert, describe_alert

SYM = "BTC-USDT"


def fired(book: AlertBook, prices: list[tuple[float, str]], symbol: str = SYM) -> list[str]:
    """The text of every alert that fired, price by price."""
    return [f.text for at, p in prices for f in book.check(symbol, D(p), at)]


def test_crosses_fires_once_on_the_crossing_and_leaves_the_book() -> None:
    alert = PriceAlert(SYM, C.CROSSES, level=D("100000"))
    book = AlertBook([alert])
    texts = fired(book, [(0, "99000"), (1, "99900"), (2, "100050"), (3, "99000"), (4, "101000")])
    assert texts == ["BTC-USDT crossed 100,000 up — last 100,050"]
    assert book.alerts == ()


def test_crosses_needs_a_price_on_each_side() -> None:
    book = AlertBook([PriceAlert(SYM, C.CROSSES, level=D("100"))])
    assert fired(book, [(0, "101"), (1, "102"), (2, "150")]) == []
    assert fired(book, [(3, "100")]) == ["BTC-USDT crossed 100 down — last 100"]


def test_a_recurring_cross_fires_on_every_crossing() -> None:
    book = AlertBook([PriceAlert(SYM, C.CROSSES, level=D("100"), recurring=True)])
    texts = fired(book, [(0, "99"), (1, "101"), (2, "102"), (3, "98"), (4, "97"), (5, "103")])
    assert [t.split(" — ")[0] for t in texts] == [
        "BTC-USDT crossed 100 up",
        "BTC-USDT crossed 100 down",
        "BTC-USDT crossed 100 up",
    ]
    assert len(book.alerts) == 1


def test_above_once_fires_at_the_first_price_at_or_above_then_is_gone() -> None:
    book = AlertBook([PriceAlert(SYM, C.ABOVE, level=D("50"))])
    assert fired(book, [(0, "49.9"), (1, "50"), (2, "51"), (3, "40"), (4, "60")]) == [
        "BTC-USDT at or above 50 — last 50"
    ]
    assert book.alerts == ()


def test_recurring_above_re_arms_only_after_the_price_was_back_below() -> None:
    book = AlertBook([PriceAlert(SYM, C.ABOVE, level=D("50"), recurring=True)])
    prices = [(0, "51"), (1, "52"), (2, "53"), (3, "49"), (4, "55"), (5, "56")]
    assert [t.split(" — ")[1] for t in fired(book, prices)] == ["last 51", "last 55"]


def test_recurring_below_mirrors_above() -> None:
    book = AlertBook([PriceAlert(SYM, C.BELOW, level=D("10"), recurring=True)])
    prices = [(0, "11"), (1, "10"), (2, "9"), (3, "10.5"), (4, "8")]
    assert [t.split(" — ")[1] for t in fired(book, prices)] == ["last 10", "last 8"]


def test_alerts_of_other_markets_are_not_checked() -> None:
    book = AlertBook([PriceAlert("ETH-USDT", C.ABOVE, level=D("1"))])
    assert fired(book, [(0, "5")], symbol=SYM) == []
    assert fired(book, [(1, "5")], symbol="ETH-USDT") == ["ETH-USDT at or above 1 — last 5"]


def test_moves_fires_when_the_price_moved_the_percent_within_the_window() -> None:
    book = AlertBook([PriceAlert(SYM, C.MOVES, move_percent=D("2"), window_minutes=5)])
    # +1.9 % in 4 minutes: not yet; then +2.0 % against the low of the window
    assert fired(book, [(0, "100"), (120, "101"), (240, "101.9")]) == []
    assert fired(book, [(290, "102")]) == ["BTC-USDT moved +2.00% in 5 min (from 100 to 102)"]
    assert book.alerts == ()


def test_moves_forgets_prices_older_than_the_window() -> None:
    book = AlertBook([PriceAlert(SYM, C.MOVES, move_percent=D("2"), window_minutes=5)])
    # the low of 100 is 6 minutes old when 102 comes: the window starts at 101
    assert fired(book, [(0, "100"), (60, "101"), (360, "102")]) == []


def test_moves_down_is_measured_from_the_high_of_the_window() -> None:
    book = AlertBook([PriceAlert(SYM, C.MOVES, move_percent=D("5"), window_minutes=1)])
    assert fired(book, [(0, "200"), (30, "209"), (50, "198.5")]) == [
        "BTC-USDT moved -5.02% in 1 min (from 209 to 198.5)"
    ]


def test_a_recurring_move_counts_only_prices_after_it_fired() -> None:
    alert = PriceAlert(SYM, C.MOVES, move_percent=D("1"), window_minutes=10, recurring=True)
    book = AlertBook([alert])
    assert len(fired(book, [(0, "100"), (10, "101")])) == 1
    assert fired(book, [(20, "101.5")]) == []  # +1.5 % from 100, but 100 came before it fired
    assert len(fired(book, [(30, "102.1")])) == 1  # +1.09 % from 101 (the price it fired at)


def test_add_refuses_a_duplicate_and_remove_takes_it_out() -> None:
    alert = PriceAlert(SYM, C.BELOW, level=D("5"))
    book = AlertBook()
    assert book.add(alert) and not book.add(alert)
    assert book.alerts == (alert,)
    assert book.remove(alert) and not book.remove(alert)


@pytest.mark.parametrize("bad", ["NaN", "0", "-1", "Infinity"])
def test_a_price_that_cannot_be_true_is_ignored(bad: str) -> None:
    book = AlertBook([PriceAlert(SYM, C.BELOW, level=D("5"))])
    assert fired(book, [(0, bad)]) == []
    assert len(book.alerts) == 1


def test_describe_alert() -> None:
    assert describe_alert(PriceAlert(SYM, C.ABOVE, level=D("100000"))) == (
        "BTC-USDT last is at or above 100,000 (once)"
    )
    moves = PriceAlert(SYM, C.MOVES, move_percent=D("2.5"), window_minutes=15, recurring=True)
    assert describe_alert(moves) == "BTC-USDT moves 2.5% within 15 min (every time)"
