"""Engine invariants under random trading: funds are conserved and locks match open orders."""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal as D

from btse_tui.sim.engine import Engine
from btse_tui.sim.engine.catalog import default_markets
from btse_tui.sim.engine.records import FillHappened, RequestRejected
from btse_tui.sim.market.flow import MarketFlow

SYMBOLS = ["ETH-USDT", "BTC-USDT", "ETH-BTC"]
USERS = ("alice", "bob")


class Clock:
    def __init__(self) -> None:
        self.t = 1_700_000_000.0

    def __call__(self) -> float:
        return self.t


def random_body(rng: random.Random, engine: Engine, symbol: str) -> dict:
    spec = engine.markets[symbol]
    last = engine.last_price(symbol)
    ticks = int(last / spec.tick) + rng.randint(-30, 30) * max(1, int(last / spec.tick) // 5000)
    price = spec.tick * max(1, ticks)
    size = spec.lot * rng.randint(1, 3) * max(1, int(spec.min_size / spec.lot)) * 50
    kind = rng.random()
    body: dict = {"symbol": symbol, "side": rng.choice(("BUY", "SELL")), "size": str(size)}
    if kind < 0.6:
        body |= {
            "type": "LIMIT",
            "price": str(price),
            "time_in_force": rng.choice(("GTC", "GTC", "IOC", "FOK", "HALFMIN")),
            "postOnly": rng.random() < 0.1,
        }
    elif kind < 0.8:
        body["type"] = "MARKET"
        if body["side"] == "BUY" and rng.random() < 0.5:
            body["price"] = str((price * size).quantize(D("0.01")))
    else:
        body |= {
            "type": rng.choice(("LIMIT", "MARKET")),
            "price": str(price),
            "txType": rng.choice(("STOP", "TRIGGER")),
            "triggerPrice": str(spec.tick * max(1, ticks + rng.randint(-5, 5))),
        }
        if body["type"] == "MARKET" and body["side"] == "SELL":
            del body["price"]
    return body


def test_funds_are_conserved_and_locks_match_open_orders() -> None:
    clock = Clock()
    engine = Engine(default_markets(), clock=clock, seed=5)
    start = {"USDT": D(5_000_000), "ETH": D(1000), "BTC": D(50)}
    for key in USERS:
        engine.add_account(key, "s", dict(start))
    fees: dict[str, D] = defaultdict(D)
    engine.subscribe(
        lambda e: (
            fees.__setitem__(e.fill.fee_currency, fees[e.fill.fee_currency] + e.fill.fee_amount)
            if isinstance(e, FillHappened)
            else None
        )
    )
    flow = MarketFlow(engine, seed=5, symbols=SYMBOLS)
    flow_keys = (flow.maker_key, flow.taker_key)
    initial = {
        c: sum(engine.account_for_key(k).balances[c].total for k in (*USERS, *flow_keys))
        for c in start
    }
    rng = random.Random(5)
    statuses: set[int] = set()
    for _ in range(1500):
        flow.step()
        key = rng.choice(USERS)
        symbol = rng.choice(SYMBOLS)
        roll = rng.random()
        try:
            if roll < 0.3:
                statuses.add(engine.place_order(key, random_body(rng, engine, symbol))[0].status)
            elif roll < 0.36:
                opens = engine.open_orders(key, symbol)
                if opens:
                    engine.cancel_orders(key, symbol, order_id=rng.choice(opens).order_id)
            elif roll < 0.42:
                opens = [o for o in engine.open_orders(key, symbol) if o.order_type == "LIMIT"]
                if opens:
                    target = rng.choice(opens)
                    size = target.filled_size + engine.markets[symbol].lot * rng.randint(1, 100)
                    engine.amend_order(
                        key,
                        {
                            "symbol": symbol,
                            "orderID": target.order_id,
                            "type": "SIZE",
                            "value": size,
                        },
                    )
        except RequestRejected:
            pass
        clock.t += 0.5
        engine.advance()

    assert {2, 4, 6, 9} <= statuses  # the mix really exercised the lifecycle
    for currency, amount in initial.items():
        held = sum(engine.account_for_key(k).balances[currency].total for k in (*USERS, *flow_keys))
        assert held + fees[currency] == amount, currency
    for key in (*USERS, *flow_keys):
        acct = engine.account_for_key(key)
        locked: dict[str, D] = defaultdict(D)
        for rec in acct.open_orders.values():
            locked[rec.lock_currency] += rec.locked
        for currency, bal in acct.balances.items():
            assert bal.available >= 0, (key, currency)
            assert bal.total - bal.available == locked[currency], (key, currency)
    for symbol in SYMBOLS:
        bids, asks = engine.book_levels(symbol, 1)
        assert not (bids and asks) or bids[0][0] < asks[0][0]
