"""TradeRecord: the trader's done orders and fills, newest first, each fill with the price it
is measured against (its order's limit, or the mid at send for a market order) and the
slippage from it; plus the P&L book those fills build (pure: no I/O).

BTSE spot has no order-history endpoint (v3.3 answers one order by id, open or cancelled
within 30 minutes, and the open orders); fills come from `user/trade_history` (at most 7 days
a call). So the done orders are what the session saw (acks, notifications, checks) and what
the journal recorded in earlier runs; the fills are the exchange's trade history joined with
the journal's.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from btse_tui.protocol.models import Fill, Order, OrderStatus, Side
from btse_tui.protocol.pnl import PnlBook, Position, fill_key

#: Done orders and fills kept (weeks of trading, flat memory).
HISTORY_LIMIT = 2_000
BPS = Decimal(10_000)


@dataclass(frozen=True, slots=True)
class SentOrder:
    """What an order was measured against when it was sent: its limit price (None for a
    market order) and the market's mid at that moment (None when no book or quote was
    known)."""

    cl_order_id: str
    symbol: str
    side: Side
    limit_price: Decimal | None
    mid: Decimal | None
    sent_ms: int = 0


@dataclass(frozen=True, slots=True)
class HistorySource:
    """Where the history on screen came from: the exchange (and this session's events), or
    only the local journal because the exchange could not be asked (`detail` says why)."""

    from_exchange: bool
    detail: str = ""
    loading: bool = False

    @property
    def short(self) -> str:
        """`exchange` / `journal only` / `loading…`, for a pane title."""
        if self.loading:
            return "journal; asking the exchange…"
        return "exchange" if self.from_exchange else "journal only"

    @property
    def text(self) -> str:
        """`from the exchange` / `from the journal — exchange unreachable` / `loading…`."""
        if self.loading:
            return "loading…"
        if self.from_exchange:
            return "from the exchange"
        return f"from the journal — {self.detail}" if self.detail else "from the journal"


@dataclass(frozen=True, slots=True)
class FillRecord:
    """One fill as the history shows it: the fill, the price it is measured against
    (`reference`, with `reference_kind` `limit` or `mid at send`) and the slippage."""

    fill: Fill
    reference: Decimal | None = None
    reference_kind: str = ""

    @property
    def slippage_bps(self) -> Decimal | None:
        """How much worse than `reference` the fill was, in basis points: positive = worse
        (a buy above / a sell below it), negative = better; None without a reference."""
        return slippage_bps(self.fill.side, self.fill.price, self.reference)


def slippage_bps(side: Side, price: Decimal, reference: Decimal | None) -> Decimal | None:
    """(price − reference) / reference × 10,000 for a buy, the opposite for a sell."""
    if reference is None or reference <= 0:
        return None
    worse = price - reference if side is Side.BUY else reference - price
    return worse / reference * BPS


def is_done(order: Order) -> bool:
    """True for an order the history lists: closed (filled, cancelled, rejected …) or a stop
    whose trigger fired (status 10: it rests on as a plain order, listed in both)."""
    return not order.is_open or order.status == OrderStatus.TRIGGER_ACTIVATED


class TradeRecord:
    """Done orders by id and fills by trade id, newest first, each bounded by `limit`; the
    reference of every order sent; and the P&L book of every fill."""

    def __init__(self, limit: int = HISTORY_LIMIT) -> None:
        self.limit = limit
        self._orders: OrderedDict[str, Order] = OrderedDict()  # every order seen, by id
        self._sent: OrderedDict[str, SentOrder] = OrderedDict()  # by clOrderID
        self._fills: dict[tuple[str, str], Fill] = {}
        self.pnl = PnlBook()

    # ------------------------------------------------------------------ folding in

    def note_sent(self, sent: SentOrder) -> None:
        """Remember what an order sent now is measured against (the first send of a
        clOrderID counts: a refused second send of it changes nothing)."""
        if sent.cl_order_id in self._sent:
            return
        self._sent[sent.cl_order_id] = sent
        while len(self._sent) > self.limit:
            self._sent.popitem(last=False)

    def add_order(self, order: Order) -> bool:
        """Fold one report of an order in (a later or more filled state wins; a closed one
        never reopens); returns True when the history's picture changed."""
        known = self._orders.get(order.order_id)
        if known is not None:
            if not known.is_open and order.is_open:
                return False
            if known.is_open == order.is_open and (
                (order.total_filled, order.timestamp_ms) < (known.total_filled, known.timestamp_ms)
            ):
                return False
            if known == order:
                return False
            if order.cl_order_id is None and known.cl_order_id is not None:
                order = replace(order, cl_order_id=known.cl_order_id)
        self._orders[order.order_id] = order
        self._orders.move_to_end(order.order_id)
        while len(self._orders) > self.limit:
            self._orders.popitem(last=False)
        return is_done(order) or (known is not None and is_done(known))

    def add_fills(self, fills: Iterable[Fill]) -> list[Fill]:
        """Fold fills in (a trade seen before is skipped); returns the new ones."""
        new = []
        for fill in fills:
            key = fill_key(fill)
            if key in self._fills:
                continue
            self._fills[key] = fill
            new.append(fill)
        while len(self._fills) > self.limit:  # the first taken in go first (they come in
            del self._fills[next(iter(self._fills))]  # time order, but for a late straggler)
        self.pnl.add(new)  # the P&L keeps every fill, even those the list no longer shows
        return new

    # ------------------------------------------------------------------ views

    def done_orders(self, symbol: str | None = None) -> list[Order]:
        """Done orders, newest first (optionally of one market)."""
        rows = [
            o
            for o in self._orders.values()
            if is_done(o) and (symbol is None or o.symbol == symbol)
        ]
        return sorted(rows, key=lambda o: (o.timestamp_ms, o.order_id), reverse=True)

    def fills(self, symbol: str | None = None) -> list[FillRecord]:
        """Fills, newest first (optionally of one market), each with its reference."""
        rows = [f for f in self._fills.values() if symbol is None or f.symbol == symbol]
        rows.sort(key=lambda f: (f.timestamp_ms, f.trade_id), reverse=True)
        return [self.record_of(f) for f in rows]

    def record_of(self, fill: Fill) -> FillRecord:
        """`fill` with the price it is measured against: its order's limit price, or for a
        market order the mid when it was sent (none known: no reference)."""
        order = self._orders.get(fill.order_id)
        cl = fill.cl_order_id or (order.cl_order_id if order is not None else None)
        sent = self._sent.get(cl) if cl else None
        if order is not None and order.order_type == 76 and order.price:
            return FillRecord(fill, order.price, "limit")
        if sent is not None and sent.limit_price is not None:
            return FillRecord(fill, sent.limit_price, "limit")
        if sent is not None and sent.mid is not None:
            return FillRecord(fill, sent.mid, "mid at send")
        return FillRecord(fill)

    def positions(self) -> dict[str, Position]:
        """The P&L position of every market traded, by symbol."""
        return self.pnl.positions()

    def symbols(self) -> set[str]:
        """Every market with an order, a fill or a send on record."""
        found = {o.symbol for o in self._orders.values()}
        found.update(f.symbol for f in self._fills.values())
        found.update(s.symbol for s in self._sent.values())
        return found
