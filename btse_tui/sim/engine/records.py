"""Records, account state and events of the simulated exchange (rendered to JSON by the server)."""

from __future__ import annotations

import copy
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal(0)

# BTSE order status enum (btse-api.md §4.1, §7.3).
STATUS_INSERTED = 2
STATUS_FILLED = 4
STATUS_PARTIAL = 5
STATUS_CANCELLED = 6
STATUS_INSUFFICIENT = 8
STATUS_TRIGGER_INSERTED = 9
STATUS_TRIGGER_ACTIVATED = 10
STATUS_REJECTED = 15
STATUS_NOT_FOUND = 16
STATUS_AMENDED = 123

OPEN_STATUSES = frozenset(
    {
        STATUS_INSERTED,
        STATUS_PARTIAL,
        STATUS_TRIGGER_INSERTED,
        STATUS_TRIGGER_ACTIVATED,
        STATUS_AMENDED,
    }
)


class RequestRejected(Exception):
    """Malformed or rule-breaking input; the server answers `http_status` with BTSE `code`."""

    def __init__(self, http_status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"RequestRejected({self.http_status}, {self.code}, {self.message!r})"


@dataclass(slots=True)
class OrderRecord:
    """The full, mutable state of one order; the engine hands out snapshot copies."""

    order_id: str
    cl_order_id: str | None
    api_key: str
    symbol: str
    side: str  # "BUY" | "SELL"
    order_type: str  # "LIMIT" | "MARKET" (a PEG or an OCO leg matches as a LIMIT)
    tx_type: str  # "LIMIT" | "STOP" | "TRIGGER"
    price: Decimal | None  # limit price; quote budget for a MARKET BUY by quote
    trigger_price: Decimal | None
    original_size: Decimal | None
    original_quote_size: Decimal | None
    current_size: Decimal | None
    current_quote_size: Decimal | None
    filled_size: Decimal = ZERO
    filled_quote: Decimal = ZERO
    last_fill_size: Decimal = ZERO
    avg_fill_price: Decimal = ZERO
    status: int = STATUS_INSERTED
    message: str = ""
    time_in_force: str = "GTC"
    post_only: bool = False
    created_ms: int = 0
    timestamp_ms: int = 0
    is_trigger: bool = False
    triggered: bool = False
    maker: bool = False
    order_currency: str = "base"  # "base" | "quote"
    original_price: Decimal | None = None
    user_initiated: bool = True  # False for expiry and cancelAllAfter cancels
    expire_ms: int | None = None
    locked: Decimal = ZERO  # what this order still holds of the account's balance
    lock_currency: str = ""
    #: OCO: the other leg (the limit leg's stop leg, and back); one filling or triggering
    #: cancels the other
    oco_peer: OrderRecord | None = None
    is_oco: bool = False
    #: trailing stop: the trigger keeps `trail_value` behind `trail_anchor`, the best last
    #: price since placing (the highest for a SELL, the lowest for a BUY)
    trail_value: Decimal | None = None
    trail_anchor: Decimal | None = None
    #: PEG: rests at index × (1 + deviation/100), never past `peg_limit` (the order's price)
    peg_deviation: Decimal | None = None
    peg_limit: Decimal | None = None
    stealth: Decimal | None = None
    stop_price: Decimal | None = None  # OCO stop leg: the limit price it rests at once fired

    @property
    def is_peg(self) -> bool:
        """True for a PEG order (its price follows the index)."""
        return self.peg_deviation is not None

    @property
    def remaining_size(self) -> Decimal | None:
        """Base still to fill (current − filled) for base-sized orders, else None."""
        if self.current_size is None:
            return None
        return self.current_size - self.filled_size

    @property
    def remaining_quote_size(self) -> Decimal | None:
        """Quote budget still unspent for quote-sized orders, else None."""
        if self.current_quote_size is None:
            return None
        return self.current_quote_size - self.filled_quote

    @property
    def is_open(self) -> bool:
        """True while the order rests on the book or waits for its trigger.

        A MARKET order never rests; one left at status 5 (quote dust) is finished.
        """
        if self.order_type == "MARKET" and self.status == STATUS_PARTIAL:
            return False
        return self.status in OPEN_STATUSES

    def snapshot(self) -> OrderRecord:
        """A detached copy, safe to hand to listeners and callers."""
        return copy.copy(self)


@dataclass(frozen=True, slots=True)
class FillRecord:
    """One side of one match, as the owner of the order sees it."""

    trade_id: str
    serial_id: int
    order_id: str
    cl_order_id: str | None
    api_key: str
    symbol: str
    side: str
    price: Decimal
    size: Decimal
    fee_amount: Decimal
    fee_currency: str
    base: str
    quote: str
    maker: bool
    timestamp_ms: int
    order_type: str


@dataclass(frozen=True, slots=True)
class TradeRecord:
    """A public trade print; `side` is the taker's side."""

    trade_id: int
    symbol: str
    side: str
    price: Decimal
    size: Decimal
    timestamp_ms: int


@dataclass(frozen=True, slots=True)
class TickerState:
    """Rolling 24-hour statistics and top of book for one market."""

    symbol: str
    last: Decimal
    open: Decimal
    high: Decimal
    low: Decimal
    volume_base: Decimal
    volume_quote: Decimal
    bid: Decimal | None
    bid_qty: Decimal
    ask: Decimal | None
    ask_qty: Decimal
    open_time_ms: int
    close_time_ms: int
    change: Decimal
    change_pct: Decimal


@dataclass(slots=True)
class Balance:
    """One currency of an account; locked = total − available."""

    total: Decimal = ZERO
    available: Decimal = ZERO

    @property
    def locked(self) -> Decimal:
        return self.total - self.available


@dataclass(slots=True, eq=False)
class Account:
    """An API key with its secret, permissions, balances and order indexes."""

    api_key: str
    secret: str
    permissions: frozenset[str]
    name: str = ""
    balances: dict[str, Balance] = field(default_factory=dict)
    maker_fee: Decimal | None = None  # None → the engine's default
    taker_fee: Decimal | None = None
    private_events: bool = True  # False for the flow's internal accounts (no events, no history)
    open_orders: dict[str, OrderRecord] = field(default_factory=dict)
    open_by_symbol: dict[str, dict[str, OrderRecord]] = field(default_factory=dict)
    history: OrderedDict[str, OrderRecord] = field(default_factory=OrderedDict)
    fills: deque[FillRecord] = field(default_factory=lambda: deque(maxlen=20_000))
    cancel_deadline_ms: int | None = None

    def balance(self, currency: str) -> Balance:
        """The balance of `currency`, created empty on first use."""
        bal = self.balances.get(currency)
        if bal is None:
            bal = self.balances[currency] = Balance()
        return bal


# ---- events (delivered synchronously to Engine.subscribe listeners, in causal order) ----


@dataclass(frozen=True, slots=True)
class OrderChanged:
    """An order changed state (insert, fill, cancel, trigger insert/activate, amend, expiry)."""

    api_key: str
    record: OrderRecord


@dataclass(frozen=True, slots=True)
class FillHappened:
    """One of the account's orders matched."""

    api_key: str
    fill: FillRecord


@dataclass(frozen=True, slots=True)
class TradePrinted:
    """A public trade happened."""

    trade: TradeRecord


@dataclass(frozen=True, slots=True)
class BookChanged:
    """New aggregate size of one price level; Decimal(0) means the level is gone."""

    symbol: str
    side: str  # "BUY" (bids) | "SELL" (asks)
    price: Decimal
    size: Decimal


@dataclass(frozen=True, slots=True)
class BalanceChanged:
    """The account's balance of `currency` changed (total or available)."""

    api_key: str
    currency: str
