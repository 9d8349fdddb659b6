"""CommandActions: the desk's typed commands — a line previewed against the live picture (what
it would send, or why not) and, on Enter, carried out through the desk's own order actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from btse_tui.protocol.command import CommandError, parse_command
from btse_tui.protocol.command_plan import (
    Action,
    CancelOrders,
    LiveData,
    PlaceOrder,
    SelectMarket,
    SetAlert,
    describe_action,
    plan_command,
)
from btse_tui.protocol.errors import ValidationError
from btse_tui.protocol.models import Order, OrderRequest
from btse_tui.ui.ticket import review
from btse_tui.ui.ticket.form_logic import reference_price
from btse_tui.ui.ticket.form_text import checked_result, order_result

if TYPE_CHECKING:
    from btse_tui.ui.command_line import CommandLine
    from btse_tui.ui.desk import DeskScreen


@dataclass(frozen=True, slots=True)
class Preview:
    """What the command line says under the typed line: `ok` True (this is what Enter does),
    False (why it cannot be done; Enter sends nothing) or None (a plain note)."""

    text: str
    ok: bool | None


class CommandActions:
    """Typed commands on the desk: `preview(line)` while typing, `run(line)` on Enter.

    An order goes through the same rules (`protocol.rules`, in `command_plan`), guards and
    confirm screen as the form (`OrderActions.submit`, always confirmed); its outcome is shown
    by the command line (`CommandReporter`)."""

    def __init__(self, desk: DeskScreen) -> None:
        self.desk = desk

    def live_data(self) -> LiveData:
        """The session's current picture, as the plan reads it."""
        session = self.desk.session
        return LiveData(
            selected=self.desk.selected,
            markets=session.markets,
            tickers=session.tickers,
            balances=session.balances,
            open_orders=tuple(session.open_orders()),
        )

    def plan(self, line: str) -> Action | ValidationError | CommandError:
        """What `line` would do now, or why it cannot."""
        command = parse_command(line)
        if isinstance(command, CommandError):
            return command
        return plan_command(command, self.live_data())

    def preview(self, line: str) -> Preview:
        """The preview line for what is typed: the action with the guards' warnings, or the
        reason nothing would be sent."""
        if not line.strip():
            return Preview("", None)
        action = self.plan(line)
        if isinstance(action, CommandError | ValidationError):
            return Preview(f"✗ {action}", False)
        text = describe_action(action, self.desk.session.markets)
        if isinstance(action, PlaceOrder):
            warnings = self._warnings(action.request)
            text += "".join(f" · ⚠ {warning}" for warning in warnings)
            return Preview(f"→ {text} · Enter: confirm", True)
        return Preview(f"→ {text}", True)

    def run(self, line: str, reporter: CommandReporter) -> Preview:
        """Carry out `line` (Enter): an order to the confirm screen, a cancel to its count
        preview, an alert to the alert book, a market to the book and ticket."""
        action = self.plan(line)
        if isinstance(action, CommandError | ValidationError):
            return Preview(f"✗ {action} — nothing sent", False)
        desk = self.desk
        text = describe_action(action, desk.session.markets)
        match action:
            case PlaceOrder(request=request):
                desk.orders.submit(request, reporter, always_confirm=True)
                return Preview(f"confirm: {text}", None)
            case CancelOrders(symbol=symbol, side=side, orders=orders):
                desk.orders.cancel_orders(symbol, side, orders)
                return Preview(f"confirm: {text}", None)
            case SetAlert(alert=alert):
                desk.add_price_alert(alert)  # it tells the trader what became of it
                return Preview(f"{text}: see Notifications", None)
            case SelectMarket(symbol=symbol):
                desk.select_market(symbol)
                return Preview(f"showing {symbol}", True)

    def _warnings(self, request: OrderRequest) -> list[str]:
        """The confirm screen's warnings for `request` (the form's guards)."""
        desk = self.desk
        market = desk.market(request.symbol)
        if market is None:
            return []
        settings = desk.options.settings
        return review.order_warnings(
            request,
            market,
            desk.session.tickers.get(request.symbol),
            max_deviation_pct=settings.max_price_deviation_pct,
            notional_cap=settings.notional_cap,
        )


class CommandReporter:
    """The command line as an order's reporter (`OrderActions.submit`): it prices the order
    from the session's rates and shows its outcome under the line."""

    def __init__(self, desk: DeskScreen, line: CommandLine) -> None:
        self.desk = desk
        self.line = line
        self.result_for: str | None = None

    def costs_of(self, request: OrderRequest) -> review.Costs:
        """Notional and fee at the market's own rates, valued at its book."""
        session = self.desk.session
        market = session.markets[request.symbol]
        ticker = session.tickers.get(request.symbol)
        rates = session.fees.get(request.symbol)
        fees = review.FeeRates(rates.taker, rates.maker) if rates else review.FeeRates()
        return review.order_costs(
            request,
            market,
            fees=fees,
            reference=reference_price(request.side, ticker),
            bid=ticker.bid if ticker else None,
            ask=ticker.ask if ticker else None,
        )

    def show_result(self, text: str, ok: bool | None) -> None:
        """The outcome of the command's order, under the line (`✓ inserted (status 2)`)."""
        self.line.show_result(text, ok)

    def submission_done(self) -> None:
        """Nothing waits on it: each Enter is a new order with its own client id."""

    def order_changed(self, order: Order) -> None:
        """A new state of some order: the line follows it if it is the command's order."""
        if order.cl_order_id is not None and order.cl_order_id == self.result_for:
            self.show_result(*order_result(order))

    def order_checked(self, cl_order_id: str | None, order: Order | None) -> None:
        """The check by client id of the command's unknown order ended: say what it found."""
        if cl_order_id is not None and cl_order_id == self.result_for:
            self.show_result(*checked_result(order))
