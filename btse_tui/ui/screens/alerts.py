"""AlertsScreen: the trader's price alerts — listed, added from a small form (market,
condition, level or % and minutes, once or recurring), deleted."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from btse_tui.protocol.alert_rule import AlertCondition, PriceAlert, describe_alert
from btse_tui.protocol.models import Market

if TYPE_CHECKING:
    from btse_tui.ui.desk_alerts import DeskAlerts

__all__ = ["AlertsScreen", "build_price_alert"]


def _number(field: str, text: str) -> Decimal | str:
    try:
        value = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        return f"{field} {text!r} is not a number"
    if not value.is_finite() or value <= 0:
        return f"{field} {text!r} must be a number above 0"
    return value


def build_price_alert(
    symbol: str,
    condition: AlertCondition,
    value_text: str,
    minutes_text: str,
    recurring: bool,
    markets: Mapping[str, Market],
) -> PriceAlert | str:
    """The alert the form's fields describe, or why not (naming the field, value and rule)."""
    symbol = symbol.strip().upper()
    if symbol not in markets:
        return f"market {symbol!r} is not listed on the exchange"
    if condition is not AlertCondition.MOVES:
        level = _number("level", value_text)
        if isinstance(level, str):
            return level
        return PriceAlert(symbol, condition, level=level, recurring=recurring)
    percent = _number("move %", value_text)
    if isinstance(percent, str):
        return percent
    if percent > 1000:
        return f"move % {value_text!r} must be at most 1000"
    if not minutes_text.strip().isdigit() or not 1 <= int(minutes_text) <= 1440:
        return f"minutes {minutes_text!r} must be a whole number from 1 to 1440"
    return PriceAlert(
        symbol,
        condition,
        move_percent=percent,
        window_minutes=int(minutes_text),
        recurring=recurring,
    )


class AlertsScreen(ModalScreen[None]):
    """The price alerts: the list (Delete or x removes the highlighted one) and the form to
    set one (Enter adds it). Alerts are saved as soon as they change."""

    DEFAULT_CSS = """
    AlertsScreen {
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
        #alert-list { height: auto; max-height: 10; min-height: 1; margin: 1 0; }
        .row { height: 1; margin-bottom: 0; }
        .name { width: 10; color: $text-muted; }
        Input { width: 1fr; }
        #condition { width: 1fr; }
        #alert-verdict { margin-top: 1; height: auto; }
        #alert-verdict.-error { color: $text-error; }
        #alert-keys { color: $text-muted; margin-top: 1; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="alerts.close"),
        Binding("delete,x", "delete", "Delete alert", id="alerts.delete"),
    ]

    def __init__(self, alerts: DeskAlerts, symbol: str | None) -> None:
        super().__init__()
        self.alerts = alerts
        self.symbol = symbol or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield OptionList(id="alert-list", compact=True)
            with Horizontal(classes="row"):
                yield Label("Market", classes="name")
                yield Input(self.symbol, compact=True, id="alert-symbol")
            with Horizontal(classes="row"):
                yield Label("When", classes="name")
                yield Select(
                    [(c.value, c) for c in AlertCondition],
                    value=AlertCondition.CROSSES,
                    allow_blank=False,
                    compact=True,
                    id="condition",
                )
            with Horizontal(classes="row"):
                yield Label("Level / %", classes="name")
                yield Input(compact=True, id="alert-value", placeholder="price, or % for moves")
            with Horizontal(classes="row"):
                yield Label("Minutes", classes="name")
                yield Input("15", compact=True, id="alert-minutes", placeholder="moves only")
            yield Checkbox("recurring (re-arms after it fires)", compact=True, id="alert-recurring")
            yield Static("", id="alert-verdict")
            yield Static("enter set · del/x delete (on the list) · esc close", id="alert-keys")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Price alerts"
        self._refresh_list()
        self.query_one("#alert-value", Input).focus()

    def _refresh_list(self) -> None:
        listing = self.query_one("#alert-list", OptionList)
        listing.clear_options()
        alerts = self.alerts.book.alerts
        if not alerts:
            listing.add_option(Option("no price alerts set", disabled=True))
        for index, alert in enumerate(alerts):
            listing.add_option(Option(describe_alert(alert), id=str(index)))

    def _verdict(self, text: str, error: bool) -> None:
        verdict = self.query_one("#alert-verdict", Static)
        verdict.update(text)
        verdict.set_class(error, "-error")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        condition = self.query_one("#condition", Select).value
        assert isinstance(condition, AlertCondition)
        built = build_price_alert(
            self.query_one("#alert-symbol", Input).value,
            condition,
            self.query_one("#alert-value", Input).value,
            self.query_one("#alert-minutes", Input).value,
            self.query_one("#alert-recurring", Checkbox).value,
            self.alerts.desk.session.markets,
        )
        if isinstance(built, str):
            self._verdict(built, error=True)
            return
        added = self.alerts.add(built)
        self._verdict(f"{'set' if added else 'already set'}: {describe_alert(built)}", False)
        self._refresh_list()

    def action_delete(self) -> None:
        """Delete the highlighted alert."""
        listing = self.query_one("#alert-list", OptionList)
        index = listing.highlighted
        alerts = self.alerts.book.alerts
        if index is None or not 0 <= index < len(alerts):
            return
        alert = alerts[index]
        self.alerts.remove(alert)
        self._verdict(f"deleted: {describe_alert(alert)}", False)
        self._refresh_list()

    def action_close(self) -> None:
        """Back to the desk."""
        self.dismiss(None)
