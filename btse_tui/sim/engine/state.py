"""What the engine holds: markets, accounts, its clock and seeded ids, and the events it owes."""

from __future__ import annotations

import itertools
import logging
import random
from collections.abc import Callable
from decimal import Decimal

from btse_tui.sim.engine.book import Book, BookSide
from btse_tui.sim.engine.catalog import MarketSpec
from btse_tui.sim.engine.records import (
    ZERO,
    Account,
    BalanceChanged,
    BookChanged,
    OrderChanged,
    OrderRecord,
    RequestRejected,
)
from btse_tui.sim.engine.stats import MarketStats
from btse_tui.sim.engine.validation import CODE_UNSUPPORTED_SYMBOL, invalid

Listener = Callable[[object], None]
_log = logging.getLogger(__name__)


class MarketState:
    """Mutable per-market state: book, statistics and waiting trigger orders."""

    __slots__ = ("avg_quant", "book", "down", "following", "spec", "stats", "up")

    def __init__(self, spec: MarketSpec) -> None:
        self.spec = spec
        self.book = Book()
        self.stats = MarketStats(spec.symbol, spec.start_price)
        # waiting triggers: `up` fires when last >= price, `down` when last <= price
        self.up: list[tuple[Decimal, int, OrderRecord]] = []
        self.down: list[tuple[Decimal, int, OrderRecord]] = []
        #: orders whose price follows the market: trailing stops and PEGs, by order id
        self.following: dict[str, OrderRecord] = {}
        self.avg_quant = Decimal(1).scaleb(-(spec.price_precision + 4))


class EngineState:
    """The state every part of the engine works on, its clock and ids, and event delivery.

    Changes to book levels and balances are marked dirty during an operation and emitted once,
    coalesced, by `flush` when the operation ends.
    """

    def __init__(
        self,
        markets: list[MarketSpec],
        *,
        clock: Callable[[], float],
        maker_fee: Decimal,
        taker_fee: Decimal,
        seed: int,
    ) -> None:
        self.markets: dict[str, MarketSpec] = {m.symbol: m for m in markets}
        self.market_states: dict[str, MarketState] = {m.symbol: MarketState(m) for m in markets}
        self.accounts: dict[str, Account] = {}
        self.maker_fee = maker_fee
        self.taker_fee = taker_fee
        self.listeners: tuple[Listener, ...] = ()
        self.trade_seq = 0
        self.fill_serial = 0
        #: tie-breaker of heap entries (trigger and expiry queues), in insertion order
        self.seq = itertools.count()
        #: while set, the time every part of the engine sees (`advance` runs at one instant)
        self.pinned_now_ms: int | None = None
        self._clock = clock
        self._rng = random.Random(seed)
        self._dirty_levels: dict[tuple[str, str, Decimal], BookSide] = {}
        self._dirty_balances: dict[tuple[str, str], None] = {}

    def now_ms(self) -> int:
        """The engine's current time in ms (from its clock, or the pinned instant)."""
        if self.pinned_now_ms is not None:
            return self.pinned_now_ms
        return int(self._clock() * 1000)

    def new_id(self) -> str:
        """A random (seeded) version-4 UUID string, formatted like str(uuid.UUID(...))."""
        n = self._rng.getrandbits(128)
        n = (n & ~(0xF000 << 64)) | (0x4000 << 64)  # version 4
        n = (n & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
        h = f"{n:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def market(self, symbol: object) -> MarketState:
        """The market of `symbol`; rejects a missing or unknown symbol as BTSE does."""
        if not isinstance(symbol, str) or not symbol:
            raise invalid("symbol parameter is mandatory")
        mk = self.market_states.get(symbol)
        if mk is None:
            raise invalid(f"Unsupported symbol: {symbol}", CODE_UNSUPPORTED_SYMBOL)
        return mk

    def account(self, api_key: str) -> Account:
        """The account of `api_key`; an unknown key fails authentication."""
        acct = self.accounts.get(api_key)
        if acct is None:
            raise RequestRejected(401, -7, "Authenticate failed")
        return acct

    def emit(self, event: object) -> None:
        """Hand `event` to every listener now."""
        # a failing listener must not leave the book half-updated: log it and carry on
        for listener in self.listeners:
            try:
                listener(event)
            except Exception:
                _log.exception("engine listener %r failed on %r", listener, event)

    def order_changed(self, acct: Account, rec: OrderRecord) -> None:
        """Tell the listeners the order's new state (a snapshot), if its account is watched."""
        if acct.private_events and self.listeners:
            self.emit(OrderChanged(acct.api_key, rec.snapshot()))

    def touch(self, acct: Account, currency: str) -> None:
        """Mark a balance changed; `flush` reports it."""
        if acct.private_events:
            self._dirty_balances[(acct.api_key, currency)] = None

    def level_changed(self, symbol: str, side: BookSide, price: Decimal) -> None:
        """Mark a book level changed; `flush` reports its new aggregate size."""
        self._dirty_levels[(symbol, side.side, price)] = side

    def flush(self) -> None:
        """Emit the coalesced book-level and balance changes of the operation that just ended."""
        if self._dirty_levels:
            dirty = self._dirty_levels
            self._dirty_levels = {}
            if self.listeners:
                for (symbol, side_name, price), side in dirty.items():
                    level = side.levels.get(price)
                    size = level.size if level is not None else ZERO
                    self.emit(BookChanged(symbol, side_name, price, size))
        if self._dirty_balances:
            dirty_b = self._dirty_balances
            self._dirty_balances = {}
            if self.listeners:
                for api_key, currency in dirty_b:
                    self.emit(BalanceChanged(api_key, currency))
