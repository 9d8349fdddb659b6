"""The session reports each change of an order once, whichever of its ack and its
notification comes first (the desk keeps no memory of what it has shown)."""

from __future__ import annotations

import time
from dataclasses import replace
from decimal import Decimal as D
from typing import Any

import pytest

from btse_tui.client.limiter import RateLimiter
from btse_tui.client.session_base import ExchangeClock, RestHealthWatch, SessionJournal, Tasks
from btse_tui.client.session_orders import OrderDesk
from btse_tui.protocol.ledger import OrderLedger
from btse_tui.protocol.models import Order, Side
from btse_tui.protocol.session_events import OrderChanged

ACK = Order(
    "BTC-USDT", "o-1", Side.BUY, 2, cl_order_id="tui-a", price=D("20000.0"),
    original_size=D("0.001"), current_size=D("0.001"), remaining_size=D("0.001"),
    timestamp_ms=1_700_000_000_000,
)  # fmt: skip
#: The same state as the socket tells it: fuller (a maker flag, a later stamp), no news.
NOTIFICATION = replace(ACK, maker=True, timestamp_ms=ACK.timestamp_ms + 3)
CANCELLED = replace(NOTIFICATION, status=6)


def desk() -> tuple[OrderDesk, list[Any]]:
    seen: list[Any] = []
    notes = SessionJournal(None, time.time)
    limiter = RateLimiter()
    orders = OrderDesk(
        None,  # type: ignore[arg-type]  # folding reports sends nothing
        OrderLedger(),
        sink=seen.append,
        notes=notes,
        health=RestHealthWatch(seen.append, notes, limiter, time.time),
        limiter=limiter,
        tasks=Tasks(),
        clock=ExchangeClock(time.time),
        can_trade=True,
        unknown_check_s=1.0,
    )
    return orders, seen


def news(seen: list[Any]) -> list[int]:
    return [e.order.status for e in seen if isinstance(e, OrderChanged) and e.new_state]


@pytest.mark.parametrize("first_from_stream", [False, True], ids=["ack-first", "stream-first"])
def test_a_state_is_news_once_whichever_report_comes_first(first_from_stream: bool) -> None:
    orders, seen = desk()
    first, second = (NOTIFICATION, ACK) if first_from_stream else (ACK, NOTIFICATION)
    orders.fold([first], from_stream=first_from_stream)
    orders.fold([second], from_stream=not first_from_stream)
    orders.fold([CANCELLED], from_stream=True)
    orders.fold([CANCELLED], from_stream=False)  # the cancel's REST answer, after the socket's
    assert news(seen) == [2, 6]
    assert all(isinstance(e, OrderChanged) for e in seen)
    assert orders.ledger.open_orders() == []


def test_a_repeat_is_not_reported_and_a_detail_is_reported_as_no_news() -> None:
    orders, seen = desk()
    orders.fold([ACK])
    orders.fold([ACK])  # the very same report again: nothing changed, nothing said
    assert len(seen) == 1
    orders.fold([NOTIFICATION], from_stream=True)  # details only: the row, not a line
    assert [(e.new_state, e.from_stream) for e in seen] == [(True, False), (False, True)]
    assert seen[-1].order.maker is True
