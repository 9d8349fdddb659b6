"""The trader's orders and fills as the app believes them, folded from events and REST snapshots."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from btse_tui.protocol.models import Fill, Order, OrderRequest, OrderStatus, TxType


@dataclass(frozen=True, slots=True)
class PendingOrder:
    """An order we sent whose outcome we do not know yet.

    `state` is `sending` until the reply arrives, or `unknown` after a timeout or transport
    failure: then the client asks the exchange by clOrderID until it knows the truth.
    """

    request: OrderRequest
    sent_ms: int
    state: str = "sending"


@dataclass(frozen=True, slots=True)
class ReconcileReport:
    """What a resync changed: orders whose state differed and fills we had missed."""

    orders_changed: int
    fills_recovered: int
    vanished: tuple[str, ...] = ()

    def describe(self) -> str:
        """`resynced: N orders changed, M fills recovered`."""
        return (
            f"resynced: {self.orders_changed} orders changed, "
            f"{self.fills_recovered} fills recovered"
        )


def _fill_key(fill: Fill) -> tuple[str, str]:
    return (fill.order_id, fill.trade_id)


def _progress(order: Order) -> tuple[int, Decimal, int]:
    """Ordering of two reports of one order: closed beats open, more filled beats less."""
    return (0 if order.is_open else 1, order.total_filled, order.timestamp_ms)


@dataclass
class OrderLedger:
    """Orders by id, fills by (order, trade) id, and submissions still in flight.

    Closed orders and fills are kept up to `history` entries so memory stays flat for days.
    """

    history: int = 5000
    orders: dict[str, Order] = field(default_factory=dict)
    closed: OrderedDict[str, Order] = field(default_factory=OrderedDict)
    fills: OrderedDict[tuple[str, str], Fill] = field(default_factory=OrderedDict)
    pending: dict[str, PendingOrder] = field(default_factory=dict)

    # -- submissions --------------------------------------------------------------------------
    def begin(self, request: OrderRequest, now_ms: int) -> None:
        """Record a submission before it is sent (it must carry a clOrderID)."""
        if not request.cl_order_id:
            raise ValueError("every order must carry a clOrderID")
        self.pending[request.cl_order_id] = PendingOrder(request, now_ms)

    def mark_unknown(self, cl_order_id: str) -> None:
        """The POST timed out or failed in transit: the outcome must be checked, not resent."""
        pending = self.pending.get(cl_order_id)
        if pending is not None:
            self.pending[cl_order_id] = replace(pending, state="unknown")

    def settle(self, cl_order_id: str) -> None:
        """The outcome of a submission is known (ack, rejection, or found by query)."""
        self.pending.pop(cl_order_id, None)

    def unknown(self) -> list[PendingOrder]:
        """Submissions whose outcome must be checked by clOrderID."""
        return [p for p in self.pending.values() if p.state == "unknown"]

    # -- events -------------------------------------------------------------------------------
    def apply_order(self, order: Order, authoritative: bool = False) -> bool:
        """Fold one order report in; returns True when what the trader sees changed.

        Older reports (less filled, or open after closed) are ignored unless `authoritative`
        (a REST snapshot taken after a reconnect is the truth at that moment).
        """
        if order.cl_order_id and order.cl_order_id in self.pending and order.status != 16:
            self.settle(order.cl_order_id)
        if order.status == OrderStatus.ORDER_NOTFOUND:
            return False
        known = self.orders.get(order.order_id) or self.closed.get(order.order_id)
        if known is not None:
            if not known.is_open and order.is_open:
                return False  # a closed order never reopens, whatever arrives late
            if not authoritative and _progress(order) < _progress(known):
                return False
            order = _merge(known, order)
            if order == known:
                return False
        if order.is_open:
            self.orders[order.order_id] = order
            self.closed.pop(order.order_id, None)
        else:
            self.orders.pop(order.order_id, None)
            self.closed[order.order_id] = order
            self.closed.move_to_end(order.order_id)
            while len(self.closed) > self.history:
                self.closed.popitem(last=False)
        return True

    def implausible_fill(self, fill: Fill) -> str | None:
        """Why `fill` cannot be true (it is bigger than its whole order), or None."""
        order = self.orders.get(fill.order_id) or self.closed.get(fill.order_id)
        ordered = order.original_size if order is not None else None
        if ordered and fill.size > ordered:
            return (
                f"size {format(fill.size, 'f')} of a fill is more than its order's size "
                f"{format(ordered, 'f')}"
            )
        return None

    def apply_fill(self, fill: Fill) -> bool:
        """Record one fill; returns False for a fill we already had."""
        key = _fill_key(fill)
        if key in self.fills:
            return False
        self.fills[key] = fill
        while len(self.fills) > self.history:
            self.fills.popitem(last=False)
        return True

    # -- views --------------------------------------------------------------------------------
    def open_orders(self, symbol: str | None = None) -> list[Order]:
        """Open orders, oldest first (optionally of one market)."""
        rows = [o for o in self.orders.values() if symbol is None or o.symbol == symbol]
        return sorted(rows, key=lambda o: (o.timestamp_ms, o.order_id))

    def find_by_client_id(self, cl_order_id: str) -> Order | None:
        """The newest order carrying this clOrderID, open or recently closed."""
        for table in (self.orders, self.closed):
            for order in reversed(table.values()):
                if order.cl_order_id == cl_order_id:
                    return order
        return None

    # -- resync -------------------------------------------------------------------------------
    def reconcile(self, rest_open: list[Order], rest_fills: list[Fill]) -> ReconcileReport:
        """Fold a REST snapshot in after a reconnect.

        Orders open here but absent from `rest_open` are returned as `vanished`: they closed
        while we were away, and the caller queries each for its final state.
        """
        changed = sum(1 for order in rest_open if self.apply_order(order, authoritative=True))
        recovered = sum(1 for fill in rest_fills if self.apply_fill(fill))
        present = {order.order_id for order in rest_open}
        vanished = tuple(oid for oid in self.orders if oid not in present)
        return ReconcileReport(changed, recovered, vanished)


def _merge(old: Order, new: Order) -> Order:
    """Keep facts a thinner report leaves out (REST open_orders carry no maker flag, etc.)."""
    # An order's kind never changes, but acks (§4.1) carry no txType and decode as LIMIT.
    kind_lost = new.tx_type is TxType.LIMIT and old.tx_type is not TxType.LIMIT
    # A trigger fires once; later reports (an amend's 123) do not say so again.
    fired_before = not new.trigger_fired and (
        old.trigger_fired or old.status == OrderStatus.TRIGGER_ACTIVATED
    )
    cl_order_id = old.cl_order_id if new.cl_order_id is None else new.cl_order_id
    maker = old.maker if new.maker is None else new.maker
    trigger_price = old.trigger_price if new.trigger_price is None else new.trigger_price
    # an OCO leg, a trail or a peg deviation stays what it was: thinner reports omit them
    is_oco = old.is_oco or new.is_oco
    trail_value = old.trail_value if new.trail_value is None else new.trail_value
    peg_deviation = old.peg_deviation if new.peg_deviation is None else new.peg_deviation
    if not (
        is_oco != new.is_oco
        or trail_value != new.trail_value
        or peg_deviation != new.peg_deviation
        or kind_lost
        or fired_before
        or cl_order_id != new.cl_order_id
        or maker != new.maker
        or trigger_price != new.trigger_price
    ):
        return new
    return replace(
        new,
        cl_order_id=cl_order_id,
        maker=maker,
        trigger_price=trigger_price,
        tx_type=old.tx_type if kind_lost else new.tx_type,
        is_trigger=True if kind_lost else new.is_trigger,
        trigger_fired=True if fired_before else new.trigger_fired,
        is_oco=is_oco,
        trail_value=trail_value,
        peg_deviation=peg_deviation,
    )
