"""The session's order path: place once (never resend), check unknowns by clOrderID, cancel."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

from btse_tui import journal as jr
from btse_tui.client.rest import OrderAckRejected
from btse_tui.client.session_base import SessionCore, log
from btse_tui.protocol import codec
from btse_tui.protocol.errors import (
    ApiError,
    BtseError,
    ConfigError,
    ProtocolError,
    RateLimited,
    ValidationError,
)
from btse_tui.protocol.models import AmendRequest, Order, OrderRequest, OrderStatus
from btse_tui.protocol.session_events import OrderChecked, OrderUnknown

#: First and largest wait between two checks of an unknown order.
CHECK_FIRST_S = 0.2
CHECK_MAX_S = 5.0


def new_cl_order_id() -> str:
    """A fresh clOrderID: `tui` + epoch ms in hex + 8 random hex digits (22 characters)."""
    return f"tui{int(time.time() * 1000):x}{secrets.token_hex(4)}"


def outcome_unknown(exc: BaseException) -> bool:
    """True unless the answer to an order POST proves the exchange refused it.

    Only BTSE's own refusal proves that: a 4xx (not 408) whose body carries an error code, or
    a refused status in the ack (OrderAckRejected). A timeout, a reset, a 5xx, a proxy's
    error page, a 4xx without BTSE's error body or an unreadable 200 may hide a placed order.
    """
    if isinstance(exc, OrderAckRejected | ValidationError | ConfigError):
        return False  # refused by the exchange, or never sent
    if isinstance(exc, ApiError):
        return not (400 <= exc.status < 500 and exc.status != 408 and exc.code is not None)
    return True


class OrderMixin(SessionCore):
    """place / cancel / cancel_all / amend and the background check of unknown submissions."""

    def _fold(self, orders: list[Order]) -> None:
        for order in orders:
            self.ledger.apply_order(order)

    def _refuse_while_blocked(self, action: str, detail: dict) -> None:
        """During a 429 block nothing is sent: fail at once rather than send minutes late."""
        remaining = self.limiter.block_remaining()
        if remaining > 0:
            message = f"rate limited: nothing sent; try again in {remaining:.0f} s"
            self._record(jr.ORDER_ERROR, {"action": action, **detail, "error": message})
            self._announce_block(self._emit, remaining)
            raise RateLimited(429, 303, message, remaining)

    # ------------------------------------------------------------------ place

    async def place(self, request: OrderRequest) -> list[Order]:
        """Send one order, once. Returns the ack items (2 for OCO).

        A clOrderID is assigned when missing; one already used is refused (ValidationError),
        so the same request can never go out twice. BTSE's own refusal (a 4xx with an error
        code, or OrderAckRejected) means the exchange refused it. Any other failure (see
        `outcome_unknown`: timeout, reset, 5xx, an unreadable reply) means the outcome is
        unknown: the order shows as `unknown — checking`, OrderUnknown is
        emitted and a background check queries by clOrderID until it knows (OrderChecked);
        the error is re-raised and the order is NEVER resent.
        """
        self._require_trading()
        if not request.cl_order_id:
            request = replace(request, cl_order_id=new_cl_order_id())
        cl = request.cl_order_id
        assert cl is not None
        if cl in self.ledger.pending or self.ledger.find_by_client_id(cl) is not None:
            raise ValidationError("clOrderID", cl, "was already sent: an order is never resent")
        body = codec.order_body(request)
        self._refuse_while_blocked("place", {"clOrderID": cl, "body": body})
        self._record(jr.ORDER_REQUEST, {"action": "place", "clOrderID": cl, "body": body})
        self.ledger.begin(request, self.now_ms())
        try:
            acks = await self.rest.place_order(request)
        except BtseError as exc:
            if outcome_unknown(exc):
                self._unknown(request, exc)
            else:
                self._refused(request, exc)
            raise
        except BaseException:  # cancelled mid-flight: the outcome is unknown too
            self._unknown(request, None)
            raise
        self._fold(acks)
        self.ledger.settle(cl)
        self._record(jr.ORDER_REPLY, {"action": "place", "clOrderID": cl, "orders": acks})
        return acks

    def _refused(self, request: OrderRequest, exc: BtseError) -> None:
        cl = request.cl_order_id or ""
        self.ledger.settle(cl)
        if isinstance(exc, OrderAckRejected) and exc.orders:
            self._fold(list(exc.orders))
        if isinstance(exc, RateLimited):
            self._announce_block(self._emit, exc.retry_after_s)
        self._record(
            jr.ORDER_ERROR,
            {"action": "place", "clOrderID": cl, "outcome": "refused", "error": str(exc)},
        )

    def _unknown(self, request: OrderRequest, exc: BtseError | None) -> None:
        cl = request.cl_order_id or ""
        self.ledger.mark_unknown(cl)
        error = str(exc) if exc is not None else "cancelled while sending"
        self._record(
            jr.ORDER_ERROR,
            {"action": "place", "clOrderID": cl, "outcome": "unknown", "error": error},
        )
        self._emit(OrderUnknown(cl, request))
        self._ensure_check(cl)

    # ------------------------------------------------------------------ unknown → checked

    def _ensure_check(self, cl: str) -> None:
        """Start the background check of an unknown submission unless one is running."""
        if self._closed or cl in self._checks:
            return
        try:
            task = self._spawn(self._check_unknown(cl), f"check-{cl}")
        except RuntimeError:  # no running loop (closing)
            return
        self._checks[cl] = task
        task.add_done_callback(lambda _t, cl=cl: self._checks.pop(cl, None))

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
                found = await self.rest.get_order(cl_order_id=cl)
            except BtseError as exc:
                log.info("check of %s failed: %s", cl, exc)
                if isinstance(exc, RateLimited):
                    self._announce_block(self._emit, exc.retry_after_s)
            else:
                if found is not None:
                    self.ledger.apply_order(found)
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
        self._record(
            jr.ORDER_REPLY,
            {"action": "check", "clOrderID": cl, "via": via, "found": order is not None,
             "orders": [order] if order is not None else []},
        )  # fmt: skip
        self._emit(OrderChecked(cl, order))

    # ------------------------------------------------------------------ cancel / amend

    async def _order_call(
        self, action: str, detail: dict, call: Callable[[], Awaitable[list[Order]]]
    ) -> list[Order]:
        self._require_trading()
        self._refuse_while_blocked(action, detail)
        self._record(jr.ORDER_REQUEST, {"action": action, **detail})
        try:
            orders = await call()
        except BtseError as exc:
            if isinstance(exc, RateLimited):
                self._announce_block(self._emit, exc.retry_after_s)
            if isinstance(exc, OrderAckRejected) and exc.orders:
                self._fold(list(exc.orders))
            self._record(jr.ORDER_ERROR, {"action": action, **detail, "error": str(exc)})
            raise
        self._fold(orders)
        self._record(jr.ORDER_REPLY, {"action": action, **detail, "orders": orders})
        return orders

    async def cancel(self, order: Order) -> list[Order]:
        """Cancel one order by its orderID; returns the reply items (status 6).

        When the exchange does not confirm the cancel (status 16: already filled or cancelled,
        or an unreadable reply) the order's real state is queried and folded in, so the screen
        never keeps showing an order open that is not; that state is returned instead.
        """
        detail = {"symbol": order.symbol, "orderID": order.order_id}
        try:
            items = await self._order_call(
                "cancel",
                detail,
                lambda: self.rest.cancel_order(order.symbol, order_id=order.order_id),
            )
        except ProtocolError:
            items = []
        if any(i.order_id == order.order_id and i.status == OrderStatus.ORDER_CANCELLED
               for i in items):  # fmt: skip
            return items
        final = await self.rest.get_order(order_id=order.order_id)
        if final is None:
            return items
        self.ledger.apply_order(final)
        self._record(jr.ORDER_REPLY, {"action": "query", **detail, "orders": [final]})
        return [final]

    async def cancel_all(self, symbol: str) -> list[Order]:
        """Cancel every open order of `symbol`; returns one item per cancelled order."""
        return await self._order_call(
            "cancel_all", {"symbol": symbol}, lambda: self.rest.cancel_order(symbol)
        )

    async def amend(self, request: AmendRequest) -> list[Order]:
        """Amend price / size / trigger of an open order; returns the ack (status 123)."""
        detail = {"body": codec.amend_body(request)}
        return await self._order_call("amend", detail, lambda: self.rest.amend_order(request))
