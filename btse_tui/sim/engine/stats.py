"""Per-market trade statistics: last price, rolling 24-hour ticker, recent prints and candles."""

from __future__ import annotations

from collections import deque
from decimal import Decimal

from btse_tui.sim.engine.book import Book
from btse_tui.sim.engine.records import ZERO, TickerState, TradeRecord

DAY_MS = 86_400_000
MINUTE_MS = 60_000
#: How many one-minute buckets are kept for candles (three days).
RETENTION_MINUTES = 3 * 1440
RECENT_TRADES = 500

Candle = tuple[int, Decimal, Decimal, Decimal, Decimal, Decimal]

# bucket layout: [minute, open, high, low, close, base volume, quote volume]
_MIN, _O, _H, _L, _C, _VB, _VQ = range(7)


class MarketStats:
    """Trade-driven statistics of one market, kept in one-minute buckets."""

    __slots__ = (
        "_high",
        "_low",
        "_open",
        "_vb",
        "_vq",
        "_window_start",
        "buckets",
        "last",
        "pct_quant",
        "reference",
        "symbol",
        "trades",
    )

    def __init__(self, symbol: str, start_price: Decimal) -> None:
        self.symbol = symbol
        self.last = start_price
        self.reference = start_price  # the price before the oldest kept bucket
        self.buckets: deque[list] = deque()
        self.trades: deque[TradeRecord] = deque(maxlen=RECENT_TRADES)
        self._window_start: int | None = None
        self._open = start_price
        self._high = self._low = start_price
        self._vb = self._vq = ZERO
        self.pct_quant = Decimal("0.01")

    def record(self, trade: TradeRecord) -> None:
        """Account for one public trade."""
        price = trade.price
        size = trade.size
        quote = price * size
        minute = trade.timestamp_ms // MINUTE_MS
        buckets = self.buckets
        if buckets and buckets[-1][_MIN] >= minute:
            b = buckets[-1]
            if price > b[_H]:
                b[_H] = price
            if price < b[_L]:
                b[_L] = price
            b[_C] = price
            b[_VB] += size
            b[_VQ] += quote
        else:
            buckets.append([minute, price, price, price, price, size, quote])
            while len(buckets) > RETENTION_MINUTES:
                self.reference = buckets.popleft()[_C]
        self.trades.appendleft(trade)
        self.last = price
        if self._window_start is not None:
            if self._vb == ZERO:
                self._high = self._low = price
            elif price > self._high:
                self._high = price
            elif price < self._low:
                self._low = price
            self._vb += size
            self._vq += quote

    def _recompute(self, start_minute: int) -> None:
        opening = self.reference
        high = low = None
        vb = vq = ZERO
        for b in self.buckets:
            if b[_MIN] < start_minute:
                opening = b[_C]
                continue
            if high is None or b[_H] > high:
                high = b[_H]
            if low is None or b[_L] < low:
                low = b[_L]
            vb += b[_VB]
            vq += b[_VQ]
        self._open = opening
        self._high = high if high is not None else self.last
        self._low = low if low is not None else self.last
        self._vb = vb
        self._vq = vq
        self._window_start = start_minute

    def ticker(self, now_ms: int, book: Book) -> TickerState:
        """The 24-hour rolling ticker as of `now_ms`."""
        start_minute = (now_ms - DAY_MS) // MINUTE_MS + 1
        if start_minute != self._window_start:
            self._recompute(start_minute)
        bid = book.bids.best_level()
        ask = book.asks.best_level()
        change = self.last - self._open
        pct = (change * 100 / self._open).quantize(self.pct_quant) if self._open else ZERO
        return TickerState(
            symbol=self.symbol,
            last=self.last,
            open=self._open,
            high=self._high,
            low=self._low,
            volume_base=self._vb,
            volume_quote=self._vq,
            bid=bid.price if bid else None,
            bid_qty=bid.size if bid else ZERO,
            ask=ask.price if ask else None,
            ask_qty=ask.size if ask else ZERO,
            open_time_ms=now_ms - DAY_MS,
            close_time_ms=now_ms,
            change=change,
            change_pct=pct,
        )

    def load_history(self, bars: list[Candle]) -> None:
        """Pre-fill one-minute history (open_time_s, o, h, l, c, quote volume), oldest first.

        Only allowed before any trade; the book and last price are not touched.
        """
        if self.buckets or not bars:
            return
        for open_s, o, h, low, c, vq in bars[-RETENTION_MINUTES:]:
            vb = (vq / c) if c else ZERO
            self.buckets.append([open_s // 60, o, h, low, c, vb, vq])
        self.reference = self.buckets[0][_O]
        self._window_start = None

    def candles(
        self,
        resolution_min: int,
        start_s: int | None,
        end_s: int | None,
        limit: int,
        now_ms: int,
    ) -> list[Candle]:
        """OHLC + quote volume per `resolution_min` period, oldest first, gaps filled flat.

        No bounds → the latest `limit`; start only → forwards from start; end only → backwards
        from end; both → the periods inside [start, end], at most `limit`.
        """
        if limit <= 0 or resolution_min <= 0:
            return []
        period = resolution_min * 60
        now_s = now_ms // 1000
        agg: dict[int, list] = {}
        previous_close = self.reference
        first_period: int | None = None
        for b in self.buckets:
            t = (b[_MIN] * 60) // period * period
            row = agg.get(t)
            if row is None:
                agg[t] = [b[_O], b[_H], b[_L], b[_C], b[_VQ]]
                if first_period is None:
                    first_period = t
            else:
                if b[_H] > row[1]:
                    row[1] = b[_H]
                if b[_L] < row[2]:
                    row[2] = b[_L]
                row[3] = b[_C]
                row[4] += b[_VQ]
        current = now_s // period * period
        if first_period is None:
            first_period = current
        lo = first_period
        hi = current
        if start_s is not None:
            lo = max(lo, start_s // period * period)
        if end_s is not None:
            hi = min(hi, end_s // period * period)
        if hi < lo:
            return []
        count = (hi - lo) // period + 1
        if count > limit:
            if start_s is not None and end_s is None:
                hi = lo + (limit - 1) * period
            else:
                lo = hi - (limit - 1) * period
        # the close before `lo`
        for t in sorted(agg):
            if t >= lo:
                break
            previous_close = agg[t][3]
        out: list[Candle] = []
        t = lo
        while t <= hi:
            row = agg.get(t)
            if row is None:
                out.append(
                    (t, previous_close, previous_close, previous_close, previous_close, ZERO)
                )
            else:
                out.append((t, row[0], row[1], row[2], row[3], row[4]))
                previous_close = row[3]
            t += period
        return out
