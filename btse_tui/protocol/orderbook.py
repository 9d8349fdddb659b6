"""Local order book of one symbol: OSS snapshot + deltas, sequence-gap and crossed-book checks."""

from __future__ import annotations

from bisect import bisect_left
from decimal import Decimal
from enum import StrEnum

from btse_tui.protocol.events import BookDelta, BookSnapshot
from btse_tui.protocol.models import BookLevel

_TWO = Decimal(2)

# BookLevel is a frozen slots dataclass: its generated __init__ goes through
# object.__setattr__ per field (~0.4 µs). The book fills the two slots directly (~0.2 µs);
# the object is the same in every respect.
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

#: An entry of a side's `levels` list: its BookLevel, or just the size (a Decimal) until a read
#: asks for that level. Applying a delta thus creates no object; `_materialize` makes them.
_Entry = BookLevel | Decimal


def _store(
    prices: list[Decimal],
    levels: list[_Entry],
    entries: tuple[tuple[Decimal, Decimal], ...],
    clean: int,
    bids: bool,
) -> int:
    """Apply (price, size) changes to one side's parallel lists; size 0 deletes the level.

    `clean` is how many of the best levels are BookLevels already (ranks 0 to clean - 1, rank 0
    being the best: the end of the lists for bids, the start for asks); the new count is
    returned. A change inside that window gets its BookLevel at once (a reader wants it), one
    outside keeps the bare size, so a book nobody reads creates no objects. Most changes touch
    either end of the side (the best level, or the far edge as the ladder moves), so both ends
    are compared first and only prices strictly inside are bisected.
    """
    for price, size in entries:
        n = len(prices)
        if not n:
            if size:
                prices.append(price)
                levels.append(size)
            continue
        last = prices[-1]
        if price >= last:
            if price == last:  # index n - 1
                rank = 0 if bids else n - 1
                if size:
                    levels[-1] = _level(price, size) if rank < clean else size
                else:
                    prices.pop()
                    levels.pop()
                    if rank < clean:
                        clean -= 1
            elif size:  # new index n
                prices.append(price)
                if (0 if bids else n) < clean:
                    levels.append(_level(price, size))
                    clean += 1
                else:
                    levels.append(size)
            continue
        first = prices[0]
        if price <= first:
            if price == first:  # index 0
                rank = n - 1 if bids else 0
                if size:
                    levels[0] = _level(price, size) if rank < clean else size
                else:
                    del prices[0]
                    del levels[0]
                    if rank < clean:
                        clean -= 1
            elif size:  # new index 0
                prices.insert(0, price)
                if (n if bids else 0) < clean:
                    levels.insert(0, _level(price, size))
                    clean += 1
                else:
                    levels.insert(0, size)
            continue
        # first < price < last, so 1 <= i <= n - 1 and prices[i] exists
        i = bisect_left(prices, price, 1, n - 1)
        if prices[i] == price:
            rank = n - 1 - i if bids else i
            if size:
                levels[i] = _level(price, size) if rank < clean else size
            else:
                del prices[i]
                del levels[i]
                if rank < clean:
                    clean -= 1
        elif size:
            prices.insert(i, price)
            if (n - i if bids else i) < clean:
                levels.insert(i, _level(price, size))
                clean += 1
            else:
                levels.insert(i, size)
    return clean


def _store_bare(
    prices: list[Decimal], levels: list[_Entry], entries: tuple[tuple[Decimal, Decimal], ...]
) -> None:
    """`_store` when clean == 0 (after a snapshot, until something reads the book): there is no
    window to keep, so no ranks are followed and every changed level stays a bare size."""
    for price, size in entries:
        if not prices:
            if size:
                prices.append(price)
                levels.append(size)
            continue
        last = prices[-1]
        if price >= last:
            if price == last:
                if size:
                    levels[-1] = size
                else:
                    prices.pop()
                    levels.pop()
            elif size:
                prices.append(price)
                levels.append(size)
            continue
        first = prices[0]
        if price <= first:
            if price == first:
                if size:
                    levels[0] = size
                else:
                    del prices[0]
                    del levels[0]
            elif size:
                prices.insert(0, price)
                levels.insert(0, size)
            continue
        # first < price < last, so 1 <= i <= len - 1 and prices[i] exists
        i = bisect_left(prices, price, 1, len(prices) - 1)
        if prices[i] == price:
            if size:
                levels[i] = size
            else:
                del prices[i]
                del levels[i]
        elif size:
            prices.insert(i, price)
            levels.insert(i, size)


