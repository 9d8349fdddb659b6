"""The ledger shows each order's latest truth, never reopens a closed one, and counts a resync."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from btse_tui.protocol.ledger import OrderLedger
from btse_tui.protocol.models import Fill, Order, OrderRequest, OrderType, Side, TxType

D = Decimal


def order(oid: str, status: int, filled: str = "0", ts: int = 1, cl: str | None = "c1") -> Order:
    return Order(
        symbol="BTC-USDT",
        order_id=oid,
        side=Side.BUY,
        status=status,
        cl_order_id=cl,
        price=D("20000"),
        original_size=D("0.01"),
        total_filled=D(filled),
        timestamp_ms=ts,
    )


def fill(oid: str, tid: str) -> Fill:
    return Fill(
        symbol="BTC-USDT",
        order_id=oid,
        trade_id=tid,
        side=Side.BUY,
        price=D("20000"),
        size=D("0.005"),
    )


def test_late_older_report_does_not_undo_a_newer_one() -> None:
    ledger = OrderLedger()
    assert ledger.apply_order(order("a", 5, "0.005", ts=2))
    assert not ledger.apply_order(order("a", 2, "0", ts=1))
    assert ledger.open_orders()[0].total_filled == D("0.005")
    assert ledger.apply_order(order("a", 4, "0.01", ts=3))
    assert ledger.open_orders() == []
    # a stale "open" arriving after the fill never reopens it, even from a REST snapshot
    report = ledger.reconcile([order("a", 5, "0.005", ts=2)], [])
    assert ledger.open_orders() == [] and report.orders_changed == 0


def test_reconcile_counts_changes_and_recovered_fills_and_finds_vanished() -> None:
    ledger = OrderLedger()
    ledger.apply_order(order("a", 2))
    ledger.apply_order(order("b", 2, cl="c2"))
    ledger.apply_fill(fill("a", "t1"))
    report = ledger.reconcile([order("a", 5, "0.005", ts=5)], [fill("a", "t1"), fill("a", "t2")])
    assert (report.orders_changed, report.fills_recovered) == (1, 1)
    assert report.vanished == ("b",)
    assert report.describe() == "resynced: 1 orders changed, 1 fills recovered"


def test_pending_submission_needs_a_client_id_and_settles_on_its_ack() -> None:
    ledger = OrderLedger()
    with pytest.raises(ValueError):
        ledger.begin(OrderRequest("BTC-USDT", Side.BUY, OrderType.LIMIT, D("1"), D("1")), 0)
    request = OrderRequest("BTC-USDT", Side.BUY, OrderType.LIMIT, D("1"), D("1"), cl_order_id="c9")
    ledger.begin(request, 0)
    ledger.mark_unknown("c9")
    assert [p.request for p in ledger.unknown()] == [request]
    ledger.apply_order(order("z", 2, cl="c9"))
    assert ledger.unknown() == []
    assert ledger.find_by_client_id("c9").order_id == "z"


def test_history_is_bounded() -> None:
    ledger = OrderLedger(history=10)
    for i in range(100):
        ledger.apply_order(order(f"o{i}", 6, ts=i))
        ledger.apply_fill(fill(f"o{i}", f"t{i}"))
    assert len(ledger.closed) == 10 and len(ledger.fills) == 10


def test_a_stop_order_stays_a_stop_when_an_ack_without_txtype_follows_its_notification() -> None:
    """Acks (§4.1) carry no txType: the open-orders Type must not flip from STOP to LIMIT."""
    ledger = OrderLedger()
    stop = replace(
        order("s", 9, ts=1), tx_type=TxType.STOP, is_trigger=True, trigger_price=D("21000")
    )
    ledger.apply_order(stop)
    amended_ack = replace(order("s", 123, ts=2), trigger_price=D("21500"))  # tx_type LIMIT
    ledger.apply_order(amended_ack)
    [shown] = ledger.open_orders()
    assert (shown.tx_type, shown.is_trigger, shown.trigger_price) == (
        TxType.STOP,
        True,
        D("21500"),
    )


def test_a_fired_stop_amended_afterwards_no_longer_offers_its_trigger() -> None:
    """Status 123 after an amend does not say whether the trigger fired; the ledger remembers."""
    ledger = OrderLedger()
    stop = replace(
        order("s", 9, ts=1), tx_type=TxType.STOP, is_trigger=True, trigger_price=D("21000")
    )
    ledger.apply_order(stop)
    ledger.apply_order(replace(stop, status=123, timestamp_ms=2))
    assert ledger.open_orders()[0].awaits_trigger  # amended, still waiting
    ledger.apply_order(replace(stop, status=10, timestamp_ms=3))  # the trigger fires
    ledger.apply_order(replace(stop, status=123, price=D("20500"), timestamp_ms=4))
    [shown] = ledger.open_orders()
    assert shown.trigger_fired and not shown.awaits_trigger
