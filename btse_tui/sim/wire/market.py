"""Market-data REST shapes: Markets API rows (strings) and legacy v3.3 spot rows (numbers)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from btse_tui.sim.engine.catalog import MarketSpec
from btse_tui.sim.engine.records import TickerState, TradeRecord
from btse_tui.sim.wire.encode import num_or_zero, plain, volume

# ---------------------------------------------------------------- Markets API (strings)


def market_row(spec: MarketSpec) -> dict[str, Any]:
    """One `/public-api/market/v1/markets` (and exchangeInfo) row; values are strings (§3.1)."""
    return {
        "symbol": spec.symbol,
        "type": "Spot",
        "category": "CRYPTO",
        "tradeCurrency": spec.base,
        "baseCurrency": spec.base,
        "quoteCurrency": spec.quote,
        "displayName": spec.display_name,
        "active": spec.active,
        "minOrderPrice": plain(spec.min_price),
        "minPriceIncrement": plain(spec.tick),
        "pricePrecision": spec.price_precision,
        "minOrderSize": plain(spec.min_size),
        "maxOrderSize": plain(spec.max_size),
        "minSizeIncrement": plain(spec.lot),
        "sizePrecision": spec.size_precision,
    }


def _opt(value: Decimal | None) -> str:
    return plain(value) if value is not None else "0"


#: `priceChangePercent` is a ratio with 3 decimals on the wire (`"0.005"` = +0.5 %)
CHANGE_RATIO_QUANT = Decimal("0.001")


def change_ratio(t: TickerState) -> Decimal:
    """The 24 h change as BTSE's `priceChangePercent` carries it: a ratio, 3 decimals."""
    if not t.open:
        return Decimal(0)
    return (t.change / t.open).quantize(CHANGE_RATIO_QUANT)


def ticker_row(t: TickerState) -> dict[str, Any]:
    """One `ticker/24hr` row as recorded live: strings except the two times, which are seconds."""
    return {
        "symbol": t.symbol,
        "lastPrice": plain(t.last),
        "openPrice": plain(t.open),
        "highPrice": plain(t.high),
        "lowPrice": plain(t.low),
        "amount": plain(volume(t.volume_base)),
        "volume": plain(volume(t.volume_quote)),
        "openTime": t.open_time_ms // 1000,
        "closeTime": t.close_time_ms // 1000,
        "priceChange": plain(t.change),
        "priceChangePercent": plain(change_ratio(t)),
        "prevClosePrice": plain(t.open),
        "bidPrice": _opt(t.bid),
        "bidQty": plain(t.bid_qty),
        "askPrice": _opt(t.ask),
        "askQty": plain(t.ask_qty),
    }


def string_levels(levels: Iterable[tuple[Decimal, Decimal]]) -> list[list[str]]:
    """`[["price","size"], …]` string pairs (Markets API orderbook, OSS)."""
    return [[plain(p), plain(s)] for p, s in levels]


def market_trade_row(trade: TradeRecord) -> dict[str, Any]:
    """One Markets API `trades` row: id/timestamp numbers, amounts strings."""
    return {
        "id": trade.trade_id,
        "timestamp": trade.timestamp_ms,
        "price": plain(trade.price),
        "size": plain(trade.size),
        "quoteSize": plain(trade.price * trade.size),
        "side": trade.side,
    }


def candle_row(candle: Sequence[Any]) -> list[str]:
    """One kline: `["openTimeSec","open","high","low","close","volume"]`, all strings."""
    return [str(int(candle[0]))] + [plain(v) for v in candle[1:6]]


# ---------------------------------------------------------------- legacy spot market data (numbers)


def market_summary_row(spec: MarketSpec, t: TickerState) -> dict[str, Any]:
    """One `/spot/api/v3.3/market_summary` row; JSON numbers (§3.2)."""
    return {
        "symbol": spec.symbol,
        "last": t.last,
        "lowestAsk": num_or_zero(t.ask),
        "highestBid": num_or_zero(t.bid),
        "percentageChange": t.change_pct,
        "volume": volume(t.volume_quote),
        "high24Hr": t.high,
        "low24Hr": t.low,
        "base": spec.base,
        "quote": spec.quote,
        "active": spec.active,
        "size": volume(t.volume_base),
        "minValidPrice": spec.min_price,
        "minPriceIncrement": spec.tick,
        "minOrderSize": spec.min_size,
        "maxOrderSize": spec.max_size,
        "minSizeIncrement": spec.lot,
        "openInterest": 0,
        "openInterestUSD": 0,
        "contractStart": 0,
        "contractEnd": 0,
        "timeBasedContract": False,
        "openTime": t.open_time_ms,
        "closeTime": t.close_time_ms,
        "startMatching": 0,
        "inactiveTime": 0,
        "fundingRate": 0,
        "contractSize": 0,
        "maxPosition": 0,
        "minRiskLimit": 0,
        "maxRiskLimit": 0,
        "availableSettlement": None,
        "futures": False,
        "isMarketOpenToOtc": False,
        "isMarketOpenToSpot": spec.active,
    }


def legacy_quotes(levels: Iterable[tuple[Decimal, Decimal]]) -> list[dict[str, str]]:
    """`[{"price":"…","size":"…"}]` for the legacy orderbook (strings)."""
    return [{"price": plain(p), "size": plain(s)} for p, s in levels]


def legacy_trade_row(trade: TradeRecord) -> dict[str, Any]:
    """One `/spot/api/v3.3/trades` row (numbers)."""
    return {
        "price": trade.price,
        "size": trade.size,
        "side": trade.side,
        "symbol": trade.symbol,
        "serialId": trade.trade_id,
        "timestamp": trade.timestamp_ms,
    }


def server_time(now_ms: int) -> dict[str, Any]:
    """`/spot/api/v3.3/time`: ISO string with milliseconds and epoch **seconds**."""
    dt = datetime.fromtimestamp(now_ms / 1000, tz=UTC)
    iso = dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now_ms % 1000:03d}Z"
    return {"iso": iso, "epoch": now_ms // 1000}
