"""TradingSession: the one object the app talks to — REST, both sockets, ledger, journal, guards."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

import httpx

from btse_tui.client.auth import build_auth
from btse_tui.client.book_stream import BookStream
from btse_tui.client.limiter import RateLimiter
from btse_tui.client.rest import RestClient, make_http_client
from btse_tui.client.session_base import (
    DropNotices,
    EventSink,
    ExchangeClock,
    RestHealthWatch,
    SessionJournal,
    Tasks,
    as_payload,
)
from btse_tui.client.session_candles import CandleFeed
from btse_tui.client.session_history import HistoryKeeper
from btse_tui.client.session_orders import OrderDesk
from btse_tui.client.session_refresh import DeadMansSwitchKeeper, Refresher
from btse_tui.client.session_sync import AccountSync, Activity, MarketFeed
from btse_tui.client.stream import Backoff, Stream, credentials_for
from btse_tui.config import Settings
from btse_tui.journal import Journal
from btse_tui.port import DeskEvent, Emit
from btse_tui.protocol import endpoints as ep
from btse_tui.protocol.endpoints import BaseUrls
from btse_tui.protocol.history import FillRecord, HistorySource, SentOrder
from btse_tui.protocol.ledger import OrderLedger, ReconcileReport
from btse_tui.protocol.models import (
    AmendRequest,
    Balance,
    Candle,
    FeeRate,
    Market,
    Order,
    OrderRequest,
    OrderType,
    Ticker,
)
from btse_tui.protocol.pnl import Position
from btse_tui.protocol.signing import NonceSource
from btse_tui.protocol.submission import OrderSubmission
from btse_tui.protocol.tape import TapePrint

__all__ = ["Emit", "TradingSession", "as_payload"]

#: Closed orders and fills the ledger keeps (days of trading, flat memory).
LEDGER_HISTORY = 20_000


class TradingSession:
    """Everything between the exchange and the screen, for one account.

    Build it with `TradingSession(settings, urls, journal=…, http=…, clock=…)`; it satisfies
    `btse_tui.port.SessionPort`. The app runs `start(emit)` once — the only time the sink is
    given — and then `run_spot()`, `run_book()`, `run_refresh()` and `run_dead_mans_switch()`
    in workers (each runs until cancelled or `close()`); every event — stream events and the
    `protocol.session_events` — goes to that `emit`, each order change once as OrderChanged.

    It is composed of parts with their own state: `orders` (OrderDesk: place, cancel, amend,
    unknown checks), `account` (AccountSync: the private socket and the reconcile), `feed`
    (MarketFeed: the selected book, trades and candles, and the quotes), `refresher` (the
    REST picture: markets, tickers, balances, fees, skew), `dms` (the dead man's switch),
    `health` (REST health) and `drops` (ignored data); the properties below read them.

    Promises: an order POST is sent at most once (a timeout turns into `unknown — checking`
    and a query by clOrderID); after every reconnect the ledger is reconciled with the
    exchange over REST; every request, reply, notification, fill and connection event goes to
    the journal (never the secret); nothing is sent during a 429 block.
    """

    def __init__(
        self,
        settings: Settings,
        urls: BaseUrls,
        *,
        journal: Journal | None = None,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.time,
        limiter: RateLimiter | None = None,
        backoff_base_s: float = 0.5,
        backoff_cap_s: float = 30.0,
        min_healthy_s: float = 10.0,
        unknown_check_s: float = 60.0,
    ) -> None:
        self.settings = settings
        self.urls = urls
        self.journal = journal
        self._own_http = http is None
        self._http = http or make_http_client(
            settings.http_timeout_s, tls=not urls.rest.startswith("http://")
        )
        self.clock = ExchangeClock(clock)
        self.nonces = NonceSource(clock)
        self.limiter = limiter or RateLimiter()
        self._auth = build_auth(settings, self.nonces, urls.rest)
        self.rest = RestClient(self._http, urls, self._auth, limiter=self.limiter, clock=clock)
        creds = credentials_for(settings.api_key, settings.api_secret, self.nonces)
        private = (ep.NOTIFICATIONS, ep.FILLS) if creds is not None else ()
        stream_options: dict[str, Any] = {
            "ping_interval": settings.ping_interval_s,
            "stale_after": settings.stale_after_s,
            "min_healthy": min_healthy_s,
        }
        self.spot = Stream(
            urls.ws_spot,
            name="spot",
            topics=private,
            credentials=creds,
            backoff=Backoff(base=backoff_base_s, cap=backoff_cap_s),
            **stream_options,
        )
        oss = Stream(
            urls.ws_oss,
            name="oss",
            backoff=Backoff(base=backoff_base_s, cap=backoff_cap_s),
            **stream_options,
        )
        self.books = BookStream(oss)
        self.ledger = OrderLedger(history=LEDGER_HISTORY)

        can_trade = self.can_trade
        self._sink = EventSink()
        sink = self._sink
        self._tasks = Tasks()
        notes = SessionJournal(journal, clock)
        self.health = RestHealthWatch(sink, notes, self.limiter, clock)
        self.drops = DropNotices(sink, notes)
        self.rest.on_dropped = self.drops.rows_dropped
        activity = Activity(self.clock)
        self.orders = OrderDesk(
            self.rest, self.ledger, sink=sink, notes=notes, health=self.health,
            limiter=self.limiter, tasks=self._tasks, clock=self.clock, can_trade=can_trade,
            unknown_check_s=unknown_check_s,
        )  # fmt: skip
        ledger = self.ledger
        self.candle_feed = CandleFeed(
            self.rest, sink=sink, drops=self.drops, health=self.health, tasks=self._tasks,
            clock=self.clock,
        )  # fmt: skip
        self.feed = MarketFeed(
            self.spot, self.books, rest=self.rest, own_fills=lambda: ledger.fills.values(),
            sink=sink, notes=notes, drops=self.drops, health=self.health, tasks=self._tasks,
            activity=activity, candles=self.candle_feed,
        )  # fmt: skip
        self.refresher = Refresher(
            self.rest, sink=sink, notes=notes, health=self.health, limiter=self.limiter,
            clock=self.clock, nonces=self.nonces, can_trade=can_trade,
            selected=lambda: self.feed.selected,
        )  # fmt: skip
        self.account = AccountSync(
            self.spot, self.rest, self.orders, self.feed, sink=sink, notes=notes,
            drops=self.drops, health=self.health, tasks=self._tasks, clock=self.clock,
            activity=activity, can_trade=can_trade, balances_soon=self.refresher.balances_soon,
        )  # fmt: skip
        self.dms = DeadMansSwitchKeeper(
            self.rest, sink=sink, notes=notes, health=self.health, limiter=self.limiter,
            clock=self.clock, can_trade=can_trade, timeout_s=settings.cancel_all_after_s,
        )  # fmt: skip
        self.history = HistoryKeeper(
            self.rest, journal, sink=sink, health=self.health, tasks=self._tasks,
            clock=self.clock, can_trade=can_trade,
        )  # fmt: skip
        self._closed = False

    # ------------------------------------------------------------------ views

    @property
    def can_trade(self) -> bool:
        """True when an API key and secret are configured (private calls and topics)."""
        return self._auth is not None

    @property
    def markets(self) -> Mapping[str, Market]:
        """Every spot market by symbol, with its trading rules."""
        return self.refresher.markets

    @property
    def tickers(self) -> Mapping[str, Ticker]:
        """The latest 24-hour ticker of each market by symbol."""
        return self.refresher.tickers

    @property
    def balances(self) -> Mapping[str, Balance]:
        """Wallet balances by currency."""
        return self.refresher.balances

    @property
    def fees(self) -> Mapping[str, FeeRate]:
        """Maker/taker fee rates by symbol."""
        return self.refresher.fees

    @property
    def fee_rates(self) -> tuple[Decimal, Decimal] | None:
        """The (maker, taker) rates in use: the selected market's, else the first listed."""
        return self.refresher.fee_rates

    @property
    def skew_ms(self) -> float | None:
        """Exchange minus local clock in ms (None until measured)."""
        return self.clock.skew_ms

    @property
    def rest_ok(self) -> bool | None:
        """Whether REST works (None before the first calls are done)."""
        return self.health.ok

    @property
    def selected(self) -> str | None:
        """The market whose book and trades are followed."""
        return self.feed.selected

    @property
    def dropped(self) -> Counter[str]:
        """Rows and frames ignored since start because they could not be true, by kind."""
        return self.drops.counts

    @property
    def dead_mans_switch_s(self) -> float:
        """The dead man's switch timeout in seconds (0 = off)."""
        return self.dms.timeout_s

    @property
    def dms_last_armed_ms(self) -> int | None:
        """When the exchange last accepted a re-arm (epoch ms), None when disarmed."""
        return self.dms.last_armed_ms

    def open_orders(self, symbol: str | None = None) -> list[Order]:
        """The orders the ledger holds as open, oldest first (optionally of one market)."""
        return self.ledger.open_orders(symbol)

    def recent_trades(self, symbol: str) -> tuple[TapePrint, ...]:
        """The followed market's latest public trades, newest first, own fills marked; empty
        for any other market."""
        tape = self.feed.tape
        return tape.prints if tape.symbol == symbol else ()

    def done_orders(self, symbol: str | None = None) -> list[Order]:
        """Orders that are done (filled, cancelled, rejected, triggered …), newest first."""
        return self.history.record.done_orders(symbol)

    def fill_history(self, symbol: str | None = None) -> list[FillRecord]:
        """The trader's fills, newest first, each with its reference price and slippage."""
        return self.history.record.fills(symbol)

    def positions(self) -> dict[str, Position]:
        """P&L per market from the trader's fills (average cost, fees included)."""
        return self.history.record.positions()

    @property
    def history_source(self) -> HistorySource:
        """Where the history came from: the exchange, or only the journal (and why)."""
        return self.history.source

    def mid(self, symbol: str) -> Decimal | None:
        """The market's mid now: its live book's when followed, else its ticker's bid/ask."""
        book = self.books.book(symbol)
        mid = book.mid if book is not None else None
        if mid is not None:
            return mid
        ticker = self.tickers.get(symbol)
        if ticker is not None and ticker.bid and ticker.ask and ticker.ask >= ticker.bid > 0:
            return (ticker.bid + ticker.ask) / 2
        return None

    def candles(self, symbol: str, interval: str) -> tuple[Candle, ...]:
        """The followed market's candles at `interval`, oldest first, flat up to now (see
        CandleFeed.candles)."""
        return self.candle_feed.candles(symbol, interval)

    def now_ms(self) -> int:
        """The exchange's time as best known: local clock corrected by the measured skew."""
        return self.clock.now_ms()

    # ------------------------------------------------------------------ lifecycle

    async def start(self, emit: Emit) -> None:
        """Keep `emit` as the sink of every event from now on, then load everything over REST
        once: clock skew, markets, tickers and — with credentials — fees, balances and open
        orders. Failures are reported as RestHealth(False) (run_refresh keeps trying, and the
        first LIVE of run_spot reconciles orders); nothing is raised."""
        self._sink.connect(self._observed(emit))
        self.account.heard_now()
        ok = await self.refresher.load()
        if self.can_trade:
            ok = await self.account.load_open_orders() and ok
        self.health.started(ok)
        self._tasks.spawn(self.history.load(self._history_symbols), "history")
        await self.feed.sync_selection()

    def _observed(self, emit: Emit) -> Emit:
        """`emit`, with the history folding in each order change and fill first."""
        observe = self.history.observe

        def observed(event: DeskEvent) -> None:
            observe(event)
            emit(event)

        return observed

    def _history_symbols(self) -> set[str]:
        """The markets whose fills the start-up history asks for: those with open orders,
        the selected one, and each held asset's market in the valuation currency."""
        wanted = {order.symbol for order in self.ledger.open_orders()}
        if self.feed.selected:
            wanted.add(self.feed.selected)
        quote = self.settings.valuation_currency
        for balance in self.balances.values():
            symbol = f"{balance.currency}-{quote}"
            if balance.total and symbol in self.markets:
                wanted.add(symbol)
        return wanted

    async def run_spot(self) -> None:
        """Consume the private socket until cancelled (see AccountSync.run)."""
        await self.account.run()

    async def run_book(self) -> None:
        """Consume the book socket until cancelled (see MarketFeed.run)."""
        await self.feed.run()

    async def run_refresh(self) -> None:
        """Keep the REST picture fresh until cancelled (see Refresher.run)."""
        await self.refresher.run()

    async def run_dead_mans_switch(self) -> None:
        """Keep the dead man's switch armed while on, until cancelled."""
        await self.dms.run()

    async def resync(self) -> ReconcileReport | None:
        """Reconcile now (also done automatically after every reconnect); None on failure."""
        return await self.account.resync()

    async def close(self) -> None:
        """Stop background work, close both sockets and (if owned) the HTTP client.

        The dead man's switch is left as it is: if it was armed, the exchange cancels the
        orders when its timeout lapses. The journal belongs to the caller and stays open.
        """
        if self._closed:
            return
        self._closed = True
        self.drops.close()
        await self._tasks.close()
        await self.spot.close()
        await self.books.close()
        if self._own_http:
            await self._http.aclose()

    # ------------------------------------------------------------------ following

    def select_market(self, symbol: str) -> None:
        """Follow `symbol`: its order book (OSS) and its public trades (tradeHistoryApi)."""
        self.feed.select(symbol)

    def load_candles(self, symbol: str, interval: str) -> None:
        """Fetch the followed market's klines at `interval` once (see CandleFeed.load)."""
        self.candle_feed.load(symbol, interval)

    def watch_quotes(self, symbols: Iterable[str]) -> None:
        """Keep live best bid/ask for these markets (see MarketFeed.watch_quotes)."""
        self.feed.watch_quotes(symbols)

    def set_dead_mans_switch(self, seconds: float | None) -> None:
        """Switch the dead man's switch on (`seconds` > 0) or off (None / 0)."""
        self.dms.set(seconds)

    # ------------------------------------------------------------------ orders

    async def place(self, submission: OrderSubmission | OrderRequest) -> list[Order]:
        """Send one order, once (see OrderDesk.place); its limit price and the market's mid
        now are kept (and journalled) as what its fills are measured against."""
        if isinstance(submission, OrderRequest):
            submission = OrderSubmission.of(submission)
        request = submission.request
        mid = self.mid(request.symbol)
        limit = request.price if request.type is OrderType.LIMIT else None
        sent = SentOrder(
            submission.cl_order_id, request.symbol, request.side, limit, mid, self.now_ms()
        )
        self.history.note_sent(sent)
        return await self.orders.place(submission, mid=mid)

    async def cancel(self, order: Order) -> list[Order]:
        """Cancel one order (see OrderDesk.cancel)."""
        return await self.orders.cancel(order)

    async def cancel_all(self, symbol: str) -> list[Order]:
        """Cancel every open order of `symbol`."""
        return await self.orders.cancel_all(symbol)

    async def amend(self, request: AmendRequest) -> list[Order]:
        """Amend price / size / trigger of an open order."""
        return await self.orders.amend(request)

    def recheck_unknown(self) -> None:
        """Make sure every unknown submission is being checked (after a reconnect)."""
        self.orders.recheck_unknown()
