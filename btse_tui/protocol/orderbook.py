"""Local order book of one symbol: OSS snapshot + deltas, sequence-gap and crossed-book checks."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from typing import TypedDict

from btse_tui.protocol.events import BookDelta, BookSnapshot
from btse_tui.protocol.models import BookLevel

_TWO = Decimal(2)
_Levels = tuple[tuple[Decimal, Decimal], ...]


class BookResult(StrEnum):
    """What applying one message did; anything but OK means: resubscribe the topic."""

    OK = "ok"
    GAP = "gap"  # prev_seq did not follow the last seq: the book was cleared
    CROSSED = "crossed"  # best bid >= best ask after applying: the book was cleared
    NO_SNAPSHOT = "no_snapshot"  # a delta arrived before any snapshot: ignored

    @property
    def needs_resubscribe(self) -> bool:
        """True when the caller must unsubscribe + subscribe to get a fresh snapshot."""
        return self is not BookResult.OK


# apply returns these module-level members: reading one from its class costs more
# (benchmarks/README.md, "Figures behind choices in the code").
_OK, _GAP, _CROSSED, _NO_SNAPSHOT = (
    BookResult.OK,
    BookResult.GAP,
    BookResult.CROSSED,
    BookResult.NO_SNAPSHOT,
)


class BookDict(TypedDict):
    """An OrderBook as plain data, for comparisons."""

    symbol: str
    seq: int | None
    bids: dict[Decimal, Decimal]
    asks: dict[Decimal, Decimal]


class _Side:
    """One side of the book: prices ascending and their sizes, in two parallel lists.

    The best bid is the last price, the best ask the first. `_read` keeps the BookLevels of
    the last read by price, so a read after a delta builds only the levels that changed.
    """

    __slots__ = ("_read", "prices", "sizes")

    def __init__(self) -> None:
        self.prices: list[Decimal] = []
        self.sizes: list[Decimal] = []
        self._read: dict[Decimal, BookLevel] = {}

    def store(self, changes: _Levels) -> None:
        """Apply (price, size) changes; size 0 deletes the level (an absent one is ignored).

        Most changes are at an end of the side (its best level, or the far edge as the ladder
        moves): the last price is compared first, then the first, and only a price strictly
        between them is searched for.
        """
        prices, sizes = self.prices, self.sizes
        for price, size in changes:
            if not prices or price > prices[-1]:
                if size:
                    prices.append(price)
                    sizes.append(size)
                continue
            if price == prices[-1]:
                i = len(prices) - 1
            elif price <= prices[0]:
                i = 0
            else:
                i = bisect_left(prices, price, 1, len(prices) - 1)
            if prices[i] == price:
                if size:
                    sizes[i] = size
                else:
                    del prices[i], sizes[i]
            elif size:
                prices.insert(i, price)
                sizes.insert(i, size)

    def load(self, levels: _Levels) -> None:
        """Replace every level (the last size of a price wins; size 0 leaves it out)."""
        book = {price: size for price, size in dict(levels).items() if size}
        self.prices[:] = sorted(book)
        self.sizes[:] = [book[price] for price in self.prices]

    def keep(self, depth: int, *, best_last: bool) -> None:
        """Drop the worst levels past `depth`."""
        excess = len(self.prices) - depth
        if excess > 0:
            worst = slice(None, excess) if best_last else slice(-excess, None)
            del self.prices[worst], self.sizes[worst]

    def clear(self) -> None:
        self.prices.clear()
        self.sizes.clear()
        self._read.clear()

    def levels(self, pairs: Iterable[tuple[Decimal, Decimal]]) -> list[BookLevel]:
        """BookLevels for `pairs`, reusing those of the last read that did not change."""
        seen = self._read
        out = []
        for price, size in pairs:
            level = seen.get(price)
            if level is None or level.size != size:
                level = BookLevel(price, size)
            out.append(level)
        self._read = {level.price: level for level in out}
        return out


#: Levels per side a book keeps (BTSE's OSS snapshot sends at most 50 and keeps that window:
#: a level leaving it arrives as size 0), so a side holding this many may go deeper.
BOOK_WINDOW = 50


class OrderBook:
    """The book of one symbol, kept from an `update:` topic (§6.2).

    Levels are keyed by exact Decimal price and kept in price order whatever the wire order;
    size 0 deletes; at most `depth` levels per side are kept (the worst are dropped). After a
    gap or a crossed book the book is cleared and `apply` says so; deltas are then ignored
    (NO_SNAPSHOT) until the next snapshot. `version` counts changes; `top(n)` is built when
    read and cached until the next change.
    """

    __slots__ = ("_asks", "_bids", "_top", "depth", "seq", "symbol", "timestamp_ms", "version")

    def __init__(self, symbol: str, depth: int = BOOK_WINDOW) -> None:
        self.symbol = symbol
        self.depth = depth
        self.seq: int | None = None
        self.timestamp_ms = 0
        #: Incremented on every change, so a reader can skip an unchanged book.
        self.version = 0
        self._bids = _Side()
        self._asks = _Side()
        self._top: dict[int, tuple[list[BookLevel], list[BookLevel]]] = {}

    # ------------------------------------------------------------------ state

    @property
    def ready(self) -> bool:
        """True once a snapshot has been applied (and no gap/cross since)."""
        return self.seq is not None

    def clear(self) -> None:
        """Forget everything; the next delta will be refused until a snapshot arrives."""
        self._bids.clear()
        self._asks.clear()
        self.seq = None
        self._changed()

    def _changed(self) -> None:
        self.version += 1
        self._top.clear()

    # ------------------------------------------------------------------ apply

    def apply(self, event: BookSnapshot | BookDelta) -> BookResult:
        """Apply a snapshot or delta; anything but OK leaves the book cleared or untouched."""
        bids, asks = self._bids, self._asks
        if type(event) is BookDelta:
            if event.prev_seq != self.seq:
                if self.seq is None:
                    return _NO_SNAPSHOT
                self.clear()
                return _GAP
            if event.bids:
                bids.store(event.bids)
            if event.asks:
                asks.store(event.asks)
        else:
            bids.load(event.bids)
            asks.load(event.asks)
        self.seq = event.seq
        self.timestamp_ms = event.timestamp_ms
        self.version += 1
        if self._top:
            self._top.clear()
        bid_prices, ask_prices = bids.prices, asks.prices
        depth = self.depth
        if len(bid_prices) > depth or len(ask_prices) > depth:
            bids.keep(depth, best_last=True)
            asks.keep(depth, best_last=False)
        if bid_prices and ask_prices and bid_prices[-1] >= ask_prices[0]:
            self.clear()
            return _CROSSED
        return _OK

    # ------------------------------------------------------------------ read

    def top(self, n: int = 20) -> tuple[list[BookLevel], list[BookLevel]]:
        """The best `n` bids (highest first) and asks (lowest first); do not mutate the lists."""
        cached = self._top.get(n)
        if cached is None:
            bids, asks = self._bids, self._asks
            cached = (
                bids.levels(zip(reversed(bids.prices[-n:]), reversed(bids.sizes[-n:]))),
                asks.levels(zip(asks.prices[:n], asks.sizes[:n])),
            )
            self._top[n] = cached
        return cached

    @property
    def best_bid(self) -> BookLevel | None:
        """Highest bid, or None."""
        bids = self._bids
        return BookLevel(bids.prices[-1], bids.sizes[-1]) if bids.prices else None

    @property
    def best_ask(self) -> BookLevel | None:
        """Lowest ask, or None."""
        asks = self._asks
        return BookLevel(asks.prices[0], asks.sizes[0]) if asks.prices else None

    @property
    def spread(self) -> Decimal | None:
        """Best ask minus best bid, or None when a side is empty."""
        bids, asks = self._bids.prices, self._asks.prices
        return asks[0] - bids[-1] if bids and asks else None

    @property
    def mid(self) -> Decimal | None:
        """Midpoint of best bid and ask, or None when a side is empty."""
        bids, asks = self._bids.prices, self._asks.prices
        return (asks[0] + bids[-1]) / _TWO if bids and asks else None

    def __len__(self) -> int:
        return len(self._bids.prices) + len(self._asks.prices)

    def as_dict(self) -> BookDict:
        """`{"symbol", "seq", "bids": {price: size}, "asks": {price: size}}` for comparisons."""
        return {
            "symbol": self.symbol,
            "seq": self.seq,
            "bids": dict(zip(self._bids.prices, self._bids.sizes, strict=True)),
            "asks": dict(zip(self._asks.prices, self._asks.sizes, strict=True)),
        }


__all__ = ["BOOK_WINDOW", "BookDict", "BookResult", "OrderBook"]
