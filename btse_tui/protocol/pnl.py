"""Profit and loss per market from the trader's own fills: average cost, realized and
unrealized, fees included, all in Decimal (pure: no I/O).

Cost method — average cost. A position is the base held through fills of one market
(BASE-QUOTE) and the quote paid for it (`cost`); its average price is cost / size.

- A BUY of `size` at `price` adds `size` to the position and `size × price` to the cost.
- A SELL of `size` takes `size` out at the average cost: realized P&L is the sale's
  proceeds minus `size × average`; the rest of the position keeps its average.
- Unrealized P&L is size × mark − cost, at the live price (`mark`).

Fees:
- in the **quote** currency (BTSE charges a SELL's fee in quote): a BUY's fee is added to the
  cost (so it raises the average); a SELL's fee is taken from its proceeds (so it lowers the
  realized P&L).
- in the **base** currency (BTSE charges a BUY's fee in base): a BUY's fee is base that never
  arrived, so the position grows by size − fee for the full `size × price` of cost (a higher
  average); a SELL's fee in base is base that leaves too, at the average cost, for no
  proceeds.
- in any **other** currency (a fee-token discount) it cannot be priced here: it is counted in
  `other_fees` by currency and not put into the P&L (said so on screen).

A SELL of more than the position holds (base bought before the fills we know of, or
deposited) realizes only the part the fills account for; the rest is counted in
`unknown_cost_size` and never given a made-up cost of zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from btse_tui.protocol.models import Fill, Side

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Position:
    """One market's position built from fills (quote amounts in the market's quote currency).

    Attributes:
        symbol: The market, BASE-QUOTE.
        base: The asset held.
        quote: The currency of cost, P&L and fees.
        size: Base held through the fills (after fees taken in base).
        cost: Quote paid for `size` (fees in quote on buys included).
        realized: Realized P&L so far, fees included.
        fees: Fees paid, in quote (a base fee valued at its fill's price).
        other_fees: Fees in other currencies, by currency (not in the P&L).
        unknown_cost_size: Base sold beyond what the fills bought (no known cost).
        fills: How many fills built it.
    """

    symbol: str
    base: str
    quote: str
    size: Decimal = ZERO
    cost: Decimal = ZERO
    realized: Decimal = ZERO
    fees: Decimal = ZERO
    other_fees: Mapping[str, Decimal] = field(default_factory=dict)
    unknown_cost_size: Decimal = ZERO
    fills: int = 0

    @property
    def average(self) -> Decimal | None:
        """The average cost per unit of base (None while flat)."""
        return self.cost / self.size if self.size > 0 else None

    def unrealized(self, mark: Decimal | None) -> Decimal | None:
        """size × mark − cost at the live price `mark` (None without a price; 0 when flat)."""
        if self.size == 0:
            return ZERO
        return None if mark is None else self.size * mark - self.cost

    def apply(self, fill: Fill) -> Position:
        """This position after one more fill (the fill's market must be this one)."""
        size, price, fee = fill.size, fill.price, fill.fee_amount
        fee_in = _fee_side(fill, self.base, self.quote)
        other = dict(self.other_fees)
        fees = self.fees
        if fee_in == "base":
            fees += fee * price
        elif fee_in == "quote":
            fees += fee
        elif fee:
            other[fill.fee_currency] = other.get(fill.fee_currency, ZERO) + fee
        count = self.fills + 1
        if fill.side is Side.BUY:
            got = size - fee if fee_in == "base" else size
            paid = size * price + (fee if fee_in == "quote" else ZERO)
            return replace(
                self, size=self.size + got, cost=self.cost + paid, fees=fees,
                other_fees=other, fills=count,
            )  # fmt: skip
        gone = size + fee if fee_in == "base" else size
        proceeds = size * price - (fee if fee_in == "quote" else ZERO)
        known = min(gone, self.size)
        unknown = gone - known
        # proceeds of the part the fills account for (all of them when nothing is unknown)
        known_proceeds = proceeds if unknown == 0 else proceeds * known / gone
        released = ZERO if known == 0 else self.cost * known / self.size
        left = self.size - known
        return replace(
            self,
            size=left,
            cost=ZERO if left == 0 else self.cost - released,
            realized=self.realized + known_proceeds - released,
            fees=fees,
            other_fees=other,
            unknown_cost_size=self.unknown_cost_size + unknown,
            fills=count,
        )


def _fee_side(fill: Fill, base: str, quote: str) -> str:
    """Which side of the market the fee was charged in: `base`, `quote` or `other`."""
    currency = fill.fee_currency.upper()
    if not currency or fill.fee_amount == 0:
        return "quote"  # nothing charged: either side gives the same figures
    if currency == base.upper():
        return "base"
    if currency == quote.upper():
        return "quote"
    return "other"


def split_symbol(symbol: str, base: str = "", quote: str = "") -> tuple[str, str]:
    """The (base, quote) of a BASE-QUOTE symbol (a fill's own base/quote win when given)."""
    head, _, tail = symbol.partition("-")
    return (base or head, quote or tail)


def fill_key(fill: Fill) -> tuple[str, str]:
    """What makes a fill one trade: its market and trade id (order id and time without one)."""
    return (fill.symbol, fill.trade_id or f"{fill.order_id}@{fill.timestamp_ms}")


#: Fills a PnlBook keeps one by one, newest by time, so that a late, older fill is folded in
#: at its place; older ones are folded into the settled positions and only their trade ids
#: are kept (up to SEEN_KEPT), so a resent old trade is still counted once.
FILLS_KEPT = 5_000
SEEN_KEPT = 50_000


class PnlBook:
    """Positions by market, folded from fills in time order, each trade counted once.

    Feed it fills in any order with `add` (duplicates by trade id are ignored); positions are
    rebuilt in time order when an older fill arrives after newer ones. Memory is bounded:
    the newest `kept` fills stay whole, older ones live on in the settled positions.
    """

    def __init__(self, kept: int = FILLS_KEPT, seen_kept: int = SEEN_KEPT) -> None:
        self._kept = kept
        self._seen_kept = max(seen_kept, kept)
        self._fills: dict[tuple[str, str], Fill] = {}
        self._seen: dict[tuple[str, str], None] = {}  # every trade folded in, oldest first
        self._settled: dict[str, Position] = {}  # the positions of the fills let go
        self._positions: dict[str, Position] | None = {}
        self._last: tuple[int, str] = (0, "")

    def add(self, fills: Iterable[Fill]) -> int:
        """Fold fills in; returns how many were new (a trade id seen before is skipped)."""
        new = 0
        for fill in fills:
            key = fill_key(fill)
            if key in self._seen:
                continue
            self._seen[key] = None
            self._fills[key] = fill
            new += 1
            order = (fill.timestamp_ms, key[1])
            if self._positions is not None and order >= self._last:
                self._positions[fill.symbol] = self._position(fill.symbol).apply(fill)
                self._last = order
            else:
                self._positions = None  # an older fill: rebuild in time order when read
        if len(self._fills) > self._kept + self._kept // 4:  # in batches: one sort per many
            self._settle()
        while len(self._seen) > self._seen_kept:
            del self._seen[next(iter(self._seen))]
        return new

    def _settle(self) -> None:
        """Fold the oldest fills beyond `kept` into the settled positions and let them go."""
        ordered = sorted(self._fills.items(), key=lambda item: (item[1].timestamp_ms, item[0][1]))
        settled = self._settled
        for key, fill in ordered[: len(ordered) - self._kept]:
            settled[fill.symbol] = self._start(fill).apply(fill)
            del self._fills[key]

    def _start(self, fill: Fill) -> Position:
        """The settled position of `fill`'s market (flat when none yet)."""
        known = self._settled.get(fill.symbol)
        if known is not None:
            return known
        base, quote = split_symbol(fill.symbol, fill.base, fill.quote)
        return Position(fill.symbol, base, quote)

    def _position(self, symbol: str) -> Position:
        positions = self._positions if self._positions is not None else {}
        known = positions.get(symbol) or self._settled.get(symbol)
        if known is not None:
            return known
        sample = next(f for f in self._fills.values() if f.symbol == symbol)
        base, quote = split_symbol(symbol, sample.base, sample.quote)
        return Position(symbol, base, quote)

    def positions(self) -> dict[str, Position]:
        """Every market's position by symbol."""
        if self._positions is None:
            self._positions = {}
            ordered = sorted(
                self._fills.items(), key=lambda item: (item[1].timestamp_ms, item[0][1])
            )
            for key, fill in ordered:
                self._positions[fill.symbol] = self._position(fill.symbol).apply(fill)
                self._last = (fill.timestamp_ms, key[1])
            for symbol, settled in self._settled.items():
                self._positions.setdefault(symbol, settled)
        return dict(self._positions)

    def __len__(self) -> int:
        return len(self._seen)


def positions_of(fills: Iterable[Fill]) -> dict[str, Position]:
    """Positions by market from these fills (each trade once, in time order)."""
    book = PnlBook()
    book.add(fills)
    return book.positions()
