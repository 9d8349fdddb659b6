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
from btse_tui.protocol.models import Trade

#: The `prev_seq` of a folded delta whose run held a sequence gap: it follows no book's seq
#: (they are never negative), so the book still sees the gap and resyncs.
GAP_SEQ = -1
#: Public trades kept when several prints of one market are folded (the newest).
MAX_TRADES = 1000


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


class Pending:
    """The waiting events of one coalescing key, folded as they come: `add` costs what the new
    event holds (a book's levels go into dicts), `event()` builds the one event for them all.

    A snapshot starts the book afresh; a delta that follows the last seq folds into it (the
    later size of a price wins, size 0 deletes: kept in a delta, left out of a snapshot); one
    that does not leaves a delta with `prev_seq` GAP_SEQ, so the book still sees the gap.
    Trades are concatenated (the newest MAX_TRADES kept); anything else: the newest wins.
    """

    __slots__ = ("_asks", "_bids", "_event", "_prev_seq", "_trades", "_whole")

    def __init__(self, event: StreamEvent) -> None:
        self._event = event  # the newest event (for a book: its seq, time and names)
        self._bids: dict[Decimal, Decimal] | None = None  # set once a book delta folded in
        self._asks: dict[Decimal, Decimal] = {}
        self._whole = False  # the folded run starts with a snapshot
        self._prev_seq = GAP_SEQ  # else: the seq it follows
        self._trades: list[Trade] | None = None

    def add(self, newer: StreamEvent) -> None:
        """Fold `newer` (an event of the same coalescing key) in."""
        older = self._event
        self._event = newer
        if isinstance(newer, BookDelta) and isinstance(older, BookSnapshot | BookDelta):
            if self._bids is None:
                self._bids, self._asks = dict(older.bids), dict(older.asks)
                self._whole = isinstance(older, BookSnapshot)
                self._prev_seq = older.prev_seq if isinstance(older, BookDelta) else GAP_SEQ
            if newer.prev_seq == older.seq:
                self._bids.update(newer.bids)
                self._asks.update(newer.asks)
            else:  # a gap inside the run: the book must still see one
                self._bids, self._asks = dict(newer.bids), dict(newer.asks)
                self._whole, self._prev_seq = False, GAP_SEQ
        elif isinstance(newer, TradesPrinted) and isinstance(older, TradesPrinted):
            if self._trades is None:
                self._trades = list(older.trades)
            self._trades.extend(newer.trades)
            del self._trades[:-MAX_TRADES]
        else:  # a snapshot, a best bid/ask or a pong: the newest state is the whole state
            self._bids = self._trades = None

    def event(self) -> StreamEvent:
        """The one event for everything added."""
        last = self._event
        if self._bids is not None and isinstance(last, BookDelta):
            if self._whole:
                bids = tuple((p, s) for p, s in self._bids.items() if s)
                asks = tuple((p, s) for p, s in self._asks.items() if s)
                return BookSnapshot(
                    last.symbol, last.topic, bids, asks, last.seq, last.timestamp_ms
                )
            return BookDelta(
                last.symbol, last.topic, tuple(self._bids.items()), tuple(self._asks.items()),
                last.seq, self._prev_seq, last.timestamp_ms,
            )  # fmt: skip
        if self._trades is not None and isinstance(last, TradesPrinted):
            return TradesPrinted(last.symbol, tuple(self._trades))
        return last


def fold(older: StreamEvent, newer: StreamEvent) -> StreamEvent:
    """One event for `older` then `newer`, two events of the same `coalescing_key`."""
    pending = Pending(older)
    pending.add(newer)
    return pending.event()
