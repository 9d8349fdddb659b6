"""Coalescing of market-data events: one event that leaves the state a run of them of one topic
would leave (books, best bid/ask, public trades, pongs); order events and fills never coalesce."""

from __future__ import annotations

from decimal import Decimal

from btse_tui.protocol.events import (
    BookDelta,
    BookSnapshot,
    BookTop,
    Pong,
    StreamEvent,
    TradesPrinted,
)

#: The `prev_seq` of a folded delta whose run held a sequence gap: it follows no book's seq
#: (they are never negative), so the book still sees the gap and resyncs.
GAP_SEQ = -1
#: Public trades kept when several prints of one market are folded (the newest).
MAX_TRADES = 1000

_Levels = tuple[tuple[Decimal, Decimal], ...]


def coalescing_key(event: StreamEvent) -> str | None:
    """The topic whose latest state `event` carries, or None when it must be delivered as it is
    (order updates, fills, state changes, acks, errors, dropped or unknown frames)."""
    if isinstance(event, BookDelta | BookSnapshot):
        return event.topic
    if isinstance(event, BookTop):
        return "snapshotL1:" + event.symbol
    if isinstance(event, TradesPrinted):
        return "tradeHistoryApi:" + event.symbol
    if isinstance(event, Pong):
        return "pong"
    return None


def fold(older: StreamEvent, newer: StreamEvent) -> StreamEvent:
    """One event for `older` then `newer`, two events of the same `coalescing_key`."""
    if isinstance(newer, BookDelta):
        if isinstance(older, BookSnapshot | BookDelta):
            return _fold_delta(older, newer)
        return newer
    if isinstance(newer, TradesPrinted) and isinstance(older, TradesPrinted):
        trades = older.trades + newer.trades
        return TradesPrinted(newer.symbol, trades[-MAX_TRADES:])
    return newer  # a snapshot, a best bid/ask or a pong: the newest state is the whole state


def _fold_delta(older: BookSnapshot | BookDelta, newer: BookDelta) -> BookSnapshot | BookDelta:
    if newer.prev_seq != older.seq:  # a gap inside the run: the book must still see one
        return BookDelta(
            newer.symbol,
            newer.topic,
            newer.bids,
            newer.asks,
            newer.seq,
            GAP_SEQ,
            newer.timestamp_ms,
        )
    whole = isinstance(older, BookSnapshot)  # a snapshot and its deltas: a snapshot
    bids = _merged(older.bids, newer.bids, keep_deletes=not whole)
    asks = _merged(older.asks, newer.asks, keep_deletes=not whole)
    if isinstance(older, BookSnapshot):
        return BookSnapshot(newer.symbol, newer.topic, bids, asks, newer.seq, newer.timestamp_ms)
    return BookDelta(
        newer.symbol, newer.topic, bids, asks, newer.seq, older.prev_seq, newer.timestamp_ms
    )


def _merged(older: _Levels, newer: _Levels, *, keep_deletes: bool) -> _Levels:
    """Levels of `older` changed by `newer` (the later size of a price wins; size 0 deletes:
    kept as a delete in a delta, left out of a snapshot)."""
    sizes = dict(older)
    sizes.update(newer)
    if keep_deletes:
        return tuple(sizes.items())
    return tuple((price, size) for price, size in sizes.items() if size)
