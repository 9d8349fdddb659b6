"""CandleFeed: the followed market's candles — klines fetched over REST when asked for, kept live
from the same public trades as the tape."""

from __future__ import annotations

from collections.abc import Sequence

from btse_tui.client.rest import RestClient
from btse_tui.client.session_base import DropNotices, ExchangeClock, RestHealthWatch, Tasks
from btse_tui.port import Emit
from btse_tui.protocol.candles import CANDLES_KEPT, INTERVALS, CandleBook, resolution_minutes
from btse_tui.protocol.errors import BtseError
from btse_tui.protocol.models import Candle, Trade
from btse_tui.protocol.session_events import CandlesLoaded


class CandleFeed:
    """Candles of the followed market per interval: `load` fetches an interval's klines once
    (CandlesLoaded when they arrive), `trades` merges each public trade into every loaded
    interval, `follow` drops the previous market's candles."""

    def __init__(
        self,
        rest: RestClient,
        *,
        sink: Emit,
        drops: DropNotices,
        health: RestHealthWatch,
        tasks: Tasks,
        clock: ExchangeClock,
    ) -> None:
        self._rest = rest
        self._sink = sink
        self._drops = drops
        self._health = health
        self._tasks = tasks
        self._clock = clock
        self.book = CandleBook()
        self._asked: set[tuple[str, str]] = set()

    def follow(self, symbol: str | None) -> None:
        """The followed market changed: its candles start empty (the old ones are dropped)."""
        if symbol != self.book.symbol:
            self.book.follow(symbol)
            self._asked = set()

    def load(self, symbol: str, interval: str) -> None:
        """Fetch `symbol`'s klines at `interval` in the background unless already asked for;
        only the followed market's are kept."""
        if interval not in INTERVALS or symbol != self.book.symbol:
            return
        if (symbol, interval) in self._asked:
            return
        self._asked.add((symbol, interval))
        self.book.series(interval)  # trades merge into it from now on
        self._tasks.spawn(self._fetch(symbol, interval), f"klines-{symbol}-{interval}")

    async def _fetch(self, symbol: str, interval: str) -> None:
        try:
            candles = await self._rest.klines(
                symbol, resolution_minutes(interval), limit=CANDLES_KEPT
            )
        except BtseError as exc:
            self._asked.discard((symbol, interval))  # asked again on the next selection
            self._health.failed("klines", exc)
            return
        self._health.good("klines")
        series = self.book.get(symbol, interval)
        if series is None:
            return  # another market is followed now
        dropped = series.load(candles)
        if dropped:
            self._drops.rows_dropped(dropped)
        self._sink(CandlesLoaded(symbol, interval, len(candles) - len(dropped)))

    def trades(self, trades: Sequence[Trade]) -> bool:
        """Public trades of the followed market: into its candles; True when one changed."""
        return self.book.add(trades)

    def candles(self, symbol: str, interval: str) -> tuple[Candle, ...]:
        """`symbol`'s candles at `interval`, oldest first, flat up to now; empty unless it
        is followed and the interval was asked for."""
        series = self.book.get(symbol, interval)
        if series is None:
            return ()
        return series.view(self._clock.now_ms() // 1000)
