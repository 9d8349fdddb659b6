"""Event alerts: which session events alert, each told once, each kind switchable."""

from __future__ import annotations

from decimal import Decimal as D

from btse_tui.protocol import events as ev
from btse_tui.protocol import session_events as se
from btse_tui.protocol.alert_events import EventAlertRules, EventAlerts
from btse_tui.protocol.alerts import AlertKind
from btse_tui.protocol.models import Order, Side


def order(status: int, filled: str = "0") -> se.OrderChanged:
    o = Order(
        "BTC-USDT",
        "o1",
        Side.BUY,
        status,
        cl_order_id="c1",
        original_size=D("2"),
        total_filled=D(filled),
        avg_fill_price=D("100") if filled != "0" else D(0),
    )
    return se.OrderChanged(o)  # fmt: skip


def kinds(alerts: list) -> list[AlertKind]:
    return [a.kind for a in alerts]


def test_a_partial_fill_then_the_full_fill_each_alert_once() -> None:
    alerts = EventAlerts(EventAlertRules())
    assert alerts.on_event(order(2), 0) == []
    (partial,) = alerts.on_event(order(5, "0.5"), 1)
    assert partial.kind is AlertKind.PARTIAL_FILL
    assert partial.text == "BTC-USDT BUY partially filled 0.5 of 2 @ 100"
    assert alerts.on_event(order(5, "0.5"), 2) == []  # the same fill told again: not news
    (full,) = alerts.on_event(order(4, "2"), 3)
    assert full.text == "BTC-USDT BUY filled 2 @ 100"


def test_fills_before_the_snapshot_are_not_news() -> None:
    alerts = EventAlerts(EventAlertRules())
    alerts.on_event(se.OrdersSnapshot((order(5, "1").order,)), 0)
    assert alerts.on_event(order(5, "1"), 1) == []
    assert kinds(alerts.on_event(order(5, "1.5"), 2)) == [AlertKind.PARTIAL_FILL]


def test_switched_off_kinds_stay_quiet() -> None:
    rules = EventAlertRules(fill=False, partial_fill=False, rejected=False,
                            socket_down_after_s=0, dms_fired=False, rate_limited=False,
                            clock_skew_ms=0)  # fmt: skip
    alerts = EventAlerts(rules)
    events = [
        order(5, "1"),
        order(15),
        se.RateLimitBlock(30),
        se.DeadMansSwitch(False, 60, 1000, "down"),
        se.ClockSkew(90_000, True),
        ev.StreamStateChanged("spot", ev.StreamState.DOWN, "reset"),
    ]
    assert [a for e in events for a in alerts.on_event(e, 0)] == []
    assert alerts.due(10_000) == []
    assert alerts.rejected("BTC-USDT", "insufficient balance", "c9") == []


def test_a_rejection_is_told_once_whichever_way_it_comes() -> None:
    alerts = EventAlerts(EventAlertRules())
    (one,) = alerts.rejected("BTC-USDT", "insufficient balance (code 8)", "c1")
    assert one.text == "BTC-USDT order rejected: insufficient balance (code 8)"
    assert alerts.on_event(order(15), 1) == []  # the same order's rejected report
    assert kinds(alerts.rejected("BTC-USDT", "x", "c2")) == [AlertKind.REJECTED]


def test_a_socket_down_alerts_once_after_the_limit_and_again_for_the_next_outage() -> None:
    alerts = EventAlerts(EventAlertRules(socket_down_after_s=30))
    assert alerts.on_event(ev.StreamStateChanged("spot", ev.StreamState.DOWN, "reset"), 0) == []
    assert alerts.on_event(ev.StreamStateChanged("spot", ev.StreamState.CONNECTING), 5) == []
    assert alerts.due(29.9) == []
    (down,) = alerts.due(30)
    assert down.text == "spot socket down for 30 s (reset)"
    assert alerts.due(90) == []
    alerts.on_event(ev.StreamStateChanged("spot", ev.StreamState.LIVE), 100)
    alerts.on_event(ev.StreamStateChanged("spot", ev.StreamState.STALE, "silent"), 200)
    assert kinds(alerts.due(231)) == [AlertKind.SOCKET_DOWN]


def test_a_rate_limit_block_a_lapsed_dms_and_a_skew_alert_once_each() -> None:
    alerts = EventAlerts(EventAlertRules(clock_skew_ms=2000))
    assert kinds(alerts.on_event(se.RateLimitBlock(30, 1), 0)) == [AlertKind.RATE_LIMITED]
    assert alerts.on_event(se.RateLimitBlock(25, 1), 1) == []
    alerts.on_event(se.RateLimitBlock(0), 2)
    assert kinds(alerts.on_event(se.RateLimitBlock(5), 3)) == [AlertKind.RATE_LIMITED]
    # armed, then failing but not lapsed: no alert; lapsed: one
    assert alerts.on_event(se.DeadMansSwitch(True, 60, 1000), 0) == []
    assert alerts.on_event(se.DeadMansSwitch(False, 60, None, "arming"), 0) == []
    assert kinds(alerts.on_event(se.DeadMansSwitch(False, 60, 1000, "down"), 1)) == [
        AlertKind.DMS_FIRED
    ]
    assert alerts.on_event(se.DeadMansSwitch(False, 60, 1000, "down"), 2) == []
    assert alerts.on_event(se.ClockSkew(1500, True), 0) == []
    (skew,) = alerts.on_event(se.ClockSkew(-2500, True), 1)
    assert skew.text == "clock skew -2.50 s (limit 2 s): check NTP"
    assert alerts.on_event(se.ClockSkew(-2600, True), 2) == []
