"""Seeded "living market": a market maker quoting a random-walking mid and takers trading it."""

from __future__ import annotations

import random
from bisect import bisect_right
from decimal import Decimal

from btse_tui.sim.engine import Engine
from btse_tui.sim.engine.catalog import MarketSpec
from btse_tui.sim.engine.records import OPEN_STATUSES as _OPEN
from btse_tui.sim.engine.records import OrderRecord

#: Rough USD value of one unit of each quote currency, to size quotes sensibly.
_QUOTE_USD = {"USDT": 1, "USD": 1, "USDC": 1, "EUR": 1, "BTC": 97_000, "ETH": 3_400}
#: Markets that get far more of the flow's attention (the ones on a trader's screen).
_MAJORS = frozenset({"BTC-USDT", "ETH-USDT", "BTC-USD", "ETH-USD", "SOL-USDT", "XRP-USDT"})
_BIG = Decimal(10) ** 12
_ZERO = Decimal(0)


class _Quoter:
    """The market maker's state in one market: mid (in ticks) and its resting ladder."""

    __slots__ = (
        "asks",
        "bids",
        "half_spread",
        "levels",
        "lot",
        "max_size",
        "mid",
        "min_size",
        "spec",
        "start",
        "step",
        "symbol",
        "tick",
        "unit_lots",
    )

    def __init__(self, spec: MarketSpec, levels: int) -> None:
        self.spec = spec
        self.symbol = spec.symbol
        self.tick = spec.tick
        self.lot = spec.lot
        self.min_size = spec.min_size
        self.max_size = spec.max_size
        self.levels = levels
        self.start = int(spec.start_price / spec.tick)
        self.mid = self.start
        # ladder spacing ~2 bps of the price, never below one tick
        self.step = max(1, self.start * 2 // 10_000)
        self.half_spread = max(1, self.step // 2)
        usd_per_quote = _QUOTE_USD.get(spec.quote, 1)
        notional = Decimal(1500) / usd_per_quote  # ~$1.5k per level
        unit = notional / spec.start_price
        self.unit_lots = max(1, int(unit / spec.lot), int(spec.min_size / spec.lot))
        self.bids: dict[int, OrderRecord] = {}
        self.asks: dict[int, OrderRecord] = {}


class MarketFlow:
    """Seeded other traders.

    A market-maker account keeps a two-sided ladder (postOnly, so it never crosses anyone)
    around a random-walking mid in each market; a taker account sends IOC orders at the
    best prices, so prices walk, books change and trades print. Deterministic for a given
    seed and clock.

    `prime_levels` (e.g. 3 for a catalogue of 1,300 markets) places only that many ladder
    levels per side at start in markets other than the majors, which makes start-up cheap; the
    rest of each ladder is placed by `top_up` (or the first time the flow touches the market).
    """

    def __init__(
        self,
        engine: Engine,
        seed: int = 0,
        symbols: list[str] | None = None,
        *,
        levels: int = 20,
        history_minutes: int = 0,
        prime_levels: int | None = None,
    ) -> None:
        self.engine = engine
        self.rng = random.Random(seed)
        if symbols is None:
            symbols = [s for s, m in engine.markets.items() if m.active]
        else:
            symbols = [s for s in symbols if s in engine.markets and engine.markets[s].active]
        self.symbols = symbols
        self.maker_key = f"sim-flow-maker-{seed}"
        self.taker_key = f"sim-flow-taker-{seed}"
        currencies: set[str] = set()
        for s in symbols:
            spec = engine.markets[s]
            currencies.update((spec.base, spec.quote))
        funds = {c: _BIG for c in sorted(currencies)}
        for key, name in ((self.maker_key, "flow market maker"), (self.taker_key, "flow taker")):
            engine.add_account(
                key,
                secret=f"{key}-secret-{self.rng.getrandbits(64):016x}",
                balances=dict(funds),
                permissions=frozenset({"Read", "Trading"}),
                name=name,
                private_events=False,
                maker_fee=_ZERO,
                taker_fee=_ZERO,
            )
        self.quoters = [_Quoter(engine.markets[s], levels) for s in symbols]
        weights = [20 if s in _MAJORS else 1 for s in symbols]
        self._cum: list[int] = []
        total = 0
        for w in weights:
            total += w
            self._cum.append(total)
        self._total = total
        self.steps = 0
        if history_minutes > 0:
            for q in self.quoters:
                self._backfill(q, history_minutes)
        self._thin: list[_Quoter] = []
        for q in self.quoters:
            if prime_levels is not None and q.symbol not in _MAJORS and prime_levels < levels:
                q.levels = prime_levels
                self._reconcile(q)
                q.levels = levels
                self._thin.append(q)
            else:
                self._reconcile(q)

    # ------------------------------------------------------------------ public

    def step(self) -> None:
        """One action on one seeded-random market: move the mid and requote, trade, or refresh."""
        if not self.quoters:
            return
        rng = self.rng
        self.steps += 1
        q = self.quoters[bisect_right(self._cum, rng.random() * self._total)]
        roll = rng.random()
        if roll < 0.4:
            self._move_mid(q)
            self._reconcile(q)
        elif roll < 0.7:
            self._take(q)
        else:
            self._refresh(q)

    def top_up(self, markets: int) -> int:
        """Complete the ladders of up to `markets` thinly primed markets; returns how many
        are still thin."""
        thin = self._thin
        for _ in range(min(markets, len(thin))):
            self._reconcile(thin.pop())
        return len(thin)

    def run(self, steps: int) -> None:
        """Convenience: `steps` calls of step()."""
        for _ in range(steps):
            self.step()

    def mid_price(self, symbol: str) -> Decimal:
        """The market maker's current mid for `symbol`."""
        for q in self.quoters:
            if q.symbol == symbol:
                return q.mid * q.tick
        raise KeyError(symbol)

    # ------------------------------------------------------------------ internals

    def _move_mid(self, q: _Quoter) -> None:
        # mean-reverting ±1 step walk: drift back once the mid strays from the start price
        deviation = (q.mid - q.start) / q.start
        p_up = 0.5 - max(-0.3, min(0.3, deviation * 4))
        if self.rng.random() < p_up:
            q.mid += q.step
        elif q.mid - q.step - q.half_spread - q.step * q.levels > 0:
            q.mid -= q.step

    def _size(self, q: _Quoter, depth: int) -> Decimal:
        lots = max(1, int(q.unit_lots * self.rng.uniform(0.3, 1.7) * (1 + depth * 0.15)))
        size = q.lot * lots
        if size < q.min_size:
            size = q.min_size
        if size > q.max_size:
            size = q.max_size
        return size

    def _desired(self, q: _Quoter) -> tuple[list[int], list[int]]:
        step = q.step
        top_bid = (q.mid - q.half_spread) // step
        low_ask = -((-(q.mid + q.half_spread)) // step)
        if low_ask <= top_bid:
            low_ask = top_bid + 1
        bids = [g * step for g in range(top_bid, top_bid - q.levels, -1) if g > 0]
        asks = [g * step for g in range(low_ask, low_ask + q.levels)]
        return bids, asks

    def _place(self, q: _Quoter, side: str, ticks: int, depth: int) -> OrderRecord | None:
        rec = self.engine.submit_order(
            self.maker_key,
            q.symbol,
            side,
            "LIMIT",
            q.tick * ticks,
            self._size(q, depth),
            post_only=True,
        )
        return rec if rec.status in _OPEN else None

    def _reconcile(self, q: _Quoter) -> None:
        """Cancel ladder orders off the grid window, then place the missing ones nearest-first."""
        bids, asks = self._desired(q)
        cancel = self.engine.cancel
        key = self.maker_key
        for book, wanted in ((q.bids, bids), (q.asks, asks)):
            if not book:
                continue
            lo, hi = (min(wanted), max(wanted)) if wanted else (1, 0)
            stale = [t for t, rec in book.items() if rec.status not in _OPEN or not lo <= t <= hi]
            for ticks in stale:
                rec = book.pop(ticks)
                if rec.status in _OPEN:
                    cancel(key, rec.order_id)
        for side, book, wanted in (("BUY", q.bids, bids), ("SELL", q.asks, asks)):
            if len(book) == len(wanted):
                continue
            for depth, ticks in enumerate(wanted):
                if ticks not in book:
                    placed = self._place(q, side, ticks, depth)
                    if placed is not None:
                        book[ticks] = placed

    def _take(self, q: _Quoter) -> None:
        """An IOC order sweeping part of the top of the book (now and then a couple of levels)."""
        rng = self.rng
        buy = rng.random() < 0.5
        bids, asks = self.engine.book_levels(q.symbol, 3)
        levels = asks if buy else bids
        if not levels:
            self._reconcile(q)
            return
        best, top_size = levels[0]
        reach = 2 if rng.random() < 0.15 else 0
        limit = best + q.tick * q.step * reach if buy else best - q.tick * q.step * reach
        if limit <= _ZERO:
            limit = best
        size = top_size * Decimal(rng.randint(10, 110)) / 100 if reach == 0 else top_size * 2
        size = size.quantize(q.lot)
        if size < q.min_size:
            size = q.min_size
        if size > q.max_size:
            size = q.max_size
        self.engine.submit_order(
            self.taker_key,
            q.symbol,
            "BUY" if buy else "SELL",
            "LIMIT",
            limit,
            size,
            time_in_force="IOC",
        )
        # the market maker leans its mid toward the flow
        if rng.random() < 0.5:
            q.mid += q.step if buy else -q.step
            if q.mid - q.half_spread - q.step * q.levels <= 0:
                q.mid += q.step
        self._reconcile(q)

    def _refresh(self, q: _Quoter) -> None:
        """Replace one ladder order with a fresh size (it goes to the back of its level)."""
        rng = self.rng
        book, side = (q.bids, "BUY") if rng.random() < 0.5 else (q.asks, "SELL")
        if not book:
            self._reconcile(q)
            return
        depth = rng.randrange(min(len(book), q.levels))
        ticks = sorted(book, reverse=side == "BUY")[depth]
        rec = book.pop(ticks)
        if rec.status in _OPEN:
            self.engine.cancel(self.maker_key, rec.order_id)
        new = self._place(q, side, ticks, depth)
        if new is not None:
            book[ticks] = new

    def _backfill(self, q: _Quoter, minutes: int) -> None:
        """Synthesize `minutes` one-minute candles ending at the start price (walked backwards)."""
        rng = self.rng
        now_minute = self.engine.now_ms() // 60_000
        tick = q.tick
        lot_tick = q.lot * tick  # exact, so the products below are the same as lot * tick * …
        gauss, uniform = rng.gauss, rng.uniform
        close = q.start
        bars = []
        sigma = max(1.0, q.start * 0.0012)
        half = sigma / 2
        for k in range(1, minutes + 1):
            opening = max(1, close + int(gauss(0.0, sigma)))
            high = max(opening, close) + int(abs(gauss(0.0, half)))
            low = max(1, min(opening, close) - int(abs(gauss(0.0, half))))
            mid = (opening + close) / 2
            quote_vol = Decimal(int(q.unit_lots * uniform(2, 40)) * int(mid)) * lot_tick
            bars.append(
                (
                    (now_minute - k) * 60,
                    tick * opening,
                    tick * high,
                    tick * low,
                    tick * close,
                    quote_vol,
                )
            )
            close = opening
        bars.reverse()
        self.engine.load_history(q.symbol, bars)
