"""Frozen data models of the BTSE spot API: markets, tickers, orders, fills, balances (Decimal)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum, StrEnum

ZERO = Decimal(0)


class Side(StrEnum):
    """Order side as sent in requests."""

    BUY = "BUY"
    SELL = "SELL"


class OrderType(StrEnum):
    """Order `type` of a create request (§4.1)."""

    LIMIT = "LIMIT"
    MARKET = "MARKET"
    OCO = "OCO"
    PEG = "PEG"


class TxType(StrEnum):
    """Order `txType`: plain, stop or take-profit trigger (§4.1)."""

    LIMIT = "LIMIT"
    STOP = "STOP"
    TRIGGER = "TRIGGER"


class TimeInForce(StrEnum):
    """BTSE's `time_in_force` values; the timed ones expire after the named period."""

    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"
    HALFMIN = "HALFMIN"
    FIVEMIN = "FIVEMIN"
    HOUR = "HOUR"
    TWELVEHOUR = "TWELVEHOUR"
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


class OrderStatus(IntEnum):
    """The order-status part of BTSE's API enum (§7.3)."""

    TIMEOUT = -1
    MARKET_UNAVAILABLE = 1
    ORDER_INSERTED = 2
    ORDER_TRANSACTED = 3
    ORDER_FULLY_TRANSACTED = 4
    ORDER_PARTIALLY_TRANSACTED = 5
    ORDER_CANCELLED = 6
    ORDER_REFUNDED = 7
    INSUFFICIENT_BALANCE = 8
    TRIGGER_INSERTED = 9
    TRIGGER_ACTIVATED = 10
    ORDER_REJECTED = 15
    ORDER_NOTFOUND = 16
    REQUEST_FAILED = 17
    AMEND_ORDER = 123

    @property
    def label(self) -> str:
        """Plain words for the status, e.g. `partially filled`."""
        return _STATUS_LABELS.get(self, self.name.lower().replace("_", " "))

    @classmethod
    def describe(cls, code: int) -> str:
        """Plain words for any status code, known or not."""
        try:
            return cls(code).label
        except ValueError:
            return f"status {code}"


_STATUS_LABELS = {
    OrderStatus.TIMEOUT: "timed out — check status",
    OrderStatus.MARKET_UNAVAILABLE: "market unavailable",
    OrderStatus.ORDER_INSERTED: "inserted",
    OrderStatus.ORDER_TRANSACTED: "transacted",
    OrderStatus.ORDER_FULLY_TRANSACTED: "filled",
    OrderStatus.ORDER_PARTIALLY_TRANSACTED: "partially filled",
    OrderStatus.ORDER_CANCELLED: "cancelled",
    OrderStatus.ORDER_REFUNDED: "refunded",
    OrderStatus.INSUFFICIENT_BALANCE: "insufficient balance",
    OrderStatus.TRIGGER_INSERTED: "trigger inserted",
    OrderStatus.TRIGGER_ACTIVATED: "trigger activated",
    OrderStatus.ORDER_REJECTED: "rejected",
    OrderStatus.ORDER_NOTFOUND: "not found",
    OrderStatus.REQUEST_FAILED: "request failed",
    OrderStatus.AMEND_ORDER: "amended",
}

#: Statuses after which an order no longer rests on the book.
CLOSED_STATUSES = frozenset({3, 4, 6, 7, 8, 15, 16, 17})
#: Statuses that mean the exchange refused the request (HTTP 200 with a failure inside).
FAILURE_STATUSES = frozenset({8, 15, 16, 17})


@dataclass(frozen=True, slots=True)
class Market:
    """One spot market and its trading rules (Markets API row, §3.1)."""

    symbol: str
    base: str
    quote: str
    active: bool
    min_price: Decimal
    tick: Decimal
    min_size: Decimal
    max_size: Decimal
    lot: Decimal
    price_precision: int = 0
    size_precision: int = 0
    display_name: str = ""
    type: str = "Spot"


