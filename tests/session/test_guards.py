"""Production guards: price-deviation and notional warnings, market orders always confirmed."""

from __future__ import annotations

from decimal import Decimal as D

from btse_tui.protocol.guards import needs_confirmation, order_notional, order_warnings
from btse_tui.protocol.models import OrderRequest, OrderType, Side, TxType


def limit(price: str, size: str = "0.1", side: Side = Side.BUY, **kw: object) -> OrderRequest:
    return OrderRequest("BTC-USDT", side, OrderType.LIMIT, size=D(size), price=D(price), **kw)


def test_limit_near_the_last_price_has_no_warning() -> None:
    assert order_warnings(limit("50000"), D("50500"), 5, None) == []


def test_limit_far_above_the_last_price_is_named_with_numbers() -> None:
    warnings = order_warnings(limit("55000"), D("50000"), 5, None)
    assert warnings == ["limit price 55,000 is 10.0% above the last price 50,000 (limit 5%)"]


def test_limit_far_below_and_configurable_threshold() -> None:
    request = limit("45000", side=Side.SELL)
    assert order_warnings(request, D("50000"), D("12.5"), None) == []
    [warning] = order_warnings(request, D("50000"), D("2"), None)
    assert "10.0% below the last price 50,000 (limit 2%)" in warning


def test_deviation_check_off_and_unknown_last_price() -> None:
    assert order_warnings(limit("99999"), D("50000"), 0, None) == []
    assert order_warnings(limit("99999"), D("50000"), None, None) == []
    assert order_warnings(limit("50000"), None, 5, None) == [
        "no last price known: the limit price could not be checked"
    ]


def test_stop_limit_is_compared_with_its_trigger_not_the_last_price() -> None:
    stop = limit("40000", side=Side.SELL, tx_type=TxType.STOP, trigger_price=D("40100"))
    assert order_warnings(stop, D("50000"), 5, None) == []
    far = limit("30000", side=Side.SELL, tx_type=TxType.STOP, trigger_price=D("40000"))
    [warning] = order_warnings(far, D("50000"), 5, None)
    assert "below the trigger price 40,000" in warning


def test_notional_above_the_cap() -> None:
    request = limit("50000", size="0.5")  # 25,000 USDT
    assert order_warnings(request, D("50000"), 5, D("30000")) == []
    assert order_warnings(request, D("50000"), 5, D("20000")) == [
        "notional 25,000 USDT is above the cap 20,000 USDT"
    ]


def test_market_orders_always_warn_and_always_need_confirmation() -> None:
    sell = OrderRequest("BTC-USDT", Side.SELL, OrderType.MARKET, size=D("1"))
    warnings = order_warnings(sell, D("50000"), 5, D("10000"))
    assert warnings[0].startswith("market order")
    assert warnings[1] == "notional ≈ 50,000 USDT is above the cap 10,000 USDT"
    buy_by_quote = OrderRequest("BTC-USDT", Side.BUY, OrderType.MARKET, price=D("500"))
    assert order_notional(buy_by_quote, None) == D("500")
    assert len(order_warnings(buy_by_quote, None, 5, D("1000"))) == 1
    assert needs_confirmation(buy_by_quote, [], production=False, confirm_all=False)


def test_needs_confirmation_rules() -> None:
    plain = limit("50000")
    assert not needs_confirmation(plain, [], production=False, confirm_all=False)
    assert needs_confirmation(plain, ["x"], production=False, confirm_all=False)
    assert needs_confirmation(plain, [], production=True, confirm_all=False)
    assert needs_confirmation(plain, [], production=False, confirm_all=True)
