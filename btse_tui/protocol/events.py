"""Everything a stream can yield: typed, frozen events decoded from BTSE WebSocket frames."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from btse_tui.protocol.models import BookLevel, Fill, Order, Trade


class StreamState(StrEnum):
    """Health of one socket as the status bar shows it.

    LIVE only while frames (data or pongs) keep arriving; a new connection is CONNECTING until
    its first frame. SIGN_IN_REFUSED: frames arrive but the exchange refused the login, so no
    private topic (orders, fills) will ever speak on this connection.
    """

    CONNECTING = "connecting"
    LIVE = "live"
    SIGN_IN_REFUSED = "sign-in refused"
    STALE = "stale"
    DOWN = "down"


@dataclass(frozen=True, slots=True)
class StreamStateChanged:
    """A socket moved to a new state; `reason` says why in plain words."""

    stream: str
    state: StreamState
    reason: str = ""
    reconnects: int = 0


@dataclass(frozen=True, slots=True)
class Pong:
    """The bare-text `pong` answer to our `ping`; the stream fills in `rtt_ms` and its own name
    (`stream`), so each socket's round trip is told apart."""

    rtt_ms: float | None = None
    stream: str = ""


@dataclass(frozen=True, slots=True)
class AuthResult:
    """Result of `authKeyExpires` (`{"event":"login","success":…}`)."""

    success: bool
    message: str = ""


@dataclass(frozen=True, slots=True)
class SubscribeAck:
    """Subscribe or unsubscribe acknowledgement listing the topics the server accepted."""

    op: str
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StreamError:
    """An error frame (`{"severity":"ERROR","errors":[…]}`), one per failing argument."""

    code: int
    message: str
    arg: str = ""


@dataclass(frozen=True, slots=True)
class OrderUpdated:
    """A notificationApiV3 frame: one order changed state."""

    order: Order


@dataclass(frozen=True, slots=True)
class FillsReceived:
    """A `fills` frame: one or more executions of the trader's orders."""

    fills: tuple[Fill, ...]


@dataclass(frozen=True, slots=True)
class TradesPrinted:
    """A `tradeHistoryApi:SYMBOL` frame: public trades, newest last."""

    symbol: str
    trades: tuple[Trade, ...]


@dataclass(frozen=True, slots=True)
class BookSnapshot:
    """OSS `update:` snapshot: the whole book (levels as (price, size))."""

    symbol: str
    topic: str
    bids: tuple[tuple[Decimal, Decimal], ...]
    asks: tuple[tuple[Decimal, Decimal], ...]
    seq: int
    timestamp_ms: int = 0


@dataclass(frozen=True, slots=True)
class BookDelta:
    """OSS `update:` delta: changed levels, size 0 deletes; `prev_seq` must equal the last seq."""

    symbol: str
    topic: str
    bids: tuple[tuple[Decimal, Decimal], ...]
    asks: tuple[tuple[Decimal, Decimal], ...]
    seq: int
    prev_seq: int
    timestamp_ms: int = 0


@dataclass(frozen=True, slots=True)
class BookTop:
    """OSS `snapshotL1:` frame: best bid and ask."""

    symbol: str
    bid: Decimal | None
    bid_size: Decimal | None
    ask: Decimal | None
    ask_size: Decimal | None
    timestamp_ms: int = 0


@dataclass(frozen=True, slots=True)
class UnknownFrame:
    """A frame we do not understand, kept for the journal rather than dropped silently."""

    raw: str


@dataclass(frozen=True, slots=True)
class FrameDropped:
    """A frame of a known topic held a value that cannot be true (NaN, Infinity, a negative
    size, a crossed quote …): it was left out whole; `reason` names the field and value."""

    topic: str
    reason: str
    raw: str = ""


StreamEvent = (
    StreamStateChanged
    | Pong
    | AuthResult
    | SubscribeAck
    | StreamError
    | OrderUpdated
    | FillsReceived
    | TradesPrinted
    | BookSnapshot
    | BookDelta
    | BookTop
    | UnknownFrame
    | FrameDropped
)


# ---------------------------------------------------------------------------- book stream
# Emitted by client.book_stream.BookStream (not decoded from frames).


#: A book's best levels: bids (high→low) and asks (low→high).
BookTopLevels = tuple[tuple[BookLevel, ...], tuple[BookLevel, ...]]


@dataclass(frozen=True, slots=True)
class BookUpdated:
    """A symbol's local book changed; `bids` (high→low) and `asks` (low→high) are its best
    levels: the ones given, or read from `source` when first asked for, so a reader that keeps
    only the latest of many updates (the screen, at most 15 times a second) builds them once.
    Read from `source`, they are the book as it is then (never older than `seq`)."""

    symbol: str
    given_bids: tuple[BookLevel, ...] = ()
    given_asks: tuple[BookLevel, ...] = ()
    seq: int = 0
    timestamp_ms: int = 0
    source: Callable[[], BookTopLevels] | None = field(default=None, compare=False, repr=False)

    @property
    def bids(self) -> tuple[BookLevel, ...]:
        """The best bids, highest first."""
        return self.given_bids if self.source is None else self.source()[0]

    @property
    def asks(self) -> tuple[BookLevel, ...]:
        """The best asks, lowest first."""
        return self.given_asks if self.source is None else self.source()[1]


@dataclass(frozen=True, slots=True)
class BookResync:
    """A symbol's book was discarded (`reason`: gap | crossed | no_snapshot | timeout |
    reconnect) and its topic resubscribed; a fresh snapshot follows."""

    symbol: str
    reason: str
    topic: str = ""


BookStreamEvent = StreamEvent | BookUpdated | BookResync
