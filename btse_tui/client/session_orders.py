"""OrderDesk: the session's order path — place once (never resend), check unknowns by
clOrderID, cancel, amend — and the one place an order's new state is reported."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from decimal import Decimal
from typing import Any

from btse_tui import journal as jr
from btse_tui.client.limiter import RateLimiter
from btse_tui.client.rest import OrderAckRejected, RestClient
from btse_tui.client.session_base import (
    ExchangeClock,
    RestHealthWatch,
    SessionJournal,
    Tasks,
    log,
)
from btse_tui.port import Emit
from btse_tui.protocol import codec
from btse_tui.protocol.errors import (
    BtseError,
    ConfigError,
    ProtocolError,
    RateLimited,
    ValidationError,
)
from btse_tui.protocol.ledger import OrderLedger
from btse_tui.protocol.models import AmendRequest, Order, OrderRequest, OrderStatus
from btse_tui.protocol.session_events import OrderChanged, OrderChecked, OrderUnknown
from btse_tui.protocol.submission import OrderSubmission, outcome_unknown

#: First and largest wait between two checks of an unknown order.
CHECK_FIRST_S = 0.2
CHECK_MAX_S = 5.0


class OrderDesk:
    """place / cancel / cancel_all / amend, the background check of unknown submissions, and
    `fold`: every order report goes into the ledger here and each change is emitted once."""

    def __init__(
        self,
        rest: RestClient,
        ledger: OrderLedger,
        *,
        sink: Emit,
        notes: SessionJournal,
        health: RestHealthWatch,
        limiter: RateLimiter,
        tasks: Tasks,
        clock: ExchangeClock,
        can_trade: bool,
        unknown_check_s: float,
    ) -> None:
        self._rest = rest
        self.ledger = ledger
        self._sink = sink
        self._notes = notes
        self._health = health
        self._limiter = limiter
        self._tasks = tasks
        self._clock = clock
        self.can_trade = can_trade
        self.unknown_check_s = unknown_check_s
        self._checks: dict[str, asyncio.Task[Any]] = {}

    # ------------------------------------------------------------------ the one report

    def fold(self, orders: Iterable[Order], *, from_stream: bool = False) -> None:
        """Fold order reports into the ledger; each one that changed it is emitted once as
        OrderChanged (the ledger's version) — a repeat of what is known is not."""
        ledger = self.ledger
        for order in orders:
            before = ledger.orders.get(order.order_id) or ledger.closed.get(order.order_id)
            if not ledger.apply_order(order):
                continue
            current = ledger.orders.get(order.order_id) or ledger.closed[order.order_id]
            new_state = before is None or (before.status, before.total_filled) != (
                current.status,
                current.total_filled,
            )
            self._sink(OrderChanged(current, new_state, from_stream))

    # ------------------------------------------------------------------ guards

    def _require_trading(self) -> None:
        if not self.can_trade:
            raise ConfigError("trading needs BTSE_API_KEY and BTSE_API_SECRET")

    def _refuse_while_blocked(self, action: str, detail: dict[str, Any]) -> None:
        """During a 429 block nothing is sent: fail at once rather than send minutes late."""
        remaining = self._limiter.block_remaining()
        if remaining > 0:
            message = f"rate limited: nothing sent; try again in {remaining:.0f} s"
            self._notes.record(jr.ORDER_ERROR, {"action": action, **detail, "error": message})
            self._health.announce_block(remaining)
            raise RateLimited(429, 303, message, remaining)

    # ------------------------------------------------------------------ place

    async def place(
        self, submission: OrderSubmission | OrderRequest, *, mid: Decimal | None = None
    ) -> list[Order]:
        """Send one order, once: the submission's body exactly as built (a bare request is
        made a submission first). Returns the ack items (2 for OCO); every change they make
        is emitted as OrderChanged. `mid`, the market's mid at send, goes into the journal
        with the request (a market order's fills are measured against it).

        A clOrderID already used is refused (ValidationError), so the same order can never go
        out twice. BTSE's own refusal (a 4xx with an error code, or OrderAckRejected) means
        the exchange refused it. Any other failure (see `outcome_unknown`: timeout, reset,
        5xx, an unreadable reply) means the outcome is unknown: the order shows as `unknown —
        checking`, OrderUnknown is emitted and a background check queries by clOrderID until
        it knows (OrderChecked); the error is re-raised and the order is NEVER resent.
        """
        self._require_trading()
        if isinstance(submission, OrderRequest):
            submission = OrderSubmission.of(submission)
        request, cl = submission.request, submission.cl_order_id
        if cl in self.ledger.pending or self.ledger.find_by_client_id(cl) is not None:
            raise ValidationError("clOrderID", cl, "was already sent: an order is never resent")
        body = dict(submission.body)
        self._refuse_while_blocked("place", {"clOrderID": cl, "body": body})
        self._notes.record(
            jr.ORDER_REQUEST, {"action": "place", "clOrderID": cl, "body": body, "mid": mid}
        )
        self.ledger.begin(request, self._clock.now_ms())
        try:
            acks = await self._rest.place_order(submission)
        except BtseError as exc:
            if outcome_unknown(exc):
                self._unknown(request, exc)
            else:
                self._refused(request, exc)
            raise
        except BaseException:  # cancelled mid-flight: the outcome is unknown too
            self._unknown(request, None)
            raise
        self.fold(acks)
        self.ledger.settle(cl)
        self._notes.record(jr.ORDER_REPLY, {"action": "place", "clOrderID": cl, "orders": acks})
        return acks

    def _refused(self, request: OrderRequest, exc: BtseError) -> None:
        cl = request.cl_order_id or ""
        self.ledger.settle(cl)
        if isinstance(exc, OrderAckRejected) and exc.orders:
            self.fold(exc.orders)
        if isinstance(exc, RateLimited):
            self._health.announce_block(exc.retry_after_s)
        self._notes.record(
            jr.ORDER_ERROR,
            {"action": "place", "clOrderID": cl, "outcome": "refused", "error": str(exc)},
        )

    def _unknown(self, request: OrderRequest, exc: BtseError | None) -> None:
        cl = request.cl_order_id or ""
        self.ledger.mark_unknown(cl)
        error = str(exc) if exc is not None else "cancelled while sending"
        self._notes.record(
            jr.ORDER_ERROR,
            {"action": "place", "clOrderID": cl, "outcome": "unknown", "error": error},
        )
        self._sink(OrderUnknown(cl, request))
        self._ensure_check(cl)

    # ------------------------------------------------------------------ unknown → checked

    def _ensure_check(self, cl: str) -> None:
        """Start the background check of an unknown submission unless one is running."""
        if self._tasks.closed or cl in self._checks:
            return
        try:
            task = self._tasks.spawn(self._check_unknown(cl), f"check-{cl}")
        except RuntimeError:  # no running loop (closing)
            return
        self._checks[cl] = task
        task.add_done_callback(lambda _t: self._checks.pop(cl, None))

    def recheck_unknown(self) -> None:
        """Make sure every unknown submission is being checked (after a reconnect)."""
        for pending in self.ledger.unknown():
            if pending.request.cl_order_id:
                self._ensure_check(pending.request.cl_order_id)

    async def _check_unknown(self, cl: str) -> None:
        """Query by clOrderID with backoff until found, or until `unknown_check_s` of
        successful queries found no trace (then: not placed)."""
        started = time.monotonic()
        delay = CHECK_FIRST_S
        while True:
            if cl not in self.ledger.pending:  # a notification or a resync settled it
                self._checked(cl, self.ledger.find_by_client_id(cl), "stream")
                return
            try:
                found = await self._rest.get_order(cl_order_id=cl)
            except BtseError as exc:
                log.info("check of %s failed: %s", cl, exc)
                if isinstance(exc, RateLimited):
                    self._health.announce_block(exc.retry_after_s)
            else:
                if found is not None:
                    self.fold([found])  # its new state, then the end of the check
                    self.ledger.settle(cl)
                    self._checked(cl, self.ledger.find_by_client_id(cl) or found, "query")
                    return
                gave_up = time.monotonic() - started >= self.unknown_check_s
                if gave_up and cl in self.ledger.pending:
                    self.ledger.settle(cl)
                    self._checked(cl, None, "query")
                    return
            await asyncio.sleep(delay)
            delay = min(CHECK_MAX_S, delay * 2)

    def _checked(self, cl: str, order: Order | None, via: str) -> None:
        self._notes.record(
            jr.ORDER_REPLY,
            {"action": "check", "clOrderID": cl, "via": via, "found": order is not None,
             "orders": [order] if order is not None else []},
        )  # fmt: skip
        self._sink(OrderChecked(cl, order))

    # ------------------------------------------------------------------ cancel / amend

    async def _order_call(
        self,
        action: str,
        detail: dict[str, Any],
        call: Callable[[], Awaitable[list[Order]]],
    ) -> list[Order]:
        self._require_trading()
        self._refuse_while_blocked(action, detail)
        self._notes.record(jr.ORDER_REQUEST, {"action": action, **detail})
        try:
            orders = await call()
        except BtseError as exc:
            if isinstance(exc, RateLimited):
                self._health.announce_block(exc.retry_after_s)
            if isinstance(exc, OrderAckRejected) and exc.orders:
                self.fold(exc.orders)
            self._notes.record(jr.ORDER_ERROR, {"action": action, **detail, "error": str(exc)})
            raise
        self.fold(orders)
        self._notes.record(jr.ORDER_REPLY, {"action": action, **detail, "orders": orders})
        return orders

    async def cancel(self, order: Order) -> list[Order]:
        """Cancel one order by its orderID; returns the reply items (status 6).

        When the exchange does not confirm the cancel (status 16: already filled or cancelled,
        or an unreadable reply) the order's real state is queried and folded in, so the screen
        never keeps showing an order open that is not; that state is returned instead.
        """
        detail = {"symbol": order.symbol, "orderID": order.order_id}

        async def call() -> list[Order]:
            return await self._rest.cancel_order(order.symbol, order_id=order.order_id)

        try:
            items = await self._order_call("cancel", detail, call)
        except ProtocolError:
            items = []
        if any(i.order_id == order.order_id and i.status == OrderStatus.ORDER_CANCELLED
               for i in items):  # fmt: skip
            return items
        final = await self._rest.get_order(order_id=order.order_id)
        if final is None:
            return items
        self.fold([final])
        self._notes.record(jr.ORDER_REPLY, {"action": "query", **detail, "orders": [final]})
        return [final]

    async def cancel_all(self, symbol: str) -> list[Order]:
        """Cancel every open order of `symbol`; returns one item per cancelled order."""

        async def call() -> list[Order]:
            return await self._rest.cancel_order(symbol)

        return await self._order_call("cancel_all", {"symbol": symbol}, call)

    async def amend(self, request: AmendRequest) -> list[Order]:
        """Amend price / size / trigger of an open order; returns the ack (status 123)."""

        async def call() -> list[Order]:
            return await self._rest.amend_order(request)

        return await self._order_call("amend", {"body": codec.amend_body(request)}, call)
