"""The session's sockets: MarketFeed follows the selected market's book and the quotes on
screen; AccountSync folds private events into the ledger and reconciles after every
reconnect."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import replace

from btse_tui import journal as jr
from btse_tui.client.book_stream import BookStream
from btse_tui.client.rest import RestClient
from btse_tui.client.session_base import (
    DropNotices,
    ExchangeClock,
    RestHealthWatch,
    SessionJournal,
    Tasks,
    log,
)
from btse_tui.client.session_candles import CandleFeed
from btse_tui.client.session_orders import OrderDesk
from btse_tui.client.stream import CLIENT_ERROR, Stream
from btse_tui.port import Emit
from btse_tui.protocol import endpoints as ep
from btse_tui.protocol.errors import BadValue, BtseError
from btse_tui.protocol.events import (
    BookResync,
    FillsReceived,
    FrameDropped,
    OrderUpdated,
    StreamError,
    StreamState,
    StreamStateChanged,
    SubscribeAck,
    TradesPrinted,
)
from btse_tui.protocol.ledger import OrderLedger, ReconcileReport
from btse_tui.protocol.models import Fill, Order, OrderStatus, Trade
from btse_tui.protocol.session_events import OrdersSnapshot, Resynced, TradesLoaded
from btse_tui.protocol.tape import TradeTape

#: How long to wait, after LIVE, for the subscribe ack before reconciling anyway.
ACK_WAIT_S = 2.0
#: Fills are fetched from this long before the last frame the socket received before the
#: outage (latency between the exchange's clock and its frames, skew error).
RESYNC_MARGIN_MS = 5_000
#: A failed reconcile is tried again after this long (until it succeeds).
RESYNC_RETRY_S = 3.0
FILLS_PAGE = 500
FILLS_MAX_PAGES = 20
#: A tape refill after a reconnect that fails is tried again this long after, this many times
#: in all (the tape shows where prints may be missing until one succeeds).
TAPE_REFILL_RETRY_S = 3.0
TAPE_REFILL_TRIES = 5
#: Spot socket states in which public prints can be missed.
_LOST = frozenset({StreamState.DOWN, StreamState.CONNECTING})
#: Socket states in which the exchange answers (a reconcile then brings REST's picture in).
_ANSWERING = frozenset({StreamState.LIVE, StreamState.SIGN_IN_REFUSED})
#: Live top-of-book topics at most (the selected book and trades take two more).
MAX_QUOTE_TOPICS = 60
#: What a dropped frame of each topic is called in the notifications pane.
_FRAME_KINDS = {
    "notificationApiV3": "order notification",
    "fills": "fill notification",
    "tradeHistoryApi": "trade print",
    "update": "book update",
    "snapshotL1": "quote",
}


class Activity:
    """When the trader last did something in each market: a reconcile fetches its fills."""

    def __init__(self, clock: ExchangeClock) -> None:
        self._clock = clock
        self._at: dict[str, int] = {}

    def touch(self, symbol: str) -> None:
        """Remember activity in `symbol` now."""
        self._at[symbol] = self._clock.now_ms()

    def since(self, ms: int) -> set[str]:
        """The markets with activity from `ms` on."""
        return {symbol for symbol, at in self._at.items() if at >= ms}


def _note_frame(drops: DropNotices, event: FrameDropped) -> str:
    """Count a dropped frame; returns its topic kind (`notificationApiV3`, `update` …)."""
    kind = event.topic.partition(":")[0]
    drops.note(_FRAME_KINDS.get(kind, "frame"), event.reason, event.topic)
    return kind


class MarketFeed:
    """The selected market (its book on the OSS socket, its public trades on the spot one,
    kept on `tape`: filled over REST on selection, then live, and merged into its `candles`)
    and the live quotes of the markets on screen."""

    def __init__(
        self,
        spot: Stream,
        books: BookStream,
        *,
        rest: RestClient,
        own_fills: Callable[[], Iterable[Fill]],
        sink: Emit,
        notes: SessionJournal,
        drops: DropNotices,
        health: RestHealthWatch,
        tasks: Tasks,
        activity: Activity,
        candles: CandleFeed,
    ) -> None:
        self._spot = spot
        self.books = books
        self.candles = candles
        self._rest = rest
        self._own_fills = own_fills
        self._health = health
        self.tape = TradeTape()
        self._sink = sink
        self._notes = notes
        self._drops = drops
        self._tasks = tasks
        self._activity = activity
        self.selected: str | None = None
        self._selection_lock = asyncio.Lock()
        self._subscribed_symbol: str | None = None
        self._quotes_lock = asyncio.Lock()
        self.quotes_wanted: frozenset[str] = frozenset()
        self._quotes_subscribed: frozenset[str] = frozenset()
        self._outage = False  # the spot socket was lost since its trades were last subscribed
        self._gap_since: Trade | None = None  # the newest print held when it was lost
        self.refill_retry_s = TAPE_REFILL_RETRY_S

    def select(self, symbol: str) -> None:
        """Follow `symbol`: its order book (OSS) and its public trades (tradeHistoryApi)."""
        if symbol == self.selected:
            return
        self.selected = symbol
        self._activity.touch(symbol)
        self.tape.reset(symbol, self._own_fills())
        self.candles.follow(symbol)
        self._gap_since = None  # the new market's tape starts from its own backfill
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # applied when start() / run_spot() / run_book() run
        self._tasks.spawn(self.sync_selection(), f"select-{symbol}")

    async def sync_selection(self) -> None:
        """Make the subscriptions follow the selected market."""
        async with self._selection_lock:
            wanted, current = self.selected, self._subscribed_symbol
            if wanted == current:
                return
            if current is not None:
                await self.books.remove(current)
                await self._spot.unsubscribe(ep.trades_topic(current))
            if wanted is not None:
                await self.books.add(wanted)
                await self._spot.subscribe(ep.trades_topic(wanted))
                self._tasks.spawn(self.backfill_tape(wanted), f"trades-{wanted}")
            self._subscribed_symbol = wanted

    async def backfill_tape(self, symbol: str) -> None:
        """Fill the tape with `symbol`'s recent trades over REST (the socket keeps it live;
        prints both bring are kept once); TradesLoaded when it changed."""
        try:
            trades = await self._rest.trades(symbol, limit=self.tape.limit)
        except BtseError as exc:
            self._health.failed("trades", exc)
            return
        self._health.good("trades")
        if self.tape.symbol == symbol and self.tape.add(trades):
            self._sink(TradesLoaded(symbol, len(trades)))

    def spot_state(self, state: StreamState) -> None:
        """The spot socket's new state: once it is lost, prints may be missed until its
        trades topic is subscribed again (`spot_acked` then fetches them)."""
        if state in _LOST and not self._outage:
            self._outage = True
            self._gap_since = self.tape.newest

    def spot_acked(self, ack: SubscribeAck) -> None:
        """A subscribe ack: when it brings the selected market's trades back after an outage,
        fetch over REST the prints the socket missed."""
        symbol = self.tape.symbol
        if not self._outage or symbol is None or ack.op != "subscribe":
            return
        if ep.trades_topic(symbol) not in ack.topics:
            return
        self._outage = False
        since, self._gap_since = self._gap_since, None
        if since is not None:
            self._tasks.spawn(self.refill_tape(symbol, since), f"trades-refill-{symbol}")

    async def refill_tape(self, symbol: str, since: Trade) -> None:
        """Bring the prints after `since` (the newest held when the socket was lost) over
        REST, kept once each by trade id. Until a fetch reaches back to `since` the tape marks
        the gap after it; a failed fetch is tried again (TAPE_REFILL_TRIES in all)."""
        tape, limit = self.tape, self.tape.limit
        for attempt in range(TAPE_REFILL_TRIES):
            if attempt:
                await asyncio.sleep(self.refill_retry_s)
            if tape.symbol != symbol:
                return
            try:
                trades = await self._rest.trades(symbol, limit=limit)
            except BtseError as exc:
                self._health.failed("trades", exc)
                if tape.set_gap(since):
                    self._sink(TradesLoaded(symbol, 0))
                continue
            self._health.good("trades")
            if tape.symbol != symbol:
                return
            changed = tape.add(trades)
            covered = tape.covers(trades, since, complete=len(trades) < limit)
            changed = tape.set_gap(since, not covered) or changed
            if changed:
                self._sink(TradesLoaded(symbol, len(trades)))
            return
        log.warning("trades of %s missed during an outage could not be fetched", symbol)

    def trades_printed(self, event: TradesPrinted) -> None:
        """A trades frame: onto the tape and into the candles, then to the sink."""
        self.tape.add(event.trades)
        self.candles.trades(event.trades)
        self._sink(event)

    def fills_happened(self, fills: Iterable[Fill]) -> None:
        """The trader's new fills: the tape marks their prints."""
        self.tape.mark_own(fills)

    def watch_quotes(self, symbols: Iterable[str]) -> None:
        """Keep live best bid/ask (OSS `snapshotL1`) for these markets — those on screen.

        At most MAX_QUOTE_TOPICS are followed (BTSE allows about 100 topics per socket);
        the rest keep the ticker refresh.
        """
        wanted = frozenset(list(dict.fromkeys(symbols))[:MAX_QUOTE_TOPICS])
        if wanted == self.quotes_wanted:
            return
        self.quotes_wanted = wanted
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        self._tasks.spawn(self._sync_quotes(), "watch-quotes")

    async def _sync_quotes(self) -> None:
        async with self._quotes_lock:
            wanted, current = self.quotes_wanted, self._quotes_subscribed
            gone = sorted(current - wanted)
            new = sorted(wanted - current)
            if gone:
                await self.books.stream.unsubscribe(*(ep.top_topic(s) for s in gone))
            if new:
                await self.books.stream.subscribe(*(ep.top_topic(s) for s in new))
            self._quotes_subscribed = wanted

    async def run(self) -> None:
        """Consume the OSS socket: BookUpdated / BookResync and state changes (journalled)
        are emitted."""
        await self.sync_selection()
        async for event in self.books.events():
            if isinstance(event, StreamStateChanged):
                self._notes.connection(
                    event.stream, event.state.value, reason=event.reason,
                    reconnects=event.reconnects,
                )  # fmt: skip
                self._sink(event)
                continue
            if isinstance(event, FrameDropped):
                _note_frame(self._drops, event)
                continue
            if isinstance(event, BookResync):
                self._notes.connection(
                    "oss", "book resync", symbol=event.symbol, reason=event.reason
                )
            self._sink(event)


