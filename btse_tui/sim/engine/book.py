"""Price-time priority order book: sorted price levels, each a FIFO of resting orders."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterator
from decimal import Decimal

from btse_tui.sim.engine.records import ZERO, OrderRecord


class Level:
    """All resting orders at one price, oldest first, with their aggregate remaining size."""

    __slots__ = ("orders", "price", "size")

    def __init__(self, price: Decimal) -> None:
        self.price = price
        self.orders: dict[str, OrderRecord] = {}
        self.size = ZERO

    def first(self) -> OrderRecord:
        """The order with time priority."""
        return next(iter(self.orders.values()))


class BookSide:
    """One side of a book. Prices are kept ascending; the best bid is last, the best ask first."""

    __slots__ = ("is_bid", "levels", "prices", "side")

    def __init__(self, is_bid: bool) -> None:
        self.is_bid = is_bid
        self.side = "BUY" if is_bid else "SELL"
        self.prices: list[Decimal] = []
        self.levels: dict[Decimal, Level] = {}

    def __len__(self) -> int:
        return len(self.prices)

    def best(self) -> Decimal | None:
        """Best price of this side, or None when empty."""
        if not self.prices:
            return None
        return self.prices[-1] if self.is_bid else self.prices[0]

    def best_level(self) -> Level | None:
        price = self.best()
        return None if price is None else self.levels[price]

    def add(self, order: OrderRecord, price: Decimal, size: Decimal) -> Decimal:
        """Append `order` (resting `size`) at the back of its level; return the level's new size."""
        level = self.levels.get(price)
        if level is None:
            level = self.levels[price] = Level(price)
            insort(self.prices, price)
        level.orders[order.order_id] = order
        level.size += size
        return level.size

    def remove(self, order: OrderRecord, price: Decimal, size: Decimal) -> Decimal:
        """Take `order` (still resting `size`) off the book; return the level's new size."""
        level = self.levels[price]
        del level.orders[order.order_id]
        level.size -= size
        if not level.orders:
            self._drop(price)
            return ZERO
        return level.size

    def reduce(self, price: Decimal, size: Decimal) -> Decimal:
        """Lower a level's aggregate by `size` (a fill or a size amend); return the new size."""
        level = self.levels[price]
        level.size -= size
        return level.size

    def _drop(self, price: Decimal) -> None:
        del self.levels[price]
        index = bisect_left(self.prices, price)
        del self.prices[index]

    def iter_levels(self) -> Iterator[Level]:
        """Levels from the best price outward."""
        prices = reversed(self.prices) if self.is_bid else iter(self.prices)
        levels = self.levels
        for price in prices:
            yield levels[price]

    def depth(self, depth: int) -> list[tuple[Decimal, Decimal]]:
        """Up to `depth` (price, size) pairs from the best price outward."""
        if depth <= 0:
            return []
        chosen = self.prices[-depth:][::-1] if self.is_bid else self.prices[:depth]
        levels = self.levels
        return [(p, levels[p].size) for p in chosen]


class Book:
    """Both sides of one market's book."""

    __slots__ = ("asks", "bids")

    def __init__(self) -> None:
        self.bids = BookSide(is_bid=True)
        self.asks = BookSide(is_bid=False)

    def side(self, side: str) -> BookSide:
        """The side a resting order of `side` ("BUY"/"SELL") lives on."""
        return self.bids if side == "BUY" else self.asks

    def opposite(self, side: str) -> BookSide:
        """The side an incoming order of `side` trades against."""
        return self.asks if side == "BUY" else self.bids


def group_levels(
    levels: list[tuple[Decimal, Decimal]], step: Decimal, rounding: str, limit: int
) -> dict[Decimal, Decimal]:
    """Aggregate best-first levels into `step`-wide buckets (bids floor, asks ceiling)."""
    out: dict[Decimal, Decimal] = {}
    for price, size in levels:
        bucket = (price / step).to_integral_value(rounding=rounding) * step
        if bucket not in out and len(out) >= limit:
            break
        out[bucket] = out.get(bucket, Decimal(0)) + size
    return out
