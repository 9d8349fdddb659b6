"""The seeded market flow: determinism, a never-crossed book, moving prices and real fills."""

from __future__ import annotations

from decimal import Decimal as D

from btse_tui.sim.engine import Engine
from btse_tui.sim.engine.catalog import default_markets, generated_markets
from btse_tui.sim.engine.records import BookChanged, FillHappened, TradePrinted
from btse_tui.sim.market.flow import MarketFlow

SYMBOLS = ["BTC-USDT", "ETH-USDT", "DOGE-USDT", "ETH-BTC", "XRP-USD"]
T0 = 1_700_000_000.0


def run_flow(seed: int, steps: int) -> tuple[Engine, MarketFlow, list[tuple]]:
    engine = Engine(default_markets(), clock=lambda: T0, seed=seed)
    trades: list[tuple] = []
    engine.subscribe(
        lambda e: (
            trades.append((e.trade.symbol, e.trade.side, e.trade.price, e.trade.size))
            if isinstance(e, TradePrinted)
            else None
        )
    )
    flow = MarketFlow(engine, seed=seed, symbols=SYMBOLS)
    flow.run(steps)
    return engine, flow, trades


def test_same_seed_same_market() -> None:
    e1, _, t1 = run_flow(42, 1500)
    e2, _, t2 = run_flow(42, 1500)
    assert len(t1) > 100
    assert t1 == t2
    for symbol in SYMBOLS:
        assert e1.book_levels(symbol) == e2.book_levels(symbol)
    _, _, t3 = run_flow(43, 1500)
    assert t3 != t1


def test_initial_books_are_two_sided_around_the_start_price() -> None:
    engine = Engine(default_markets(), clock=lambda: T0)
    MarketFlow(engine, seed=1, symbols=SYMBOLS)
    for symbol in SYMBOLS:
        spec = engine.markets[symbol]
        bids, asks = engine.book_levels(symbol)
        assert len(bids) == len(asks) == 20
        assert bids[0][0] < spec.start_price < asks[0][0]
        assert (asks[0][0] - bids[0][0]) / spec.start_price < D("0.002")  # a tight spread
        assert all(p % spec.tick == 0 and s % spec.lot == 0 and s > 0 for p, s in bids + asks)
    assert engine.book_levels("LUNA-USDT") == ([], [])  # inactive markets stay empty


def test_book_never_crosses_and_prices_walk() -> None:
    engine = Engine(default_markets(), clock=lambda: T0, seed=9)
    flow = MarketFlow(engine, seed=9, symbols=SYMBOLS)
    seen_mids: dict[str, set[D]] = {s: set() for s in SYMBOLS}
    for i in range(6000):
        flow.step()
        if i % 3 == 0:
            for symbol in SYMBOLS:
                bids, asks = engine.book_levels(symbol, 1)
                assert bids and asks, symbol
                assert bids[0][0] < asks[0][0], (symbol, bids, asks)
                seen_mids[symbol].add(bids[0][0])
    for symbol in SYMBOLS:
        assert len(seen_mids[symbol]) > 3, symbol  # the market moved
        t = engine.ticker(symbol)
        assert t.volume_base > 0
        spec = engine.markets[symbol]
        assert abs(t.last - spec.start_price) / spec.start_price < D("0.2")  # no runaway


def test_book_events_track_the_flow_exactly() -> None:
    engine = Engine(default_markets(), clock=lambda: T0, seed=4)
    book: dict[tuple[str, str, D], D] = {}

    def on_event(e: object) -> None:
        if isinstance(e, BookChanged):
            key = (e.symbol, e.side, e.price)
            if e.size == 0:
                book.pop(key, None)
            else:
                book[key] = e.size

    engine.subscribe(on_event)
    flow = MarketFlow(engine, seed=4, symbols=SYMBOLS)
    flow.run(2000)
    for symbol in SYMBOLS:
        bids, asks = engine.book_levels(symbol, 10_000)
        expected = {(symbol, "BUY", p): s for p, s in bids} | {
            (symbol, "SELL", p): s for p, s in asks
        }
        assert {k: v for k, v in book.items() if k[0] == symbol} == expected


def test_a_user_bid_inside_the_spread_gets_filled_by_the_flow() -> None:
    engine = Engine(default_markets(), clock=lambda: T0, seed=2)
    engine.add_account("me", "s", {"USDT": D(100_000)})
    fills: list[FillHappened] = []
    engine.subscribe(lambda e: fills.append(e) if isinstance(e, FillHappened) else None)
    flow = MarketFlow(engine, seed=2, symbols=["ETH-USDT"])
    bids, asks = engine.book_levels("ETH-USDT", 1)
    inside = bids[0][0] + engine.markets["ETH-USDT"].tick
    assert inside < asks[0][0]
    order = engine.place_order(
        "me",
        {
            "symbol": "ETH-USDT",
            "side": "BUY",
            "type": "LIMIT",
            "price": str(inside),
            "size": "0.01",
        },
    )[0]
    assert order.status == 2
    for _ in range(500):
        flow.step()
        if engine.get_order("me", order.order_id).status == 4:
            break
    assert engine.get_order("me", order.order_id).status == 4
    assert fills and all(f.api_key == "me" and f.fill.maker for f in fills)
    assert engine.wallet("me")[0][0] == "ETH"
    assert engine.wallet("me")[0][1] == D("0.01") - D("0.00001")  # minus the maker fee


def test_flow_scales_to_many_markets() -> None:
    markets = generated_markets(300, seed=3)
    engine = Engine(markets, clock=lambda: T0)
    flow = MarketFlow(engine, seed=3)
    flow.run(3000)
    assert len(flow.symbols) == 299  # every active market
    bids, asks = engine.book_levels(markets[-1].symbol, 50)
    assert len(bids) >= 15 and len(asks) >= 15
