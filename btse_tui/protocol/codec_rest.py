"""REST codec, market data: markets, tickers, books, trades, klines, server time."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import orjson

from btse_tui.protocol.codec_json import (
    amount,
    amount_or_none,
    dec_or_none,
    decode_rows,
    first,
    mapping,
    need,
    need_text,
    parse_side,
    rows,
    split_symbol,
    step_decimals,
    text_or_empty,
    to_bool,
    to_int,
    to_time_ms,
    to_time_s,
    unwrap,
)
from btse_tui.protocol.errors import BadValue, ProtocolError
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
_HUNDRED = Decimal(100)
#: below this an epoch value is in seconds, above it milliseconds (10**11 s is the year 5138)
_SECONDS_BELOW = 10**11


def _epoch_ms(value: Any, field: str) -> int:
    """An epoch time that may come in seconds (ticker/24hr) or milliseconds, in milliseconds."""
    if value is None or value == "" or value == 0:
        return 0
    try:
        stamp = to_int(value, 0, field)
    except BadValue:
        raise BadValue(field, value, "is not a time") from None
    return to_time_ms(stamp * 1000 if 0 < stamp < _SECONDS_BELOW else stamp, field)


#: the largest 24h change believed (×1,000,000): past it the number is a wire fault
_MAX_CHANGE_RATIO = Decimal(1_000_000)


def _ratio_to_pct(value: Any, field: str) -> Decimal | None:
    """A change given as a ratio (`"0.005"` = +0.5 %) in percent units (`0.500`)."""
    ratio = dec_or_none(value, field)
    if ratio is None:
        return None
    if not -1 <= ratio <= _MAX_CHANGE_RATIO:  # below -100 %, or a millionfold in a day
        raise BadValue(field, value, "is not a 24h change ratio")
    return ratio * _HUNDRED


# ---------------------------------------------------------------------------- market data


#: a market's steps and limits repeat across rows and replies ("0.01", "0.0001", "2000"): each
#: distinct string is checked once and the Decimal it gave kept (a refused value never is)
_RULE_AMOUNTS: dict[str, Decimal] = {}
_RULE_AMOUNTS_MAX = 512
_RULE_TEXT_MAX = 40


def _rule_amount(value: Any, field: str) -> Decimal:
    """`amount(value, field)`, remembered for short strings (the same few recur in every row)."""
    if type(value) is str:
        known = _RULE_AMOUNTS.get(value)
        if known is None:
            known = amount(value, field)
            if len(value) <= _RULE_TEXT_MAX:
                if len(_RULE_AMOUNTS) >= _RULE_AMOUNTS_MAX:
                    _RULE_AMOUNTS.clear()
                _RULE_AMOUNTS[value] = known
        return known
    return amount(value, field)


def _rule_amount_or_none(value: Any, field: str) -> Decimal | None:
    """Like `_rule_amount`, but None and "" (the wire's "absent") give None."""
    if value is None or value == "":
        return None
    return _rule_amount(value, field)


def _step(row: Mapping[str, Any], key: str) -> Decimal:
    """A price or size increment: a positive number."""
    raw = row.get(key)
    if raw is None or raw == "":
        raise BadValue(key, None, "is missing")
    step = _rule_amount(raw, key)
    if not step:
        raise BadValue(key, raw, "must be above zero")
    return step


def _name_or_none(value: Any, field: str) -> str | None:
    if value is None or value == "":
        return None
    if type(value) is not str or len(value) > 64:
        raise BadValue(field, value, "is not a name")
    return value


def market_from_row(row: Mapping[str, Any]) -> Market:
    """One Markets API / exchangeInfo row, or a legacy market_summary row, as a Market.

    The usual shape (strings, int precisions) takes straight-line checks; anything else goes
    through the general coercions, which raise the same errors as before.
    """
    if type(row) is not dict:
        row = mapping(row, "market")
    g = row.get
    known = _RULE_AMOUNTS.get
    symbol = g("symbol")
    if type(symbol) is not str or not symbol or len(symbol) > 64:
        symbol = need_text(row, "symbol")  # raises: missing, or not a name
    raw = g("minPriceIncrement")
    tick = known(raw) if type(raw) is str else None
    if not tick:
        tick = _step(row, "minPriceIncrement")
    raw = g("minSizeIncrement")
    lot = known(raw) if type(raw) is str else None
    if not lot:
        lot = _step(row, "minSizeIncrement")
    raw = g("minOrderPrice")
    if raw is None:
        raw = g("minValidPrice")
    min_price = known(raw) if type(raw) is str else None
    if min_price is None:
        min_price = _rule_amount_or_none(raw, "minOrderPrice")
    raw = g("minOrderSize")
    min_size = known(raw) if type(raw) is str else None
    if min_size is None:
        min_size = _rule_amount_or_none(raw, "minOrderSize")
    raw = g("maxOrderSize")
    max_size = known(raw) if type(raw) is str else None
    if max_size is None:
        max_size = _rule_amount_or_none(raw, "maxOrderSize")
    market_type = g("type")
    if type(market_type) is not str or not 0 < len(market_type) <= 64:
        market_type = _name_or_none(market_type, "type")
        if market_type is None:
            market_type = "Futures" if to_bool(g("futures")) else "Spot"
    base = g("baseCurrency")
    if type(base) is not str or not 0 < len(base) <= 64:
        base = _name_or_none(base, "baseCurrency") or _name_or_none(g("base"), "base")
    quote = g("quoteCurrency")
    if type(quote) is not str or not 0 < len(quote) <= 64:
        quote = _name_or_none(quote, "quoteCurrency") or _name_or_none(g("quote"), "quote")
    if not (base and quote):  # legacy rows: read them off the symbol
        base_guess, quote_guess = split_symbol(symbol)
        base, quote = base or base_guess, quote or quote_guess
    active = g("active")
    price_places = g("pricePrecision")
    if type(price_places) is not int or not 0 <= price_places <= 30:
        price_places = _precision(price_places, tick, "pricePrecision")
    size_places = g("sizePrecision")
    if type(size_places) is not int or not 0 <= size_places <= 30:
        size_places = _precision(size_places, lot, "sizePrecision")
    display = g("displayName")
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
        price_places,
        size_places,
        display[:64] if type(display) is str else text_or_empty(display, "displayName", 64),
        market_type,
    )


