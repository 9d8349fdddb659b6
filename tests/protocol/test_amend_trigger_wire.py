"""Trigger-price amends on the wire (§4.3): the client's body and the embedded exchange's answer."""

from __future__ import annotations

from decimal import Decimal as D

import orjson

from btse_tui.protocol import codec
from btse_tui.protocol.models import AmendRequest, TxType
from btse_tui.sim.engine import Engine
from btse_tui.sim.engine.catalog import default_markets

SYM = "ETH-USDT"


def test_triggerprice_amend_body_sends_value() -> None:
    req = AmendRequest(SYM, "TRIGGERPRICE", order_id="o1", value=D("3510.50"))
    assert codec.dumps_body(codec.amend_body(req)) == (
        b'{"symbol":"ETH-USDT","orderID":"o1","type":"TRIGGERPRICE","value":3510.5}'
    )


def test_all_amend_body_carries_price_size_and_trigger() -> None:
    req = AmendRequest(
        SYM,
        "ALL",
        cl_order_id="cli-1",
        order_price=D("3500.00"),
        order_size=D("0.2"),
        trigger_price=D("3450.00"),
    )
    assert orjson.loads(codec.dumps_body(codec.amend_body(req))) == {
        "symbol": SYM,
        "clOrderID": "cli-1",
        "type": "ALL",
        "orderPrice": 3500.0,
        "orderSize": 0.2,
        "triggerPrice": 3450.0,
    }


def test_a_notification_without_a_trigger_flag_is_a_trigger_order_by_its_txtype() -> None:
    row = {"symbol": SYM, "orderID": "o1", "side": "MODE_BUY", "status": 123, "txType": 1}
    stop = codec.order_from_row({**row, "triggerPrice": 3450})
    assert (stop.tx_type, stop.is_trigger, stop.trigger_price) == (TxType.STOP, True, D(3450))
    assert not codec.order_from_row({**row, "txType": 0}).is_trigger
    assert not codec.order_from_row({**row, "trigger": False}).is_trigger  # explicit flag wins


def _engine() -> Engine:
    engine = Engine(default_markets(), seed=3)
    engine.add_account("alice", "secret", {"USDT": D(100_000), "ETH": D(10)})
    return engine


def _stop_buy(engine: Engine) -> str:
    body = {
        "symbol": SYM,
        "side": "BUY",
        "type": "LIMIT",
        "price": "3500.00",
        "size": "0.1",
        "txType": "STOP",
        "triggerPrice": "3450.00",
    }
    [rec] = engine.place_order("alice", body)
    assert rec.status == 9
    return rec.order_id


def test_the_exchange_applies_a_client_triggerprice_amend() -> None:
    engine = _engine()
    order_id = _stop_buy(engine)
    req = AmendRequest(SYM, "TRIGGERPRICE", order_id=order_id, value=D("3480.00"))
    ack = engine.amend_order("alice", orjson.loads(codec.dumps_body(codec.amend_body(req))))
    assert ack.status == 123 and ack.trigger_price == D("3480.00")
    rec = engine.get_order("alice", order_id)
    assert (rec.trigger_price, rec.price, rec.triggered) == (D("3480.00"), D("3500.00"), False)


def test_the_exchange_applies_a_client_all_amend_with_a_trigger() -> None:
    engine = _engine()
    order_id = _stop_buy(engine)
    req = AmendRequest(
        SYM,
        "ALL",
        order_id=order_id,
        order_price=D("3520.00"),
        order_size=D("0.2"),
        trigger_price=D("3490.00"),
    )
    ack = engine.amend_order("alice", orjson.loads(codec.dumps_body(codec.amend_body(req))))
    assert ack.status == 123
    rec = engine.get_order("alice", order_id)
    assert (rec.price, rec.current_size, rec.trigger_price) == (
        D("3520.00"),
        D("0.2"),
        D("3490.00"),
    )
    assert not rec.triggered
