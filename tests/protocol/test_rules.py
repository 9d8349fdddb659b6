"""Pre-trade validation and quantisation (§8): every rule, helpers, and a property test."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from btse_tui.protocol.errors import ValidationError
from btse_tui.protocol.models import Market, OrderRequest, OrderType, Side, TimeInForce, TxType
from btse_tui.protocol.rules import (
    estimate_fee,
    format_price,
    format_size,
    notional,
    parse_decimal,
    size_for_fraction,
    validate_order,
)

# Shaped like the Markets API row of the reference (BTC-USDT with a 0.01 tick, 0.00001 lot).
BTC = Market(
    symbol="BTC-USDT",
    base="BTC",
    quote="USDT",
    active=True,
    min_price=D("0.01"),
    tick=D("0.01"),
    min_size=D("0.00001"),
    max_size=D("2000"),
    lot=D("0.00001"),
    price_precision=2,
    size_precision=5,
)


def limit(side: Side = Side.BUY, size: str = "0.5", price: str = "50000", **kw) -> OrderRequest:
    return OrderRequest("BTC-USDT", side, OrderType.LIMIT, size=D(size), price=D(price), **kw)


def rejected(req: OrderRequest, market: Market = BTC, **kw) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validate_order(req, market, **kw)
    return info.value


def test_message_names_field_value_and_rule() -> None:
    err = rejected(limit(size="0.000001"))
    assert str(err) == "size 0.000001 is below the minimum 0.00001 for BTC-USDT"
    assert (err.field, err.value) == ("size", D("0.000001"))


def test_valid_limit_order_passes_unchanged() -> None:
    req = limit()
    assert validate_order(req, BTC) == req


def test_size_rounds_down_to_the_lot() -> None:
    out = validate_order(limit(size="0.123456789"), BTC)
    assert out.size == D("0.12345")


def test_size_that_only_rounding_takes_below_minimum_says_so() -> None:
    market = dataclasses.replace(BTC, min_size=D("0.000015"))
    err = rejected(limit(size="0.000019"), market)
    assert err.field == "size" and "rounds down to 0.00001" in str(err)


def test_size_above_maximum() -> None:
    err = rejected(limit(size="2000.5"))
    assert str(err) == "size 2000.5 is above the maximum 2000 for BTC-USDT"


@pytest.mark.parametrize(
    ("side", "typed", "sent"),
    [
        (Side.BUY, "50000.019", "50000.01"),  # never pay more than typed
        (Side.SELL, "50000.011", "50000.02"),  # never sell for less than typed
        (Side.BUY, "50000.01", "50000.01"),
        (Side.SELL, "50000.01", "50000.01"),
    ],
)
def test_limit_price_moves_to_the_tick_on_the_traders_safe_side(
    side: Side, typed: str, sent: str
) -> None:
    assert validate_order(limit(side, price=typed), BTC).price == D(sent)


def test_limit_price_below_minimum() -> None:
    err = rejected(limit(price="0.004"))
    assert err.field == "price" and "below the minimum 0.01" in str(err)


def test_limit_needs_a_positive_price() -> None:
    assert rejected(dataclasses.replace(limit(), price=None)).field == "price"
    assert "greater than 0" in str(rejected(limit(price="0")))


def test_symbol_must_match_exactly_and_market_must_be_active() -> None:
    assert "spelled exactly BTC-USDT" in str(
        rejected(dataclasses.replace(limit(), symbol="btc-usdt"))
    )
    assert rejected(dataclasses.replace(limit(), symbol="ETH-USDT")).field == "symbol"
    closed = dataclasses.replace(BTC, active=False)
    assert "not open for trading" in str(rejected(limit(), closed))


@pytest.mark.parametrize(
    ("field", "value"),
    [("side", "HOLD"), ("type", "ICEBERG"), ("time_in_force", "FOREVER"), ("tx_type", "MAYBE")],
)
def test_enum_fields_reject_unknown_values(field: str, value: str) -> None:
    err = rejected(dataclasses.replace(limit(), **{field: value}))
    assert err.field == field and "must be one of" in str(err)


def test_enum_fields_accept_their_string_values() -> None:
    out = validate_order(dataclasses.replace(limit(), side="SELL", time_in_force="IOC"), BTC)
    assert out.side is Side.SELL and out.time_in_force is TimeInForce.IOC


def test_market_buy_by_quote_budget_is_not_tick_checked() -> None:
    req = OrderRequest("BTC-USDT", Side.BUY, OrderType.MARKET, price=D("50.005"))
    out = validate_order(req, BTC)
    assert out.price == D("50.005") and out.size is None
    assert notional(out) == D("50.005")


def test_market_buy_needs_size_or_budget_but_not_both() -> None:
    assert rejected(OrderRequest("BTC-USDT", Side.BUY, OrderType.MARKET)).field == "size"
    both = OrderRequest("BTC-USDT", Side.BUY, OrderType.MARKET, size=D("1"), price=D("50"))
    assert rejected(both).field == "price"
    zero = OrderRequest("BTC-USDT", Side.BUY, OrderType.MARKET, price=D("0"))
    assert rejected(zero).field == "price"


def test_market_sell_needs_a_size_and_no_price() -> None:
    assert rejected(OrderRequest("BTC-USDT", Side.SELL, OrderType.MARKET)).field == "size"
    priced = OrderRequest("BTC-USDT", Side.SELL, OrderType.MARKET, size=D("1"), price=D("5"))
    assert "not used by a MARKET SELL" in str(rejected(priced))
    ok = validate_order(OrderRequest("BTC-USDT", Side.SELL, OrderType.MARKET, size=D("1")), BTC)
    assert ok.size == D("1") and notional(ok) is None


def test_stop_orders_need_an_on_tick_trigger_price() -> None:
    stop = limit(Side.SELL, tx_type=TxType.STOP)
    assert rejected(stop).field == "trigger_price"
    off_tick = dataclasses.replace(stop, trigger_price=D("49000.005"))
    assert str(rejected(off_tick)) == (
        "trigger_price 49000.005 is not a multiple of the tick 0.01 for BTC-USDT"
    )
    good = dataclasses.replace(stop, trigger_price=D("49000.5"))
    assert validate_order(good, BTC).trigger_price == D("49000.5")


def test_trigger_price_on_a_plain_order_is_refused() -> None:
    assert rejected(limit(trigger_price=D("1"))).field == "trigger_price"


def test_oco_needs_trigger_and_stop_prices() -> None:
    oco = OrderRequest("BTC-USDT", Side.SELL, OrderType.OCO, size=D("1"), price=D("52000"))
    assert rejected(oco).field == "trigger_price"
    oco = dataclasses.replace(oco, trigger_price=D("48000"))
    assert rejected(oco).field == "stop_price"
    out = validate_order(dataclasses.replace(oco, stop_price=D("47900")), BTC)
    assert out.stop_price == D("47900")


def test_post_only_only_with_limit() -> None:
    assert validate_order(limit(post_only=True), BTC).post_only
    market = OrderRequest("BTC-USDT", Side.SELL, OrderType.MARKET, size=D("1"), post_only=True)
    assert rejected(market).field == "post_only"


def test_peg_without_deviation_names_the_field() -> None:
    err = rejected(dataclasses.replace(limit(), type=OrderType.PEG))
    assert str(err) == "deviation is required"


def test_available_balance_checks() -> None:
    buy = limit(size="0.5", price="50000")  # costs 25000 USDT
    err = rejected(buy, available=D("24999.99"))
    assert str(err) == "size 0.5 needs 25000 USDT but only 24999.99 USDT is available"
    assert validate_order(buy, BTC, available=D("25000")) == buy
    sell = limit(Side.SELL, size="2")
    assert "more than the 1.5 BTC available" in str(rejected(sell, available=D("1.5")))
    budget = OrderRequest("BTC-USDT", Side.BUY, OrderType.MARKET, price=D("100"))
    assert rejected(budget, available=D("99")).field == "price"


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", "12"), (" 0.5 ", "0.5"), (".5", "0.5"), ("1e-5", "0.00001"), ("+3", "3"), ("-0", "0")],
)
def test_parse_decimal_accepts_plain_numbers(text: str, value: str) -> None:
    assert parse_decimal("size", text) == D(value)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("", "size is required"),
        ("   ", "size is required"),
        ("abc", "is not a number"),
        ("1,000", "is not a number"),
        ("1_000", "is not a number"),
        ("٣", "is not a number"),
        ("-1", "must not be negative"),
        ("nan", "is not a finite number"),
        ("Infinity", "is not a finite number"),
        ("-inf", "is not a finite number"),
        ("1e30", "is too large"),
        ("0.0000000000000000001", "decimal places"),
    ],
)
def test_parse_decimal_rejects_junk_with_a_clear_message(text: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_decimal("size", text)
    assert info.value.field == "size" and rule in str(info.value)


def test_fee_estimates() -> None:
    assert estimate_fee(limit(size="0.5", price="50000"), D("0.001")) == D("25")
    market_sell = OrderRequest("BTC-USDT", Side.SELL, OrderType.MARKET, size=D("2"))
    assert estimate_fee(market_sell, D("0.001"), price=D("100")) == D("0.2")
    with pytest.raises(ValidationError):
        estimate_fee(market_sell, D("0.001"))


@pytest.mark.parametrize("pct", ["0.25", "0.5", "0.75", "1"])
def test_size_for_fraction_rounds_down_to_the_lot(pct: str) -> None:
    fraction = D(pct)
    buy = size_for_fraction(D("1000"), fraction, D("30000"), BTC, Side.BUY)
    assert buy * D("30000") <= D("1000") * fraction  # never more than the share of the balance
    assert (D("1000") * fraction / D("30000") - buy) < BTC.lot
    assert buy % BTC.lot == 0
    sell = size_for_fraction(D("0.123456789"), fraction, None, BTC, Side.SELL)
    assert sell <= D("0.123456789") * fraction and sell % BTC.lot == 0


def test_size_for_fraction_caps_at_max_size_and_needs_a_price_for_buys() -> None:
    assert size_for_fraction(D("1e9"), D("1"), D("1"), BTC, Side.BUY) == BTC.max_size
    assert size_for_fraction(D("0"), D("0.5"), D("1"), BTC, Side.BUY) == 0
    with pytest.raises(ValidationError):
        size_for_fraction(D("100"), D("0.5"), None, BTC, Side.BUY)
    with pytest.raises(ValidationError):
        size_for_fraction(D("100"), D("1.5"), D("1"), BTC, Side.BUY)


def test_formatting_uses_the_tick_and_lot_decimals_without_exponent() -> None:
    assert format_price(D("2500"), BTC) == "2500.00"
    assert format_price(D("1E+5"), BTC) == "100000.00"
    assert format_size(D("1E-5"), BTC) == "0.00001"
    assert format_size(D("3"), BTC) == "3.00000"
    assert format_price(D("-0.001"), BTC) == "0.00"
    coarse = dataclasses.replace(BTC, tick=D("5"), lot=D("1"))
    assert format_price(D("2505"), coarse) == "2505" and format_size(D("7"), coarse) == "7"


# ---------------------------------------------------------------------------- property test

JUNK = ["", " ", "abc", "1,5", "nan", "-0.1", "1e-9", "0", "1e3", ".", "inf", "-3"]


@st.composite
def typed_number(draw: st.DrawFn, step: D, max_units: int) -> str:
    """What a trader might type: 1 in 10 junk, else a multiple of `step`, often a bit off it."""
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return draw(st.sampled_from(JUNK))
    value = step * draw(st.integers(min_value=0, max_value=max_units))
    if draw(st.booleans()):
        value += step * draw(st.decimals(min_value=-1, max_value=1, places=4))
    return str(round(value, draw(st.integers(min_value=0, max_value=10))))


ticks = st.sampled_from(["0.01", "0.5", "1", "5", "0.0001"]).map(D)
lots = st.sampled_from(["0.00001", "0.001", "1", "0.1"]).map(D)


@st.composite
def markets(draw: st.DrawFn) -> Market:
    tick, lot = draw(ticks), draw(lots)
    min_size = lot * draw(st.integers(min_value=1, max_value=20))
    max_lots = draw(st.integers(min_value=20, max_value=10**5))
    return Market(
        symbol="BTC-USDT",
        base="BTC",
        quote="USDT",
        active=True,
        min_price=tick * draw(st.integers(min_value=1, max_value=5)),
        tick=tick,
        min_size=min_size,
        max_size=lot * max_lots,
        lot=lot,
    )


FIELDS = {"size", "price", "trigger_price", "stop_price", "post_only"}


@settings(max_examples=150, deadline=None)
@given(
    market=markets(),
    side=st.sampled_from(Side),
    otype=st.sampled_from([OrderType.LIMIT, OrderType.MARKET]),
    tx=st.sampled_from(TxType),
    data=st.data(),
    market_by_quote=st.booleans(),
    post_only=st.sampled_from([False, False, False, True]),
)
def test_any_typed_input_is_a_valid_order_or_names_the_field(
    market: Market,
    side: Side,
    otype: OrderType,
    tx: TxType,
    data: st.DataObject,
    market_by_quote: bool,
    post_only: bool,
) -> None:
    max_lots = int(market.max_size / market.lot * D("1.1"))
    size_text = data.draw(typed_number(market.lot, max_lots), "size")
    price_text = data.draw(typed_number(market.tick, 10**5), "price")
    trigger_text = data.draw(typed_number(market.tick, 10**5), "trigger")
    by_quote = otype is OrderType.MARKET and side is Side.BUY and market_by_quote
    try:
        size = parse_decimal("size", size_text)
        price = parse_decimal("price", price_text)
        trigger = parse_decimal("trigger_price", trigger_text) if tx is not TxType.LIMIT else None
        req = OrderRequest(
            "BTC-USDT",
            side,
            otype,
            size=None if by_quote else size,
            price=None if (otype is OrderType.MARKET and not by_quote) else price,
            tx_type=tx,
            trigger_price=trigger,
            post_only=post_only,
        )
        out = validate_order(req, market)
    except ValidationError as err:
        event(f"rejected: {err.field}")
        assert err.field in FIELDS
        assert str(err).startswith(err.field + " ")
        return
    event(f"accepted: {otype} {tx}")
    # Every rule holds on what would be sent.
    if out.size is not None:
        assert market.min_size <= out.size <= market.max_size
        assert out.size % market.lot == 0 and out.size <= size
    if otype is OrderType.LIMIT:
        assert out.price is not None and out.price >= market.min_price
        assert out.price % market.tick == 0
        assert (out.price <= price) if side is Side.BUY else (out.price >= price)
        assert out.price - price < market.tick and price - out.price < market.tick
    else:
        assert not out.post_only
        if out.size is None:
            assert side is Side.BUY and out.price == price and price > 0
        else:
            assert out.price is None
    if tx is not TxType.LIMIT:
        assert out.trigger_price == trigger and trigger % market.tick == 0
        assert out.trigger_price >= market.min_price
    else:
        assert out.trigger_price is None
