"""OCO, trailing stops and PEG in the protocol layer: their rules (each message names field,
value and rule), the one body builder, and the decoders of what comes back (§4.1, §4.6, §5.3)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from btse_tui.protocol import codec
from btse_tui.protocol.errors import ValidationError
from btse_tui.protocol.ledger import OrderLedger
from btse_tui.protocol.models import OrderRequest, OrderType, Side, TxType
from btse_tui.protocol.rules import validate_order
from btse_tui.protocol.submission import OrderSubmission
from tests.protocol.test_rules import BTC


def oco(side: Side = Side.SELL, **kw: object) -> OrderRequest:
    sell = side is Side.SELL
    req = OrderRequest(
        "BTC-USDT",
        side,
        OrderType.OCO,
        size=D("0.01"),
        price=D("61000") if sell else D("59000"),
        trigger_price=D("59000") if sell else D("61000"),
        stop_price=D("58990") if sell else D("61010"),
        cl_order_id="oco-1",
    )
    return replace(req, **kw)


def trailing(side: Side = Side.SELL, **kw: object) -> OrderRequest:
    sell = side is Side.SELL
    req = OrderRequest(
        "BTC-USDT",
        side,
        OrderType.MARKET,
        size=D("0.01") if sell else None,
        price=None if sell else D("500"),
        tx_type=TxType.STOP,
        trail_value=D("25"),
        cl_order_id="tr-1",
    )
    return replace(req, **kw)


def peg(**kw: object) -> OrderRequest:
    req = OrderRequest(
        "BTC-USDT",
        Side.BUY,
        OrderType.PEG,
        size=D("0.01"),
        price=D("60000"),
        deviation=D("-0.5"),
        stealth=D("20"),
        cl_order_id="peg-1",
    )
    return replace(req, **kw)


def message(req: OrderRequest) -> str:
    with pytest.raises(ValidationError) as info:
        validate_order(req, BTC)
    return str(info.value)


def test_bodies_carry_exactly_the_fields_of_their_kind_in_one_order() -> None:
    bodies = [OrderSubmission.of(validate_order(r, BTC)).body for r in (oco(), trailing(), peg())]
    assert [list(b) for b in bodies] == [
        [
            "symbol", "side", "type", "size", "price", "time_in_force", "txType",
            "triggerPrice", "stopPrice", "postOnly", "clOrderID",
        ],
        ["symbol", "side", "type", "size", "time_in_force", "txType", "trailValue", "postOnly",
         "clOrderID"],
        ["symbol", "side", "type", "size", "price", "time_in_force", "txType", "postOnly",
         "clOrderID", "stealth", "deviation"],
    ]  # fmt: skip
    wire = [codec.dumps_body(dict(b)).decode() for b in bodies]
    assert '"type":"OCO","size":0.01,"price":61000,' in wire[0]
    assert '"triggerPrice":59000,"stopPrice":58990,' in wire[0]
    assert '"txType":"STOP","trailValue":25,' in wire[1] and "triggerPrice" not in wire[1]
    assert wire[2].endswith('"stealth":20,"deviation":-0.5}')


@pytest.mark.parametrize(
    ("req", "text"),
    [
        (oco(Side.BUY, price=D("62000")),
         "price 62000 of a BUY OCO must be below its trigger price 61000 (the limit leg buys "
         "lower, the stop leg higher)"),
        (oco(price=D("58000")),
         "price 58000 of a SELL OCO must be above its trigger price 59000 (the limit leg sells "
         "higher, the stop leg lower)"),
        (oco(stop_price=None), "stop_price is required"),
        (oco(stop_price=D("58990.005")), "stop_price 58990.005 is not a multiple of the tick 0.01 "
         "for BTC-USDT"),
        (oco(tx_type=TxType.STOP), "tx_type STOP must be LIMIT on an OCO order"),
        (trailing(trail_value=D("0.001")), "trail_value 0.001 is not a multiple of the tick 0.01 "
         "for BTC-USDT"),
        (trailing(trail_value=D("0")), "trail_value 0 must be greater than 0"),
        (trailing(trigger_price=D("59000")), "trigger_price 59000 is not sent with a trailing "
         "stop (its trigger follows the price by the trail)"),
        (OrderRequest("BTC-USDT", Side.BUY, OrderType.LIMIT, size=D("1"), price=D("1"),
                      trail_value=D("5")),
         "trail_value 5 is only used by trailing stop orders (type MARKET, txType STOP)"),
        (peg(deviation=D("-10.5")), "deviation -10.5 must be between -10 and 10 (percent off the "
         "index price)"),
        (peg(stealth=D("0")), "stealth 0 must be greater than 0"),
        (peg(stealth=D("101")), "stealth 101 must be at most 100 (percent shown)"),
        (peg(stealth=None), "stealth is required"),
        (OrderRequest("BTC-USDT", Side.BUY, OrderType.LIMIT, size=D("1"), price=D("1"),
                      deviation=D("1")), "deviation 1 is only used by PEG orders"),
    ],
)  # fmt: skip
def test_each_rule_names_field_value_and_rule(req: OrderRequest, text: str) -> None:
    assert message(req) == text


def test_sizes_round_down_to_the_lot_and_prices_to_the_safe_tick() -> None:
    checked = validate_order(oco(size=D("0.012349"), price=D("61000.019")), BTC)
    assert (checked.size, checked.price) == (D("0.01234"), D("61000.02"))  # a SELL rounds up
    pegged = validate_order(peg(price=D("60000.019")), BTC)
    assert pegged.price == D("60000.01")  # a BUY limit rounds down
    assert (pegged.deviation, pegged.stealth) == (D("-0.5"), D("20"))


def test_oco_ack_marks_both_legs_and_the_stop_leg() -> None:
    reply = [
        {"status": 2, "symbol": "BTC-USDT", "orderType": 76, "price": 61000, "side": "SELL",
         "orderID": "a", "trigger": False, "triggerPrice": 0, "clOrderID": "oco-1",
         "originalOrderBaseSize": 0.01, "orderCurrency": "base"},
        {"status": 9, "symbol": "BTC-USDT", "orderType": 76, "price": 58990, "side": "SELL",
         "orderID": "b", "trigger": True, "triggerPrice": 59000, "clOrderID": "oco-1",
         "originalOrderBaseSize": 0.01, "orderCurrency": "base"},
    ]  # fmt: skip
    limit_leg, stop_leg = codec.acked_as_sent(oco(), codec.orders(reply))
    assert limit_leg.is_oco and stop_leg.is_oco
    assert (limit_leg.tx_type, stop_leg.tx_type) == (TxType.LIMIT, TxType.STOP)
    assert stop_leg.awaits_trigger and not limit_leg.awaits_trigger


def test_notifications_of_oco_legs_trailing_and_peg_decode() -> None:
    stop = codec.order_from_row(
        {"symbol": "BTC-USDT", "orderID": "b", "side": "MODE_SELL", "orderType": 76,
         "txType": 3, "price": 58990, "triggerPrice": 59000, "status": 9, "clOrderID": "oco-1"}
    )  # fmt: skip
    limit = codec.order_from_row(
        {"symbol": "BTC-USDT", "orderID": "a", "side": "MODE_SELL", "orderType": 76,
         "txType": 3, "price": 61000, "triggerPrice": 0, "status": 6, "clOrderID": "oco-1"}
    )  # fmt: skip
    assert stop.is_oco and stop.tx_type is TxType.STOP and stop.awaits_trigger
    assert limit.is_oco and limit.tx_type is TxType.LIMIT and not limit.is_trigger
    pegged = codec.order_from_row(
        {"symbol": "BTC-USDT", "orderID": "p", "side": "BUY", "orderType": 80, "price": 59700,
         "pegPriceDeviation": -0.5, "status": 2}
    )  # fmt: skip
    assert pegged.is_peg and pegged.peg_deviation == D("-0.5")


def test_open_orders_pair_oco_legs_and_keep_the_trail() -> None:
    rows = [
        {"orderID": "a", "symbol": "BTC-USDT", "side": "SELL", "orderType": 76, "price": 61000,
         "triggerOrder": False, "triggerPrice": 0, "clOrderID": "oco-1",
         "originalOrderBaseSize": 0.01, "trailValue": 0},
        {"orderID": "b", "symbol": "BTC-USDT", "side": "SELL", "orderType": 76, "price": 58990,
         "triggerOrder": True, "triggerPrice": 59000, "triggerOrderType": 1001,
         "clOrderID": "oco-1", "originalOrderBaseSize": 0.01, "trailValue": 0},
        {"orderID": "t", "symbol": "BTC-USDT", "side": "SELL", "orderType": 77, "price": 0,
         "triggerOrder": True, "triggerPrice": 59975, "triggerOrderType": 1001,
         "clOrderID": "tr-1", "originalOrderBaseSize": 0.01, "trailValue": 25},
    ]  # fmt: skip
    a, b, t = codec.open_orders(rows)
    assert a.is_oco and b.is_oco and not t.is_oco
    assert b.status == 9 and b.tx_type is TxType.STOP
    assert t.trail_value == D("25") and t.trigger_price == D("59975") and t.awaits_trigger


def test_a_notification_without_the_trail_keeps_it_and_shows_the_moved_trigger() -> None:
    ledger = OrderLedger()
    ack = codec.acked_as_sent(
        trailing(),
        codec.orders(
            [{"status": 9, "symbol": "BTC-USDT", "orderType": 77, "price": 0, "side": "SELL",
              "orderID": "t", "trigger": True, "triggerPrice": 59975, "clOrderID": "tr-1",
              "originalOrderBaseSize": 0.01, "timestamp": 1796000000000}]
        ),
    )  # fmt: skip
    ledger.apply_order(ack[0])
    moved = codec.order_from_row(
        {"symbol": "BTC-USDT", "orderID": "t", "side": "MODE_SELL", "orderType": 77,
         "txType": 1, "price": 0, "triggerPrice": 60010, "status": 9, "timestamp": 1796000001000,
         "originalOrderBaseSize": 0.01}
    )  # fmt: skip
    assert ledger.apply_order(moved)
    (held,) = ledger.open_orders()
    assert held.trail_value == D("25") and held.trigger_price == D("60010")
