"""A parsed command made concrete against live data: the one order, cancel, alert or market
switch it means, with the form's rules (lot, tick, minimum, balance)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from btse_tui.protocol.alert_rule import AlertCondition, PriceAlert
from btse_tui.protocol.command import CommandError, parse_command
from btse_tui.protocol.command_plan import (
    CancelOrders,
    LiveData,
    PlaceOrder,
    SelectMarket,
    SetAlert,
    describe_action,
    plan_command,
)
from btse_tui.protocol.errors import ValidationError
from btse_tui.protocol.models import (
    Balance,
    Market,
    Order,
    OrderRequest,
    OrderType,
    Side,
    Ticker,
    TxType,
)
from btse_tui.protocol.rules import on_step
from btse_tui.protocol.submission import OrderSubmission

D = Decimal
BTC = Market(
    "BTC-USDT", "BTC", "USDT", True, D("0.1"), D("0.1"), D("0.00001"), D(2000), D("0.00001")
)
SOL = Market(
    "SOL-USDT", "SOL", "USDT", True, D("0.01"), D("0.01"), D("0.001"), D(200000), D("0.001")
)
ORDERS = (
    Order("BTC-USDT", "b1", Side.BUY, 2, price=D(60000)),
    Order("BTC-USDT", "s1", Side.SELL, 2, price=D(99000)),
    Order("BTC-USDT", "b2", Side.BUY, 2, price=D(61000)),
    Order("SOL-USDT", "b3", Side.BUY, 2, price=D(150)),
)


LIVE = LiveData(
    selected="BTC-USDT",
    markets={"BTC-USDT": BTC, "SOL-USDT": SOL},
    tickers={
        "BTC-USDT": Ticker("BTC-USDT", D("97250.0"), bid=D("97249.9"), ask=D("97250.1")),
        "SOL-USDT": Ticker("SOL-USDT", D("187.42"), bid=D("187.41"), ask=D("187.43")),
    },
    balances={
        "USDT": Balance("USDT", D(100000), D(50000)),
        "SOL": Balance("SOL", D(20), D("10.0007")),
        "BTC": Balance("BTC", D(2), D("1.5")),
    },
    open_orders=ORDERS,
)


def live(**changes: Any) -> LiveData:
    return replace(LIVE, **changes)


def plan(line: str, data: LiveData | None = None) -> object:
    command = parse_command(line)
    assert not isinstance(command, CommandError), command
    return plan_command(command, data or live())


def request_of(line: str, data: LiveData | None = None) -> OrderRequest:
    action = plan(line, data)
    assert isinstance(action, PlaceOrder), action
    return action.request


def test_a_limit_buy_is_that_price_and_size_on_the_named_market() -> None:
    request = request_of("buy 0.1 BTC-USDT @ 60000")
    assert (request.symbol, request.side, request.type) == ("BTC-USDT", Side.BUY, OrderType.LIMIT)
    assert (request.price, request.size) == (D("60000.0"), D("0.10000"))


def test_the_market_defaults_to_the_selected_one() -> None:
    assert request_of("buy 1 @ 150", live(selected="SOL-USDT")).symbol == "SOL-USDT"
    error = plan("buy 1 @ 150", live(selected=None))
    assert isinstance(error, ValidationError) and "market" in str(error)


def test_a_share_of_the_balance_rounds_down_to_the_lot() -> None:
    request = request_of("sell 25% SOL-USDT")
    assert request.type is OrderType.MARKET
    assert request.size == D("2.500")  # 25 % of 10.0007 = 2.500175, down to the lot 0.001
    buy = request_of("buy 10% BTC-USDT @ 60000")
    assert buy.size == D("0.08333")  # 5000 USDT / 60000, down to the lot


def test_a_quote_sized_market_buy_sends_the_amount_as_price_and_no_size() -> None:
    request = request_of("buy $500 BTC-USDT")
    assert (request.type, request.price, request.size) == (OrderType.MARKET, D(500), None)
    body = OrderSubmission.of(request).body
    assert body["price"] == D(500) and "size" not in body
    share = request_of("buy 25% BTC-USDT")
    assert (share.price, share.size) == (D("12500.0"), None)


def test_book_and_relative_prices_come_from_the_ticker_on_the_safe_tick() -> None:
    assert request_of("buy 0.1 @ bid").price == D("97249.9")
    assert request_of("buy 0.1 @ ask").price == D("97250.1")
    assert request_of("sell 0.1 @ last").price == D("97250.0")
    # 187.42 x 1.005 = 188.3571: a SELL rounds up to the tick, a BUY down
    assert request_of("sell 0.5 SOL-USDT @ +0.5%").price == D("188.36")
    assert request_of("buy 0.5 SOL-USDT @ +0.5%").price == D("188.35")
    no_ticker = plan("buy 0.1 @ bid", live(tickers={}))
    assert isinstance(no_ticker, ValidationError) and "bid" in str(no_ticker)


def test_a_stop_is_a_triggered_market_order_or_a_limit_after_limit() -> None:
    stop = request_of("stop sell 0.1 BTC-USDT @ 95000")
    assert (stop.type, stop.tx_type, stop.trigger_price, stop.size) == (
        OrderType.MARKET,
        TxType.STOP,
        D(95000),
        D("0.10000"),
    )
    stop_limit = request_of("stop sell 0.1 @ 95000 limit 94900")
    assert (stop_limit.type, stop_limit.price) == (OrderType.LIMIT, D("94900.0"))
    off_tick = plan("stop sell 0.1 @ 95000.05")
    assert isinstance(off_tick, ValidationError)
    assert str(off_tick).startswith("trigger price 95000.05 is not a multiple of the tick")


def test_the_form_rules_refuse_what_the_form_refuses() -> None:
    error = plan("buy 0.000001 BTC-USDT @ 60000")
    assert str(error) == "size 0.000001 is below the minimum 0.00001 for BTC-USDT"
    broke = plan("buy 1 BTC-USDT @ 60000")
    assert isinstance(broke, ValidationError) and "only 50000 USDT is available" in str(broke)
    unlisted = plan("market FOO-USDT")
    assert str(unlisted) == "market FOO-USDT is not listed on the exchange"
    unloaded = plan("sell 25%", live(balances={}))
    assert isinstance(unloaded, ValidationError) and "balances" in str(unloaded)


def test_cancel_buys_lists_only_the_buys_of_that_market() -> None:
    action = plan("cancel buys BTC-USDT")
    assert isinstance(action, CancelOrders)
    assert (action.side, [o.order_id for o in action.orders]) == (Side.BUY, ["b1", "b2"])
    everything = plan("cancel all")
    assert isinstance(everything, CancelOrders) and everything.side is None
    assert [o.order_id for o in everything.orders] == ["b1", "s1", "b2"]
    none = plan("cancel sells SOL-USDT")
    assert str(none) == "cancel sells finds no open SELL orders on SOL-USDT"


def test_alerts_and_market_switches() -> None:
    alert = plan("alert > 100000 repeat")
    assert alert == SetAlert(
        PriceAlert("BTC-USDT", AlertCondition.ABOVE, D(100000), recurring=True)
    )
    moves = plan("alert SOL-USDT moves 2% in 1h")
    assert moves == SetAlert(
        PriceAlert("SOL-USDT", AlertCondition.MOVES, move_percent=D(2), window_minutes=60)
    )
    assert plan("market SOL-USDT") == SelectMarket("SOL-USDT")


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("buy 0.1 BTC-USDT @ 60000", "BUY LIMIT 0.10000 BTC-USDT @ 60000.0 GTC"),
        ("buy $500 BTC-USDT", "BUY MARKET BTC-USDT spending 500 USDT"),
        ("stop sell 0.1 @ 95000", "SELL STOP MARKET 0.10000 BTC-USDT trigger 95000.0"),
        ("buy 0.1 @ bid", "BUY LIMIT 0.10000 BTC-USDT @ 97249.9 GTC (bid 97249.9)"),
        ("cancel buys", "cancel 2 BUY orders on BTC-USDT"),
        ("alert < 90000", "alert when BTC-USDT last is at or below 90,000 (once)"),
    ],
)
def test_each_action_reads_as_one_line(line: str, text: str) -> None:
    action = plan(line)
    assert not isinstance(action, ValidationError), action
    assert describe_action(action, live().markets) == text


# --------------------------------------------------------------------------- properties

amounts = st.decimals(min_value=D("0.000001"), max_value=D(3), places=6)
limits = st.decimals(min_value=D(1), max_value=D(200000), places=3)


@settings(max_examples=300)
@given(
    st.sampled_from(["buy", "sell"]),
    amounts,
    st.one_of(st.none(), limits),
    st.sampled_from(["", "%"]),
)
def test_an_accepted_order_line_is_exactly_one_request_on_the_lot_and_tick(
    side: str, amount: Decimal, price: Decimal | None, unit: str
) -> None:
    size = f"{min(amount * 30, D(100)):f}%" if unit else f"{amount:f}"
    line = f"{side} {size} BTC-USDT" + (f" @ {price:f}" if price is not None else "")
    action = plan(line)
    if isinstance(action, ValidationError):
        return  # refused by the rules: nothing to send (each refusal is tested above)
    assert isinstance(action, PlaceOrder)
    request = action.request
    body = OrderSubmission.of(request).body
    assert body["symbol"] == "BTC-USDT" and body["side"] == side.upper()
    if request.size is not None:
        assert on_step(request.size, BTC.lot) and request.size >= BTC.min_size
        if not unit:
            assert request.size <= amount
    if request.type is OrderType.LIMIT:
        assert request.price is not None and on_step(request.price, BTC.tick)
        assert price is not None
        assert request.price <= price if side == "buy" else request.price >= price
