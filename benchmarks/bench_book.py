"""Benchmark 2: order book deltas/s and top-20 read, ours against ccxt's OrderBook, same deltas."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import orjson

from benchmarks.common import Result, median, percentile
from benchmarks.feed import record_book
from btse_tui.protocol import codec
from btse_tui.protocol.events import BookDelta, BookSnapshot
from btse_tui.protocol.orderbook import BookResult, OrderBook

DEPTH = 50  # levels per side kept, as BookStream keeps them (and the OSS window)
TOP = 20


def _ccxt_book_class() -> Any:
    """ccxt's websocket order book (ccxt.pro's OrderBook), or None when ccxt is missing."""
    try:
        from ccxt.async_support.base.ws.order_book import OrderBook as CcxtOrderBook
    except ImportError:
        return None
    return CcxtOrderBook


# ---------------------------------------------------------------------- the two appliers


def ours_apply(snapshot: BookSnapshot, deltas: list[BookDelta]) -> tuple[float, OrderBook]:
    """Seconds to apply every delta to our OrderBook (snapshot applied first, untimed)."""
    book = OrderBook(snapshot.symbol, DEPTH)
    book.apply(snapshot)
    apply = book.apply
    ok = BookResult.OK
    t0 = time.perf_counter()
    for delta in deltas:
        if apply(delta) is not ok:
            raise AssertionError(f"our book refused seq {delta.seq}")
    return time.perf_counter() - t0, book


_Levels = list[tuple[float, float]]


def ccxt_apply(
    cls: Any, snapshot: tuple[int, _Levels, _Levels], deltas: list[tuple[int, _Levels, _Levels]]
) -> tuple[float, Any]:
    """Seconds to apply every delta with ccxt: `store(price, size)` per level, then `limit()`."""
    seq, bids0, asks0 = snapshot
    book = cls({"bids": [list(b) for b in bids0], "asks": [list(a) for a in asks0]}, DEPTH)
    book["nonce"] = seq
    bids, asks, limit = book["bids"], book["asks"], book.limit
    t0 = time.perf_counter()
    for seq, d_bids, d_asks in deltas:
        for price, size in d_bids:
            bids.store(price, size)
        for price, size in d_asks:
            asks.store(price, size)
        book["nonce"] = seq
        limit()
    return time.perf_counter() - t0, book


def ours_wire(frames: list[str]) -> float:
    """Seconds from frame text to applied book, ours: decode_frame → OrderBook.apply."""
    decode = codec.decode_frame
    first = decode(frames[0])[0]
    book = OrderBook(first.symbol, DEPTH)  # type: ignore[union-attr]
    book.apply(first)  # type: ignore[arg-type]
    apply = book.apply
    t0 = time.perf_counter()
    for text in frames[1:]:
        for event in decode(text):
            apply(event)  # type: ignore[arg-type]
    return time.perf_counter() - t0


def ccxt_wire(cls: Any, frames: list[str]) -> float:
    """Seconds from frame text to applied book, ccxt style: orjson → float levels → store."""
    data = orjson.loads(frames[0])["data"]
    book = cls(
        {
            "bids": [[float(p), float(s)] for p, s in data["bids"]],
            "asks": [[float(p), float(s)] for p, s in data["asks"]],
        },
        DEPTH,
    )
    bids, asks, limit = book["bids"], book["asks"], book.limit
    loads = orjson.loads
    t0 = time.perf_counter()
    for text in frames[1:]:
        data = loads(text)["data"]
        for p, s in data["bids"]:
            bids.store(float(p), float(s))
        for p, s in data["asks"]:
            asks.store(float(p), float(s))
        book["nonce"] = data["seqNum"]
        limit()
    return time.perf_counter() - t0


def _read_times(prepare: Callable[[int], None], read: Callable[[], Any], count: int) -> list[float]:
    """µs of one `read()` right after `prepare(i)` changed the book, for i in range(count)."""
    clock = time.perf_counter_ns
    out = []
    for i in range(count):
        prepare(i)
        t0 = clock()
        read()
        out.append((clock() - t0) / 1000)
    return out


def _floats(levels: tuple[tuple[Decimal, Decimal], ...]) -> _Levels:
    return [(float(p), float(s)) for p, s in levels]


def run(quick: bool = False) -> list[Result]:
    """Record the sim's BTC-USDT book topic and race both books over the same deltas."""
    n = 20_000 if quick else 60_000
    passes = 3 if quick else 5
    frames = record_book(n)
    events = [codec.decode_frame(f)[0] for f in frames]
    snapshot = events[0]
    deltas = events[1:]
    assert type(snapshot) is BookSnapshot and all(type(d) is BookDelta for d in deltas)
    levels = sum(len(d.bids) + len(d.asks) for d in deltas)  # type: ignore[union-attr]
    cls = _ccxt_book_class()
    c_snap = (snapshot.seq, _floats(snapshot.bids), _floats(snapshot.asks))
    c_deltas = [(d.seq, _floats(d.bids), _floats(d.asks)) for d in deltas]  # type: ignore[union-attr]

    ours_s, ccxt_s, ours_w, ccxt_w = [], [], [], []
    book = c_book = None
    for i in range(passes):
        order = ["ours", "ccxt"] if i % 2 == 0 else ["ccxt", "ours"]
        for who in order:
            if who == "ours":
                seconds, book = ours_apply(snapshot, deltas)  # type: ignore[arg-type]
                ours_s.append(seconds)
                ours_w.append(ours_wire(frames))
            elif cls is not None:
                seconds, c_book = ccxt_apply(cls, c_snap, c_deltas)
                ccxt_s.append(seconds)
                ccxt_w.append(ccxt_wire(cls, frames))
    assert book is not None
    same = None
    if c_book is not None:
        ob, oa = book.top(TOP)
        same = [(float(lv.price), float(lv.size)) for lv in ob] == [
            tuple(x) for x in c_book["bids"][:TOP]
        ] and [(float(lv.price), float(lv.size)) for lv in oa] == [
            tuple(x) for x in c_book["asks"][:TOP]
        ]

    # top-20 reads right after a delta changed the book (nothing cached)
    reads = min(len(deltas), 20_000)
    r_book = OrderBook(snapshot.symbol, DEPTH)
    r_book.apply(snapshot)  # type: ignore[arg-type]
    ours_read = _read_times(lambda i: r_book.apply(deltas[i]), lambda: r_book.top(TOP), reads)  # type: ignore[arg-type]
    cached_read = _read_times(lambda i: None, lambda: r_book.top(TOP), 2_000)
    # a reader after every delta (the worst case; BookStream builds the top when it is read)
    p_book = OrderBook(snapshot.symbol, DEPTH)
    p_book.apply(snapshot)  # type: ignore[arg-type]
    t0 = time.perf_counter()
    for delta in deltas:
        p_book.apply(delta)
        p_book.top(TOP)
    pipeline_us = (time.perf_counter() - t0) / len(deltas) * 1e6
    ccxt_read: list[float] = []
    if cls is not None:
        cb = cls(
            {"bids": [list(b) for b in c_snap[1]], "asks": [list(a) for a in c_snap[2]]}, DEPTH
        )

        def c_prepare(i: int) -> None:
            _, d_bids, d_asks = c_deltas[i]
            for p, s in d_bids:
                cb["bids"].store(p, s)
            for p, s in d_asks:
                cb["asks"].store(p, s)
            cb.limit()

        ccxt_read = _read_times(c_prepare, lambda: (cb["bids"][:TOP], cb["asks"][:TOP]), reads)

    ours_rate = len(deltas) / median(ours_s)
    ccxt_rate = len(deltas) / median(ccxt_s) if ccxt_s else None
    read_us = median(ours_read)
    note = f"{len(deltas):,} deltas ({levels / len(deltas):.1f} levels each), median of {passes}"
    rows = [
        Result(
            "2",
            "order book: deltas applied/s",
            ours_rate,
            "delta/s",
            baseline=ccxt_rate,
            baseline_name="ccxt OrderBook (store + limit)",
            target="≥ 1× ccxt",
            passed=None if ccxt_rate is None else ours_rate >= ccxt_rate,
            note=note if ccxt_rate else "ccxt not installed: pip install ccxt",
            extra={
                "ours_us_per_delta": 1e6 / ours_rate,
                "ccxt_us_per_delta": 1e6 / ccxt_rate if ccxt_rate else None,
                "same_top20_at_end": same,
            },
        ),
        Result(
            "2",
            "order book: top-20 read after a change",
            read_us,
            "µs",
            baseline=median(ccxt_read) if ccxt_read else None,
            baseline_name="ccxt bids[:20], asks[:20]",
            target="≤ 20 µs",
            passed=read_us <= 20,
            higher_is_better=False,
            note=f"median of {reads:,}; p99 {percentile(ours_read, 99):.1f} µs; "
            f"cached {median(cached_read):.2f} µs; apply+read {pipeline_us:.2f} µs/delta",
            extra={"apply_plus_read_us": pipeline_us},
        ),
    ]
    if ccxt_w:
        w_ours = len(deltas) / median(ours_w)
        w_ccxt = len(deltas) / median(ccxt_w)
        rows.append(
            Result(
                "2",
                "order book from frame text (decode + apply)/s",
                w_ours,
                "delta/s",
                baseline=w_ccxt,
                baseline_name="orjson + float() + ccxt store",
                target="(info)",
                note="ours builds typed Decimal events; ccxt keeps floats",
            )
        )
    return rows
