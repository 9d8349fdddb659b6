"""Folding a run of book events gives the book the same run would give; a gap stays a gap."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from btse_tui.protocol.coalesce import coalescing_key, fold
from btse_tui.protocol.events import (
    BookDelta,
    BookSnapshot,
    BookTop,
    FillsReceived,
    OrderUpdated,
    Pong,
    StreamEvent,
    TradesPrinted,
)
from btse_tui.protocol.models import Side, Trade
from btse_tui.protocol.orderbook import BookResult, OrderBook

TOPIC = "update:BTC-USDT_0"
D = Decimal

levels = st.lists(
    st.tuples(
        st.integers(1, 40).map(lambda p: D(p)), st.sampled_from([D(0), D(1), D("2.5"), D(7)])
    ),
    max_size=6,
)
bids = levels.map(lambda ls: tuple((p, s) for p, s in ls))
asks = levels.map(lambda ls: tuple((p + 100, s) for p, s in ls))


def snapshot(seq: int, b: tuple = (), a: tuple = ()) -> BookSnapshot:
    return BookSnapshot("BTC-USDT", TOPIC, b, a, seq, 1700000000000 + seq)


def delta(seq: int, b: tuple = (), a: tuple = (), prev: int | None = None) -> BookDelta:
    previous = seq - 1 if prev is None else prev
    return BookDelta("BTC-USDT", TOPIC, b, a, seq, previous, 1700000000000 + seq)


def applied(events: list[StreamEvent]) -> tuple[list[BookResult], dict]:
    book = OrderBook("BTC-USDT", depth=1000)
    results = [book.apply(e) for e in events]  # type: ignore[arg-type]
    return results, book.as_dict()


@given(st.lists(st.tuples(bids, asks), min_size=1, max_size=12), st.booleans())
def test_a_folded_run_leaves_the_book_the_run_leaves(
    changes: list[tuple[tuple, tuple]], after_snapshot: bool
) -> None:
    base = snapshot(1, ((D(1), D(1)),), ((D(200), D(1)),))
    run: list[StreamEvent] = [delta(i + 2, b, a) for i, (b, a) in enumerate(changes)]
    if after_snapshot:
        run.insert(0, base)
    folded = run[0]
    for event in run[1:]:
        assert coalescing_key(event) == coalescing_key(folded) == TOPIC
        folded = fold(folded, event)
    prefix: list[StreamEvent] = [] if after_snapshot else [base]
    one_by_one, expected = applied([*prefix, *run])
    at_once, got = applied([*prefix, folded])
    assert set(one_by_one) == {BookResult.OK} and set(at_once) == {BookResult.OK}
    assert got == expected
    assert isinstance(folded, BookSnapshot) is after_snapshot


def test_a_gap_inside_a_folded_run_is_still_a_gap() -> None:
    folded = fold(delta(2, ((D(5), D(1)),)), delta(4, ((D(6), D(1)),), prev=3))
    results, _ = applied([snapshot(1), folded])
    assert results == [BookResult.OK, BookResult.GAP]
    after_snapshot = fold(snapshot(1), delta(3, prev=2))
    assert applied([snapshot(0), after_snapshot])[0] == [BookResult.OK, BookResult.GAP]


def test_a_snapshot_replaces_what_waits_and_quotes_and_pongs_keep_the_latest() -> None:
    assert fold(delta(2), snapshot(9)) == snapshot(9)
    old, new = (
        BookTop("BTC-USDT", D(1), D(1), D(2), D(1)),
        BookTop("BTC-USDT", D(3), D(1), D(4), D(1)),
    )
    assert fold(old, new) is new
    assert fold(Pong(5.0, "oss"), Pong(7.0, "oss")) == Pong(7.0, "oss")


def test_public_trades_fold_by_concatenation() -> None:
    def trade(n: int) -> Trade:
        return Trade("BTC-USDT", str(n), D(n), D(1), Side.BUY, 1700000000000 + n)

    first = TradesPrinted("BTC-USDT", (trade(1), trade(2)))
    second = TradesPrinted("BTC-USDT", (trade(3),))
    folded = fold(first, second)
    assert isinstance(folded, TradesPrinted)
    assert folded.trades == (trade(1), trade(2), trade(3))


def test_order_events_and_fills_never_fold() -> None:
    assert coalescing_key(FillsReceived(())) is None
    assert coalescing_key(OrderUpdated.__new__(OrderUpdated)) is None
    assert coalescing_key(Pong()) == "pong"
    assert coalescing_key(TradesPrinted("ETH-USDT", ())) == "tradeHistoryApi:ETH-USDT"
