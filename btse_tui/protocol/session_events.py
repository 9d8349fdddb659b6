"""Events a TradingSession emits besides stream events: snapshots, resyncs, order checks, health."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from btse_tui.protocol.errors import ApiError, BtseError, RequestTimeout, TransportError
from btse_tui.protocol.history import HistorySource
from btse_tui.protocol.ledger import ReconcileReport
from btse_tui.protocol.models import Balance, Market, Order, OrderRequest, Ticker


@dataclass(frozen=True, slots=True)
class MarketsLoaded:
    """Every market and its trading rules (at start, then every ~10 minutes)."""

    markets: tuple[Market, ...]


@dataclass(frozen=True, slots=True)
class TickersRefreshed:
    """24-hour tickers of every market (every ~3 s)."""

    tickers: tuple[Ticker, ...]


@dataclass(frozen=True, slots=True)
class BalancesRefreshed:
    """Every wallet balance (every ~15 s and soon after fills)."""

    balances: tuple[Balance, ...]


@dataclass(frozen=True, slots=True)
class FeesLoaded:
    """The account's maker and taker fee rates (fractions, e.g. 0.001 = 0.1 %)."""

    maker: Decimal
    taker: Decimal


@dataclass(frozen=True, slots=True)
class TradesLoaded:
    """The followed market's recent public trades came over REST (`count` of them); the
    session's tape holds them with the live ones."""

    symbol: str
    count: int


@dataclass(frozen=True, slots=True)
class CandlesLoaded:
    """The followed market's klines at `interval` came over REST (`count` candles); the
    session's candles hold them, kept live from its trades."""

    symbol: str
    interval: str
    count: int


@dataclass(frozen=True, slots=True)
class OrdersSnapshot:
    """The open orders the session now believes in, oldest first (after start or a resync)."""

    orders: tuple[Order, ...]


@dataclass(frozen=True, slots=True)
class OrderChanged:
    """The session's picture of one of the trader's orders changed, reported once per change:
    an ack, a notification, a cancel's answer or a check by client id was folded in.

    `order` is the ledger's version. `new_state` is True when its status or filled size
    changed (news for the notifications pane), False when only details did (the row shows
    them). `from_stream` is True when a spot-socket notification brought it.
    """

    order: Order
    new_state: bool = True
    from_stream: bool = False


@dataclass(frozen=True, slots=True)
class HistoryLoaded:
    """The order and fill history (and the P&L it builds) was loaded: from the journal at
    start, then from the exchange's trade history, or from the journal only when the
    exchange could not be asked (`source` says which and why)."""

    source: HistorySource
    orders: int
    fills: int


@dataclass(frozen=True, slots=True)
class Resynced:
    """A reconnect was followed by a REST reconcile; `text` is the notifications-pane line."""

    report: ReconcileReport

    @property
    def text(self) -> str:
        """`resynced: N orders changed, M fills recovered`."""
        return self.report.describe()


@dataclass(frozen=True, slots=True)
class OrderUnknown:
    """An order POST got an answer that does not prove a refusal (timeout, reset, 5xx, a
    proxy's error page, an unreadable body): shown as `unknown — checking`; the session
    queries the exchange by clOrderID and never resends."""

    cl_order_id: str
    request: OrderRequest

    @property
    def text(self) -> str:
        """`unknown — checking` plus the clOrderID."""
        return f"{self.request.symbol} {self.cl_order_id}: unknown — checking"


@dataclass(frozen=True, slots=True)
class OrderChecked:
    """The truth about an unknown submission: `order` as the exchange has it, or None when
    no trace of it was found within the checking time (the order was not placed)."""

    cl_order_id: str
    order: Order | None

    @property
    def placed(self) -> bool:
        """True when the exchange has the order."""
        return self.order is not None

    @property
    def text(self) -> str:
        """Plain words for the notifications pane (and the order form's result line)."""
        if self.order is None:
            return f"{self.cl_order_id}: not placed (checked by client id)"
        return f"{self.cl_order_id}: placed — {self.order.status_label}"


@dataclass(frozen=True, slots=True)
class DataDropped:
    """The exchange sent `count` rows or frames of one kind (`what`: `ticker row`, `wallet
    row`, `notification frame` …) holding values that cannot be true; they were ignored and
    not shown. `reason` is the latest one's field, value and rule. Announced at most once per
    kind every few seconds, with the count since the last announcement."""

    what: str
    count: int
    reason: str

    @property
    def text(self) -> str:
        """`ignored 1 ticker row from the exchange: closeTime 'Infinity' is not a time`."""
        noun = self.what if self.count == 1 else _plural(self.what)
        latest = "" if self.count == 1 else " (latest)"
        return f"ignored {self.count} {noun} from the exchange{latest}: {self.reason}"


def _plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"


@dataclass(frozen=True, slots=True)
class ClockSkew:
    """Exchange minus local clock in ms (positive: the exchange is ahead); `warn` above 1 s."""

    ms: float
    warn: bool

    @property
    def text(self) -> str:
        """`clock skew +1.52 s` (with a warning word when above the threshold)."""
        words = f"clock skew {self.ms / 1000:+.2f} s"
        return f"{words} — check the system clock (NTP)" if self.warn else words


@dataclass(frozen=True, slots=True)
class DeadMansSwitch:
    """State of the dead man's switch: armed on the exchange with `timeout_s`, last re-armed
    at `last_armed_ms` (epoch ms); armed=False with timeout_s 0 means switched off."""

    armed: bool
    timeout_s: float
    last_armed_ms: int | None = None
    detail: str = ""

    @property
    def text(self) -> str:
        """`DMS 60s` / `DMS off` / `DMS failing: …` for the status bar."""
        if self.armed:
            return f"DMS {self.timeout_s:g}s"
        if self.timeout_s > 0:
            return f"DMS failing: {self.detail}" if self.detail else "DMS arming…"
        return "DMS off"


@dataclass(frozen=True, slots=True)
class RateLimitBlock:
    """The exchange said 429: nothing is sent for `seconds` (0 = the block is over).

    `until_ms` (epoch ms) lets the UI count down."""

    seconds: float
    until_ms: int = 0


@dataclass(frozen=True, slots=True)
class RestHealth:
    """REST calls started failing (`ok=False`, `detail` says why) or work again (`ok=True`).

    `problem` is the short kind of failure (`rest_problem`): `slow` (no answer in time),
    `unreachable` (no connection), `HTTP 500` and the like, or `error`.
    """

    ok: bool
    detail: str = ""
    problem: str = ""


def rest_problem(error: BtseError) -> str:
    """The short kind of a failed REST call, for a status line: `slow`, `unreachable`,
    `HTTP <status>` or `error`."""
    if isinstance(error, RequestTimeout):
        return "slow"
    if isinstance(error, TransportError):
        return "unreachable"
    if isinstance(error, ApiError):
        return f"HTTP {error.status}"
    return "error"


SessionEvent = (
    MarketsLoaded
    | TickersRefreshed
    | BalancesRefreshed
    | FeesLoaded
    | TradesLoaded
    | CandlesLoaded
    | OrdersSnapshot
    | OrderChanged
    | HistoryLoaded
    | Resynced
    | OrderUnknown
    | OrderChecked
    | DataDropped
    | ClockSkew
    | DeadMansSwitch
    | RateLimitBlock
    | RestHealth
)