class AccountSync:
    """The private socket folded into the ledger (orders through the OrderDesk, fills here),
    and the REST reconcile after every (re)connect that brings in what the socket missed."""

    def __init__(
        self,
        spot: Stream,
        rest: RestClient,
        orders: OrderDesk,
        feed: MarketFeed,
        *,
        sink: Emit,
        notes: SessionJournal,
        drops: DropNotices,
        health: RestHealthWatch,
        tasks: Tasks,
        clock: ExchangeClock,
        activity: Activity,
        can_trade: bool,
        balances_soon: Callable[[], None],
    ) -> None:
        self._spot = spot
        self._rest = rest
        self._orders = orders
        self.ledger: OrderLedger = orders.ledger
        self._feed = feed
        self._sink = sink
        self._notes = notes
        self._drops = drops
        self._health = health
        self._tasks = tasks
        self._clock = clock
        self._activity = activity
        self.can_trade = can_trade
        self._balances_soon = balances_soon
        self.last_report: ReconcileReport | None = None
        self._last_rx_ms = clock.now_ms()
        self._resync_task: asyncio.Task[None] | None = None
        self._resync_again = False
        self._resync_announce = False
        self._resync_cutoff_ms = 0
        self._gap_since_ms: int | None = None  # last frame before the current outage
        self._gap_epoch = 0
        self._distrust_until = 0.0

    def heard_now(self) -> None:
        """Count from now as the last time the exchange was heard (at start)."""
        self._last_rx_ms = self._clock.now_ms()

    # ------------------------------------------------------------------ the private socket

    async def run(self) -> None:
        """Consume the spot socket until closed: fold orders and fills into the ledger and the
        journal, journal every state change, and after every LIVE (once the subscription is
        acknowledged) reconcile over REST in the background — quietly for the first
        connection, with Resynced + OrdersSnapshot after a reconnect."""
        await self._feed.sync_selection()
        due: float | None = None
        lives = 0
        async for event in self._spot.events():
            if isinstance(event, OrderUpdated):
                self._last_rx_ms = self._clock.now_ms()
                self._on_order(event.order)
            elif isinstance(event, FillsReceived):
                self._last_rx_ms = self._clock.now_ms()
                self._on_fills(event.fills, "stream")
            elif isinstance(event, TradesPrinted):
                self._last_rx_ms = self._clock.now_ms()
                self._feed.trades_printed(event)
            elif isinstance(event, FrameDropped):
                self._last_rx_ms = self._clock.now_ms()
                if _note_frame(self._drops, event) in ("notificationApiV3", "fills"):
                    self._distrust()  # a lost order or fill may hide a change
            elif isinstance(event, StreamStateChanged):
                self._notes.connection(
                    event.stream, event.state.value, reason=event.reason,
                    reconnects=event.reconnects,
                )  # fmt: skip
                self._sink(event)
                state = event.state
                self._feed.spot_state(state)
                if state in _ANSWERING and self.can_trade:
                    # a refused sign-in still reconciles: REST may show what the socket won't
                    lives += 1
                    due = time.monotonic() + ACK_WAIT_S
                elif state is not StreamState.LIVE:
                    self._gap_epoch += 1  # frames after the last one received may be lost
                    if self._gap_since_ms is None:
                        self._gap_since_ms = self._last_rx_ms
            else:
                if not (isinstance(event, StreamError) and event.code == CLIENT_ERROR):
                    self._last_rx_ms = self._clock.now_ms()
                if isinstance(event, SubscribeAck):
                    self._feed.spot_acked(event)
                self._sink(event)
            if due is None:
                continue
            acked = isinstance(event, SubscribeAck) and event.op == "subscribe"
            if acked or time.monotonic() >= due:
                due = None
                self._resync_cutoff_ms = self._clock.now_ms()  # later events come on this socket
                self._schedule_resync(announce=lives > 1 or self._spot.reconnects > 0)

    def _on_order(self, order: Order) -> None:
        """Fold one notification in: OrderChanged only when it changed the ledger (one that
        repeats what an ack already showed, or is older than what the ledger holds, is not
        reported again)."""
        self._notes.record(jr.NOTIFICATION, {"order": order})
        self._activity.touch(order.symbol)
        self._orders.fold([order], from_stream=True)

    def _distrust(self) -> None:
        """Something impossible arrived about the orders: reconcile over REST (at most once
        per `drops.every_s`, so a hostile stream cannot make it loop)."""
        now = time.monotonic()
        if now < self._distrust_until or not self.can_trade:
            return
        self._distrust_until = now + self._drops.every_s
        self._schedule_resync(announce=False)

    def _on_fills(self, fills: Iterable[Fill], source: str) -> list[Fill]:
        """Fold fills in; the new ones are journalled, emitted and returned. A fill bigger
        than its whole order cannot be true: it is ignored, said so, and orders refreshed."""
        new = []
        for fill in fills:
            reason = self.ledger.implausible_fill(fill)
            if reason is not None:
                self._drops.note("fill", reason, fill.order_id)
                self._distrust()
            elif self.ledger.apply_fill(fill):
                new.append(fill)
        for fill in new:
            self._activity.touch(fill.symbol)
            self._notes.record(jr.FILL, {"source": source, "fill": fill})
        if new:
            self._balances_soon()
            self._feed.fills_happened(new)
            self._sink(FillsReceived(tuple(new)))
        return new

    # ------------------------------------------------------------------ reconcile

    async def load_open_orders(self) -> bool:
        """At start: fold the exchange's open orders in (a vanished one is asked for its
        final state) and emit OrdersSnapshot; False when the call failed (reported)."""
        dropped: list[BadValue] = []
        try:
            rest_open = await self._rest.open_orders(dropped=dropped)
        except BtseError as exc:
            self._health.failed("open orders", exc)
            return False
        report = self.ledger.reconcile(rest_open, [])
        unreadable = {bad.subject for bad in dropped}  # still open, just not believable now
        for order_id in report.vanished:
            if order_id in unreadable:
                continue
            try:
                await self._settle_vanished(order_id)
            except BtseError as exc:
                self._health.failed("order", exc)
        self._sink(OrdersSnapshot(tuple(self.ledger.open_orders())))
        self._health.good("open orders")
        return True

    async def resync(self) -> ReconcileReport | None:
        """Reconcile now (also done automatically after every reconnect); None on failure."""
        self._resync_cutoff_ms = self._clock.now_ms()
        ok = await self._resync(announce=True)
        return self.last_report if ok else None

    def _schedule_resync(self, *, announce: bool) -> None:
        """Run a reconcile in the background (the socket's events keep flowing meanwhile);
        a reconnect during one runs another right after it."""
        self._resync_announce = self._resync_announce or announce
        task = self._resync_task
        if task is not None and not task.done():
            self._resync_again = True
            return
        self._resync_task = self._tasks.spawn(self._resync_loop(), "resync")

    async def _resync_loop(self) -> None:
        while True:
            self._resync_again = False
            if await self._resync(announce=self._resync_announce):
                self._resync_announce = False
                if not self._resync_again:
                    return
            else:
                await asyncio.sleep(RESYNC_RETRY_S)

    async def _resync(self, *, announce: bool) -> bool:
        """Fetch open orders and recent fills over REST and fold them in; False on failure.

        Only what the socket has not brought in the meantime counts as changed or recovered:
        REST rows apply unless the ledger already holds a later state of the order, and a fill
        counts as recovered only if it happened before the new subscription (later ones are
        folded in now but would have come on the socket anyway).
        """
        cutoff = self._resync_cutoff_ms
        epoch, gap = self._gap_epoch, self._gap_since_ms
        now = self._clock.now_ms()
        since = min(gap if gap is not None else self._last_rx_ms, now) - RESYNC_MARGIN_MS
        symbols = {o.symbol for o in self.ledger.open_orders()}
        symbols.update(p.request.symbol for p in self.ledger.pending.values())
        symbols.update(self._activity.since(since))
        dropped: list[BadValue] = []
        try:
            rest_open = await self._rest.open_orders(dropped=dropped)
            symbols.update(o.symbol for o in rest_open)
            fills: list[Fill] = []
            for symbol in sorted(symbols):
                fills.extend(await self._fills_since(symbol, since))
            changed = sum(1 for order in rest_open if self._apply_snapshot_row(order))
            # an unbelievable row is still an open order: not vanished, just not updated
            present = {order.order_id for order in rest_open} | {b.subject for b in dropped}
            vanished = tuple(oid for oid in self.ledger.orders if oid not in present)
            for order_id in vanished:
                changed += await self._settle_vanished(order_id)
        except BtseError as exc:
            self._health.failed("resync", exc)
            self._notes.connection("spot", "resync failed", error=str(exc))
            return False
        self._health.good("resync")
        if self._gap_epoch == epoch:  # no new outage meanwhile: the gap is covered
            self._gap_since_ms = None
        self._health.good("open orders")
        fills.sort(key=lambda f: (f.timestamp_ms, f.trade_id))
        new = self._on_fills(fills, "resync")
        recovered = sum(1 for fill in new if fill.timestamp_ms <= cutoff)
        report = ReconcileReport(changed, recovered, vanished)
        self.last_report = report
        self._notes.record(
            jr.RECONCILE,
            {"orders_changed": changed, "fills_recovered": recovered,
             "vanished": list(vanished), "open_orders": len(rest_open),
             "symbols": sorted(symbols), "text": report.describe()},
        )  # fmt: skip
        self._sink(OrdersSnapshot(tuple(self.ledger.open_orders())))
        if announce:
            self._sink(Resynced(report))
        self._orders.recheck_unknown()
        return True

    def _apply_snapshot_row(self, order: Order) -> bool:
        """Fold one open_orders row: it wins (e.g. an amended price) unless the ledger already
        holds a later state (more filled, or closed) that the socket delivered meanwhile."""
        known = self.ledger.orders.get(order.order_id) or self.ledger.closed.get(order.order_id)
        authoritative = known is None or known.total_filled <= order.total_filled
        return self.ledger.apply_order(order, authoritative=authoritative)

    async def _fills_since(self, symbol: str, since_ms: int) -> list[Fill]:
        """The account's fills in `symbol` from `since_ms` on, newest first, paged."""
        out: list[Fill] = []
        end: int | None = None
        for _ in range(FILLS_MAX_PAGES):
            batch = await self._rest.trade_history(
                symbol, start_ms=since_ms, end_ms=end, count=FILLS_PAGE
            )
            out.extend(batch)
            if len(batch) < FILLS_PAGE:
                break
            oldest = min(f.timestamp_ms for f in batch)
            if oldest <= since_ms or oldest == end:
                break
            end = oldest
        return out

    async def _settle_vanished(self, order_id: str) -> int:
        """An order we hold as open is no longer open on the exchange: ask for its final state."""
        known = self.ledger.orders.get(order_id)
        if known is None:
            return 0
        final = await self._rest.get_order(order_id=order_id)
        if final is not None:
            return 1 if self._apply_snapshot_row(final) else 0
        known = self.ledger.orders.get(order_id)
        if known is None:  # closed by the socket meanwhile
            return 0
        # Neither open nor known any more (closed > 30 min ago): say exactly that.
        log.info("order %s vanished without a trace", order_id)
        gone = replace(
            known,
            status=int(OrderStatus.ORDER_NOTFOUND),
            message="closed while disconnected; final state unknown",
        )
        self.ledger.orders.pop(order_id, None)
        self.ledger.closed[order_id] = gone
        return 1
