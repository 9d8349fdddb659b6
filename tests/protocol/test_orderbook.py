"""Local order book: snapshot/delta, gaps, crossed books, deletes, ordering, depth, speed."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from btse_tui.protocol.events import BookDelta, BookSnapshot
from btse_tui.protocol.models import BookLevel
from btse_tui.protocol.orderbook import BookResult, OrderBook

SYM = "BTC-USDT"
TOPIC = "update:BTC-USDT_0"
Levels = tuple[tuple[D, D], ...]


def lv(*pairs: tuple[str, str]) -> Levels:
    return tuple((D(p), D(s)) for p, s in pairs)


def snapshot(bids: Levels, asks: Levels, seq: int = 10) -> BookSnapshot:
    return BookSnapshot(SYM, TOPIC, bids, asks, seq, 1)


def delta(bids: Levels, asks: Levels, seq: int, prev: int | None = None) -> BookDelta:
    return BookDelta(SYM, TOPIC, bids, asks, seq, seq - 1 if prev is None else prev, 2)


def loaded() -> OrderBook:
    book = OrderBook(SYM)
    bids = lv(("99", "1"), ("100", "2"), ("98", "3"))
    asks = lv(("103", "1"), ("101", "2"), ("102", "3"))  # worst-first, as OBS saw
    assert book.apply(snapshot(bids, asks)) is BookResult.OK
    return book


def test_snapshot_orders_levels_by_price_whatever_the_wire_order() -> None:
    book = loaded()
    bids, asks = book.top(10)
    assert [b.price for b in bids] == [D("100"), D("99"), D("98")]
    assert [a.price for a in asks] == [D("101"), D("102"), D("103")]
    assert book.best_bid == BookLevel(D("100"), D("2"))
    assert book.best_ask == BookLevel(D("101"), D("2"))
    assert book.spread == D("1") and book.mid == D("100.5")
    assert book.seq == 10 and book.ready


def test_delta_updates_inserts_and_deletes_by_exact_price() -> None:
    book = loaded()
    result = book.apply(
        delta(lv(("100.0", "5"), ("99.5", "1"), ("98", "0")), lv(("101", "0")), seq=11)
    )
    assert result is BookResult.OK and book.seq == 11
    bids, asks = book.top(10)
    assert [(b.price, b.size) for b in bids] == [
        (D("100"), D("5")),
        (D("99.5"), D("1")),
        (D("99"), D("1")),
    ]
    assert [a.price for a in asks] == [D("102"), D("103")]


def test_deleting_an_absent_level_is_harmless() -> None:
    book = loaded()
    before = book.as_dict()
    assert book.apply(delta(lv(("50", "0")), (), seq=11)) is BookResult.OK
    assert book.as_dict() == dict(before, seq=11)


def test_gap_clears_the_book_and_refuses_deltas_until_a_snapshot() -> None:
    book = loaded()
    assert book.apply(delta(lv(("100", "9")), (), seq=13, prev=12)) is BookResult.GAP
    assert book.top(5) == ([], []) and not book.ready and book.best_bid is None
    assert book.apply(delta((), (), seq=14)) is BookResult.NO_SNAPSHOT
    assert book.apply(snapshot(lv(("100", "1")), lv(("101", "1")), seq=20)) is BookResult.OK
    assert book.apply(delta((), lv(("101", "4")), seq=21)) is BookResult.OK
    assert book.best_ask == BookLevel(D("101"), D("4"))


def test_delta_before_any_snapshot_is_ignored() -> None:
    book = OrderBook(SYM)
    assert book.apply(delta(lv(("100", "1")), (), seq=5)) is BookResult.NO_SNAPSHOT
    assert book.as_dict()["bids"] == {}
    assert BookResult.NO_SNAPSHOT.needs_resubscribe and not BookResult.OK.needs_resubscribe


def test_crossed_book_is_reported_and_cleared() -> None:
    book = loaded()
    assert book.apply(delta(lv(("101", "1")), (), seq=11)) is BookResult.CROSSED
    assert not book.ready and book.top(3) == ([], [])
    crossed_snapshot = snapshot(lv(("105", "1")), lv(("104", "1")))
    assert OrderBook(SYM).apply(crossed_snapshot) is BookResult.CROSSED


def test_new_snapshot_replaces_everything() -> None:
    book = loaded()
    book.apply(snapshot(lv(("50", "1")), lv(("60", "1")), seq=30))
    assert book.as_dict() == {
        "symbol": SYM,
        "seq": 30,
        "bids": {D("50"): D("1")},
        "asks": {D("60"): D("1")},
    }


def test_depth_keeps_only_the_best_levels() -> None:
    book = OrderBook(SYM, depth=3)
    bids = tuple((D(p), D(1)) for p in range(90, 100))
    asks = tuple((D(p), D(1)) for p in range(100, 110))
    book.apply(snapshot(bids, asks))
    top_bids, top_asks = book.top(10)
    assert [b.price for b in top_bids] == [D(99), D(98), D(97)]
    assert [a.price for a in top_asks] == [D(100), D(101), D(102)]
    book.apply(delta(lv(("99.5", "1")), lv(("100.5", "1")), seq=11))
    assert [b.price for b in book.top(10)[0]] == [D("99.5"), D(99), D(98)]
    assert [a.price for a in book.top(10)[1]] == [D(100), D("100.5"), D(101)]


def test_top_is_cached_until_the_next_change() -> None:
    book = loaded()
    first = book.top(2)
    assert book.top(2) is first
    version = book.version
    book.apply(delta(lv(("99", "7")), (), seq=11))
    assert book.version > version
    again = book.top(2)
    assert again is not first and again[0][1] == BookLevel(D("99"), D("7"))


# ---------------------------------------------------------------------------- property test

prices = st.integers(min_value=1, max_value=400).map(lambda n: D(n) / 4)
sizes = st.sampled_from(["0", "0", "0.5", "1", "2.25", "10"]).map(D)
bid_levels = st.lists(st.tuples(prices, sizes), max_size=8).map(tuple)
ask_levels = st.lists(st.tuples(prices.map(lambda p: p + 200), sizes), max_size=8).map(tuple)


@settings(max_examples=60, deadline=None)
@given(bid_levels, ask_levels, st.lists(st.tuples(bid_levels, ask_levels), max_size=25))
def test_random_deltas_match_a_naive_dict_model(
    snap_bids: Levels, snap_asks: Levels, deltas: list[tuple[Levels, Levels]]
) -> None:
    book = OrderBook(SYM, depth=1000)
    model: dict[str, dict[D, D]] = {"bids": {}, "asks": {}}

    def apply_model(side: dict[D, D], levels: Levels) -> None:
        for price, size in levels:
            if size:
                side[price] = size
            else:
                side.pop(price, None)

    apply_model(model["bids"], snap_bids)
    apply_model(model["asks"], snap_asks)
    assert book.apply(snapshot(snap_bids, snap_asks, seq=1)) is BookResult.OK
    for seq, (bids, asks) in enumerate(deltas, start=2):
        apply_model(model["bids"], bids)
        apply_model(model["asks"], asks)
        assert book.apply(delta(bids, asks, seq=seq)) is BookResult.OK
        assert book.as_dict() == {"symbol": SYM, "seq": seq, **model}
        top_bids, top_asks = book.top(5)
        want_bids = sorted(model["bids"].items(), reverse=True)[:5]
        want_asks = sorted(model["asks"].items())[:5]
        assert [(b.price, b.size) for b in top_bids] == want_bids
        assert [(a.price, a.size) for a in top_asks] == want_asks
