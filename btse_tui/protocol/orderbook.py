"""Local order book of one symbol: OSS snapshot + deltas, sequence-gap and crossed-book checks."""

from __future__ import annotations

from bisect import bisect_left
from decimal import Decimal
from enum import StrEnum

from btse_tui.protocol.events import BookDelta, BookSnapshot
from btse_tui.protocol.models import BookLevel

_TWO = Decimal(2)

# BookLevel is a frozen slots dataclass: its generated __init__ goes through
# object.__setattr__ per field (~0.4 µs). The book makes one per changed level on the hot path,
# so it fills the two slots directly (~0.2 µs); the object is the same in every respect.
_new_object = object.__new__
_set_price = BookLevel.__dict__["price"].__set__
_set_size = BookLevel.__dict__["size"].__set__


def _level(price: Decimal, size: Decimal) -> BookLevel:
    """BookLevel(price, size), built without the frozen-dataclass __init__ overhead."""
    level = _new_object(BookLevel)
    _set_price(level, price)
    _set_size(level, size)
    return level


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


_OK = BookResult.OK
_GAP = BookResult.GAP
_CROSSED = BookResult.CROSSED
_NO_SNAPSHOT = BookResult.NO_SNAPSHOT


class _Side:
    """One side as two parallel lists sorted by ascending price: the prices and their BookLevels
    (bids are read from the end). Reading the top n is then two slices."""

    __slots__ = ("levels", "prices")

    def __init__(self) -> None:
        self.prices: list[Decimal] = []
        self.levels: list[BookLevel] = []

    def clear(self) -> None:
        self.prices.clear()
        self.levels.clear()

    def load(self, entries: tuple[tuple[Decimal, Decimal], ...]) -> None:
        sizes: dict[Decimal, Decimal] = {}
        for price, size in entries:
            if size:
                sizes[price] = size
            else:
                sizes.pop(price, None)
        self.prices = sorted(sizes)
        self.levels = [_level(price, sizes[price]) for price in self.prices]

    def update(self, entries: tuple[tuple[Decimal, Decimal], ...]) -> None:
        _update(self.prices, self.levels, entries)


def _update(
    prices: list[Decimal], levels: list[BookLevel], entries: tuple[tuple[Decimal, Decimal], ...]
) -> None:
    """Apply (price, size) changes to one side's parallel lists; size 0 deletes the level."""
    new, set_price, set_size, cls = _new_object, _set_price, _set_size, BookLevel
    for price, size in entries:
        i = bisect_left(prices, price)
        try:
            found = prices[i] == price
        except IndexError:  # beyond the last level
            found = False
        if found:
            if size:
                level = new(cls)
                set_price(level, price)
                set_size(level, size)
                levels[i] = level
            else:
                del prices[i]
                del levels[i]
        elif size:
            level = new(cls)
            set_price(level, price)
            set_size(level, size)
            prices.insert(i, price)
            levels.insert(i, level)


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
        depth = self.depth
        bids, asks = self._bids, self._asks
        excess = len(bids.prices) - depth
        if excess > 0:  # worst bids are the lowest prices, at the start
            del bids.prices[:excess]
            del bids.levels[:excess]
        excess = len(asks.prices) - depth
        if excess > 0:  # worst asks are the highest prices, at the end
            del asks.prices[-excess:]
            del asks.levels[-excess:]

    # ------------------------------------------------------------------ apply

    def apply(self, event: BookSnapshot | BookDelta) -> BookResult:
        """Apply a snapshot or delta; anything but OK leaves the book cleared or untouched."""
        bids, asks = self._bids, self._asks
        if type(event) is BookDelta:
            if self.seq is None:
                return _NO_SNAPSHOT
            if event.prev_seq != self.seq:
                self.clear()
                return _GAP
            if event.bids:
                _update(bids.prices, bids.levels, event.bids)
            if event.asks:
                _update(asks.prices, asks.levels, event.asks)
        else:
            bids.clear()
            asks.clear()
            bids.load(event.bids)
            asks.load(event.asks)
        self.seq = event.seq
        self.timestamp_ms = event.timestamp_ms
        depth = self.depth
        if len(bids.prices) > depth or len(asks.prices) > depth:
            self._trim()
        self.version += 1
        if self._cache:
            self._cache.clear()
        bid_prices, ask_prices = bids.prices, asks.prices
        if bid_prices and ask_prices and bid_prices[-1] >= ask_prices[0]:
            self.clear()
            return _CROSSED
        return _OK

    # ------------------------------------------------------------------ read

    def top(self, n: int = 20) -> tuple[list[BookLevel], list[BookLevel]]:
        """The best `n` bids (highest first) and asks (lowest first); do not mutate the lists."""
        cached = self._cache.get(n)
        if cached is not None:
            return cached
        bid_levels = self._bids.levels
        bids = bid_levels[max(0, len(bid_levels) - n) :][::-1]
        asks = self._asks.levels[:n]
        result = (bids, asks)
        self._cache[n] = result
        return result

    @property
    def best_bid(self) -> BookLevel | None:
        """Highest bid, or None."""
        levels = self._bids.levels
        return levels[-1] if levels else None

    @property
    def best_ask(self) -> BookLevel | None:
        """Lowest ask, or None."""
        levels = self._asks.levels
        return levels[0] if levels else None

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
            "bids": {lv.price: lv.size for lv in self._bids.levels},
            "asks": {lv.price: lv.size for lv in self._asks.levels},
        }


__all__ = ["BookResult", "OrderBook"]
