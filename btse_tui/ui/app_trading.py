"""The dashboard's order actions: place (with confirm), cancel, amend, cancel all, the DMS."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from textual import work

from btse_tui.protocol.errors import (
    ApiError,
    BtseError,
    RateLimited,
    RequestTimeout,
    TransportError,
)
from btse_tui.protocol.guards import needs_confirmation
from btse_tui.protocol.models import Order, OrderRequest
from btse_tui.protocol.submission import OrderSubmission, outcome_unknown
from btse_tui.ui.bridge import describe_order
from btse_tui.ui.order_review import order_warnings
from btse_tui.ui.screens.amend import AmendScreen
from btse_tui.ui.screens.cancel_all import CancelAllScreen
from btse_tui.ui.screens.confirm import ConfirmOrderScreen


class TradingMixin:
    """Order actions of BtseApp; every network call runs in an `orders` worker."""

    def submit_order(self, request: OrderRequest) -> None:
        """Send a checked order: straight away, or after the confirm screen when it must be."""
        ticker = self.session.tickers.get(request.symbol)
        market = self._market(request.symbol)
        if market is None:
            self.form.submission_done()
            return
        warnings = order_warnings(
            request,
            market,
            ticker,
            max_deviation=self.max_deviation,
            notional_cap=self.notional_cap,
        )
        must_confirm = needs_confirmation(
            request,
            warnings,
            production=self.environment == "production",
            confirm_all=self.confirm_all,
        )
        submission = OrderSubmission.of(request)  # its body: what is shown is what is sent
        self.form.result_for = submission.cl_order_id
        if not must_confirm:
            self._place(submission)
            return

        def decided(confirmed: bool | None) -> None:
            if confirmed:
                self._place(submission)
            else:
                self.form.submission_done()
                self.form.show_result("not sent", ok=False)

        self.push_screen(
            ConfirmOrderScreen(
                submission,
                market,
                environment=self.environment,
                warnings=warnings,
                costs=self.form.costs_of(request),
            ),
            decided,
        )

    @work(group="orders")
    async def _place(self, submission: OrderSubmission) -> None:
        """Send one order; its result line follows the session's OrderChanged events."""
        form = self.form
        request = submission.request
        try:
            await self.session.place(submission)
        except BtseError as error:
            if outcome_unknown(error):
                # the exchange may have it: the session checks by client id (OrderChecked
                # ends this line); re-entering now could double the position
                form.show_result(f"unknown — checking ({_why_unknown(error)})", ok=None)
            elif isinstance(error, RateLimited):  # nothing was sent during the block
                form.show_result(f"not sent: {error.message}", ok=False)
            elif isinstance(error, ApiError) and error.code is not None:
                form.show_result(f"rejected: {_code_meaning(error)}", ok=False)
                self.log_line(
                    f"Rejected {request.symbol}: {error.describe()}", "error", sticky=True
                )
            else:  # refused before it was sent (nothing left this machine)
                form.show_result(f"not sent: {error}", ok=False)
        finally:
            form.submission_done()

    def action_cancel_order(self) -> None:
        """Cancel the order under the cursor in the open-orders table."""
        order = self.orders_table.selected_order()
        if order is None:
            self.notify("Select an order in the open-orders table first", severity="warning")
            return
        self._order_action("Cancel", lambda: self.session.cancel(order))

    def action_amend_order(self) -> None:
        """Change the price, size or waiting trigger of the selected order."""
        order = self.orders_table.selected_order()
        market = self._market(order.symbol) if order else None
        if order is None or market is None:
            self.notify("Select an order in the open-orders table first", severity="warning")
            return

        def amended(request: Any) -> None:
            if request is not None:
                self._order_action("Amend", lambda: self.session.amend(request))

        self.push_screen(AmendScreen(order, market), amended)

    def action_cancel_all(self) -> None:
        """Cancel every open order of the selected market, after a count preview."""
        symbol = self.selected
        if symbol is None:
            return
        orders = self.session.open_orders(symbol)
        preview = [describe_order(o, self._market(symbol)) for o in orders[:8]]

        def decided(confirmed: bool | None) -> None:
            if confirmed:
                self._order_action(
                    "Cancel all",
                    lambda: self.session.cancel_all(symbol),
                    done=lambda count: f"cancelled {count} orders on {symbol}",
                )

        self.push_screen(
            CancelAllScreen(symbol, len(orders), preview=preview, environment=self.environment),
            decided,
        )

    @work(group="orders")
    async def _order_action(
        self,
        what: str,
        action: Callable[[], Awaitable[Sequence[Order]]],
        done: Callable[[int], str] | None = None,
    ) -> None:
        """Run a cancel / amend / cancel-all and show its answer; `done(count)` is logged after."""
        try:
            results = await action()  # each change it made came as OrderChanged
        except BtseError as error:
            self.log_line(f"{what} failed: {error}", "error", sticky=True)
            return
        if done is not None:
            self.log_line(done(len(results)), "cancelled")

    def action_toggle_dms(self) -> None:
        """Arm or disarm the dead man's switch (cancelAllAfter heartbeat)."""
        self.dms_on = not self.dms_on
        self.session.set_dead_mans_switch(self.dms_seconds if self.dms_on else None)
        self.status.set_dms(self.dms_seconds if self.dms_on else None)
        state = f"armed ({self.dms_seconds:.0f} s)" if self.dms_on else "off"
        self.log_line(f"dead man's switch {state}", "connection")


def _code_meaning(error: ApiError) -> str:
    """`insufficient balance (code 8)`: what BTSE's code means, else its message."""
    meaning = error.meaning or error.message or "refused"
    return f"{meaning} (code {error.code})"


def _why_unknown(error: BtseError) -> str:
    """Why the answer proves nothing: `HTTP 500`, `no answer in time`, `connection lost` …"""
    if isinstance(error, ApiError):
        return f"HTTP {error.status}"
    if isinstance(error, RequestTimeout):
        return "no answer in time"
    if isinstance(error, TransportError):
        return "connection lost"
    return "unreadable answer"
