"""EventAlerts: which session events the trader is alerted to — fills, partial fills,
rejections, a socket down too long, the dead man's switch fired, rate limits, clock skew —
each kind switched on or off by its rule."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from btse_tui.protocol import events as ev
from btse_tui.protocol import session_events as se
from btse_tui.protocol.alerts import Alert, AlertKind
from btse_tui.protocol.decimal_text import plain_decimal
from btse_tui.protocol.models import Order, OrderStatus

_NOT_LIVE = (ev.StreamState.DOWN, ev.StreamState.STALE, ev.StreamState.CONNECTING)


@dataclass(frozen=True, slots=True)
class EventAlertRules:
    """Which events alert: a flag per kind, and the limits of the two that have one
    (0 switches them off): a socket down for `socket_down_after_s`, a clock skew above
    `clock_skew_ms`."""

    fill: bool = True
    partial_fill: bool = True
    rejected: bool = True
    socket_down_after_s: float = 30.0
    dms_fired: bool = True
    rate_limited: bool = True
    clock_skew_ms: float = 2000.0


class EventAlerts:
    """Turns session events into alerts, each news told once: a fill when an order's filled
    size grows, a rejection once per order, an outage once per outage (`due` tells it when
    it has lasted long enough), a rate-limit block, a lapsed dead man's switch and a clock
    skew once each until they are over."""

    def __init__(self, rules: EventAlertRules) -> None:
        self.rules = rules
        self._filled: dict[str, Decimal] = {}  # order id → filled size already told
        self._rejected: set[str] = set()  # client order ids (or order ids) already told
        self._down_since: dict[str, tuple[float, str]] = {}  # socket → (since, why)
        self._down_told: set[str] = set()
        self._blocked = False
        self._dms_lapsed = False
        self._skewed = False

    def on_event(self, event: object, now: float) -> list[Alert]:
        """The alerts `event` (seen at `now`, seconds on a clock that does not go back) makes."""
        rules = self.rules
        match event:
            case se.OrdersSnapshot(orders=orders):
                for order in orders:  # what was filled before is not news
                    self._filled[order.order_id] = order.total_filled
            case se.OrderChanged(order=order, new_state=True):
                return self._order_news(order)
            case ev.StreamStateChanged(stream=stream, state=state, reason=reason):
                if state in _NOT_LIVE:
                    self._down_since.setdefault(stream, (now, reason or state.value))
                else:
                    self._down_since.pop(stream, None)
                    self._down_told.discard(stream)
                return self.due(now)
            case se.RateLimitBlock(seconds=seconds):
                was, self._blocked = self._blocked, seconds > 0
                if rules.rate_limited and seconds > 0 and not was:
                    text = f"rate limited by the exchange: nothing sent for {seconds:.0f} s"
                    return [Alert(AlertKind.RATE_LIMITED, text)]
            case se.DeadMansSwitch(armed=armed, timeout_s=timeout, last_armed_ms=last):
                lapsed = not armed and timeout > 0 and last is not None
                was, self._dms_lapsed = self._dms_lapsed, lapsed
                if rules.dms_fired and lapsed and not was:
                    text = (
                        f"dead man's switch fired: not re-armed for {timeout:g} s, the "
                        "exchange cancels every open order"
                    )
                    return [Alert(AlertKind.DMS_FIRED, text)]
            case se.ClockSkew(ms=ms):
                limit = rules.clock_skew_ms
                over = limit > 0 and abs(ms) > limit
                was, self._skewed = self._skewed, over
                if over and not was:
                    text = f"clock skew {ms / 1000:+.2f} s (limit {limit / 1000:g} s): check NTP"
                    return [Alert(AlertKind.CLOCK_SKEW, text)]
        return []

    def rejected(self, symbol: str, reason: str, cl_order_id: str | None) -> list[Alert]:
        """An order the exchange refused outright (its place call failed with a code)."""
        if cl_order_id is not None:
            if cl_order_id in self._rejected:
                return []
            self._rejected.add(cl_order_id)
        if not self.rules.rejected:
            return []
        return [Alert(AlertKind.REJECTED, f"{symbol} order rejected: {reason}", symbol)]

    def due(self, now: float) -> list[Alert]:
        """Sockets that have now been down for longer than the rule allows (once per outage)."""
        after = self.rules.socket_down_after_s
        if after <= 0:
            return []
        out: list[Alert] = []
        for stream, (since, why) in self._down_since.items():
            if stream not in self._down_told and now - since >= after:
                self._down_told.add(stream)
                text = f"{stream} socket down for {now - since:.0f} s ({why})"
                out.append(Alert(AlertKind.SOCKET_DOWN, text))
        return out

    def _order_news(self, order: Order) -> list[Alert]:
        if order.is_failure:
            key = order.cl_order_id or order.order_id
            reason = order.message or order.status_label
            return self.rejected(order.symbol, reason, key)
        told = self._filled.get(order.order_id, Decimal(0))
        filled = order.total_filled
        if filled <= told:
            return []
        self._filled[order.order_id] = filled
        complete = not order.is_open or order.status == OrderStatus.ORDER_FULLY_TRANSACTED
        kind = AlertKind.FILL if complete else AlertKind.PARTIAL_FILL
        if not (self.rules.fill if complete else self.rules.partial_fill):
            return []
        size = plain_decimal(filled)
        if not complete and order.original_size:
            size += f" of {plain_decimal(order.original_size)}"
        price = f" @ {plain_decimal(order.avg_fill_price)}" if order.avg_fill_price else ""
        word = "filled" if complete else "partially filled"
        text = f"{order.symbol} {order.side.value} {word} {size}{price}"
        return [Alert(kind, text, order.symbol)]
