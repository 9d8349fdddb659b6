"""The simulator's market catalogue: realistic defaults and deterministic synthetic markets."""

from __future__ import annotations

from decimal import Decimal as D

from btse_tui.sim.engine.catalog import default_markets, generated_markets


def test_defaults_are_realistic_spot_markets() -> None:
    markets = {m.symbol: m for m in default_markets()}
    assert 25 <= len(markets) <= 40
    for symbol in ("BTC-USDT", "ETH-USDT", "BTC-USD", "ETH-USD", "SOL-USDT", "XRP-USDT"):
        assert markets[symbol].active
    btc = markets["BTC-USDT"]
    assert (btc.base, btc.quote, btc.tick, btc.lot) == ("BTC", "USDT", D("0.1"), D("0.00001"))
    assert (btc.price_precision, btc.size_precision) == (1, 5)
    assert [m.symbol for m in markets.values() if not m.active] == ["LUNA-USDT"]


def test_every_market_is_self_consistent() -> None:
    for m in generated_markets(1300, seed=5):
        assert m.symbol == f"{m.base}-{m.quote}"
        assert m.tick > 0 and m.lot > 0
        assert m.start_price >= m.min_price
        assert m.start_price % m.tick == 0, m
        assert m.min_size % m.lot == 0 and m.min_size <= m.max_size
        assert m.price_precision == max(0, -m.tick.as_tuple().exponent)
        assert m.size_precision == max(0, -m.lot.as_tuple().exponent)
        assert "E" not in str(m.max_size) and "E" not in str(m.lot)
        # the tick is at most 0.1 % of the price, so prices can move smoothly
        assert m.start_price / m.tick >= 1000


def test_generated_markets_extend_defaults_deterministically() -> None:
    a = generated_markets(1300, seed=1)
    assert len(a) == 1300
    assert len({m.symbol for m in a}) == 1300
    assert a[: len(default_markets())] == default_markets()
    assert generated_markets(1300, seed=1) == a
    assert generated_markets(1300, seed=2)[100:] != a[100:]
    assert generated_markets(5) == default_markets()[:5]
