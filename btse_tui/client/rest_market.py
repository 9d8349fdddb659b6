"""Market-data half of the REST client: markets, tickers, books, trades, candles, clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import orjson

from btse_tui.client.rest_base import RestBase
from btse_tui.protocol import codec
from btse_tui.protocol import endpoints as ep
from btse_tui.protocol.models import (
    Candle,
    ExchangeInfo,
    Market,
    OrderBookSnapshot,
    ServerTime,
    Ticker,
    Trade,
)


class MarketDataApi(RestBase):
    """Public calls (unsigned)."""

    async def markets(self, symbol: str | None = None) -> list[Market]:
        """All markets (or one) with their trading rules; `Market.type` tells Spot from futures."""
        return self._rows(codec.markets, await self._market(ep.MARKETS, symbol=symbol))

    async def exchange_info(self, symbols: Sequence[str] | None = None) -> ExchangeInfo:
        """Rate limits and market rules."""
        return codec.exchange_info(await self._market(ep.EXCHANGE_INFO, **_selector(symbols)))

    async def tickers(self, symbols: Sequence[str] | None = None) -> list[Ticker]:
        """24-hour tickers of the given symbols, or of every market."""
        return self._rows(codec.tickers, await self._market(ep.TICKER_24HR, **_selector(symbols)))

    async def orderbook(self, symbol: str, depth: int | None = None) -> OrderBookSnapshot:
        """REST order book (Markets API; depth 5, 20 or 50 on the real exchange)."""
        return codec.orderbook(await self._market(ep.ORDERBOOK, symbol=symbol, depth=depth), symbol)

    async def trades(self, symbol: str, limit: int | None = None) -> list[Trade]:
        """Recent public trades (limit ≤ 500)."""
        reply = await self._market(ep.TRADES, symbol=symbol, limit=limit)
        return self._rows(codec.trades, reply, symbol)

    async def klines(
        self,
        symbol: str,
        resolution: int | str,
        start: int | None = None,
        end: int | None = None,
        limit: int | None = None,
    ) -> list[Candle]:
        """Candles; `resolution` in minutes (1, 5, 15, …), `start`/`end` in epoch SECONDS."""
        reply = await self._market(
            ep.KLINES, symbol=symbol, resolution=resolution, start=start, end=end, limit=limit
        )
        return self._rows(codec.klines, reply)

    async def market_summary(self, symbol: str | None = None) -> list[tuple[Market, Ticker]]:
        """Legacy spot market summary: rules and 24 h stats in one call."""
        return self._rows(
            codec.market_summary, await self._spot_get(ep.MARKET_SUMMARY, symbol=symbol)
        )

    async def server_time(self) -> ServerTime:
        """The exchange clock (`epoch` in seconds)."""
        return codec.server_time(await self._spot_get(ep.TIME))

    async def clock_skew_ms(self) -> float:
        """Server minus local clock in ms, measured over one /time call with RTT/2 compensation.

        Positive means the exchange is ahead. Resolution is the server's (≈ ±500 ms when it
        only reports whole seconds). Assign `round(skew)` to `NonceSource.offset_ms` to correct
        nonces. The round trip is kept in `last_time_rtt_ms`.
        """
        sent_wall = self._clock()
        started = self._monotonic()
        st = await self.server_time()
        rtt_s = self._monotonic() - started
        self.last_time_rtt_ms = rtt_s * 1000
        local_ms = (sent_wall + rtt_s / 2) * 1000
        return _server_ms(st) - local_ms


def _server_ms(st: ServerTime) -> float:
    """Server time in ms: the ISO string when it carries milliseconds, else mid-second of epoch."""
    if st.iso:
        try:
            parsed = datetime.fromisoformat(st.iso.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            iso_ms = parsed.timestamp() * 1000
            if abs(iso_ms / 1000 - st.epoch_s) < 2:
                return iso_ms
    return st.epoch_s * 1000 + 500.0


def _selector(symbols: Sequence[str] | None) -> dict[str, str]:
    """Markets API selector: `symbol` for one, `symbols` (JSON array) for several, none for all."""
    if not symbols:
        return {}
    if isinstance(symbols, str):
        return {"symbol": symbols}
    if len(symbols) == 1:
        return {"symbol": symbols[0]}
    return {"symbols": orjson.dumps(list(symbols)).decode()}
