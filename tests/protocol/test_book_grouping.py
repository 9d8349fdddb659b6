"""Book grouping: bids fold down and asks up onto multiples of the step, their sizes summed;
the steps are BTSE's 1-5-10 ladder of the tick; a group the book's window may cut is left out."""

from __future__ import annotations

from decimal import Decimal

from btse_tui.protocol.book_grouping import (
    MAX_GROUP,
    bucket_of,
    group_levels,
    group_step,
    own_buckets,
)
from btse_tui.protocol.models import BookLevel

D = Decimal


def levels(*pairs: tuple[str, str]) -> list[BookLevel]:
    return [BookLevel(D(price), D(size)) for price, size in pairs]


def shown(grouped: tuple[BookLevel, ...]) -> list[tuple[str, str]]:
    return [(str(level.price), str(level.size)) for level in grouped]


BIDS = levels(("100.4", "1"), ("100.1", "2"), ("99.9", "3"), ("99.5", "4"), ("98.7", "5"))
ASKS = levels(("100.6", "1"), ("100.9", "2"), ("101.0", "3"), ("101.2", "4"), ("102.3", "5"))


def test_steps_are_btse_groups_of_the_tick() -> None:
    tick = D("0.1")
    # BTSE's docs: group 0 of BTC is 0.1, group 1 is 0.5, group 2 is 1
    assert [group_step(tick, g) for g in range(MAX_GROUP + 1)] == [
        D(s) for s in ("0.1", "0.5", "1.0", "5.0", "10.0", "50.0", "100.0", "500.0", "1000.0")
    ]
    assert group_step(tick, MAX_GROUP + 3) == group_step(tick, MAX_GROUP)


def test_bids_group_down_and_asks_up_with_their_sizes_summed_at_step_half() -> None:
    step = D("0.5")
    assert shown(group_levels(BIDS, step, "bid")) == [
        ("100.0", "3"),  # 100.4 + 100.1
        ("99.5", "7"),  # 99.9 + 99.5 (99.5 is on the step: it stays)
        ("98.5", "5"),
    ]
    assert shown(group_levels(ASKS, step, "ask")) == [
        ("101.0", "6"),  # 100.6 + 100.9 + 101.0 (101.0 is on the step: it stays)
        ("101.5", "4"),
        ("102.5", "5"),
    ]


def test_a_coarser_step_folds_more_levels_together() -> None:
    step = D("1.0")
    assert shown(group_levels(BIDS, step, "bid")) == [
        ("100.0", "3"),
        ("99.0", "7"),
        ("98.0", "5"),
    ]
    assert shown(group_levels(ASKS, step, "ask")) == [
        ("101.0", "6"),
        ("102.0", "4"),
        ("103.0", "5"),
    ]
    # nothing is lost: the groups hold every size
    for grouped, given in (
        (group_levels(BIDS, step, "bid"), BIDS),
        (group_levels(ASKS, step, "ask"), ASKS),
    ):
        assert sum(g.size for g in grouped) == sum(level.size for level in given)


def test_the_deepest_group_is_left_out_when_the_book_goes_on_past_it() -> None:
    step = D("1.0")
    # the 98.0 group holds 98.7 so far, but levels below 98.7 may be missing from it
    assert shown(group_levels(BIDS, step, "bid", deeper=True)) == [("100.0", "3"), ("99.0", "7")]
    # the deepest ask 102.3 sits inside its group 103.0: dropped; one exactly on it stays
    assert shown(group_levels(ASKS, step, "ask", deeper=True))[-1] == ("102.0", "4")
    on_step = levels(("100.6", "1"), ("101.0", "2"))
    assert shown(group_levels(on_step, step, "ask", deeper=True)) == [("101.0", "3")]


def test_own_orders_mark_the_group_they_fall_in_on_their_own_side() -> None:
    step = D("5")
    assert bucket_of(D("97291.0"), step, "ask") == D("97295")
    assert bucket_of(D("97291.0"), step, "bid") == D("97290")
    assert own_buckets([D("97271.6"), D("97270")], step, "bid") == {D("97270")}
    assert own_buckets([D("97291.0")], step, "ask") == {D("97295")}