def _materialize(prices: list[Decimal], levels: list[_Entry], start: int, stop: int) -> None:
    """Turn the bare sizes in levels[start:stop] into BookLevels, in place."""
    dec, new, set_price, set_size, cls = Decimal, _new_object, _set_price, _set_size, BookLevel
    for i in range(start, stop):
        size = levels[i]
        if type(size) is dec:
            level = new(cls)
            set_price(level, prices[i])
            set_size(level, size)
            levels[i] = level


class OrderBook:
    """The book of one symbol, kept from an `update:` topic (§6.2).

    Levels are keyed by exact Decimal price and kept in price order whatever the wire order;
    size 0 deletes; at most `depth` levels per side are kept (the worst are dropped). After a
    gap or a crossed book the book is cleared and `apply` says so; deltas are then ignored
    (NO_SNAPSHOT) until the next snapshot. `top(n)` is cached until the book changes.

    Each side is two parallel lists sorted by ascending price (bids are read from the end):
    the prices, and their levels (a BookLevel, or the bare size until first read). `_bid_clean`
    and `_ask_clean` count the best levels that are BookLevels already, so a read after a
    delta only builds the few it moved into the window.
    """

    __slots__ = (
        "_ask_clean",
        "_ask_levels",
        "_ask_prices",
        "_bid_clean",
        "_bid_levels",
        "_bid_prices",
        "_cache",
        "depth",
        "seq",
        "symbol",
        "timestamp_ms",
        "version",
    )

    def __init__(self, symbol: str, depth: int = 50) -> None:
        self.symbol = symbol
        self.depth = depth
        self.seq: int | None = None
        self.timestamp_ms = 0
        #: Incremented on every change, so a widget can skip repainting an unchanged book.
        self.version = 0
        self._bid_prices: list[Decimal] = []
        self._bid_levels: list[_Entry] = []
        self._ask_prices: list[Decimal] = []
        self._ask_levels: list[_Entry] = []
        self._bid_clean = 0
        self._ask_clean = 0
        self._cache: dict[int, tuple[list[BookLevel], list[BookLevel]]] = {}

    # ------------------------------------------------------------------ state

    @property
    def ready(self) -> bool:
        """True once a snapshot has been applied (and no gap/cross since)."""
        return self.seq is not None

    def clear(self) -> None:
        """Forget everything; the next delta will be refused until a snapshot arrives."""
        self._bid_prices.clear()
        self._bid_levels.clear()
        self._ask_prices.clear()
        self._ask_levels.clear()
        self._bid_clean = self._ask_clean = 0
        self.seq = None
        self._changed()

    def _changed(self) -> None:
        self.version += 1
        self._cache.clear()

    def _load(self, event: BookSnapshot) -> None:
        for entries, prices, levels in (
            (event.bids, self._bid_prices, self._bid_levels),
            (event.asks, self._ask_prices, self._ask_levels),
        ):
            sizes: dict[Decimal, Decimal] = {}
            for price, size in entries:
                if size:
                    sizes[price] = size
                else:
                    sizes.pop(price, None)
            prices[:] = sorted(sizes)
            levels[:] = [sizes[price] for price in prices]
        self._bid_clean = self._ask_clean = 0

    def _trim(self) -> None:
        depth = self.depth
        excess = len(self._bid_prices) - depth
        if excess > 0:  # worst bids are the lowest prices, at the start
            del self._bid_prices[:excess]
            del self._bid_levels[:excess]
        excess = len(self._ask_prices) - depth
        if excess > 0:  # worst asks are the highest prices, at the end
            del self._ask_prices[-excess:]
            del self._ask_levels[-excess:]
        self._bid_clean = min(self._bid_clean, len(self._bid_prices))
        self._ask_clean = min(self._ask_clean, len(self._ask_prices))

    # ------------------------------------------------------------------ apply

    def apply(self, event: BookSnapshot | BookDelta) -> BookResult:
        """Apply a snapshot or delta; anything but OK leaves the book cleared or untouched."""
        bid_prices, ask_prices = self._bid_prices, self._ask_prices
        if type(event) is BookDelta:
            seq = self.seq
            if seq is None:
                return _NO_SNAPSHOT
            if event.prev_seq != seq:
                self.clear()
                return _GAP
            entries = event.bids
            if entries:
                clean = self._bid_clean
                if clean:
                    self._bid_clean = _store(bid_prices, self._bid_levels, entries, clean, True)
                else:
                    _store_bare(bid_prices, self._bid_levels, entries)
            entries = event.asks
            if entries:
                clean = self._ask_clean
                if clean:
                    self._ask_clean = _store(ask_prices, self._ask_levels, entries, clean, False)
                else:
                    _store_bare(ask_prices, self._ask_levels, entries)
        else:
            self._load(event)
        self.seq = event.seq
        self.timestamp_ms = event.timestamp_ms
        depth = self.depth
        if len(bid_prices) > depth or len(ask_prices) > depth:
            self._trim()
        self.version += 1
        if self._cache:
            self._cache.clear()
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
        levels = self._bid_levels
        count = len(levels)
        stop = n if n < count else count
        clean = self._bid_clean
        if clean < stop:  # ranks clean..stop-1 are indices count-stop..count-clean-1
            _materialize(self._bid_prices, levels, count - stop, count - clean)
            self._bid_clean = stop
        bids: list[BookLevel] = levels[count - stop :][::-1]  # type: ignore[assignment]
        levels = self._ask_levels
        count = len(levels)
        stop = n if n < count else count
        clean = self._ask_clean
        if clean < stop:
            _materialize(self._ask_prices, levels, clean, stop)
            self._ask_clean = stop
        asks: list[BookLevel] = levels[:stop]  # type: ignore[assignment]
        result = (bids, asks)
        self._cache[n] = result
        return result

    @property
    def best_bid(self) -> BookLevel | None:
        """Highest bid, or None."""
        levels = self._bid_levels
        if not levels:
            return None
        if not self._bid_clean:
            count = len(levels)
            _materialize(self._bid_prices, levels, count - 1, count)
            self._bid_clean = 1
        return levels[-1]  # type: ignore[return-value]

    @property
    def best_ask(self) -> BookLevel | None:
        """Lowest ask, or None."""
        levels = self._ask_levels
        if not levels:
            return None
        if not self._ask_clean:
            _materialize(self._ask_prices, levels, 0, 1)
            self._ask_clean = 1
        return levels[0]  # type: ignore[return-value]

    @property
    def spread(self) -> Decimal | None:
        """Best ask minus best bid, or None when a side is empty."""
        bids, asks = self._bid_prices, self._ask_prices
        return asks[0] - bids[-1] if bids and asks else None

    @property
    def mid(self) -> Decimal | None:
        """Midpoint of best bid and ask, or None when a side is empty."""
        bids, asks = self._bid_prices, self._ask_prices
        return (asks[0] + bids[-1]) / _TWO if bids and asks else None

    def __len__(self) -> int:
        return len(self._bid_prices) + len(self._ask_prices)

    def as_dict(self) -> dict:
        """`{"symbol", "seq", "bids": {price: size}, "asks": {price: size}}` for comparisons."""
        return {
            "symbol": self.symbol,
            "seq": self.seq,
            "bids": dict(zip(self._bid_prices, map(_size_of, self._bid_levels), strict=True)),
            "asks": dict(zip(self._ask_prices, map(_size_of, self._ask_levels), strict=True)),
        }


def _size_of(entry: _Entry) -> Decimal:
    """The size of a levels-list entry, whether a BookLevel or a bare size."""
    return entry if type(entry) is Decimal else entry.size  # type: ignore[union-attr]


__all__ = ["BookResult", "OrderBook"]
