"""Public market data: the host-root Markets API and the legacy `/spot/api/v3.3` endpoints."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import orjson

from btse_tui.sim import wire
from btse_tui.sim.engine.book import group_levels
from btse_tui.sim.engine.catalog import MarketSpec
from btse_tui.sim.http.endpoint import Call, LegacyParamError, MarketsParamError, markets_envelope

RESOLUTIONS = frozenset({1, 5, 15, 30, 60, 240, 360, 1440, 10080, 43200})
MARKET_TYPES = ("Spot", "FuturesPerpetual", "FuturesTimeBased")
#: 5, 20 and 50 per the futures probe (OBS); 1 answered live on spot (ccxt fetchOrderBook)
ORDERBOOK_DEPTHS = (1, 5, 20, 50)
KLINES_MAX = 300


# ---------------------------------------------------------------- parameter helpers


def _int(raw: str | None, name: str, error: type[Exception] = MarketsParamError) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise error(f"{name} must be an integer") from None


def _bool(raw: str | None, name: str) -> bool:
    if raw is None or raw == "":
        return False
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise MarketsParamError(f"{name} must be true or false")


def _json_list(raw: str, name: str) -> list[str]:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise MarketsParamError("Invalid json format") from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise MarketsParamError(f"{name} must be a JSON array of strings")
    return value


def select_markets(call: Call) -> list[MarketSpec]:
    """Apply the mutually exclusive `symbol` | `symbols` | `types` selectors (btse-api.md §3.1)."""
    q = call.query
    markets = call.ctx.engine.markets
    given = [k for k in ("symbol", "symbols", "types") if q.get(k)]
    if len(given) > 1:
        raise MarketsParamError("symbol, symbols and types are mutually exclusive")
    if not given:
        return list(markets.values())
    key = given[0]
    if key == "symbol":
        spec = markets.get(q["symbol"])
        if spec is None:
            raise MarketsParamError(f"symbol {q['symbol']} is not supported")
        return [spec]
    if key == "symbols":
        wanted = _json_list(q["symbols"], "symbols")
        return [markets[s] for s in dict.fromkeys(wanted) if s in markets]
    types = _json_list(q["types"], "types")
    bad = [t for t in types if t not in MARKET_TYPES]
    if bad:
        raise MarketsParamError(f"types {bad[0]} is not supported")
    return list(markets.values()) if "Spot" in types else []


def _symbol(call: Call, error: type[Exception] = MarketsParamError) -> MarketSpec:
    symbol = call.query.get("symbol")
    if not symbol:
        raise error("symbol parameter is mandatory")
    spec = call.ctx.engine.markets.get(symbol)
    if spec is None:
        if error is LegacyParamError:
            raise LegacyParamError(f"Unsupported symbol: {symbol}", -7006)
        raise error(f"symbol {symbol} is not supported")
    return spec


# ---------------------------------------------------------------- Markets API


async def markets(call: Call) -> Any:
    rows = [wire.market_row(s) for s in select_markets(call)]
    return markets_envelope(call.ctx, {"symbols": rows})


async def exchange_info(call: Call) -> Any:
    rows = [wire.market_row(s) for s in select_markets(call)]
    limits = [{"type": "RAW_REQUEST", "interval": "SECOND", "intervalNum": 2, "limit": 50}]
    return markets_envelope(call.ctx, {"rateLimits": limits, "symbols": rows})


async def ticker_24hr(call: Call) -> Any:
    _bool(call.query.get("isFull"), "isFull")
    specs = select_markets(call)
    engine = call.ctx.engine
    rows = [wire.ticker_row(engine.ticker(s.symbol)) for s in specs]
    if call.query.get("symbol"):  # one symbol: `data` is the object itself, as recorded live
        return markets_envelope(call.ctx, rows[0])
    return markets_envelope(call.ctx, rows)


async def orderbook(call: Call) -> Any:
    spec = _symbol(call)
    depth = _int(call.query.get("depth"), "depth")
    if depth is None:
        depth = 10
    elif depth not in ORDERBOOK_DEPTHS:
        raise MarketsParamError("Invalid depth")
    bids, asks = call.ctx.engine.book_levels(spec.symbol, depth)
    data = {
        "timestamp": call.ctx.now_ms(),
        "bids": wire.string_levels(bids),
        # as observed live: asks descending too (best ask last) — clients must sort by price
        "asks": wire.string_levels(reversed(asks)),
    }
    return markets_envelope(call.ctx, data)


async def trades(call: Call) -> Any:
    spec = _symbol(call)
    limit = _int(call.query.get("limit"), "limit")
    if limit is None:
        limit = 50
    if not 1 <= limit <= 500:
        raise MarketsParamError("limit must be between 1 and 500")
    rows = [wire.market_trade_row(t) for t in call.ctx.engine.recent_trades(spec.symbol, limit)]
    return markets_envelope(call.ctx, rows)


def _resolution(raw: str | None, error: type[Exception]) -> int:
    resolution = _int(raw, "resolution", error)
    if resolution is None:
        raise error("resolution parameter is mandatory")
    if resolution not in RESOLUTIONS:
        raise error(f"resolution {resolution} is not supported")
    return resolution


async def klines(call: Call) -> Any:
    spec = _symbol(call)
    q = call.query
    resolution = _resolution(q.get("resolution"), MarketsParamError)
    start = _int(q.get("start"), "start")
    end = _int(q.get("end"), "end")
    limit = _int(q.get("limit"), "limit")
    if limit is None:
        limit = 10
    if not 1 <= limit <= KLINES_MAX:
        raise MarketsParamError(f"limit exceeds {KLINES_MAX}")
    if start is not None and end is not None:
        if end < start:
            raise MarketsParamError("end must not be before start")
        period = resolution * 60
        points = end // period - start // period + 1
        if points > limit:
            raise MarketsParamError(f"the range holds {points} points, which exceeds {limit}")
    candles = call.ctx.engine.candles(spec.symbol, resolution, start, end, limit)
    # newest candle first, as BTSE sends them
    return markets_envelope(call.ctx, [wire.candle_row(c) for c in reversed(candles)])


# ---------------------------------------------------------------- legacy /spot/api/v3.3


async def market_summary(call: Call) -> Any:
    engine = call.ctx.engine
    if call.query.get("symbol"):
        specs = [_symbol(call, LegacyParamError)]
    else:
        specs = list(engine.markets.values())
    return [wire.market_summary_row(s, engine.ticker(s.symbol)) for s in specs]


def _legacy_book(call: Call, bid_limit: int | None, ask_limit: int | None) -> Any:
    spec = _symbol(call, LegacyParamError)
    group = _int(call.query.get("group"), "group", LegacyParamError) or 0
    if not 0 <= group <= 8:
        raise LegacyParamError("group must be between 0 and 8")
    bid_limit = bid_limit if bid_limit and bid_limit > 0 else 50
    ask_limit = ask_limit if ask_limit and ask_limit > 0 else 50
    engine = call.ctx.engine
    if group == 0:
        bids, asks = engine.book_levels(spec.symbol, max(bid_limit, ask_limit))
        bids, asks = bids[:bid_limit], asks[:ask_limit]
    else:
        step = spec.tick * (Decimal(10) ** group)
        raw_bids, raw_asks = engine.book_levels(spec.symbol, 10**6)
        bids = list(group_levels(raw_bids, step, ROUND_FLOOR, bid_limit).items())
        asks = list(group_levels(raw_asks, step, ROUND_CEILING, ask_limit).items())
    return {
        "buyQuote": wire.legacy_quotes(bids),
        "sellQuote": wire.legacy_quotes(reversed(asks)),  # best ask last, as BTSE sends it
        "timestamp": call.ctx.now_ms(),
        "symbol": spec.symbol,
    }


async def legacy_orderbook(call: Call) -> Any:
    q = call.query
    return _legacy_book(
        call,
        _int(q.get("limit_bids"), "limit_bids", LegacyParamError),
        _int(q.get("limit_asks"), "limit_asks", LegacyParamError),
    )


async def legacy_orderbook_l2(call: Call) -> Any:
    depth = _int(call.query.get("depth"), "depth", LegacyParamError)
    return _legacy_book(call, depth, depth)


async def legacy_trades(call: Call) -> Any:
    spec = _symbol(call, LegacyParamError)
    q = call.query
    start = _int(q.get("startTime"), "startTime", LegacyParamError)
    end = _int(q.get("endTime"), "endTime", LegacyParamError)
    count = _int(q.get("count"), "count", LegacyParamError) or 50
    count = max(1, min(count, 500))
    rows = []
    for trade in call.ctx.engine.recent_trades(spec.symbol, 500):
        if end is not None and trade.timestamp_ms > end:
            continue
        if start is not None and trade.timestamp_ms < start:
            break
        rows.append(wire.legacy_trade_row(trade))
        if len(rows) >= count:
            break
    return rows


async def server_time(call: Call) -> Any:
    return wire.server_time(call.ctx.now_ms())


async def price(call: Call) -> Any:
    engine = call.ctx.engine
    if call.query.get("symbol"):
        specs = [_symbol(call, LegacyParamError)]
    else:
        specs = list(engine.markets.values())
    rows = []
    for spec in specs:
        last = engine.last_price(spec.symbol)
        rows.append({"symbol": spec.symbol, "indexPrice": last, "lastPrice": last, "markPrice": 0})
    return rows


async def ohlcv(call: Call) -> Any:
    spec = _symbol(call, LegacyParamError)
    q = call.query
    resolution = _resolution(q.get("resolution"), LegacyParamError)
    start = _int(q.get("start"), "start", LegacyParamError)
    end = _int(q.get("end"), "end", LegacyParamError)
    # the doc says ms; accept both (a value past year 5000 in seconds is surely ms)
    start = start // 1000 if start is not None and start > 10**11 else start
    end = end // 1000 if end is not None and end > 10**11 else end
    candles = call.ctx.engine.candles(spec.symbol, resolution, start, end, KLINES_MAX)
    return [[int(c[0]), c[1], c[2], c[3], c[4], c[5]] for c in reversed(candles)]  # newest first


MARKETS_API = "/public-api/market/v1"
SPOT = "/spot/api/v3.3"

ROUTES = [
    (f"{MARKETS_API}/markets", ["GET"], markets, "markets", None),
    (f"{MARKETS_API}/exchangeInfo", ["GET"], exchange_info, "markets", None),
    (f"{MARKETS_API}/ticker/24hr", ["GET"], ticker_24hr, "markets", None),
    (f"{MARKETS_API}/orderbook", ["GET"], orderbook, "markets", None),
    (f"{MARKETS_API}/trades", ["GET"], trades, "markets", None),
    (f"{MARKETS_API}/klines", ["GET"], klines, "markets", None),
    (f"{SPOT}/market_summary", ["GET"], market_summary, "query", None),
    (f"{SPOT}/orderbook", ["GET"], legacy_orderbook, "query", None),
    (f"{SPOT}/orderbook/L2", ["GET"], legacy_orderbook_l2, "query", None),
    (f"{SPOT}/trades", ["GET"], legacy_trades, "query", None),
    (f"{SPOT}/time", ["GET"], server_time, "query", None),
    (f"{SPOT}/price", ["GET"], price, "query", None),
    (f"{SPOT}/ohlcv", ["GET"], ohlcv, "query", None),
]
