"""The simulator's market catalogue: realistic default spot markets plus deterministic extras."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class MarketSpec:
    """Static trading rules and the opening price of one spot market."""

    symbol: str
    base: str
    quote: str
    display_name: str
    tick: Decimal
    lot: Decimal
    min_size: Decimal
    max_size: Decimal
    min_price: Decimal
    price_precision: int
    size_precision: int
    start_price: Decimal
    active: bool = True


def _decimals(step: Decimal) -> int:
    """Number of decimal places of a step such as 0.001 (→ 3) or 1 (→ 0)."""
    exponent = step.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def _spec(
    base: str,
    quote: str,
    name: str,
    price: str,
    tick: str,
    lot: str,
    max_size: str,
    *,
    min_size: str | None = None,
    active: bool = True,
) -> MarketSpec:
    tick_d = Decimal(tick)
    lot_d = Decimal(lot)
    return MarketSpec(
        symbol=f"{base}-{quote}",
        base=base,
        quote=quote,
        display_name=name,
        tick=tick_d,
        lot=lot_d,
        min_size=Decimal(min_size) if min_size is not None else lot_d,
        max_size=Decimal(max_size),
        min_price=tick_d,
        price_precision=_decimals(tick_d),
        size_precision=_decimals(lot_d),
        start_price=Decimal(price).quantize(tick_d),
        active=active,
    )


# base, quote, display name, start price, tick, lot, max size
_DEFAULTS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("BTC", "USDT", "Bitcoin", "97250.0", "0.1", "0.00001", "2000"),
    ("ETH", "USDT", "Ethereum", "3412.55", "0.01", "0.0001", "10000"),
    ("BTC", "USD", "Bitcoin", "97241.3", "0.1", "0.00001", "2000"),
    ("ETH", "USD", "Ethereum", "3411.80", "0.01", "0.0001", "10000"),
    ("SOL", "USDT", "Solana", "187.42", "0.01", "0.001", "200000"),
    ("XRP", "USDT", "XRP", "2.3418", "0.0001", "0.1", "20000000"),
    ("DOGE", "USDT", "Dogecoin", "0.32415", "0.00001", "1", "100000000"),
    ("LTC", "USDT", "Litecoin", "104.37", "0.01", "0.001", "500000"),
    ("ADA", "USDT", "Cardano", "0.9134", "0.0001", "1", "50000000"),
    ("DOT", "USDT", "Polkadot", "7.142", "0.001", "0.01", "5000000"),
    ("LINK", "USDT", "Chainlink", "21.384", "0.001", "0.01", "2000000"),
    ("AVAX", "USDT", "Avalanche", "36.52", "0.01", "0.01", "1000000"),
    ("TRX", "USDT", "TRON", "0.25318", "0.00001", "1", "100000000"),
    ("BCH", "USDT", "Bitcoin Cash", "452.18", "0.01", "0.001", "100000"),
    ("UNI", "USDT", "Uniswap", "12.874", "0.001", "0.01", "2000000"),
    ("ATOM", "USDT", "Cosmos", "6.512", "0.001", "0.01", "5000000"),
    ("XLM", "USDT", "Stellar", "0.41236", "0.00001", "1", "100000000"),
    ("ETC", "USDT", "Ethereum Classic", "25.713", "0.001", "0.01", "2000000"),
    ("FIL", "USDT", "Filecoin", "5.214", "0.001", "0.01", "5000000"),
    ("NEAR", "USDT", "NEAR Protocol", "5.318", "0.001", "0.01", "5000000"),
    ("APT", "USDT", "Aptos", "9.127", "0.001", "0.01", "3000000"),
    ("ARB", "USDT", "Arbitrum", "0.8123", "0.0001", "0.1", "30000000"),
    ("OP", "USDT", "Optimism", "2.0415", "0.0001", "0.1", "10000000"),
    ("BTSE", "USDT", "BTSE Token", "1.4720", "0.0001", "0.01", "1000000"),
    ("USDC", "USDT", "USD Coin", "1.0002", "0.0001", "0.01", "50000000"),
    ("ETH", "BTC", "Ethereum", "0.035090", "0.000001", "0.0001", "10000"),
    ("SOL", "USD", "Solana", "187.35", "0.01", "0.001", "200000"),
    ("XRP", "USD", "XRP", "2.3409", "0.0001", "0.1", "20000000"),
    ("BTC", "EUR", "Bitcoin", "92870.0", "0.1", "0.00001", "2000"),
    ("USDT", "USD", "Tether", "1.0001", "0.0001", "0.01", "50000000"),
)


def default_markets() -> list[MarketSpec]:
    """About thirty well-known spot markets with realistic ticks, lots and prices.

    The last one (LUNA-USDT) is inactive, so clients can exercise MARKET_UNAVAILABLE.
    """
    markets = [_spec(*row) for row in _DEFAULTS]
    markets.append(
        _spec("LUNA", "USDT", "Terra", "0.3120", "0.0001", "0.1", "10000000", active=False)
    )
    return markets


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_QUOTES = ("USDT", "USDT", "USDT", "USDT", "USD", "USD", "BTC", "ETH")


def _power(exponent: int) -> Decimal:
    """10**exponent written plainly (0.001, 1, 1000), never in exponent notation."""
    return Decimal(format(Decimal(1).scaleb(exponent), "f"))


def _synthetic(rng: random.Random, base: str, quote: str) -> MarketSpec:
    """A synthetic market: the tick gives ~5 significant digits, a lot is worth ~0.1-1 quote."""
    low, high = (-7.0, -2.0) if quote in ("BTC", "ETH") else (-5.0, 4.0)
    log_price = rng.uniform(low, high)
    exponent = math.floor(log_price)
    tick_exp = exponent - 4
    lot_exp = min(3, max(-8, -exponent - 1))
    tick = _power(tick_exp)
    lot = _power(lot_exp)
    mantissa = Decimal(str(round(10 ** (log_price - exponent), 4)))
    price = (mantissa.scaleb(exponent)).quantize(tick)
    if price < tick:
        price = tick * 10
    return MarketSpec(
        symbol=f"{base}-{quote}",
        base=base,
        quote=quote,
        display_name=base.title() + " Token",
        tick=tick,
        lot=lot,
        min_size=lot,
        max_size=_power(lot_exp + 8),
        min_price=tick,
        price_precision=max(0, -tick_exp),
        size_precision=max(0, -lot_exp),
        start_price=price,
        active=True,
    )


def generated_markets(n: int, seed: int = 0) -> list[MarketSpec]:
    """The default markets first, then deterministic synthetic markets until there are `n`."""
    markets = default_markets()
    if n <= len(markets):
        return markets[:n]
    rng = random.Random(seed)
    used_symbols = {m.symbol for m in markets}
    used_bases = {m.base for m in markets} | {m.quote for m in markets} | set(_QUOTES)
    while len(markets) < n:
        length = rng.choice((3, 3, 4, 4, 5))
        base = "".join(rng.choice(_LETTERS) for _ in range(length))
        if base in used_bases:
            continue
        quote = rng.choice(_QUOTES)
        symbol = f"{base}-{quote}"
        if symbol in used_symbols:
            continue
        used_bases.add(base)
        used_symbols.add(symbol)
        markets.append(_synthetic(rng, base, quote))
    return markets
