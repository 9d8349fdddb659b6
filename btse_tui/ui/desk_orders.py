"""OrderActions: the desk's order actions — place (with confirm), cancel, amend, cancel all,
the dead man's switch."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from btse_tui.protocol.errors import (
    ApiError,
    BtseError,
    RateLimited,
    RequestTimeout,
    TransportError,
)
from btse_tui.protocol.guards import needs_confirmation
from btse_tui.protocol.models import AmendRequest, Order, OrderRequest, Side
from btse_tui.protocol.submission import OrderSubmission, outcome_unknown
from btse_tui.ui.bridge import describe_order
from btse_tui.ui.screens.amend import AmendScreen
from btse_tui.ui.screens.cancel_all import CancelAllScreen
from btse_tui.ui.screens.confirm import ConfirmOrderScreen
from btse_tui.ui.ticket.review import Costs, order_warnings

if TYPE_CHECKING:
    from btse_tui.ui.desk import DeskScreen


class OrderReporter(Protocol):
    """Where an order's outcome is shown (the order form, or the command line): it names the
    order it follows, prices it for the confirm screen and hears when its submission ends."""

    result_for: str | None
    """Client order id of the order whose result it shows."""

    def costs_of(self, request: OrderRequest) -> Costs:
        """Notional and fee of `request` for the confirm screen."""
        ...

    def show_result(self, text: str, ok: bool | None) -> None:
        """Show the outcome (`ok` None: not known yet)."""
        ...

    def submission_done(self) -> None:
        """The submission is settled: ack, error or declined."""
        ...


class OrderActions:
    """What the trader asks of the exchange from the desk: place (with confirm), cancel,
    amend, cancel all, and the dead man's switch. Every network call runs in an `orders`
    worker; results are shown from the session's events (OrderChanged), errors here."""

    def __init__(self, desk: DeskScreen) -> None:
        self.desk = desk
        settings = desk.options.settings
        self.dms_seconds = settings.cancel_all_after_s or 60.0
        self.dms_on = settings.cancel_all_after_s > 0

    def submit(
        self,
        request: OrderRequest,
        reporter: OrderReporter | None = None,
        *,
        always_confirm: bool = False,
    ) -> None:
        """Send a checked order: straight away, or after the confirm screen when it must be
        (always, with `always_confirm`); `reporter` (the form by default) shows the outcome."""
        desk = self.desk
        settings = desk.options.settings
        form: OrderReporter = reporter or desk.form
        ticker = desk.session.tickers.get(request.symbol)
        market = desk.market(request.symbol)
        if market is None:
            form.submission_done()
            return
        warnings = order_warnings(
            request,
            market,
            ticker,
            max_deviation_pct=settings.max_price_deviation_pct,
            notional_cap=settings.notional_cap,
        )
        must_confirm = always_confirm or needs_confirmation(
            request,
            warnings,
            production=settings.is_production,
            confirm_all=settings.confirm_all,
        )
        submission = OrderSubmission.of(request)  # its body: what is shown is what is sent
        form.result_for = submission.cl_order_id
        if not must_confirm:
            self._send(submission, form)
            return

        def decided(confirmed: bool | None) -> None:
            if confirmed:
                self._send(submission, form)
            else:
                form.submission_done()
                form.show_result("not sent", ok=False)

        desk.app.push_screen(
            ConfirmOrderScreen(
                submission,
                market,
                environment=settings.environment,
                warnings=warnings,
                costs=form.costs_of(request),
            ),
            decided,
        )

    def _send(self, submission: OrderSubmission, form: OrderReporter) -> None:
        self.desk.run_worker(self._place(submission, form), group="orders")

    async def _place(self, submission: OrderSubmission, form: OrderReporter) -> None:
        """Send one order; its result line follows the session's OrderChanged events."""
        desk = self.desk
        request = submission.request
        try:
            await desk.session.place(submission)
        except BtseError as error:
            if outcome_unknown(error):
                # the exchange may have it: the session checks by client id (OrderChecked
                # ends this line); re-entering now could double the position
                form.show_result(f"unknown — checking ({_why_unknown(error)})", ok=None)
            elif isinstance(error, RateLimited):  # nothing was sent during the block
                form.show_result(f"not sent: {error.message}", ok=False)
            elif isinstance(error, ApiError) and error.code is not None:
                form.show_result(f"rejected: {_code_meaning(error)}", ok=False)
                desk.log_line(
                    f"Rejected {request.symbol}: {error.describe()}", "error", sticky=True
                )
                desk.alerts.rejected(request.symbol, _code_meaning(error), request.cl_order_id)
            else:  # refused before it was sent (nothing left this machine)
                form.show_result(f"not sent: {error}", ok=False)
        finally:
            form.submission_done()

    def cancel_selected(self) -> None:
        """Cancel the order under the cursor in the open-orders table."""
        desk = self.desk
        order = desk.orders_table.selected_order()
        if order is None:
            desk.notify("Select an order in the open-orders table first", severity="warning")
            return
        self._order_action("Cancel", lambda: desk.session.cancel(order))

    def amend_selected(self) -> None:
        """Change the price, size or waiting trigger of the selected order."""
        desk = self.desk
        order = desk.orders_table.selected_order()
        market = desk.market(order.symbol) if order else None
        if order is None or market is None:
            desk.notify("Select an order in the open-orders table first", severity="warning")
            return
        if order.is_peg or order.trail_value is not None:
            what = "a PEG order" if order.is_peg else "a trailing stop (its trigger follows)"
            desk.notify(f"BTSE cannot amend {what}: cancel it and place a new one")
            return

        def amended(request: AmendRequest | None) -> None:
            if request is not None:
                self._order_action("Amend", lambda: desk.session.amend(request))

        desk.app.push_screen(AmendScreen(order, market), amended)

    def cancel_all(self) -> None:
        """Cancel every open order of the selected market, after a count preview."""
        desk = self.desk
        symbol = desk.selected
        if symbol is None:
            return
        orders = desk.session.open_orders(symbol)
        preview = [describe_order(o, desk.market(symbol)) for o in orders[:8]]

        def decided(confirmed: bool | None) -> None:
            if confirmed:
                self._order_action(
                    "Cancel all",
                    lambda: desk.session.cancel_all(symbol),
                    done=lambda count: f"cancelled {count} orders on {symbol}",
                )

        environment = desk.options.settings.environment
        desk.app.push_screen(
            CancelAllScreen(symbol, len(orders), preview=preview, environment=environment),
            decided,
        )

    def cancel_orders(self, symbol: str, side: Side | None, orders: Sequence[Order]) -> None:
        """Cancel the listed open orders of `symbol` (`side` None: every order of the market,
        one cancel-all request), after the same count preview as cancel all."""
        desk = self.desk
        market = desk.market(symbol)
        preview = [describe_order(o, market) for o in orders[:8]]
        kind = f"{side.value} " if side else ""

        async def cancel_each() -> Sequence[Order]:
            results: list[Order] = []
            for order in orders:  # one by one: BTSE cancels by id, or every order of a market
                results.extend(await desk.session.cancel(order))
            return results

        def decided(confirmed: bool | None) -> None:
            if confirmed:
                self._order_action(
                    f"Cancel {kind}orders",
                    (lambda: desk.session.cancel_all(symbol)) if side is None else cancel_each,
                    done=lambda count: f"cancelled {count} {kind}{_orders(count)} on {symbol}",
                )

        environment = desk.options.settings.environment
        desk.app.push_screen(
            CancelAllScreen(
                symbol,
                len(orders),
                preview=preview,
                environment=environment,
                kind=side.value if side else "",
            ),
            decided,
        )

    def _order_action(
        self,
        what: str,
        action: Callable[[], Awaitable[Sequence[Order]]],
        done: Callable[[int], str] | None = None,
    ) -> None:
        self.desk.run_worker(self._run_action(what, action, done), group="orders")

    async def _run_action(
        self,
        what: str,
        action: Callable[[], Awaitable[Sequence[Order]]],
        done: Callable[[int], str] | None,
    ) -> None:
        """Run a cancel / amend / cancel-all; its errors are shown here, its changes come as
        OrderChanged; `done(count)` is logged after."""
        desk = self.desk
        try:
            results = await action()
        except BtseError as error:
            desk.log_line(f"{what} failed: {error}", "error", sticky=True)
            return
        if done is not None:
            desk.log_line(done(len(results)), "cancelled")

    def toggle_dead_mans_switch(self) -> None:
        """Arm or disarm the dead man's switch (cancelAllAfter heartbeat)."""
        desk = self.desk
        self.dms_on = not self.dms_on
        desk.session.set_dead_mans_switch(self.dms_seconds if self.dms_on else None)
        desk.status.set_dms(self.dms_seconds if self.dms_on else None)
        state = f"armed ({self.dms_seconds:.0f} s)" if self.dms_on else "off"
        desk.log_line(f"dead man's switch {state}", "connection")


def _orders(count: int) -> str:
    """`order` or `orders`, as `count` needs."""
    return "order" if count == 1 else "orders"


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