@dataclass(frozen=True, slots=True)
class Ticker:
    """24-hour statistics and top of book of one market (ticker/24hr or market_summary).

    `change_pct` is in percent units (1.5 = +1.5 %) whatever the source sent; `time_ms` is the
    end of the 24-hour window in epoch milliseconds.
    """

    symbol: str
    last: Decimal | None
    open: Decimal | None = None
    high: Decimal | None = None
    low: Decimal | None = None
    change: Decimal | None = None
    change_pct: Decimal | None = None
    bid: Decimal | None = None
    bid_size: Decimal | None = None
    ask: Decimal | None = None
    ask_size: Decimal | None = None
    volume_base: Decimal | None = None
    volume_quote: Decimal | None = None
    time_ms: int = 0


@dataclass(frozen=True, slots=True)
class BookLevel:
    """One price level: price and total size."""

    price: Decimal
    size: Decimal


@dataclass(frozen=True, slots=True)
class OrderBookSnapshot:
    """A REST order book: bids best (highest) first, asks best (lowest) first."""

    symbol: str
    bids: tuple[BookLevel, ...]
    asks: tuple[BookLevel, ...]
    timestamp_ms: int = 0


@dataclass(frozen=True, slots=True)
class Trade:
    """A public trade print."""

    symbol: str
    trade_id: str
    price: Decimal
    size: Decimal
    side: Side
    timestamp_ms: int


@dataclass(frozen=True, slots=True)
class Candle:
    """One kline: open time in seconds, OHLC and volume (quote currency)."""

    open_time_s: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


@dataclass(frozen=True, slots=True)
class ServerTime:
    """Exchange clock: ISO string and epoch seconds (`/api/v3.3/time`)."""

    iso: str
    epoch_s: int


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """What the trader asks to send: one create-order body (§4.1), before or after quantising.

    For a MARKET BUY by quote amount, `price` carries the quote budget and `size` is None.
    """

    symbol: str
    side: Side
    type: OrderType
    size: Decimal | None = None
    price: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.GTC
    tx_type: TxType = TxType.LIMIT
    trigger_price: Decimal | None = None
    post_only: bool = False
    cl_order_id: str | None = None
    #: OCO only: the stop leg's `stopPrice` (§4.1): its limit price once `trigger_price` fires.
    stop_price: Decimal | None = None
    #: Trailing stop (MARKET + txType STOP) only: the distance in quote currency the trigger
    #: keeps behind the best price seen since the order was placed (`trailValue`).
    trail_value: Decimal | None = None
    #: PEG only: percent off the index price the order rests at, -10 … 10 (`deviation`).
    deviation: Decimal | None = None
    #: PEG only: percent of the order shown on the book, above 0 and at most 100 (`stealth`).
    stealth: Decimal | None = None

    @property
    def is_trailing(self) -> bool:
        """True for a trailing stop (a `trailValue` is set)."""
        return self.trail_value is not None


