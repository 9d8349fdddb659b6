"""Engine order lifecycle: cancel, amend, expiry, cancelAllAfter, triggers, queries, market data."""

from __future__ import annotations

import random
from decimal import Decimal as D

import pytest

from btse_tui.sim.engine import Engine
from btse_tui.sim.engine.catalog import default_markets
from btse_tui.sim.engine.records import BookChanged, OrderChanged, RequestRejected

SYM = "ETH-USDT"
T0 = 1_700_000_000.0


class Clock:
    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def ms(self) -> int:
        return int(self.t * 1000)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(clock: Clock) -> Engine:
    eng = Engine(default_markets(), clock=clock, seed=3)
    for key in ("alice", "bob"):
        eng.add_account(key, "secret", {"USDT": D(100_000), "ETH": D(10), "BTC": D(1)})
    return eng


def limit(side: str, price: str, size: str, **extra: object) -> dict:
    return {"symbol": SYM, "side": side, "type": "LIMIT", "price": price, "size": size, **extra}


def available(engine: Engine, key: str, ccy: str) -> D:
    return engine.account_for_key(key).balances[ccy].available  # type: ignore[union-attr]


# ------------------------------------------------------------------ cancel


def test_cancel_by_id_frees_funds_and_book(engine: Engine) -> None:
    rec = engine.place_order("alice", limit("BUY", "3000.00", "1"))[0]
    [out] = engine.cancel_orders("alice", SYM, order_id=rec.order_id)
    assert out.status == 6
    assert out.order_id == rec.order_id
    assert engine.book_levels(SYM) == ([], [])
    assert available(engine, "alice", "USDT") == D(100_000)
    assert engine.open_orders("alice") == []


def test_cancelling_a_closed_order_says_not_found_and_still_names_its_side(engine: Engine) -> None:
    rec = engine.place_order("alice", limit("SELL", "3000.00", "1"))[0]
    engine.cancel_orders("alice", SYM, order_id=rec.order_id)
    [again] = engine.cancel_orders("alice", SYM, order_id=rec.order_id)
    assert (again.status, again.side, again.message) == (16, "SELL", "Order not found")
    # cancelled orders stay visible to get_order
    assert engine.get_order("alice", rec.order_id).status == 6


def test_cancel_unknown_or_someone_elses_order_is_not_found(engine: Engine) -> None:
    rec = engine.place_order("alice", limit("BUY", "3000.00", "1"))[0]
    [out] = engine.cancel_orders("bob", SYM, order_id=rec.order_id)
    assert (out.status, out.message) == (16, "Order not found")
    [out] = engine.cancel_orders("alice", SYM, cl_order_id="never-used")
    assert out.status == 16
    assert engine.open_orders("alice")[0].status == 2
    with pytest.raises(RequestRejected) as info:
        engine.cancel_orders("alice", "NOPE-USDT")
    assert info.value.code == -7006


def test_cancel_by_client_id_hits_every_match(engine: Engine) -> None:
    engine.unique_open_cl_order_ids = False  # BTSE's own rule: ids need not be unique
    engine.place_order("alice", limit("BUY", "3000.00", "1", clOrderID="grid"))
    engine.place_order("alice", limit("BUY", "2990.00", "1", clOrderID="grid"))
    keep = engine.place_order("alice", limit("BUY", "2980.00", "1", clOrderID="other"))[0]
    out = engine.cancel_orders("alice", SYM, cl_order_id="grid")
    assert sorted(r.price for r in out) == [D("2990.00"), D("3000.00")]
    assert [r.order_id for r in engine.open_orders("alice")] == [keep.order_id]


def test_cancel_by_symbol_leaves_other_symbols(engine: Engine) -> None:
    engine.place_order("alice", limit("BUY", "3000.00", "1"))
    engine.place_order("alice", limit("SELL", "3500.00", "1"))
    btc = engine.place_order(
        "alice", {"symbol": "BTC-USDT", "side": "BUY", "type": "LIMIT", "price": 1000, "size": 1}
    )[0]
    out = engine.cancel_orders("alice", SYM)
    assert len(out) == 2
    assert all(r.status == 6 for r in out)
    assert [r.order_id for r in engine.open_orders("alice")] == [btc.order_id]
    assert engine.cancel_orders("alice", SYM) == []


# ------------------------------------------------------------------ amend


