"""ConfirmOrderScreen: shows exactly the order body about to be sent and returns True to send it.

The fields are listed in the order of the JSON body (`OrderSubmission.body`), each in human form
next to its wire name, under an environment badge (red and loud in production) and the
warnings the app computed (`ticket.review.order_warnings`). The compact JSON that will be signed is
shown last, verbatim.

Safety: the screen answers once (a second key press cannot confirm twice), and it ignores
confirm keys for `arm_delay` seconds after opening so an Enter still held or repeated from the
order form cannot confirm an order the trader has not seen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from btse_tui.protocol import codec
from btse_tui.protocol.models import Market, TimeInForce
from btse_tui.protocol.submission import OrderSubmission
from btse_tui.ui.ticket.review import Costs
from btse_tui.ui.widgets.format import fmt_decimal, fmt_price, fmt_size

__all__ = ["ConfirmOrderScreen", "body_rows", "environment_badge"]

#: What each time-in-force value means, for the confirm line.
TIF_MEANINGS = {
    TimeInForce.GTC: "good till cancelled",
    TimeInForce.IOC: "immediate or cancel",
    TimeInForce.FOK: "fill or kill",
    TimeInForce.HALFMIN: "expires after 30 s",
    TimeInForce.FIVEMIN: "expires after 5 min",
    TimeInForce.HOUR: "expires after 1 hour",
    TimeInForce.TWELVEHOUR: "expires after 12 hours",
    TimeInForce.DAY: "expires after 1 day",
    TimeInForce.WEEK: "expires after 1 week",
    TimeInForce.MONTH: "expires after 1 month",
}
TX_MEANINGS = {
    "LIMIT": "plain order",
    "STOP": "stop: rests until the trigger price is reached",
    "TRIGGER": "take-profit: rests until the trigger price is reached",
}


def environment_badge(environment: str) -> str:
    """`DEMO (simulator)`, `TESTNET`, or `PRODUCTION — REAL MONEY`."""
    env = str(environment).lower()
    if env == "production":
        return "PRODUCTION — REAL MONEY"
    if env == "demo":
        return "DEMO (simulator)"
    return env.upper() or "UNKNOWN"


def body_rows(body: Mapping[str, Any], market: Market | None) -> list[tuple[str, str]]:
    """(wire name, human value) for each body field, in body order."""
    quote = market.quote if market else ""
    base = market.base if market else ""
    is_market = body.get("type") == "MARKET"
    rows: list[tuple[str, str]] = []
    for key, value in body.items():
        match key:
            case "price" if is_market and "size" not in body:
                text = f"{fmt_decimal(value)} {quote} to spend (market buy budget)"
            case "stopPrice":
                text = f"{fmt_price(value, market)} {quote} (the stop leg's limit price)"
            case "price" if body.get("type") == "OCO":
                text = f"{fmt_price(value, market)} {quote} (the limit leg)"
            case "price" if body.get("type") == "PEG":
                text = f"{fmt_price(value, market)} {quote} (limit: the peg never passes it)"
            case "triggerPrice" if body.get("type") == "OCO":
                text = f"{fmt_price(value, market)} {quote} (fires the stop leg)"
            case "price" | "triggerPrice":
                text = f"{fmt_price(value, market)} {quote}"
            case "trailValue":
                text = f"{fmt_price(value, market)} {quote} (the trigger follows the price by this)"
            case "deviation":
                text = f"{fmt_decimal(value)} % off the index price"
            case "stealth":
                text = f"{fmt_decimal(value)} % of the size shown on the book"
            case "type" if value == "OCO":
                text = "OCO (limit leg + stop leg: one fills or fires, the other is cancelled)"
            case "type" if value == "PEG":
                text = "PEG (rests at the index price ± deviation)"
            case "size":
                text = f"{fmt_size(value, market)} {base}"
            case "time_in_force":
                text = f"{value} ({TIF_MEANINGS.get(TimeInForce(value), '')})"
            case "txType":
                text = f"{value} ({TX_MEANINGS.get(str(value), '')})"
            case "postOnly":
                text = "yes: maker only, rejected if it would fill at once" if value else "no"
            case "type" if value == "MARKET":
                text = "MARKET (fills at the best prices available)"
            case _:
                text = codec.format_decimal(value) if isinstance(value, Decimal) else str(value)
        rows.append((key, text.strip()))
    return rows


class ConfirmOrderScreen(ModalScreen[bool]):
    """Review an order before it is sent: Enter/y sends (True), Esc/n cancels (False)."""

    DEFAULT_CSS = """
    ConfirmOrderScreen {
        align: center middle;
        #dialog {
            width: 72;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            border: thick $primary;
            background: $surface;
            padding: 0 1;
        }
        #badge { width: 100%; content-align: center middle; text-style: bold;
                 background: $primary 40%; margin-bottom: 1; }
        #headline { text-style: bold; margin-bottom: 1; }
        #fields { height: auto; }
        #body { height: auto; }
        #warnings { color: $text-warning; margin-bottom: 1; height: auto; }
        #costs { margin-top: 1; color: $text-muted; height: auto; }
        #wire { margin-top: 1; color: $text-muted; height: auto; }
        #buttons { height: 1; margin-top: 1; align-horizontal: center; }
        #buttons Button { margin: 0 2; }
        &.-production #dialog { border: thick $error; }
        &.-production #badge { background: $error; color: $text; }
        &.-sell #headline { color: $text-error; }
        &.-buy #headline { color: $text-success; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "confirm", "Send order", id="confirm.send"),
        Binding("escape,n", "cancel", "Cancel", id="confirm.cancel"),
    ]

    def __init__(
        self,
        submission: OrderSubmission,
        market: Market | None = None,
        *,
        environment: str = "demo",
        warnings: Sequence[str] = (),
        costs: Costs | None = None,
        arm_delay: float = 0.3,
    ) -> None:
        super().__init__()
        self.request = submission.request
        self.market = market
        self.environment = str(environment).lower()
        self.warnings = tuple(warnings)
        self.costs = costs
        self.arm_delay = arm_delay
        self.body = submission.body
        """The exact body that will be sent, in wire order (built once, by the submission)."""
        self.armed = arm_delay <= 0
        """False during the first `arm_delay` seconds: confirm keys are ignored."""
        self.decided = False
        """True once the screen has answered; later keys do nothing."""

    def compose(self) -> ComposeResult:
        req = self.request
        with Vertical(id="dialog"):
            yield Static(environment_badge(self.environment), id="badge")
            yield Static(self._headline(), id="headline")
            if self.warnings:
                lines = "\n".join(f"⚠ {line}" for line in self.warnings)
                yield Static(lines, id="warnings", markup=False)
            with VerticalScroll(id="body"):
                table = Table.grid(padding=(0, 2))
                table.add_column(style="dim", no_wrap=True)
                table.add_column(overflow="fold")
                for key, text in body_rows(self.body, self.market):
                    table.add_row(key, text)
                yield Static(table, id="fields")
                if self.costs is not None:
                    yield Static(self.costs.line(), id="costs")
                wire = Text(codec.dumps_body(dict(self.body)).decode(), overflow="fold")
                yield Static(wire, id="wire")
            with Horizontal(id="buttons"):
                send = Button(
                    f"Send {req.side.value} (y)",
                    variant="error" if self.environment == "production" else "primary",
                    compact=True,
                    id="send",
                )
                send.can_focus = False
                yield send
                cancel = Button("Cancel (n)", compact=True, id="cancel")
                cancel.can_focus = False
                yield cancel

    def _headline(self) -> str:
        req = self.request
        kind = req.type.value if req.tx_type.value == "LIMIT" else f"{req.tx_type.value} {req.type}"
        if req.trail_value is not None:
            kind = "TRAILING STOP MARKET"
        return f"{req.side.value} {kind} on {req.symbol} — send this order?"

    def on_mount(self) -> None:
        self.set_class(self.environment == "production", "-production")
        self.set_class(self.request.side.value == "BUY", "-buy")
        self.set_class(self.request.side.value == "SELL", "-sell")
        self.query_one("#dialog").border_title = "Confirm order"
        self.query_one("#body").focus()
        self._fit_body()
        if not self.armed:
            self.query_one("#send", Button).disabled = True
            self.set_timer(self.arm_delay, self._arm)

    def on_resize(self) -> None:
        self._fit_body()

    def _fit_body(self) -> None:
        """Let the scrolling body take what the badge, warnings and buttons leave free."""
        # border 2, badge + margin 2, headline + margin 2, buttons + margin 2, warnings + margin
        fixed = 8 + (len(self.warnings) + 1 if self.warnings else 0)
        self.query_one("#body").styles.max_height = max(3, self.size.height - fixed)

    def _arm(self) -> None:
        self.armed = True
        self.query_one("#send", Button).disabled = False
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out Send until armed and once answered."""
        if action == "confirm" and (not self.armed or self.decided):
            return None
        return True

    def action_confirm(self) -> None:
        """Send the order (once, and only once armed)."""
        if self.armed and not self.decided:
            self.decided = True
            self.dismiss(True)

    def action_cancel(self) -> None:
        """Do not send."""
        if not self.decided:
            self.decided = True
            self.dismiss(False)

    @on(Button.Pressed, "#send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_confirm()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()