def _precision(value: Any, step: Decimal, field: str) -> int:
    """An explicit precision field, else the decimals `step` implies (computed only then)."""
    if value is None or value == "":
        return step_decimals(step)
    places = value if type(value) is int else to_int(value, 0, field)
    if not 0 <= places <= 30:
        raise BadValue(field, value, "is not a number of decimals (0–30)")
    return places


def markets(obj: Any, dropped: list[BadValue] | None = None) -> list[Market]:
    """GET /public-api/market/v1/markets: `data.symbols[]`; every row kept, `type` tells Spot.

    With a `dropped` list, a row that does not decode is left out and recorded there.
    """
    data = unwrap(obj)
    if isinstance(data, Mapping):
        data = data.get("symbols") or []
    if not isinstance(data, list):
        raise ProtocolError("markets: expected data.symbols to be a list")
    return decode_rows(data, _known_market, "market", dropped)


#: a market row comes again, unchanged, in every refresh: the Market it gave is kept under the
#: row's own JSON text (so 1, 1.0 and true stay apart, as the decoders tell them apart). Only
#: rows that decoded are kept, so a refused row is refused again.
_MARKETS_SEEN: dict[bytes, Market] = {}
_MARKETS_SEEN_MAX = 4096


def _known_market(row: Any) -> Market:
    """`market_from_row(row)`, decoded once per distinct row."""
    try:
        key = orjson.dumps(row)
    except TypeError:  # not a JSON value (an integer past 64 bits, say): decode it as it is
        return market_from_row(row)
    known = _MARKETS_SEEN.get(key)
    if known is None:
        known = market_from_row(row)
        if len(_MARKETS_SEEN) >= _MARKETS_SEEN_MAX:
            _MARKETS_SEEN.clear()
        _MARKETS_SEEN[key] = known
    return known


