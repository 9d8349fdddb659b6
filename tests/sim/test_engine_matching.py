"""Engine matching: priority, partial fills, IOC/FOK, postOnly, balances, fees and validation."""

from __future__ import annotations

import uuid
from decimal import Decimal as D

import pytest

from btse_tui.sim.engine import Engine
from btse_tui.sim.engine.catalog import default_markets
from btse_tui.sim.engine.records import (
    BalanceChanged,
    FillHappened,
    OrderChanged,
    RequestRejected,
    TradePrinted,
)

SYM = "ETH-USDT"
T0 = 1_700_000_000.0


class Clock:
    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def engine() -> Engine:
    eng = Engine(default_markets(), clock=Clock(), seed=7)
    for key in ("alice", "bob", "carol", "dave"):
        eng.add_account(key, "secret", {"USDT": D(100_000), "ETH": D(10), "BTC": D(1)})
    return eng


def limit(side: str, price: str, size: str, **extra: object) -> dict:
    return {"symbol": SYM, "side": side, "type": "LIMIT", "price": price, "size": size, **extra}


def bal(engine: Engine, key: str, ccy: str) -> tuple[D, D]:
    b = engine.account_for_key(key).balances[ccy]  # type: ignore[union-attr]
    return b.total, b.available


def test_price_time_priority_and_partial_fill(engine: Engine) -> None:
    a = engine.place_order("alice", limit("SELL", "3400.00", "0.1"))[0]
    b = engine.place_order("bob", limit("SELL", "3400.00", "0.1"))[0]
    c = engine.place_order("carol", limit("SELL", "3399.50", "0.1"))[0]
    assert [r.status for r in (a, b, c)] == [2, 2, 2]
    assert all(uuid.UUID(r.order_id).version == 4 for r in (a, b, c))
    assert len({a.order_id, b.order_id, c.order_id}) == 3

    taker = engine.place_order("dave", limit("BUY", "3400.00", "0.25"))[0]

    assert taker.status == 4
    assert taker.filled_size == D("0.25")
    fills = engine.trade_history("dave", SYM)[::-1]  # oldest first
    assert [(f.price, f.size) for f in fills] == [
        (D("3399.50"), D("0.1")),  # better price first
        (D("3400.00"), D("0.1")),  # then the older order at 3400 (alice)
        (D("3400.00"), D("0.05")),  # then bob, partially
    ]
    assert engine.get_order("alice", a.order_id).status == 4
    bob_now = engine.get_order("bob", b.order_id)
    assert bob_now.status == 5
    assert bob_now.remaining_size == D("0.05")
    assert engine.book_levels(SYM) == ([], [(D("3400.00"), D("0.05"))])
    # average of 0.1@3399.5 + 0.15@3400 = 3399.8
    assert taker.avg_fill_price == D("3399.8")


def test_crossing_limit_rests_remainder_as_partial(engine: Engine) -> None:
    engine.place_order("alice", limit("SELL", "3400.00", "0.1"))
    rec = engine.place_order("bob", limit("BUY", "3401.00", "0.3"))[0]
    assert rec.status == 5
    assert rec.filled_size == D("0.1")
    assert rec.remaining_size == D("0.2")
    # the trade happened at the resting price, and the book is not crossed
    assert engine.recent_trades(SYM)[0].price == D("3400.00")
    assert engine.book_levels(SYM) == ([(D("3401.00"), D("0.2"))], [])
    assert [o.order_id for o in engine.open_orders("bob", SYM)] == [rec.order_id]


def test_ioc_cancels_the_rest(engine: Engine) -> None:
    engine.place_order("alice", limit("SELL", "3400.00", "0.1"))
    rec = engine.place_order("bob", limit("BUY", "3400.00", "0.3", time_in_force="IOC"))[0]
    assert rec.status == 6
    assert rec.filled_size == D("0.1")
    assert engine.book_levels(SYM) == ([], [])
    assert engine.open_orders("bob") == []
    # the unfilled part's reserved quote is given back
    total, avail = bal(engine, "bob", "USDT")
    assert total == avail == D(100_000) - D("340.000")


