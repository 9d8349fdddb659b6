"""REST codec, market data: markets, tickers, books, trades, klines, server time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from btse_tui.protocol.codec_json import (
    dec,
    dec_or_none,
    first,
    need,
    parse_side,
    rows,
    split_symbol,
    step_decimals,
    to_bool,
    to_int,
    unwrap,
)
from btse_tui.protocol.errors import ProtocolError
from btse_tui.protocol.models import (
    BookLevel,
    Candle,
    ExchangeInfo,
    Market,
    OrderBookSnapshot,
    RateLimitRule,
    ServerTime,
    Ticker,
    Trade,
)

_INFINITY = Decimal("Infinity")

# ---------------------------------------------------------------------------- market data


def market_from_row(row: Mapping) -> Market:
    """One Markets API / exchangeInfo row, or a legacy market_summary row, as a Market."""
    g = row.get
    symbol = need(row, "symbol")
    tick = dec(need(row, "minPriceIncrement"), "minPriceIncrement")
    lot = dec(need(row, "minSizeIncrement"), "minSizeIncrement")
    min_price = dec_or_none(first(row, "minOrderPrice", "minValidPrice"), "minOrderPrice")
    min_size = dec_or_none(g("minOrderSize"), "minOrderSize")
    max_size = dec_or_none(g("maxOrderSize"), "maxOrderSize")
    market_type = g("type")
    if market_type is None:
        market_type = "Futures" if to_bool(g("futures")) else "Spot"
    base = g("baseCurrency") or g("base")
    quote = g("quoteCurrency") or g("quote")
    if not (base and quote):  # legacy rows: read them off the symbol
        base_guess, quote_guess = split_symbol(symbol)
        base, quote = base or base_guess, quote or quote_guess
    active = g("active")
    return Market(
        symbol,
        base,
        quote,
        active if type(active) is bool else to_bool(active, default=True),
        min_price or tick,
        tick,
        min_size or lot,
        max_size or _INFINITY,
        lot,
        _precision(g("pricePrecision"), tick),
        _precision(g("sizePrecision"), lot),
        g("displayName") or "",
        market_type,
    )


def _precision(value: Any, step: Decimal) -> int:
    """An explicit precision field, else the decimals `step` implies (computed only then)."""
    if type(value) is int:
        return value
    if value is None or value == "":
        return step_decimals(step)
    return to_int(value)


def markets(obj: Any) -> list[Market]:
    """GET /public-api/market/v1/markets: `data.symbols[]`; every row kept, `type` tells Spot."""
    data = unwrap(obj)
    if isinstance(data, Mapping):
        data = data.get("symbols") or []
    if not isinstance(data, list):
        raise ProtocolError("markets: expected data.symbols to be a list")
    return [market_from_row(row) for row in data]


def exchange_info(obj: Any) -> ExchangeInfo:
    """GET /public-api/market/v1/exchangeInfo: rate limits and the market rows."""
    data = unwrap(obj)
    if not isinstance(data, Mapping):
        raise ProtocolError("exchangeInfo: expected an object")
    limits = tuple(
        RateLimitRule(
            type=str(r.get("type", "")),
            interval=str(r.get("interval", "")),
            interval_num=to_int(r.get("intervalNum"), 1),
            limit=to_int(r.get("limit")),
        )
        for r in data.get("rateLimits") or ()
    )
    rows = data.get("symbols") or ()
    return ExchangeInfo(rate_limits=limits, markets=tuple(market_from_row(r) for r in rows))


def _ticker_row(row: Mapping) -> Ticker:
    g = row.get
    return Ticker(
        symbol=need(row, "symbol"),
        last=dec_or_none(g("lastPrice"), "lastPrice"),
        open=dec_or_none(g("openPrice"), "openPrice"),
        high=dec_or_none(g("highPrice"), "highPrice"),
        low=dec_or_none(g("lowPrice"), "lowPrice"),
        change=dec_or_none(g("priceChange"), "priceChange"),
        change_pct=dec_or_none(g("priceChangePercent"), "priceChangePercent"),
        bid=dec_or_none(g("bidPrice"), "bidPrice"),
        bid_size=dec_or_none(g("bidQty"), "bidQty"),
        ask=dec_or_none(g("askPrice"), "askPrice"),
        ask_size=dec_or_none(g("askQty"), "askQty"),
        volume_base=dec_or_none(g("amount"), "amount"),
        volume_quote=dec_or_none(g("volume"), "volume"),
        time_ms=_epoch_ms(g("closeTime")),
    )


def _epoch_ms(value: Any) -> int:
    """ticker/24hr times are epoch seconds (observed live); a value already in ms is kept."""
    number = to_int(value)
    return number if number >= 10**11 else number * 1000


def tickers(obj: Any) -> list[Ticker]:
    """GET ticker/24hr: `data[]`; volume_base = `amount`, volume_quote = `volume`."""
    return [_ticker_row(row) for row in rows(obj, "ticker/24hr")]


def _level(entry: Any) -> tuple[Decimal, Decimal]:
    if isinstance(entry, Mapping):
        return dec(entry.get("price"), "price"), dec(entry.get("size"), "size")
    price, size = entry[0], entry[1]
    return dec(price, "price"), dec(size, "size")


def _book(symbol: str, bids: Iterable, asks: Iterable, timestamp: Any) -> OrderBookSnapshot:
    bid_levels = sorted((_level(e) for e in bids or ()), key=lambda lv: lv[0], reverse=True)
    ask_levels = sorted((_level(e) for e in asks or ()), key=lambda lv: lv[0])
    return OrderBookSnapshot(
        symbol=symbol,
        bids=tuple(BookLevel(p, s) for p, s in bid_levels if s),
        asks=tuple(BookLevel(p, s) for p, s in ask_levels if s),
        timestamp_ms=to_int(timestamp),
    )


def orderbook(obj: Any, symbol: str) -> OrderBookSnapshot:
    """Markets API book `{timestamp, bids, asks}`, sorted by price (asks may arrive reversed)."""
    data = unwrap(obj)
    if not isinstance(data, Mapping):
        raise ProtocolError("orderbook: expected an object")
    return _book(
        data.get("symbol") or symbol, data.get("bids"), data.get("asks"), data.get("timestamp")
    )


def legacy_orderbook(obj: Any) -> OrderBookSnapshot:
    """Legacy /api/v3.3/orderbook[/L2] `{buyQuote, sellQuote, timestamp, symbol}`."""
    data = unwrap(obj)
    if not isinstance(data, Mapping):
        raise ProtocolError("orderbook: expected an object")
    return _book(
        str(data.get("symbol") or ""),
        data.get("buyQuote"),
        data.get("sellQuote"),
        data.get("timestamp"),
    )


def trade_from_row(row: Mapping, symbol: str = "") -> Trade:
    """A public trade from the Markets API, legacy /trades or the tradeHistoryApi topic."""
    trade_id = first(row, "id", "tradeId", "serialId")
    return Trade(
        symbol=row.get("symbol") or symbol,
        trade_id="" if trade_id is None else str(trade_id),
        price=dec(row.get("price"), "price"),
        size=dec(row.get("size"), "size"),
        side=parse_side(row.get("side")),
        timestamp_ms=to_int(row.get("timestamp")),
    )


def trades(obj: Any, symbol: str) -> list[Trade]:
    """Markets API trades or legacy /api/v3.3/trades rows."""
    return [trade_from_row(row, symbol) for row in rows(obj, "trades")]


def klines(obj: Any) -> list[Candle]:
    """Markets API klines (string arrays) or legacy ohlcv (number arrays); time in seconds."""
    out = []
    for row in rows(obj, "klines"):
        if len(row) < 6:
            raise ProtocolError(f"kline row too short: {row!r}")
        open_time = to_int(row[0])
        if open_time >= 10**11:  # a millisecond timestamp
            open_time //= 1000
        out.append(
            Candle(
                open_time_s=open_time,
                open=dec(row[1], "open"),
                high=dec(row[2], "high"),
                low=dec(row[3], "low"),
                close=dec(row[4], "close"),
                volume=dec(row[5], "volume"),
            )
        )
    return out


def market_summary(obj: Any) -> list[tuple[Market, Ticker]]:
    """Legacy /api/v3.3/market_summary rows (JSON numbers) as (Market, Ticker) pairs."""
    out = []
    for row in rows(obj, "market_summary"):
        g = row.get
        ticker = Ticker(
            symbol=need(row, "symbol"),
            last=dec_or_none(g("last"), "last"),
            high=dec_or_none(g("high24Hr"), "high24Hr"),
            low=dec_or_none(g("low24Hr"), "low24Hr"),
            change_pct=dec_or_none(g("percentageChange"), "percentageChange"),
            bid=dec_or_none(g("highestBid"), "highestBid"),
            ask=dec_or_none(g("lowestAsk"), "lowestAsk"),
            volume_base=dec_or_none(g("size"), "size"),
            volume_quote=dec_or_none(g("volume"), "volume"),
            time_ms=to_int(g("closeTime")),
        )
        out.append((market_from_row(row), ticker))
    return out


def server_time(obj: Any) -> ServerTime:
    """GET /api/v3.3/time: `{iso, epoch}` with epoch in seconds."""
    data = unwrap(obj)
    if not isinstance(data, Mapping):
        raise ProtocolError("time: expected an object")
    epoch = to_int(need(data, "epoch"))
    if epoch >= 10**11:
        epoch //= 1000
    return ServerTime(iso=str(data.get("iso") or ""), epoch_s=epoch)


__all__ = [
    "exchange_info",
    "klines",
    "legacy_orderbook",
    "market_from_row",
    "market_summary",
    "markets",
    "orderbook",
    "server_time",
    "tickers",
    "trade_from_row",
    "trades",
]