def exchange_info(obj: Any) -> ExchangeInfo:
    """GET /public-api/market/v1/exchangeInfo: rate limits and the market rows."""
    data = unwrap(obj)
    if not isinstance(data, Mapping):
        raise ProtocolError("exchangeInfo: expected an object")
    limits = tuple(
        RateLimitRule(
            type=text_or_empty(r.get("type"), "type"),
            interval=text_or_empty(r.get("interval"), "interval"),
            interval_num=to_int(r.get("intervalNum"), 1, "intervalNum"),
            limit=to_int(r.get("limit"), 0, "limit"),
        )
        for r in (mapping(r, "rate limit") for r in _list(data.get("rateLimits"), "rateLimits"))
    )
    rows = _list(data.get("symbols"), "symbols")
    return ExchangeInfo(rate_limits=limits, markets=tuple(market_from_row(r) for r in rows))


def _list(value: Any, field: str) -> list[Any]:
    if not value:
        return []
    if not isinstance(value, list):
        raise BadValue(field, value, "is not a list")
    return value


def _ticker_row(row: Mapping[str, Any]) -> Ticker:
    row = mapping(row, "ticker row")
    g = row.get
    ticker = Ticker(
        symbol=need_text(row, "symbol"),
        last=amount_or_none(g("lastPrice"), "lastPrice"),
        open=amount_or_none(g("openPrice"), "openPrice"),
        high=amount_or_none(g("highPrice"), "highPrice"),
        low=amount_or_none(g("lowPrice"), "lowPrice"),
        change=dec_or_none(g("priceChange"), "priceChange"),
        change_pct=_ratio_to_pct(g("priceChangePercent"), "priceChangePercent"),
        bid=amount_or_none(g("bidPrice"), "bidPrice"),
        bid_size=amount_or_none(g("bidQty"), "bidQty"),
        ask=amount_or_none(g("askPrice"), "askPrice"),
        ask_size=amount_or_none(g("askQty"), "askQty"),
        volume_base=amount_or_none(g("amount"), "amount"),
        volume_quote=amount_or_none(g("volume"), "volume"),
        time_ms=_epoch_ms(g("closeTime"), "closeTime"),
    )
    bid, ask = ticker.bid, ticker.ask
    if bid and ask and bid > ask:
        raise BadValue("bidPrice", bid, f"is above the ask {format(ask, 'f')}")
    return ticker


def tickers(obj: Any, dropped: list[BadValue] | None = None) -> list[Ticker]:
    """GET ticker/24hr: `data` is one object for `symbol=`, a list otherwise; both are read.

    volume_base = `amount`, volume_quote = `volume`; `priceChangePercent` is a ratio on the wire
    and lands in `change_pct` in percent; `closeTime` (seconds on the wire) lands in `time_ms`.
    With a `dropped` list, a row that does not decode is left out and recorded there.
    """
    return decode_rows(rows(obj, "ticker/24hr"), _ticker_row, "ticker row", dropped)


def _level(entry: Any) -> tuple[Decimal, Decimal]:
    if isinstance(entry, Mapping):
        return amount(entry.get("price"), "price"), amount(entry.get("size"), "size")
    if not isinstance(entry, list | tuple) or len(entry) < 2:
        raise BadValue("level", entry, "is not a [price, size] pair")
    return amount(entry[0], "price"), amount(entry[1], "size")


def _book(symbol: Any, bids: Any, asks: Any, timestamp: Any) -> OrderBookSnapshot:
    if type(symbol) is not str:
        raise BadValue("symbol", symbol, "is not a name")
    bid_levels = sorted(
        (_level(e) for e in _list(bids, "bids")), key=lambda lv: lv[0], reverse=True
    )
    ask_levels = sorted((_level(e) for e in _list(asks, "asks")), key=lambda lv: lv[0])
    return OrderBookSnapshot(
        symbol=symbol,
        bids=tuple(BookLevel(p, s) for p, s in bid_levels if s),
        asks=tuple(BookLevel(p, s) for p, s in ask_levels if s),
        timestamp_ms=to_time_ms(timestamp),
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
        data.get("symbol") or "",
        data.get("buyQuote"),
        data.get("sellQuote"),
        data.get("timestamp"),
    )


