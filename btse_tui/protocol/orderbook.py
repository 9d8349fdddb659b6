"""Local order book of one symbol: OSS snapshot + deltas, sequence-gap and crossed-book checks."""

from __future__ import annotations

from bisect import bisect_left, insort
from decimal import Decimal
from enum import StrEnum

from btse_tui.protocol.events import BookDelta, BookSnapshot
from btse_tui.protocol.models import BookLevel

_TWO = Decimal(2)


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


class _Side:
    """One side: price → BookLevel plus the prices sorted ascending (bids read from the end)."""

    __slots__ = ("levels", "prices")

    def __init__(self) -> None:
        self.levels: dict[Decimal, BookLevel] = {}
        self.prices: list[Decimal] = []

    def clear(self) -> None:
        self.levels.clear()
        self.prices.clear()

    def load(self, entries: tuple[tuple[Decimal, Decimal], ...]) -> None:
        levels = self.levels
        for price, size in entries:
            if size:
                levels[price] = BookLevel(price, size)
            else:
                levels.pop(price, None)
        self.prices = sorted(levels)

    def update(self, entries: tuple[tuple[Decimal, Decimal], ...]) -> None:
        levels = self.levels
        prices = self.prices
        for price, size in entries:
            if size:
                if price not in levels:
                    insort(prices, price)
                levels[price] = BookLevel(price, size)
            elif price in levels:
                del levels[price]
                del prices[bisect_left(prices, price)]


class OrderBook:
    """The book of one symbol, kept from an `update:` topic (§6.2).

    Levels are keyed by exact Decimal price and kept in price order whatever the wire order;
    size 0 deletes; at most `depth` levels per side are kept (the worst are dropped). After a
    gap or a crossed book the book is cleared and `apply` says so; deltas are then ignored
    (NO_SNAPSHOT) until the next snapshot. `top(n)` is cached until the book changes.
    """

    __slots__ = ("_asks", "_bids", "_cache", "depth", "seq", "symbol", "timestamp_ms", "version")

    def __init__(self, symbol: str, depth: int = 50) -> None:
        self.symbol = symbol
        self.depth = depth
        self.seq: int | None = None
        self.timestamp_ms = 0
        #: Incremented on every change, so a widget can skip repainting an unchanged book.
        self.version = 0
        self._bids = _Side()
        self._asks = _Side()
        self._cache: dict[int, tuple[list[BookLevel], list[BookLevel]]] = {}

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
        self._cache.clear()

    def _trim(self) -> None:
        excess = len(self._bids.prices) - self.depth
        if excess > 0:  # worst bids are the lowest prices, at the start
            for price in self._bids.prices[:excess]:
                del self._bids.levels[price]
            del self._bids.prices[:excess]
        excess = len(self._asks.prices) - self.depth
        if excess > 0:  # worst asks are the highest prices, at the end
            for price in self._asks.prices[-excess:]:
                del self._asks.levels[price]
            del self._asks.prices[-excess:]

    def _crossed(self) -> bool:
        bids, asks = self._bids.prices, self._asks.prices
        return bool(bids and asks and bids[-1] >= asks[0])

    # ------------------------------------------------------------------ apply

    def apply(self, event: BookSnapshot | BookDelta) -> BookResult:
        """Apply a snapshot or delta; anything but OK leaves the book cleared or untouched."""
        if type(event) is BookDelta:
            if self.seq is None:
                return BookResult.NO_SNAPSHOT
            if event.prev_seq != self.seq:
                self.clear()
                return BookResult.GAP
            self._bids.update(event.bids)
            self._asks.update(event.asks)
        else:
            self._bids.clear()
            self._asks.clear()
            self._bids.load(event.bids)
            self._asks.load(event.asks)
        self.seq = event.seq
        self.timestamp_ms = event.timestamp_ms
        self._trim()
        self._changed()
        if self._crossed():
            self.clear()
            return BookResult.CROSSED
        return BookResult.OK

    # ------------------------------------------------------------------ read

    def top(self, n: int = 20) -> tuple[list[BookLevel], list[BookLevel]]:
        """The best `n` bids (highest first) and asks (lowest first); do not mutate the lists."""
        cached = self._cache.get(n)
        if cached is not None:
            return cached
        bid_levels, ask_levels = self._bids.levels, self._asks.levels
        bid_prices = self._bids.prices
        start = max(0, len(bid_prices) - n)
        bids = [bid_levels[p] for p in reversed(bid_prices[start:])]
        asks = [ask_levels[p] for p in self._asks.prices[:n]]
        result = (bids, asks)
        self._cache[n] = result
        return result

    @property
    def best_bid(self) -> BookLevel | None:
        """Highest bid, or None."""
        prices = self._bids.prices
        return self._bids.levels[prices[-1]] if prices else None

    @property
    def best_ask(self) -> BookLevel | None:
        """Lowest ask, or None."""
        prices = self._asks.prices
        return self._asks.levels[prices[0]] if prices else None

    @property
    def spread(self) -> Decimal | None:
        """Best ask minus best bid, or None when a side is empty."""
        bid, ask = self.best_bid, self.best_ask
        return None if bid is None or ask is None else ask.price - bid.price

    @property
    def mid(self) -> Decimal | None:
        """Midpoint of best bid and ask, or None when a side is empty."""
        bid, ask = self.best_bid, self.best_ask
        return None if bid is None or ask is None else (ask.price + bid.price) / _TWO

    def __len__(self) -> int:
        return len(self._bids.prices) + len(self._asks.prices)

    def as_dict(self) -> dict:
        """`{"symbol", "seq", "bids": {price: size}, "asks": {price: size}}` for comparisons."""
        return {
            "symbol": self.symbol,
            "seq": self.seq,
            "bids": {p: lv.size for p, lv in self._bids.levels.items()},
            "asks": {p: lv.size for p, lv in self._asks.levels.items()},
        }


__all__ = ["BookResult", "OrderBook"]