def test_amend_price_loses_time_priority(engine: Engine) -> None:
    first = engine.place_order("alice", limit("SELL", "3400.00", "0.1"))[0]
    second = engine.place_order("bob", limit("SELL", "3401.00", "0.1"))[0]
    ack = engine.amend_order(
        "bob", {"symbol": SYM, "orderID": second.order_id, "type": "PRICE", "value": "3400.00"}
    )
    assert ack.status == 123
    assert ack.price == D("3400.00")
    assert ack.original_price == D("3401.00")
    assert engine.book_levels(SYM)[1] == [(D("3400.00"), D("0.2"))]
    engine.place_order("alice", limit("BUY", "3400.00", "0.1"))
    assert engine.get_order("alice", first.order_id).status == 4  # the older order filled
    assert engine.get_order("bob", second.order_id).filled_size == 0


def test_amend_size_down_keeps_priority_and_releases_funds(engine: Engine) -> None:
    first = engine.place_order("alice", limit("SELL", "3400.00", "0.3"))[0]
    engine.place_order("bob", limit("SELL", "3400.00", "0.1"))
    ack = engine.amend_order(
        "alice", {"symbol": SYM, "orderID": first.order_id, "type": "SIZE", "value": 0.1}
    )
    assert (ack.status, ack.current_size) == (123, D("0.1"))
    assert available(engine, "alice", "ETH") == D("9.9")
    assert engine.book_levels(SYM)[1] == [(D("3400.00"), D("0.2"))]
    engine.place_order("bob", limit("BUY", "3400.00", "0.1"))
    assert engine.get_order("alice", first.order_id).status == 4


def test_amend_all_that_crosses_trades(engine: Engine) -> None:
    engine.place_order("alice", limit("SELL", "3400.00", "0.5"))
    bid = engine.place_order("bob", limit("BUY", "3300.00", "0.2", clOrderID="b1"))[0]
    ack = engine.amend_order(
        "bob",
        {"symbol": SYM, "clOrderID": "b1", "type": "ALL", "orderPrice": 3400, "orderSize": 0.3},
    )
    assert ack.status == 123
    now = engine.get_order("bob", bid.order_id)
    assert (now.status, now.filled_size) == (4, D("0.3"))
    assert engine.book_levels(SYM) == ([], [(D("3400.00"), D("0.2"))])
    # reserved quote follows the amended order and is released once filled
    assert available(engine, "bob", "USDT") == D(100_000) - D("1020.000")


def test_amend_rejections(engine: Engine) -> None:
    rec = engine.place_order("alice", limit("BUY", "3000.00", "1"))[0]
    missing = engine.amend_order(
        "alice", {"symbol": SYM, "orderID": "nope", "type": "PRICE", "value": 1}
    )
    assert missing.status == 16
    with pytest.raises(RequestRejected) as info:
        engine.amend_order(
            "alice", {"symbol": SYM, "orderID": rec.order_id, "type": "PRICE", "value": "3000.001"}
        )
    assert info.value.code == 302
    too_much = engine.amend_order(
        "alice", {"symbol": SYM, "orderID": rec.order_id, "type": "SIZE", "value": 40}
    )
    assert too_much.status == 8
    assert engine.get_order("alice", rec.order_id).current_size == D(1)


# ------------------------------------------------------------------ time


def test_timed_tif_expires_on_advance(engine: Engine, clock: Clock) -> None:
    events: list[object] = []
    engine.subscribe(events.append)
    rec = engine.place_order("alice", limit("BUY", "3000.00", "1", time_in_force="HALFMIN"))[0]
    clock.t += 29
    engine.advance()
    assert engine.get_order("alice", rec.order_id).status == 2
    events.clear()
    clock.t += 2
    engine.advance()
    done = engine.get_order("alice", rec.order_id)
    assert done.status == 6
    assert done.user_initiated is False
    assert "expired" in done.message
    assert engine.book_levels(SYM) == ([], [])
    assert available(engine, "alice", "USDT") == D(100_000)
    assert any(isinstance(e, OrderChanged) and e.record.status == 6 for e in events)
    assert any(isinstance(e, BookChanged) and e.size == 0 for e in events)


def test_cancel_all_after_rearms_and_lapses(engine: Engine, clock: Clock) -> None:
    engine.place_order("alice", limit("BUY", "3000.00", "1"))
    engine.place_order("alice", limit("SELL", "3500.00", "1"))
    engine.place_order("bob", limit("BUY", "2900.00", "1"))
    engine.cancel_all_after("alice", 60_000)
    clock.t += 50
    engine.advance()
    engine.cancel_all_after("alice", 60_000)  # re-armed: now due at +110 s
    clock.t += 20
    engine.advance()
    assert len(engine.open_orders("alice")) == 2
    clock.t += 41
    engine.advance()
    assert engine.open_orders("alice") == []
    assert len(engine.open_orders("bob")) == 1
    # disarmed: a later order survives
    engine.place_order("alice", limit("BUY", "3000.00", "1"))
    engine.cancel_all_after("alice", 1000)
    engine.cancel_all_after("alice", 0)
    engine.advance(clock.ms() + 10_000)
    assert len(engine.open_orders("alice")) == 1


