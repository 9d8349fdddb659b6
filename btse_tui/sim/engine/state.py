"""The engine's shared state: per-market books and stats, clock, seeded ids and coalesced events."""

from __future__ import annotations

import itertools
import logging
import random
import time
from collections.abc import Callable
from decimal import Decimal

from btse_tui.sim.engine.book import Book, BookSide
from btse_tui.sim.engine.records import (
    ZERO,
    Account,
    BalanceChanged,
    BookChanged,
    OrderChanged,
    OrderRecord,
)
from btse_tui.sim.market.catalog import MarketSpec
from btse_tui.sim.market.marketdata import MarketStats

Listener = Callable[[object], None]
_log = logging.getLogger(__name__)


class MarketState:
    """Mutable per-market state: book, statistics and waiting trigger orders."""

    __slots__ = ("avg_quant", "book", "down", "spec", "stats", "up")

    def __init__(self, spec: MarketSpec) -> None:
        self.spec = spec
        self.book = Book()
        self.stats = MarketStats(spec.symbol, spec.start_price)
        # waiting triggers: `up` fires when last >= price, `down` when last <= price
        self.up: list[tuple[Decimal, int, OrderRecord]] = []
        self.down: list[tuple[Decimal, int, OrderRecord]] = []
        self.avg_quant = Decimal(1).scaleb(-(spec.price_precision + 4))


class EngineState:
    """State every part of the engine works on, its clock and ids, and event delivery.

    Changes to book levels and balances are marked dirty during an operation and emitted once,
    coalesced, by `_flush` when the operation ends.
    """

    def __init__(
        self,
        markets: list[MarketSpec],
        *,
        clock: Callable[[], float] = time.time,
        maker_fee: Decimal = Decimal("0.001"),
        taker_fee: Decimal = Decimal("0.002"),
        seed: int = 0,
    ) -> None:
        self.markets: dict[str, MarketSpec] = {m.symbol: m for m in markets}
        self._m: dict[str, MarketState] = {m.symbol: MarketState(m) for m in markets}
        self._clock = clock
        self.maker_fee = maker_fee
        self.taker_fee = taker_fee
        self._rng = random.Random(seed)
        self._listeners: tuple[Listener, ...] = ()
        self._accounts: dict[str, Account] = {}
        self._trade_seq = 0
        self._serial = 0
        self._seq = itertools.count()
        self._expiries: list[tuple[int, int, OrderRecord]] = []
        self._armed: dict[str, Account] = {}
        self._dirty_levels: dict[tuple[str, str, Decimal], BookSide] = {}
        self._dirty_balances: dict[tuple[str, str], None] = {}
        self._now_override: int | None = None

    def _now_ms(self) -> int:
        if self._now_override is not None:
            return self._now_override
        return int(self._clock() * 1000)

    def now_ms(self) -> int:
        """The engine's current time in ms (from its clock)."""
        return self._now_ms()

    def _new_id(self) -> str:
        """A random (seeded) version-4 UUID string, formatted like str(uuid.UUID(...))."""
        n = self._rng.getrandbits(128)
        n = (n & ~(0xF000 << 64)) | (0x4000 << 64)  # version 4
        n = (n & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
        h = f"{n:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def _emit(self, event: object) -> None:
        # a failing listener must not leave the book half-updated: log it and carry on
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:
                _log.exception("engine listener %r failed on %r", listener, event)

    def _order_changed(self, acct: Account, rec: OrderRecord) -> None:
        if acct.private_events and self._listeners:
            self._emit(OrderChanged(acct.api_key, rec.snapshot()))

    def _touch(self, acct: Account, currency: str) -> None:
        if acct.private_events:
            self._dirty_balances[(acct.api_key, currency)] = None

    def _flush(self) -> None:
        """Emit the coalesced book-level and balance changes of the operation that just ended."""
        if self._dirty_levels:
            dirty = self._dirty_levels
            self._dirty_levels = {}
            if self._listeners:
                for (symbol, side_name, price), side in dirty.items():
                    level = side.levels.get(price)
                    size = level.size if level is not None else ZERO
                    self._emit(BookChanged(symbol, side_name, price, size))
        if self._dirty_balances:
            dirty_b = self._dirty_balances
            self._dirty_balances = {}
            if self._listeners:
                for api_key, currency in dirty_b:
                    self._emit(BalanceChanged(api_key, currency))