def trade_from_row(row: Mapping[str, Any], symbol: str = "") -> Trade:
    """A public trade from the Markets API, legacy /trades or the tradeHistoryApi topic."""
    row = mapping(row, "trade")
    trade_id = first(row, "id", "tradeId", "serialId")
    name = row.get("symbol") or symbol
    if type(name) is not str:
        raise BadValue("symbol", name, "is not a name")
    return Trade(
        symbol=name,
        trade_id="" if trade_id is None else text_or_empty(trade_id, "tradeId", 64),
        price=amount(row.get("price"), "price"),
        size=amount(row.get("size"), "size"),
        side=parse_side(row.get("side")),
        timestamp_ms=to_time_ms(row.get("timestamp")),
    )


def trades(obj: Any, symbol: str, dropped: list[BadValue] | None = None) -> list[Trade]:
    """Markets API trades or legacy /api/v3.3/trades rows (bad rows as in `tickers`)."""
    return decode_rows(
        rows(obj, "trades"), lambda row: trade_from_row(row, symbol), "trade", dropped
    )


def _kline(row: Any) -> Candle:
    if not isinstance(row, list | tuple) or len(row) < 6:
        raise BadValue("kline", row, "is not a row of six values")
    candle = Candle(
        open_time_s=to_time_s(row[0], "open time"),
        open=amount(row[1], "open"),
        high=amount(row[2], "high"),
        low=amount(row[3], "low"),
        close=amount(row[4], "close"),
        volume=amount(row[5], "volume"),
    )
    if candle.low <= 0:
        raise BadValue("low", row[3], "is not a price above zero")
    if candle.high < max(candle.open, candle.close, candle.low):
        raise BadValue("high", row[2], "is below the candle's open, close or low")
    if candle.low > min(candle.open, candle.close):
        raise BadValue("low", row[3], "is above the candle's open or close")
    return candle


def klines(obj: Any, dropped: list[BadValue] | None = None) -> list[Candle]:
    """Markets API klines (string arrays) or legacy ohlcv (number arrays), oldest first.

    BTSE sends the newest candle first on both endpoints; they are sorted by open time here so
    the order never depends on the wire. Open times are seconds (milliseconds are converted).
    """
    candles = decode_rows(rows(obj, "klines"), _kline, "kline", dropped)
    candles.sort(key=lambda candle: candle.open_time_s)
    return candles


def _summary_row(row: Any) -> tuple[Market, Ticker]:
    row = mapping(row, "market summary row")
    g = row.get
    ticker = Ticker(
        symbol=need_text(row, "symbol"),
        last=amount_or_none(g("last"), "last"),
        high=amount_or_none(g("high24Hr"), "high24Hr"),
        low=amount_or_none(g("low24Hr"), "low24Hr"),
        change_pct=dec_or_none(g("percentageChange"), "percentageChange"),
        bid=amount_or_none(g("highestBid"), "highestBid"),
        ask=amount_or_none(g("lowestAsk"), "lowestAsk"),
        volume_base=amount_or_none(g("size"), "size"),
        volume_quote=amount_or_none(g("volume"), "volume"),
        time_ms=to_time_ms(g("closeTime"), "closeTime"),
    )
    return market_from_row(row), ticker


def market_summary(obj: Any, dropped: list[BadValue] | None = None) -> list[tuple[Market, Ticker]]:
    """Legacy /api/v3.3/market_summary rows (JSON numbers) as (Market, Ticker) pairs."""
    return decode_rows(rows(obj, "market_summary"), _summary_row, "market summary row", dropped)


def server_time(obj: Any) -> ServerTime:
    """GET /api/v3.3/time: `{iso, epoch}` with epoch in seconds."""
    data = unwrap(obj)
    if not isinstance(data, Mapping):
        raise ProtocolError("time: expected an object")
    epoch = to_time_s(need(data, "epoch"), "epoch")
    return ServerTime(iso=text_or_empty(data.get("iso"), "iso", 64), epoch_s=epoch)


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