def test_fok_is_all_or_nothing(engine: Engine) -> None:
    engine.place_order("alice", limit("SELL", "3400.00", "0.1"))
    engine.place_order("alice", limit("SELL", "3405.00", "0.1"))
    too_big = engine.place_order("bob", limit("BUY", "3400.00", "0.15", time_in_force="FOK"))[0]
    assert too_big.status == 6
    assert too_big.filled_size == 0
    assert engine.recent_trades(SYM) == []
    assert bal(engine, "bob", "USDT") == (D(100_000), D(100_000))

    ok = engine.place_order("bob", limit("BUY", "3405.00", "0.15", time_in_force="FOK"))[0]
    assert ok.status == 4
    assert ok.filled_size == D("0.15")
    assert engine.book_levels(SYM)[1] == [(D("3405.00"), D("0.05"))]


def test_post_only_that_would_cross_is_rejected(engine: Engine) -> None:
    engine.place_order("alice", limit("SELL", "3400.00", "0.1"))
    rec = engine.place_order("bob", limit("BUY", "3400.00", "0.1", postOnly=True))[0]
    assert rec.status == 15
    assert "cross" in rec.message
    assert engine.recent_trades(SYM) == []
    assert bal(engine, "bob", "USDT") == (D(100_000), D(100_000))
    ok = engine.place_order("bob", limit("BUY", "3399.99", "0.1", postOnly="true"))[0]
    assert ok.status == 2
    assert ok.post_only is True


def test_insufficient_balance_is_status_8_and_changes_nothing(engine: Engine) -> None:
    rec = engine.place_order("alice", limit("BUY", "3400.00", "50"))[0]
    assert rec.status == 8
    assert "Insufficient balance" in rec.message
    assert engine.book_levels(SYM) == ([], [])
    assert bal(engine, "alice", "USDT") == (D(100_000), D(100_000))
    sell = engine.place_order("alice", limit("SELL", "3400.00", "10.0001"))[0]
    assert sell.status == 8
    assert bal(engine, "alice", "ETH") == (D(10), D(10))


def test_locks_and_releases_on_cancel_and_fill(engine: Engine) -> None:
    buy = engine.place_order("alice", limit("BUY", "3000.00", "1"))[0]
    # a limit buy reserves price * size * (1 + taker fee)
    assert bal(engine, "alice", "USDT") == (D(100_000), D(100_000) - D("3006"))
    sell = engine.place_order("bob", limit("SELL", "3500.00", "2"))[0]
    assert bal(engine, "bob", "ETH") == (D(10), D(8))

    engine.cancel_orders("alice", SYM, order_id=buy.order_id)
    assert bal(engine, "alice", "USDT") == (D(100_000), D(100_000))

    # carol lifts half of bob's offer: bob keeps 1 ETH locked, the sold 1 ETH leaves his total
    engine.place_order("carol", limit("BUY", "3500.00", "1"))
    assert bal(engine, "bob", "ETH") == (D(9), D(8))
    engine.cancel_orders("bob", SYM, order_id=sell.order_id)
    assert bal(engine, "bob", "ETH") == (D(9), D(9))


def test_fees_maker_and_taker_in_the_right_currency(engine: Engine) -> None:
    engine.place_order("alice", limit("SELL", "3000.00", "1"))  # maker seller
    engine.place_order("bob", limit("BUY", "3000.00", "1"))  # taker buyer
    [maker_fill] = engine.trade_history("alice", SYM)
    [taker_fill] = engine.trade_history("bob", SYM)
    assert (maker_fill.fee_currency, maker_fill.fee_amount, maker_fill.maker) == (
        "USDT",
        D("3.000"),  # 0.1 % of 3000 quote
        True,
    )
    assert (taker_fill.fee_currency, taker_fill.fee_amount, taker_fill.maker) == (
        "ETH",
        D("0.002"),  # 0.2 % of 1 base
        False,
    )
    assert bal(engine, "alice", "USDT") == (D(102_997), D(102_997))
    assert bal(engine, "alice", "ETH") == (D(9), D(9))
    assert bal(engine, "bob", "ETH") == (D("10.998"), D("10.998"))
    assert bal(engine, "bob", "USDT") == (D(97_000), D(97_000))

    # the other way round: maker buyer pays base at the maker rate, taker seller quote at taker
    engine.place_order("carol", limit("BUY", "2000.00", "1"))
    engine.place_order("dave", limit("SELL", "2000.00", "1"))
    assert engine.trade_history("carol", SYM)[0].fee_amount == D("0.001")
    assert engine.trade_history("carol", SYM)[0].fee_currency == "ETH"
    assert engine.trade_history("dave", SYM)[0].fee_amount == D("4.000")
    assert engine.trade_history("dave", SYM)[0].fee_currency == "USDT"
    assert engine.fee_rates("carol") == (D("0.001"), D("0.002"))


