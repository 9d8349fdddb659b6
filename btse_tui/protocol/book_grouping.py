"""Book price grouping: the steps a book can be grouped by (multiples of the market's tick, as
BTSE's `group` 0–8 and its web book offer them) and a side's levels folded onto one step."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Literal

from btse_tui.protocol.models import BookLevel

BookSide = Literal["bid", "ask"]

#: Grouping steps as multiples of the tick: BTSE's `group` 0–8 (its REST book and the OSS
#: `update:<SYMBOL>_<group>` topics), a 1-5-10 ladder — for BTC with a 0.1 tick its docs give
#: 0.1, 0.5 and 1 for groups 0, 1 and 2 and its web book steps 0.5 → 5 the same way.
GROUP_FACTORS: tuple[int, ...] = (1, 5, 10, 50, 100, 500, 1_000, 5_000, 10_000)
#: The coarsest group (the last index of GROUP_FACTORS).
MAX_GROUP = len(GROUP_FACTORS) - 1


def group_step(tick: Decimal, group: int) -> Decimal:
    """The price step of `group` (0 = the tick itself) for a market whose tick is `tick`."""
    return tick * GROUP_FACTORS[max(0, min(MAX_GROUP, group))]


def bucket_of(price: Decimal, step: Decimal, side: BookSide) -> Decimal:
    """The grouped price `price` falls on: bids round down to a multiple of `step`, asks up
    (each level is shown at the price that is at least as good for the one who takes it)."""
    whole = (price // step) * step  # prices are positive: // is a floor
    if side == "ask" and whole != price:
        whole += step
    return whole


def group_levels(
    levels: Sequence[BookLevel], step: Decimal, side: BookSide, *, deeper: bool = False
) -> tuple[BookLevel, ...]:
    """`levels` (best first) folded onto multiples of `step`, sizes summed, best first.

    `deeper` says the side goes on past the levels given (the book keeps a window of the
    best levels): its deepest group then may be missing some of its size, so it is left out
    unless the deepest level given sits exactly on that group's price (nothing beyond it can
    fall in the same group).
    """
    if not levels:
        return ()
    grouped: list[BookLevel] = []
    price = bucket_of(levels[0].price, step, side)
    size = Decimal(0)
    for level in levels:
        key = bucket_of(level.price, step, side)
        if key != price:
            grouped.append(BookLevel(price, size))
            price, size = key, Decimal(0)
        size += level.size
    if not deeper or levels[-1].price == price:
        grouped.append(BookLevel(price, size))
    return tuple(grouped)


def own_buckets(prices: Iterable[Decimal], step: Decimal, side: BookSide) -> frozenset[Decimal]:
    """The grouped prices that hold one of the trader's orders at `prices` on `side`."""
    return frozenset(bucket_of(price, step, side) for price in prices if price > 0)


__all__ = [
    "GROUP_FACTORS",
    "MAX_GROUP",
    "BookSide",
    "bucket_of",
    "group_levels",
    "group_step",
    "own_buckets",
]
