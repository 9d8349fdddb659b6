"""The form's pure logic: typed text becomes a quantised request or a reason, never both."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from btse_tui.protocol import rules
from btse_tui.protocol.errors import ValidationError
from btse_tui.protocol.models import AmendRequest, Order, OrderType, Side, TimeInForce, TxType
from btse_tui.ui.ticket import form_logic as fl
from btse_tui.ui.ticket import review
from tests.ui.order_fixtures import BALANCES, BTC, BTC_TICKER, resting_buy


def fields(**changes: object) -> fl.FormFields:
    base: dict[str, object] = {"symbol": "BTC-USDT", "cl_order_id": "cli-1"}
    base.update(changes)
    return fl.FormFields(**base)  # type: ignore[arg-type]


def test_limit_buy_is_quantised_safely() -> None:
    req = fl.build_request(fields(price="20000.05", size="0.00123"), BTC)
    assert not isinstance(req, ValidationError)
    assert req.price == D("20000.0")  # a BUY never pays more than typed
    assert req.size == D("0.0012")  # size rounds down to the lot
    assert (req.type, req.tx_type, req.cl_order_id) == (OrderType.LIMIT, TxType.LIMIT, "cli-1")


def test_check_fields_notes_say_what_is_sent() -> None:
    check = fl.check_fields(fields(price="20000.05", size="0.00123"), BTC)
    assert check.notes == {"price": "sends 20000.0 (tick 0.1)", "size": "sends 0.0012 (lot 0.0001)"}


def test_market_buy_sends_its_amount_not_the_limit_price() -> None:
    typed = fields(kind=fl.OrderKind.MARKET, price="97000", size="0.001", amount="50")
    req = fl.build_request(typed, BTC)
    assert not isinstance(req, ValidationError)
    assert (req.type, req.price, req.size) == (OrderType.MARKET, D("50"), None)
    layout = fl.layout_for(fl.OrderKind.MARKET, Side.BUY, BTC)
    assert layout.quote_amount and not layout.size and not layout.price


def test_a_limit_price_left_in_the_form_is_never_a_market_amount() -> None:
    """Limit 97000 x 0.001 switched to Market BUY: the amount is still to be typed."""
    check = fl.check_fields(fields(kind=fl.OrderKind.MARKET, price="97000", size="0.001"), BTC)
    assert check.request is None
    assert set(check.errors) == {"amount"} and fl.is_missing(check.errors["amount"])
    # and back to Stop limit: the amount typed for the market order is not a price
    stop = fl.check_fields(fields(kind=fl.OrderKind.STOP_LIMIT, amount="50"), BTC)
    assert fl.is_missing(stop.errors["price"]) and "amount" not in stop.errors


def test_market_sell_hides_price_and_sends_size() -> None:
    layout = fl.layout_for(fl.OrderKind.MARKET, Side.SELL, BTC)
    assert not layout.price and layout.size
    req = fl.build_request(
        fields(kind=fl.OrderKind.MARKET, side=Side.SELL, price="123", size="0.01"), BTC
    )
    assert not isinstance(req, ValidationError)
    assert (req.price, req.size) == (None, D("0.0100"))


def test_stop_limit_needs_an_on_tick_trigger() -> None:
    kind = fl.OrderKind.STOP_LIMIT
    missing = fl.check_fields(fields(kind=kind, price="19000", size="0.01"), BTC)
    assert "trigger" in missing.errors and fl.is_missing(missing.errors["trigger"])
    off_tick = fl.check_fields(
        fields(kind=kind, price="19000", size="0.01", trigger_price="19500.05"), BTC
    )
    layout = fl.layout_for(kind, Side.BUY, BTC)
    assert fl.reason_text(off_tick.errors["trigger"], layout) == (
        "trigger price 19500.05 is not a multiple of the tick 0.1 for BTC-USDT"
    )
    ok = fl.build_request(fields(kind=kind, price="19000", size="0.01", trigger_price="19500"), BTC)
    assert not isinstance(ok, ValidationError)
    assert (ok.type, ok.tx_type, ok.trigger_price) == (OrderType.LIMIT, TxType.STOP, D("19500.0"))


def test_take_profit_market_sell() -> None:
    req = fl.build_request(
        fields(
            kind=fl.OrderKind.TRIGGER_MARKET, side=Side.SELL, size="0.01", trigger_price="25000"
        ),
        BTC,
    )
    assert not isinstance(req, ValidationError)
    assert (req.type, req.tx_type, req.size) == (OrderType.MARKET, TxType.TRIGGER, D("0.0100"))


def test_junk_in_size_is_reported_under_size_even_while_price_is_empty() -> None:
    check = fl.check_fields(fields(size="abc"), BTC)
    assert check.request is None
    assert str(check.errors["size"]) == "size abc is not a number"
    assert fl.is_missing(check.errors["price"])


def test_balance_check_names_what_is_needed() -> None:
    check = fl.check_fields(fields(price="20000", size="1"), BTC, available=D("1000"))
    assert check.request is None
    assert "needs 20000" in str(check.errors["size"])


def test_market_buy_budget_errors_go_under_the_amount_input() -> None:
    layout = fl.layout_for(fl.OrderKind.MARKET, Side.BUY, BTC)
    check = fl.check_fields(fields(kind=fl.OrderKind.MARKET, amount="5000"), BTC, available=D("10"))
    assert set(check.errors) == {"amount"}
    assert fl.reason_text(check.errors["amount"], layout).startswith("amount 5000 needs")


def test_bad_client_order_id() -> None:
    check = fl.check_fields(fields(price="1", size="1", cl_order_id="has space"), BTC)
    assert "clid" in check.errors


def test_post_only_and_tif_are_dropped_for_market_orders() -> None:
    req = fl.build_request(
        fields(
            kind=fl.OrderKind.MARKET,
            side=Side.SELL,
            size="0.01",
            post_only=True,
            time_in_force=TimeInForce.DAY,
        ),
        BTC,
    )
    assert not isinstance(req, ValidationError)
    assert (req.post_only, req.time_in_force) == (False, TimeInForce.GTC)


def test_fractions_round_down_to_the_lot() -> None:
    # 25 % of 1,000 USDT at 20,000.0 = 0.0125 BTC exactly; at 20,000.3 it rounds down to 0.0124.
    f = fields(price="20000.3")
    assert fl.fraction_text(f, BTC, D("1000"), D("0.25")) == ("size", "0.0124")
    sell = fields(side=Side.SELL)
    assert fl.fraction_text(sell, BTC, D("0.05"), D("0.75")) == ("size", "0.0375")
    market_buy = fields(kind=fl.OrderKind.MARKET)
    assert fl.fraction_text(market_buy, BTC, D("1000.019"), D("1")) == ("amount", "1000.01")


def test_fraction_for_a_buy_without_price_uses_the_reference_or_says_why() -> None:
    assert fl.fraction_text(fields(), BTC, D("1000"), D("0.5"), D("20000")) == ("size", "0.0250")
    error = fl.fraction_text(fields(), BTC, D("1000"), D("0.5"))
    assert isinstance(error, ValidationError) and "price" in str(error)
    unknown = fl.fraction_text(fields(), BTC, None, D("0.5"), D("1"))
    assert isinstance(unknown, ValidationError)


def test_available_for_each_side() -> None:
    assert fl.available_for(Side.BUY, BTC, BALANCES) == D("1000")
    assert fl.available_for(Side.SELL, BTC, BALANCES) == D("0.05")
    assert fl.available_for(Side.SELL, BTC, {}) is None
    assert fl.available_for(Side.SELL, BTC, {"USDT": BALANCES["USDT"]}) == 0


def test_costs_line_and_market_sell_valued_at_the_bid() -> None:
    req = fl.build_request(fields(price="20000", size="0.0012"), BTC)
    assert not isinstance(req, ValidationError)
    assert review.order_costs(req, BTC, ask=D("20000.0")).line() == (
        "Notional 24.00 USDT · fee ≈ 0.0288 USDT (0.12% taker)"
    )
    sell = fl.build_request(fields(kind=fl.OrderKind.MARKET, side=Side.SELL, size="0.01"), BTC)
    assert not isinstance(sell, ValidationError)
    fees = review.FeeRates(taker=D("0.001"))
    costs = review.order_costs(sell, BTC, fees=fees, reference=D("19999.9"))
    assert costs.notional == "≈ 200.00 USDT"
    assert costs.fee == "0.2000 USDT (0.1% taker)"


def liquidity_of(bid: str = "19999.9", ask: str = "20000.1", **typed: object) -> str | None:
    request = fl.build_request(fields(**typed), BTC)
    assert not isinstance(request, ValidationError)
    return review.liquidity(request, bid=D(bid) if bid else None, ask=D(ask) if ask else None)


def test_maker_or_taker_as_the_order_would_trade() -> None:
    limit = {"price": "20000", "size": "0.01"}
    assert liquidity_of(**limit) == "maker"  # a BUY under the ask rests
    assert liquidity_of(**{**limit, "price": "20000.1"}) == "taker"  # at the ask it takes
    assert liquidity_of(**{**limit, "price": "19999.9"}, side=Side.SELL) == "taker"  # hits bid
    assert liquidity_of(**limit, side=Side.SELL) == "maker"  # a SELL over the bid rests
    assert liquidity_of(**{**limit, "price": "20000.1"}, side=Side.SELL) == "maker"
    assert liquidity_of(**{**limit, "price": "20000.1"}, post_only=True) == "maker"
    assert liquidity_of(kind=fl.OrderKind.MARKET, amount="50") == "taker"
    assert liquidity_of("", "", **limit) is None  # no book: cannot tell
    stop = {"kind": fl.OrderKind.STOP_LIMIT, "size": "0.01", "trigger_price": "21000"}
    assert liquidity_of(**stop, price="21100") == "taker"  # crosses where it triggers
    assert liquidity_of(**stop, price="20900") == "maker"


def test_fee_estimates_use_the_rate_the_order_would_pay() -> None:
    req = fl.build_request(fields(price="20000", size="0.0012"), BTC)
    assert not isinstance(req, ValidationError)
    fees = review.FeeRates(taker=D("0.002"), maker=D("0.001"))
    resting = review.order_costs(req, BTC, fees=fees, bid=D("19999.9"), ask=D("20000.1"))
    assert resting.fee == "0.0240 USDT (0.1% maker)"
    unknown_maker = review.order_costs(req, BTC, fees=review.FeeRates(taker=D("0.002")), ask=D(1))
    assert unknown_maker.fee == "0.0480 USDT (0.2% taker)"  # crosses an ask of 1
    no_book = review.order_costs(req, BTC, fees=fees)
    assert no_book.fee == "0.0480 USDT (≤0.2%, book unknown)"


def test_warnings_for_far_price_crossing_cap_and_trigger() -> None:
    far = fl.build_request(fields(price="22400", size="0.01"), BTC)
    assert not isinstance(far, ValidationError)
    warnings = review.order_warnings(far, BTC, BTC_TICKER, notional_cap=D("100"))
    assert "limit price 22,400 is 12.0% above the last price 20,000 (limit 5%)" in warnings
    assert "crosses the book: fills at once as a taker" in warnings
    assert any("above the cap 100" in w for w in warnings)
    stop = fl.build_request(
        fields(kind=fl.OrderKind.STOP_MARKET, side=Side.SELL, size="0.01", trigger_price="21000"),
        BTC,
    )
    assert not isinstance(stop, ValidationError)
    assert any("fires at once" in w for w in review.order_warnings(stop, BTC, BTC_TICKER))
    calm = fl.build_request(fields(price="19990", size="0.001"), BTC)
    assert not isinstance(calm, ValidationError)
    assert review.order_warnings(calm, BTC, BTC_TICKER) == []


def test_client_order_ids_are_unique_and_valid() -> None:
    ids = {fl.new_client_order_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(fl.CL_ORDER_ID_RE.fullmatch(i) for i in ids)


def test_amend_picks_price_size_or_all() -> None:
    order = resting_buy()
    assert review.build_amend(order, BTC, price_text="20000.0", size_text="0.0010") is None
    price = review.build_amend(order, BTC, price_text="19500.07", size_text="0.0010")
    assert price is not None and not isinstance(price, ValidationError)
    assert (price.kind, price.value, price.order_id) == ("PRICE", D("19500.0"), "0d1c2b3a")
    size = review.build_amend(order, BTC, price_text="20000", size_text="0.00209")
    assert size is not None and not isinstance(size, ValidationError)
    assert (size.kind, size.value) == ("SIZE", D("0.0020"))
    both = review.build_amend(order, BTC, price_text="19000", size_text="0.002")
    assert both is not None and not isinstance(both, ValidationError)
    assert (both.kind, both.order_price, both.order_size) == ("ALL", D("19000.0"), D("0.0020"))
    bad = review.build_amend(order, BTC, price_text="19000", size_text="0.00001")
    assert isinstance(bad, ValidationError) and "below the minimum" in str(bad)


def stop_buy(**changes: object) -> Order:
    """An untriggered stop-limit BUY: 0.0010 BTC @ 20,000.0 once the price rises to 21,000.0."""
    fields: dict[str, object] = {
        "tx_type": TxType.STOP,
        "trigger_price": D("21000.0"),
        "status": 9,
        "is_trigger": True,
    }
    fields.update(changes)
    return resting_buy(**fields)


def amend_stop(
    price: str = "20000.0", size: str = "0.0010", trigger: str = "21000.0"
) -> AmendRequest | ValidationError | None:
    return review.build_amend(
        stop_buy(), BTC, price_text=price, size_text=size, trigger_text=trigger
    )


def test_amend_of_the_trigger_alone_sends_triggerprice() -> None:
    assert amend_stop() is None
    assert amend_stop(trigger="21000") is None  # same price, other spelling
    moved = amend_stop(trigger="21500")
    assert moved == AmendRequest(
        "BTC-USDT", "TRIGGERPRICE", order_id="0d1c2b3a", cl_order_id="cli-42", value=D("21500.0")
    )


def test_amend_of_the_trigger_with_price_or_size_sends_all_three() -> None:
    with_price = amend_stop(price="20100", trigger="21500")
    assert with_price is not None and not isinstance(with_price, ValidationError)
    assert (with_price.kind, with_price.value) == ("ALL", None)
    assert (with_price.order_price, with_price.order_size, with_price.trigger_price) == (
        D("20100.0"),
        D("0.0010"),  # unchanged size still sent
        D("21500.0"),
    )
    with_size = amend_stop(size="0.002", trigger="21500")
    assert with_size is not None and not isinstance(with_size, ValidationError)
    assert (with_size.kind, with_size.order_price, with_size.order_size) == (
        "ALL",
        D("20000.0"),  # unchanged price still sent
        D("0.0020"),
    )
    assert with_size.trigger_price == D("21500.0")


def test_amend_of_price_or_size_alone_on_a_stop_keeps_price_and_size_kinds() -> None:
    price = amend_stop(price="19900")
    assert price is not None and not isinstance(price, ValidationError)
    assert (price.kind, price.value, price.trigger_price) == ("PRICE", D("19900.0"), None)
    size = amend_stop(size="0.003")
    assert size is not None and not isinstance(size, ValidationError)
    assert (size.kind, size.value, size.trigger_price) == ("SIZE", D("0.0030"), None)


def test_amend_refuses_an_off_tick_or_non_positive_trigger() -> None:
    off_tick = amend_stop(trigger="21000.05")
    assert isinstance(off_tick, ValidationError)
    assert str(off_tick) == "trigger_price 21000.05 is not a multiple of the tick 0.1 for BTC-USDT"
    assert off_tick.field == "trigger_price"
    assert str(amend_stop(trigger="0")) == "trigger_price 0 must be greater than 0"
    assert str(amend_stop(trigger="-5")) == "trigger_price -5 must not be negative"
    assert str(amend_stop(trigger="")) == "trigger_price is required"
    assert str(amend_stop(trigger="0.05")).startswith("trigger_price 0.05 is not a multiple")


def test_only_an_unfired_trigger_is_amendable() -> None:
    assert stop_buy().awaits_trigger
    assert stop_buy(status=123, is_trigger=False).awaits_trigger  # amended earlier
    assert not stop_buy(status=10).awaits_trigger  # activated
    assert not stop_buy(status=2).awaits_trigger  # fired and resting
    assert not stop_buy(status=123, total_filled=D("0.0005")).awaits_trigger
    assert not stop_buy(status=6).awaits_trigger  # cancelled
    assert not resting_buy().awaits_trigger


# ---------------------------------------------------------------- property

typed_numbers = st.one_of(
    st.text(max_size=12),
    st.decimals(min_value=0, max_value=10**6, places=6, allow_nan=False).map(str),
    st.integers(min_value=-5, max_value=10**7).map(str),
    st.sampled_from(["", " ", "0", "-1", "nan", "1e3", "1e-9", ".5", "5.", "1,000", "２"]),
)


@settings(max_examples=400, deadline=None)
@given(
    price=typed_numbers,
    size=typed_numbers,
    trigger=typed_numbers,
    extra=typed_numbers,
    kind=st.sampled_from(list(fl.OrderKind)),
    side=st.sampled_from(list(Side)),
    available=st.one_of(st.none(), st.decimals(min_value=0, max_value=10**5, places=4)),
)
def test_any_typed_text_gives_a_valid_request_or_a_visible_reason(
    price: str,
    size: str,
    trigger: str,
    extra: str,
    kind: fl.OrderKind,
    side: Side,
    available: D | None,
) -> None:
    f = fields(
        price=price,
        size=size,
        trigger_price=trigger,
        kind=kind,
        side=side,
        amount=price,
        stop_price=extra,
        trail_value=extra,
        deviation=extra,
        stealth=extra,
    )
    check = fl.check_fields(f, BTC, available=available)
    layout = fl.layout_for(kind, side, BTC)
    visible = {
        "price": layout.price,
        "amount": layout.quote_amount,
        "size": layout.size,
        "trigger": layout.trigger,
        "stop": layout.stop,
        "trail": layout.trail,
        "deviation": layout.peg,
        "stealth": layout.peg,
    }
    if check.request is None:
        assert check.errors, "no request and no reason"
        for input_id, error in check.errors.items():
            assert input_id == "form" or visible.get(input_id, input_id == "clid")
            assert fl.reason_text(error, layout)
        return
    assert not check.errors
    req = check.request
    # The request satisfies the market's rules: re-validating changes nothing.
    assert rules.validate_order(req, BTC, available=available) == req
    if req.size is not None:
        assert BTC.min_size <= req.size <= BTC.max_size
        assert rules.on_step(req.size, BTC.lot)
        assert req.size <= D(size.strip())  # never more than typed
    if req.type is OrderType.LIMIT:
        assert req.price is not None and rules.on_step(req.price, BTC.tick)
        typed = D(price.strip())
        assert req.price <= typed if side is Side.BUY else req.price >= typed
    if kind.has_trigger:
        assert req.trigger_price is not None and rules.on_step(req.trigger_price, BTC.tick)


def test_a_stop_market_is_valued_at_its_trigger() -> None:
    stop = fl.build_request(
        fields(kind=fl.OrderKind.STOP_MARKET, side=Side.SELL, size="0.02", trigger_price="19000"),
        BTC,
    )
    assert not isinstance(stop, ValidationError)
    assert review.order_costs(stop, BTC, reference=D("19999.9")).notional == "≈ 380.00 USDT"