def test_market_buy_by_quote_spends_at_most_the_budget(engine: Engine) -> None:
    engine.place_order("alice", limit("SELL", "3000.00", "0.1"))
    engine.place_order("alice", limit("SELL", "3010.00", "1"))
    body = {"symbol": SYM, "side": "BUY", "type": "MARKET", "price": 1000}
    rec = engine.place_order("bob", body)[0]
    assert rec.order_currency == "quote"
    assert rec.original_quote_size == D(1000)
    # 0.1 @ 3000 = 300, then floor((700) / 3010 to the lot) = 0.2325 @ 3010 = 699.825
    assert rec.filled_size == D("0.3325")
    assert rec.filled_quote == D("999.825")
    assert rec.filled_quote <= D(1000)
    # 0.175 USDT of dust is left: BTSE ends such an order at 5, not 4, and it is closed
    assert rec.status == 5 and rec.remaining_quote_size == D("0.175")
    assert not rec.is_open and engine.open_orders("bob") == []
    assert bal(engine, "bob", "USDT") == (D(100_000) - D("999.825"),) * 2


def test_market_sell_and_market_buy_by_size(engine: Engine) -> None:
    engine.place_order("alice", limit("BUY", "3000.00", "0.5"))
    engine.place_order("alice", limit("SELL", "3100.00", "0.5"))
    sold = engine.place_order("bob", {"symbol": SYM, "side": "SELL", "type": "MARKET", "size": 0.2})
    assert (sold[0].status, sold[0].filled_size, sold[0].order_currency) == (4, D("0.2"), "base")
    bought = engine.place_order(
        "bob", {"symbol": SYM, "side": "BUY", "type": "MARKET", "size": "0.3"}
    )
    assert (bought[0].status, bought[0].filled_size) == (4, D("0.3"))
    assert engine.book_levels(SYM) == ([(D("3000.00"), D("0.3"))], [(D("3100.00"), D("0.2"))])
    # nothing stays locked after market orders finish
    for ccy in ("ETH", "USDT"):
        total, avail = bal(engine, "bob", ccy)
        assert total == avail


def test_market_order_without_liquidity_is_cancelled(engine: Engine) -> None:
    rec = engine.place_order("bob", {"symbol": SYM, "side": "SELL", "type": "MARKET", "size": 1})
    assert rec[0].status == 6
    assert bal(engine, "bob", "ETH") == (D(10), D(10))