def test_get_order_forgets_closed_orders_after_30_minutes(engine: Engine, clock: Clock) -> None:
    rec = engine.place_order("alice", limit("BUY", "3000.00", "1", clOrderID="x"))[0]
    engine.cancel_orders("alice", SYM, order_id=rec.order_id)
    clock.t += 29 * 60
    assert engine.get_order("alice", cl_order_id="x").order_id == rec.order_id
    clock.t += 2 * 60
    assert engine.get_order("alice", rec.order_id) is None
    assert engine.get_order("alice", cl_order_id="x") is None


# ------------------------------------------------------------------ triggers


def trade_at(engine: Engine, price: str) -> None:
    engine.place_order("bob", limit("SELL", price, "0.01"))
    engine.place_order("bob", limit("BUY", price, "0.01"))


def test_stop_sell_fires_when_price_falls_to_trigger(engine: Engine) -> None:
    events: list[object] = []
    engine.subscribe(events.append)
    engine.place_order("bob", limit("BUY", "3380.00", "1"))  # liquidity below
    stop = {
        **limit("SELL", "3380.00", "0.5"),
        "txType": "STOP",
        "triggerPrice": "3390.00",
    }
    rec = engine.place_order("alice", stop)[0]
    assert (rec.status, rec.is_trigger, rec.triggered) == (9, True, False)
    assert engine.book_levels(SYM)[1] == []  # waiting triggers are not on the book
    assert available(engine, "alice", "ETH") == D("9.5")
    trade_at(engine, "3395.00")
    assert engine.get_order("alice", rec.order_id).status == 9
    events.clear()
    trade_at(engine, "3390.00")
    statuses = [
        e.record.status for e in events if isinstance(e, OrderChanged) and e.api_key == "alice"
    ]
    assert statuses == [10, 4]
    final = engine.get_order("alice", rec.order_id)
    assert (final.filled_size, final.avg_fill_price, final.triggered) == (D("0.5"), 3380, True)


def test_take_profit_buy_market_by_quote(engine: Engine) -> None:
    body = {
        "symbol": SYM,
        "side": "BUY",
        "type": "MARKET",
        "txType": "TRIGGER",
        "price": 660,
        "triggerPrice": "3310.00",
    }
    rec = engine.place_order("alice", body)[0]
    assert rec.status == 9
    assert rec.order_currency == "quote"
    assert available(engine, "alice", "USDT") == D(100_000) - 660
    trade_at(engine, "3320.00")  # above the take-profit level: nothing
    assert engine.get_order("alice", rec.order_id).status == 9
    engine.place_order("bob", limit("SELL", "3300.00", "1"))
    engine.place_order("bob", limit("BUY", "3300.00", "0.01"))  # prints 3300 → fires
    final = engine.get_order("alice", rec.order_id)
    assert final.status == 4
    assert final.filled_size == D("0.2")  # 660 / 3300
    assert final.filled_quote == D(660)
    assert engine.account_for_key("alice").balances["USDT"].total == D(100_000) - 660
    assert available(engine, "alice", "USDT") == D(100_000) - 660


def test_stop_buy_already_through_fires_at_once_and_amend_trigger(engine: Engine) -> None:
    engine.place_order("bob", limit("SELL", "3500.00", "1"))
    body = {**limit("BUY", "3500.00", "0.1"), "txType": "STOP", "triggerPrice": "3450.00"}
    rec = engine.place_order("alice", body)[0]
    assert rec.status == 9
    trade_at(engine, "3440.00")
    ack = engine.amend_order(
        "alice", {"symbol": SYM, "orderID": rec.order_id, "type": "TRIGGERPRICE", "value": 3430}
    )
    assert ack.status == 123
    final = engine.get_order("alice", rec.order_id)
    assert (final.triggered, final.status, final.filled_size) == (True, 4, D("0.1"))


# ------------------------------------------------------------------ queries and market data


