"""Portfolio valuation: each balance's worth in one quote currency from live prices, and the
total equity (pure: no I/O). An asset with no price path has no value — never zero."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from btse_tui.protocol.models import Balance, Market, Ticker

ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class AssetValue:
    """One balance valued in `quote`: `value` None when no price path exists (`no price`)."""

    balance: Balance
    quote: str
    price: Decimal | None
    value: Decimal | None


@dataclass(frozen=True, slots=True)
class Equity:
    """The sum of every priced balance in `quote`, and the assets that could not be priced."""

    quote: str
    total: Decimal
    unpriced: tuple[str, ...]


def _mark(ticker: Ticker | None) -> Decimal | None:
    """A market's live price: the mid of bid and ask, else the last trade."""
    if ticker is None:
        return None
    if ticker.bid and ticker.ask and ticker.bid > 0 and ticker.ask >= ticker.bid:
        return (ticker.bid + ticker.ask) / 2
    return ticker.last if ticker.last and ticker.last > 0 else None


class PriceFinder:
    """Prices of assets in a quote currency: directly (ASSET-QUOTE), inverted (QUOTE-ASSET)
    or through one currency between (ASSET-X then X-QUOTE, or their inverses)."""

    def __init__(self, markets: Iterable[Market], tickers: Mapping[str, Ticker]) -> None:
        self._pairs: dict[tuple[str, str], Decimal] = {}
        for market in markets:
            mark = _mark(tickers.get(market.symbol))
            if mark is None:
                continue
            base, quote = market.base.upper(), market.quote.upper()
            self._pairs[(base, quote)] = mark
            self._pairs.setdefault((quote, base), ONE / mark)
        self._via: dict[str, set[str]] = {}
        for base, quote in self._pairs:
            self._via.setdefault(base, set()).add(quote)

    def price(self, asset: str, quote: str) -> Decimal | None:
        """One unit of `asset` in `quote`, or None when no live price path exists."""
        asset, quote = asset.upper(), quote.upper()
        if asset == quote:
            return ONE
        direct = self._pairs.get((asset, quote))
        if direct is not None:
            return direct
        for middle in sorted(self._via.get(asset, ())):
            onward = self._pairs.get((middle, quote))
            if onward is not None:
                return self._pairs[(asset, middle)] * onward
        return None


def value_balances(
    balances: Iterable[Balance],
    quote: str,
    markets: Iterable[Market],
    tickers: Mapping[str, Ticker],
) -> tuple[list[AssetValue], Equity]:
    """Every balance valued in `quote`, and the equity: the sum of the priced ones (a zero
    balance needs no price; a non-zero one without a price is listed in `unpriced`)."""
    finder = PriceFinder(markets, tickers)
    rows: list[AssetValue] = []
    total = Decimal(0)
    unpriced: list[str] = []
    for balance in balances:
        price = finder.price(balance.currency, quote)
        value = None if price is None else balance.total * price
        rows.append(AssetValue(balance, quote, price, value))
        if value is not None:
            total += value
        elif balance.total:
            unpriced.append(balance.currency)
    return rows, Equity(quote, total, tuple(unpriced))
