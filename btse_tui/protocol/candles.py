"""CandleBook: the followed market's candles per interval — backfilled from klines, kept live
from public trades, gap-filled on time, bounded."""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

from btse_tui.protocol.errors import BadValue
from btse_tui.protocol.models import Candle, Trade

#: The chart's intervals and their length in seconds, shortest first.
INTERVALS: dict[str, int] = {
    "1m": 60,
    "5m": 300,
    "15m": 900,
    "1h": 3_600,
    "4h": 14_400,
    "1d": 86_400,
}
DEFAULT_INTERVAL = "15m"
#: Candles kept per market and interval (one klines call brings at most 300).
CANDLES_KEPT = 300
#: Trade ids remembered per market so a print the socket resends is counted once.
TRADE_IDS_KEPT = 2_000


def resolution_minutes(interval: str) -> int:
    """The klines `resolution` parameter of `interval` (minutes: 1, 5, 15, 60, 240, 1440)."""
    return INTERVALS[interval] // 60


def next_interval(interval: str, step: int) -> str:
    """The interval `step` places longer (negative: shorter), stopping at either end."""
    names = list(INTERVALS)
    index = names.index(interval) if interval in names else names.index(DEFAULT_INTERVAL)
    return names[max(0, min(len(names) - 1, index + step))]


class CandleSeries:
    """One market's candles at one interval, oldest first, at most `limit` of them.

    `load` takes the klines (a backfill replaces what was built from trades); `add` merges
    a public trade into its candle (a later period opens new candles, the periods between
    flat at the last close); `view(now_s)` also shows the periods up to now that had no
    trade, flat, so a new candle opens on time.
    """

    def __init__(self, symbol: str, interval: str, limit: int = CANDLES_KEPT) -> None:
        self.symbol = symbol
        self.interval = interval
        self.period_s = INTERVALS[interval]
        self.limit = limit
        self.loaded = False
        """True once klines were loaded (before that only trades since following)."""
        self._candles: list[Candle] = []

    def load(self, candles: Iterable[Candle]) -> list[BadValue]:
        """Take the klines (any order): one candle per period, flat gaps filled, at most
        `limit`. Returns the rows left out: an open time that is not the start of a period
        of this interval, or a second candle for the same period."""
        period = self.period_s
        dropped: list[BadValue] = []
        by_time: dict[int, Candle] = {}
        for candle in candles:
            if candle.open_time_s % period:
                dropped.append(_bad(candle, f"is not the start of a {self.interval} candle"))
            elif candle.open_time_s in by_time:
                dropped.append(_bad(candle, "is the open time of another candle"))
            else:
                by_time[candle.open_time_s] = candle
        ordered = [by_time[t] for t in sorted(by_time)]
        live = [c for c in self._candles if ordered and c.open_time_s > ordered[-1].open_time_s]
        self._candles = []
        for candle in ordered + live:
            self._append(candle)
        self._trim()
        self.loaded = True
        return dropped

    def add(self, trade: Trade) -> bool:
        """Merge one public trade into its candle (the first trade of a flat, empty candle
        opens it); True when a candle changed. A trade older than the oldest candle kept is
        ignored."""
        period = self.period_s
        start = trade.timestamp_ms // 1000 // period * period
        price, volume = trade.price, trade.price * trade.size
        candles = self._candles
        if not candles or start > candles[-1].open_time_s:
            self._append(Candle(start, price, price, price, price, volume))
            self._trim()
            return True
        index = bisect_left([c.open_time_s for c in candles], start)
        if index >= len(candles) or candles[index].open_time_s != start:
            return False  # before the oldest kept
        old = candles[index]
        if old.volume == 0:  # a flat candle without trades: its first trade opens it
            candles[index] = Candle(start, price, price, price, price, volume)
            return True
        candles[index] = replace(
            old,
            high=max(old.high, price),
            low=min(old.low, price),
            close=price if index == len(candles) - 1 else old.close,
            volume=old.volume + volume,
        )
        return True

    def view(self, now_s: int | None = None) -> tuple[Candle, ...]:
        """The candles, oldest first; with `now_s`, flat candles (at the last close, no volume)
        for the periods from the last one up to now that had no trade."""
        candles = self._candles
        if not candles or now_s is None:
            return tuple(candles)
        period = self.period_s
        current = now_s // period * period
        last = candles[-1]
        if current <= last.open_time_s:
            return tuple(candles)
        gap = min((current - last.open_time_s) // period, self.limit)
        flat = [_flat(last.open_time_s + i * period, last.close) for i in range(1, gap + 1)]
        return tuple((candles + flat)[-self.limit :])

    def _append(self, candle: Candle) -> None:
        """Append `candle` after flat candles for any periods missing before it."""
        candles = self._candles
        if candles:
            last = candles[-1]
            gap = (candle.open_time_s - last.open_time_s) // self.period_s - 1
            for i in range(1, min(gap, self.limit) + 1):
                candles.append(_flat(last.open_time_s + i * self.period_s, last.close))
        candles.append(candle)

    def _trim(self) -> None:
        if len(self._candles) > self.limit:
            del self._candles[: len(self._candles) - self.limit]


class CandleBook:
    """The candle series of the followed market, one per interval asked for; the trades of
    that market go into each of them once (a resent print is recognised by its trade id)."""

    def __init__(self, limit: int = CANDLES_KEPT) -> None:
        self.limit = limit
        self.symbol: str | None = None
        self._series: dict[str, CandleSeries] = {}
        self._ids: deque[str] = deque(maxlen=TRADE_IDS_KEPT)
        self._id_set: set[str] = set()

    def follow(self, symbol: str | None) -> None:
        """Follow `symbol` from now on; every other market's candles are dropped."""
        if symbol == self.symbol:
            return
        self.symbol = symbol
        self._series = {}
        self._ids.clear()
        self._id_set = set()

    def series(self, interval: str) -> CandleSeries:
        """The followed market's series at `interval` (made empty when first asked for)."""
        found = self._series.get(interval)
        if found is None:
            found = CandleSeries(self.symbol or "", interval, self.limit)
            self._series[interval] = found
        return found

    def get(self, symbol: str, interval: str) -> CandleSeries | None:
        """The series of `symbol` at `interval` when that market is followed and it exists."""
        return self._series.get(interval) if symbol == self.symbol else None

    def add(self, trades: Sequence[Trade]) -> bool:
        """Merge public trades of the followed market (others are ignored) into every
        series; True when a candle changed."""
        changed = False
        for trade in trades:
            if trade.symbol != self.symbol or self._seen(trade.trade_id):
                continue
            for series in self._series.values():
                changed = series.add(trade) or changed
        return changed

    def _seen(self, trade_id: str) -> bool:
        """True when this trade id was merged before (an empty id is never known)."""
        if not trade_id:
            return False
        if trade_id in self._id_set:
            return True
        if len(self._ids) == self._ids.maxlen:
            self._id_set.discard(self._ids[0])
        self._ids.append(trade_id)
        self._id_set.add(trade_id)
        return False


def _flat(open_time_s: int, price: Decimal) -> Candle:
    """A period without a trade: flat at `price`, no volume."""
    return Candle(open_time_s, price, price, price, price, Decimal(0))


def _bad(candle: Candle, rule: str) -> BadValue:
    return BadValue("open time", candle.open_time_s, rule, where="kline")