def test_trade_history_filters(engine: Engine, clock: Clock) -> None:
    engine.place_order("bob", limit("SELL", "3400.00", "1"))
    a = engine.place_order("alice", limit("BUY", "3400.00", "0.1", clOrderID="one"))[0]
    clock.t += 10
    b = engine.place_order("alice", limit("BUY", "3400.00", "0.2"))[0]
    assert [f.order_id for f in engine.trade_history("alice", SYM)] == [b.order_id, a.order_id]
    assert [f.size for f in engine.trade_history("alice", SYM, order_id=a.order_id)] == [D("0.1")]
    assert engine.trade_history("alice", SYM, cl_order_id="one")[0].order_id == a.order_id
    assert len(engine.trade_history("alice", SYM, count=1)) == 1
    later = engine.trade_history("alice", SYM, start_ms=clock.ms() - 5000)
    assert [f.order_id for f in later] == [b.order_id]
    assert engine.trade_history("alice", "BTC-USDT") == []
    serials = [f.serial_id for f in engine.trade_history("bob", SYM)]
    assert serials == sorted(serials, reverse=True)


def test_ticker_and_candles_follow_trades(engine: Engine, clock: Clock) -> None:
    start = engine.ticker(SYM)
    assert start.last == start.open == D("3412.55")
    assert start.volume_base == 0
    clock.t = (int(T0) // 60) * 60 + 5  # 5 s into a minute
    trade_at(engine, "3400.00")
    trade_at(engine, "3420.00")
    clock.t += 60
    trade_at(engine, "3410.00")
    t = engine.ticker(SYM)
    assert (t.last, t.high, t.low) == (D("3410.00"), D("3420.00"), D("3400.00"))
    assert t.volume_base == D("0.03")
    assert t.change == D("3410.00") - D("3412.55")
    engine.place_order("alice", limit("BUY", "3000.00", "1"))
    assert (engine.ticker(SYM).bid, engine.ticker(SYM).bid_qty) == (D("3000.00"), D(1))
    bars = engine.candles(SYM, 1, None, None, 10)
    assert [(b[1], b[2], b[3], b[4]) for b in bars[-2:]] == [
        (D("3400.00"), D("3420.00"), D("3400.00"), D("3420.00")),
        (D("3410.00"),) * 4,
    ]
    assert bars[-1][0] - bars[-2][0] == 60
    assert bars[-2][5] == D("3400.00") * D("0.01") + D("3420.00") * D("0.01")
    [five] = engine.candles(SYM, 5, None, None, 1)
    assert (five[2], five[3], five[4]) == (D("3420.00"), D("3400.00"), D("3410.00"))
    # a day later the window has rolled: no volume, open = the last price
    clock.t += 86_400 + 120
    rolled = engine.ticker(SYM)
    assert (rolled.volume_base, rolled.open, rolled.last) == (0, D("3410.00"), D("3410.00"))
    assert [p.price for p in engine.recent_trades(SYM, 2)] == [D("3410.00"), D("3420.00")]


def test_book_changed_events_reproduce_the_book(engine: Engine) -> None:
    rng = random.Random(11)
    book: dict[tuple[str, D], D] = {}

    def on_event(event: object) -> None:
        if isinstance(event, BookChanged) and event.symbol == SYM:
            if event.size == 0:
                book.pop((event.side, event.price), None)
            else:
                book[(event.side, event.price)] = event.size

    engine.subscribe(on_event)
    for key in ("alice", "bob"):
        engine.credit(key, "USDT", D(10_000_000))
        engine.credit(key, "ETH", D(10_000))
    for _ in range(600):
        key = rng.choice(("alice", "bob"))
        roll = rng.random()
        if roll < 0.7:
            side = rng.choice(("BUY", "SELL"))
            price = D(3400) + D(rng.randint(-40, 40)) / 10
            size = D(rng.randint(1, 50)) / 100
            tif = rng.choice(("GTC", "GTC", "IOC", "FOK"))
            engine.place_order(key, limit(side, str(price), str(size), time_in_force=tif))
        elif roll < 0.85:
            opens = engine.open_orders(key, SYM)
            if opens:
                engine.cancel_orders(key, SYM, order_id=rng.choice(opens).order_id)
        else:
            opens = engine.open_orders(key, SYM)
            if opens:
                target = rng.choice(opens)
                engine.amend_order(
                    key,
                    {
                        "symbol": SYM,
                        "orderID": target.order_id,
                        "type": "ALL",
                        "orderPrice": str(D(3400) + D(rng.randint(-40, 40)) / 10),
                        "orderSize": str(target.filled_size + D(rng.randint(1, 30)) / 100),
                    },
                )
        bids, asks = engine.book_levels(SYM, 1000)
        if bids and asks:
            assert bids[0][0] < asks[0][0], "book crossed"
    bids, asks = engine.book_levels(SYM, 1000)
    assert {("BUY", p): s for p, s in bids} | {("SELL", p): s for p, s in asks} == book
    assert len(book) >= 3
