"""DeskAlerts: the desk's alerts — price alerts checked against each last price, event alerts
from the session's events, the storm gate, and delivery: toast, notifications line, bell,
desktop notification (OSC 9 / OSC 777 through the terminal), webhook and journal."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from btse_tui.port import DeskEvent
from btse_tui.protocol import events as ev
from btse_tui.protocol import session_events as se
from btse_tui.protocol.alert_book import AlertBook
from btse_tui.protocol.alert_events import EventAlertRules, EventAlerts
from btse_tui.protocol.alert_rule import PriceAlert, describe_alert
from btse_tui.protocol.alerts import Alert, AlertKind, StormGate
from btse_tui.protocol.osc import desktop_notification

if TYPE_CHECKING:
    from btse_tui.config import Settings
    from btse_tui.ui.desk import DeskScreen


class AlertWebhook(Protocol):
    """Where alerts are POSTed (client/webhook.py's WebhookSender); `send` never blocks."""

    def send(self, payload: Mapping[str, Any], report: Callable[[str], None]) -> None:
        """Queue one POST of `payload`; `report(text)` tells the trader when it fails."""
        ...


@dataclass(frozen=True, slots=True)
class AlertHooks:
    """What the desk's alerts are given by the app: the saved price alerts, how to save them,
    the journal's writer, the webhook, and (tests) where terminal bytes go instead of the
    app's driver."""

    saved: tuple[PriceAlert, ...] = ()
    save: Callable[[tuple[PriceAlert, ...]], None] | None = None
    record: Callable[[dict[str, Any]], object] | None = None
    webhook: AlertWebhook | None = None
    write_terminal: Callable[[str], None] | None = None


def rules_of(settings: Settings) -> EventAlertRules:
    """The event-alert switches the trader's settings choose."""
    return EventAlertRules(
        fill=settings.alert_fill,
        partial_fill=settings.alert_partial_fill,
        rejected=settings.alert_rejected,
        socket_down_after_s=settings.alert_socket_down_s,
        dms_fired=settings.alert_dms_fired,
        rate_limited=settings.alert_rate_limited,
        clock_skew_ms=settings.alert_clock_skew_s * 1000,
    )


class DeskAlerts:
    """The desk's alerts: `book` (the price alerts), event alerts, and the one delivery path.

    Every alert fired is journaled; the storm gate lets one alert of a kind out every
    BTSE_ALERT_EVERY seconds and sums the others up in one when that time is over.
    """

    def __init__(self, desk: DeskScreen) -> None:
        self.desk = desk
        settings = desk.options.settings
        self.settings = settings
        self.hooks = hooks = desk.options.alerts
        self.book = AlertBook(hooks.saved)
        self.events = EventAlerts(rules_of(settings))
        self.gate = StormGate(settings.alert_every_s)
        self.in_tmux = bool(os.environ.get("TMUX"))
        self._due_timer: object | None = None

    # ------------------------------------------------------------------ the price alerts

    def add(self, alert: PriceAlert) -> bool:
        """Set a price alert (saved at once); False when the same one is already set."""
        added = self.book.add(alert)
        if added:
            self._save()
            self.desk.log_line(f"alert set: {describe_alert(alert)}", "info")
            last = self._last_price(alert.symbol)
            if last is not None:  # above/below already true, say so now rather than later
                self._check(alert.symbol, last)
        else:
            self.desk.log_line(f"alert already set: {describe_alert(alert)}", "info")
        return added

    def remove(self, alert: PriceAlert) -> bool:
        """Delete a price alert (saved at once)."""
        removed = self.book.remove(alert)
        if removed:
            self._save()
            self.desk.log_line(f"alert deleted: {describe_alert(alert)}", "info")
        return removed

    def _save(self) -> None:
        save = self.hooks.save
        if save is not None:
            save(self.book.alerts)

    def _last_price(self, symbol: str) -> Decimal | None:
        ticker = self.desk.session.tickers.get(symbol)
        return ticker.last if ticker is not None else None

    # ------------------------------------------------------------------ what comes in

    def receive(self, event: DeskEvent) -> None:
        """Every session event the desk receives: last prices for the price alerts, the rest
        for the event alerts."""
        if isinstance(event, se.TickersRefreshed):
            for ticker in event.tickers:
                if ticker.last is not None:
                    self._check(ticker.symbol, ticker.last)
        elif isinstance(event, ev.TradesPrinted):
            for trade in event.trades:
                self._check(event.symbol, trade.price)
        else:
            self.fire(self.events.on_event(event, self.desk.options.monotonic()))

    def rejected(self, symbol: str, reason: str, cl_order_id: str | None) -> None:
        """An order the exchange refused outright (the place call's error)."""
        self.fire(self.events.rejected(symbol, reason, cl_order_id))

    def tick(self) -> None:
        """Once a second: sockets down for too long."""
        self.fire(self.events.due(self.desk.options.monotonic()))

    def _check(self, symbol: str, price: Decimal) -> None:
        if not self.book.alerts:
            return
        fired = self.book.check(symbol, price, self.desk.options.clock())
        if not fired:
            return
        self.fire([Alert(AlertKind.PRICE, f.text, symbol) for f in fired])
        if any(not f.alert.recurring for f in fired):
            self._save()  # a once-alert that fired is gone

    # ------------------------------------------------------------------ delivery

    def fire(self, alerts: list[Alert]) -> None:
        """Journal each alert and deliver those the storm gate lets through now."""
        now = self.desk.options.monotonic()
        for alert in alerts:
            admitted = self.gate.admit(alert, now)
            self._journal(alert, delivered=admitted is not None)
            if admitted is not None:
                self._deliver(admitted)
        self._arm_due()

    def _arm_due(self) -> None:
        due = self.gate.next_due()
        if due is None or self._due_timer is not None:
            return
        delay = max(0.05, due - self.desk.options.monotonic())
        self._due_timer = self.desk.set_timer(delay, self._release)

    def _release(self) -> None:
        self._due_timer = None
        for summary in self.gate.due(self.desk.options.monotonic()):
            if summary.count > 1:
                self._journal(summary, delivered=True)
            self._deliver(summary)
        self._arm_due()

    def _journal(self, alert: Alert, *, delivered: bool) -> None:
        record = self.hooks.record
        if record is not None:
            payload = {"kind": alert.kind.value, "text": alert.text, "symbol": alert.symbol}
            record({**payload, "count": alert.count, "delivered": delivered})

    def _deliver(self, alert: Alert) -> None:
        desk, settings = self.desk, self.settings
        severity = "error" if alert.kind is AlertKind.REJECTED else "warning"
        desk.log_line(f"⚑ {alert.text}", severity)
        desk.notify(alert.text, title=alert.title, severity="warning", timeout=8)
        out = ""
        if settings.alert_desktop:
            out += desktop_notification(
                alert.title, alert.text, tmux=self.in_tmux, sequences=settings.alert_desktop
            )
        if settings.alert_bell:
            out += "\a"  # the bell is never wrapped: tmux passes it on by its own rules
        if out:
            self._write_terminal(out)
        webhook = self.hooks.webhook
        if webhook is not None:
            webhook.send(self._payload(alert), self._webhook_report)

    def _write_terminal(self, data: str) -> None:
        """Write raw sequences through the app's driver: its writer thread keeps them in
        order with the frames, between two frames (none moves the cursor or draws)."""
        write = self.hooks.write_terminal
        if write is not None:
            write(data)
            return
        driver = self.desk.app._driver
        if driver is not None and not self.desk.app.is_headless:
            driver.write(data)
            driver.flush()

    def _payload(self, alert: Alert) -> dict[str, Any]:
        at = datetime.fromtimestamp(self.desk.options.clock(), UTC)
        return {
            "title": alert.title,
            "message": alert.text,
            "kind": alert.kind.value,
            "symbol": alert.symbol or None,
            "count": alert.count,
            "environment": self.settings.environment.value,
            "at": at.isoformat(timespec="seconds"),
        }

    def _webhook_report(self, text: str) -> None:
        self.desk.log_line(text, "warning")