def test_events_are_causal_and_only_for_the_right_accounts(engine: Engine) -> None:
    events: list[object] = []
    engine.subscribe(events.append)
    engine.place_order("alice", limit("SELL", "3000.00", "1", clOrderID="mine"))
    events.clear()
    engine.place_order("bob", limit("BUY", "3000.00", "0.4"))
    kinds = [type(e).__name__ for e in events]
    assert kinds.index("TradePrinted") < kinds.index("FillHappened")
    fills = [e for e in events if isinstance(e, FillHappened)]
    assert {(f.api_key, f.fill.side, f.fill.maker) for f in fills} == {
        ("alice", "SELL", True),
        ("bob", "BUY", False),
    }
    alice_changes = [
        e.record for e in events if isinstance(e, OrderChanged) and e.api_key == "alice"
    ]
    assert [(r.status, r.last_fill_size, r.cl_order_id) for r in alice_changes] == [
        (5, D("0.4"), "mine")
    ]
    assert any(isinstance(e, TradePrinted) and e.trade.side == "BUY" for e in events)
    balance_keys = {(e.api_key, e.currency) for e in events if isinstance(e, BalanceChanged)}
    assert balance_keys == {("alice", "ETH"), ("alice", "USDT"), ("bob", "ETH"), ("bob", "USDT")}
    # snapshots do not change behind the listener's back
    assert alice_changes[0].filled_size == D("0.4")
    engine.place_order("bob", limit("BUY", "3000.00", "0.1"))
    assert alice_changes[0].filled_size == D("0.4")


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        (limit("BUY", "3000.00", "0.00001"), 301, "below the minimum 0.0001"),
        (limit("BUY", "3000.00", "0.00015"), 301, "lot"),
        (limit("BUY", "3000.00", "10001"), 300, "maximum"),
        (limit("BUY", "3000.001", "1"), 302, "tick"),
        (limit("BUY", "0.001", "1"), 302, "minimum"),
        (limit("BUY", "3000.00", "-1"), 301, "positive"),
        (limit("BUY", "abc", "1"), -2, "price"),
        (limit("BUY", None, "1"), -2, "price"),
        ({"side": "BUY", "type": "LIMIT", "price": 1, "size": 1}, -2, "symbol"),
        ({**limit("BUY", "3000", "1"), "symbol": "NOPE-USDT"}, -7006, "NOPE-USDT"),
        ({**limit("BUY", "1", "1"), "symbol": "LUNA-USDT"}, 1, "MARKET_UNAVAILABLE"),
        ({**limit("BUY", "3000", "1"), "side": "HOLD"}, -2, "side"),
        ({**limit("BUY", "3000", "1"), "type": "OCO"}, -2, "triggerPrice parameter is mandatory"),
        ({**limit("BUY", "3000", "1"), "time_in_force": "FOREVER"}, -2, "time_in_force"),
        ({**limit("BUY", "3000", "1"), "txType": "STOP"}, -2, "triggerPrice"),
        ({"symbol": SYM, "side": "SELL", "type": "MARKET"}, -2, "size"),
    ],
)
def test_malformed_orders_are_rejected_with_btse_codes(
    engine: Engine, body: dict, code: int, words: str
) -> None:
    with pytest.raises(RequestRejected) as info:
        engine.place_order("alice", body)
    assert info.value.http_status == 400
    assert info.value.code == code
    assert words in info.value.message
    assert engine.open_orders("alice") == []


def test_size_message_names_the_rule() -> None:
    eng = Engine(default_markets(), clock=Clock())
    eng.add_account("k", "s", {"USDT": D(1000)})
    with pytest.raises(RequestRejected) as info:
        eng.place_order("k", {**limit("BUY", "97000.0", "0.000001"), "symbol": "BTC-USDT"})
    assert info.value.message == "Invalid order size: 0.000001 is below the minimum 0.00001"


def test_numbers_as_float_int_or_string_are_equivalent(engine: Engine) -> None:
    a = engine.place_order("alice", limit("BUY", 3000.5, 0.1))[0]
    b = engine.place_order("alice", limit("BUY", "3000.50", "0.1000"))[0]
    c = engine.place_order("alice", {**limit("BUY", 3001, 1)})[0]
    assert (a.price, a.current_size) == (b.price, b.current_size) == (D("3000.50"), D("0.1000"))
    assert str(c.price) == "3001.00"  # quantized to the market's tick


def test_a_failing_listener_does_not_corrupt_the_engine(engine: Engine) -> None:
    seen: list[object] = []

    def broken(event: object) -> None:
        raise RuntimeError("listener bug")

    engine.subscribe(broken)
    unsubscribe = engine.subscribe(seen.append)
    engine.place_order("alice", limit("SELL", "3000.00", "1"))
    rec = engine.place_order("bob", limit("BUY", "3000.00", "0.5"))[0]
    assert rec.status == 4
    assert engine.book_levels(SYM) == ([], [(D("3000.00"), D("0.5"))])
    assert any(isinstance(e, TradePrinted) for e in seen)
    unsubscribe()
    count = len(seen)
    engine.place_order("bob", limit("BUY", "3000.00", "0.1"))
    assert len(seen) == count