@dataclass(frozen=True, slots=True)
class Order:
    """An order's state as the exchange reports it (ack, query, open orders or notification).

    Sizes are in base units; quote-sized market buys carry their budget in the `*_quote` fields
    and `order_currency == "quote"`. `filled_size` is what this event filled; `total_filled` is
    the cumulative fill.
    """

    symbol: str
    order_id: str
    side: Side
    status: int
    cl_order_id: str | None = None
    order_type: int = 76
    tx_type: TxType = TxType.LIMIT
    price: Decimal | None = None
    trigger_price: Decimal | None = None
    original_size: Decimal | None = None
    original_quote_size: Decimal | None = None
    current_size: Decimal | None = None
    current_quote_size: Decimal | None = None
    remaining_size: Decimal | None = None
    remaining_quote_size: Decimal | None = None
    filled_size: Decimal = ZERO
    total_filled: Decimal = ZERO
    avg_fill_price: Decimal = ZERO
    order_currency: str = "base"
    time_in_force: str = "GTC"
    post_only: bool = False
    is_trigger: bool = False
    trigger_fired: bool = False  # seen triggered (status 10 or `triggered`): now a plain order
    maker: bool | None = None
    message: str = ""
    timestamp_ms: int = 0
    #: One leg of an OCO pair (txType 3, or a leg of a two-item OCO ack); the pair shares a
    #: clOrderID, the stop leg is the one with a trigger price.
    is_oco: bool = False
    #: Trailing stop: the distance its trigger follows the price by; None for other orders.
    trail_value: Decimal | None = None
    #: PEG: percent off the index price (`pegPriceDeviation`/`deviation`); None for others.
    peg_deviation: Decimal | None = None

    @property
    def status_label(self) -> str:
        """Plain words for the status."""
        return OrderStatus.describe(self.status)

    @property
    def is_open(self) -> bool:
        """True while the order can still fill (resting, partly filled or untriggered).

        A MARKET order never rests: BTSE leaves a quote-sized buy at status 5 when unspendable
        quote dust is left, and that is its final state, so a MARKET order at 5 is closed.
        """
        status = self.status
        if status == 5 and self.order_type == 77:
            return False
        return status not in CLOSED_STATUSES

    @property
    def is_failure(self) -> bool:
        """True when the exchange refused the order inside a 200 reply (8/15/16/17)."""
        return self.status in FAILURE_STATUSES

    @property
    def awaits_trigger(self) -> bool:
        """True for a stop/take-profit whose trigger has not fired yet (its trigger can move).

        Status 9 (trigger inserted) says so; 123 (amended) too unless the order has fills (a
        trigger order only fills after it fires). 10 (activated) and the resting ones do not.
        """
        if self.trigger_price is None or not self.is_open or self.trigger_fired:
            return False
        if not self.is_trigger and self.tx_type is TxType.LIMIT:
            return False
        if self.status == OrderStatus.TRIGGER_INSERTED:
            return True
        return self.status == OrderStatus.AMEND_ORDER and not self.total_filled

    @property
    def order_type_name(self) -> str:
        """`LIMIT`, `MARKET` or `PEG` for the numeric order type."""
        return {76: "LIMIT", 77: "MARKET", 80: "PEG", 81: "OTC"}.get(self.order_type, "?")

    @property
    def is_peg(self) -> bool:
        """True for a PEG order (orderType 80)."""
        return self.order_type == 80


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution of one of the trader's orders (fills topic or trade_history)."""

    symbol: str
    order_id: str
    trade_id: str
    side: Side
    price: Decimal
    size: Decimal
    fee_amount: Decimal = ZERO
    fee_currency: str = ""
    cl_order_id: str | None = None
    serial_id: str = ""
    base: str = ""
    quote: str = ""
    maker: bool | None = None
    timestamp_ms: int = 0


@dataclass(frozen=True, slots=True)
class Balance:
    """A wallet balance in one currency; locked = total - available."""

    currency: str
    total: Decimal
    available: Decimal

    @property
    def locked(self) -> Decimal:
        """Amount held by open orders."""
        return self.total - self.available


@dataclass(frozen=True, slots=True)
class FeeRate:
    """Maker and taker fee rates for a symbol (fractions, e.g. 0.001 = 0.1 %)."""

    symbol: str
    maker: Decimal
    taker: Decimal


@dataclass(frozen=True, slots=True)
class AmendRequest:
    """An amend (§4.3): `kind` PRICE | SIZE | TRIGGERPRICE need `value`; ALL uses the others."""

    symbol: str
    kind: str
    order_id: str | None = None
    cl_order_id: str | None = None
    value: Decimal | None = None
    order_price: Decimal | None = None
    order_size: Decimal | None = None
    trigger_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class RateLimitRule:
    """One rate-limit entry of exchangeInfo."""

    type: str
    interval: str
    interval_num: int
    limit: int


@dataclass(frozen=True, slots=True)
class ExchangeInfo:
    """exchangeInfo: rate limits and market rules."""

    rate_limits: tuple[RateLimitRule, ...] = field(default_factory=tuple)
    markets: tuple[Market, ...] = field(default_factory=tuple)
