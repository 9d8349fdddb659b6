"""The session's sockets: fold private events into the ledger; reconcile after every reconnect."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import replace

from btse_tui import journal as jr
from btse_tui.client.session_base import Emit, SessionCore, log
from btse_tui.client.stream import CLIENT_ERROR
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
)
from btse_tui.protocol.ledger import ReconcileReport
from btse_tui.protocol.models import Fill, Order, OrderStatus
from btse_tui.protocol.session_events import OrdersSnapshot, Resynced

#: How long to wait, after LIVE, for the subscribe ack before reconciling anyway.
ACK_WAIT_S = 2.0
#: Fills are fetched from this long before the last frame the socket received before the
#: outage (latency between the exchange's clock and its frames, skew error).
RESYNC_MARGIN_MS = 5_000
#: A failed reconcile is tried again after this long (until it succeeds).
RESYNC_RETRY_S = 3.0
FILLS_PAGE = 500
FILLS_MAX_PAGES = 20
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


class SyncMixin(SessionCore):
    """run_spot / run_book, market selection and the reconcile after a reconnect."""

    # ------------------------------------------------------------------ selection

    def select_market(self, symbol: str) -> None:
        """Follow `symbol`: its order book (OSS) and its public trades (tradeHistoryApi)."""
        if symbol == self.selected:
            return
        self.selected = symbol
        self._touch(symbol)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # applied when start() / run_spot() / run_book() run
        self._spawn(self._sync_selection(), f"select-{symbol}")

    async def _sync_selection(self) -> None:
        async with self._selection_lock:
            wanted, current = self.selected, self._subscribed_symbol
            if wanted == current:
                return
            if current is not None:
                await self.books.remove(current)
                await self.spot.unsubscribe(ep.trades_topic(current))
            if wanted is not None:
                await self.books.add(wanted)
                await self.spot.subscribe(ep.trades_topic(wanted))
            self._subscribed_symbol = wanted

    def watch_quotes(self, symbols: Iterable[str]) -> None:
        """Keep live best bid/ask (OSS `snapshotL1`) for these markets — those on screen.

        At most MAX_QUOTE_TOPICS are followed (BTSE allows about 100 topics per socket);
        the rest keep the ticker refresh.
        """
        wanted = frozenset(list(dict.fromkeys(symbols))[:MAX_QUOTE_TOPICS])
        if wanted == self._quotes_wanted:
            return
        self._quotes_wanted = wanted
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        self._spawn(self._sync_quotes(), "watch-quotes")

    async def _sync_quotes(self) -> None:
        async with self._quotes_lock:
            wanted, current = self._quotes_wanted, self._quotes_subscribed
            gone = sorted(current - wanted)
            new = sorted(wanted - current)
            if gone:
                await self.books.stream.unsubscribe(*(ep.top_topic(s) for s in gone))
            if new:
                await self.books.stream.subscribe(*(ep.top_topic(s) for s in new))
            self._quotes_subscribed = wanted

    def _touch(self, symbol: str) -> None:
        """Remember activity in `symbol`: a resync fetches its fills."""
        self._activity[symbol] = self.now_ms()

    # ------------------------------------------------------------------ the private socket

    async def run_spot(self, emit: Emit) -> None:
        """Consume the spot socket until closed: fold orders and fills into the ledger and the
        journal, journal every state change, and after every LIVE (once the subscription is
        acknowledged) reconcile over REST in the background — quietly for the first
        connection, with Resynced + OrdersSnapshot after a reconnect."""
        emit = self._adopt(emit)
        await self._sync_selection()
        due: float | None = None
        lives = 0
        async for event in self.spot.events():
            kind = type(event)
            if kind is OrderUpdated:
                self._last_rx_ms = self.now_ms()
                self._on_order(event.order, emit)  # type: ignore[union-attr]
            elif kind is FillsReceived:
                self._last_rx_ms = self.now_ms()
                self._on_fills(event.fills, emit, "stream")  # type: ignore[union-attr]
            elif kind is FrameDropped:
                self._last_rx_ms = self.now_ms()
                self._frame_dropped(event, emit)  # type: ignore[arg-type]
            elif kind is StreamStateChanged:
                self._on_state(event, emit)  # type: ignore[arg-type]
                state = event.state  # type: ignore[union-attr]
                if state in _ANSWERING and self.can_trade:
                    # a refused sign-in still reconciles: REST may show what the socket won't
                    lives += 1
                    due = time.monotonic() + ACK_WAIT_S
                elif state is not StreamState.LIVE:
                    self._gap_epoch += 1  # frames after the last one received may be lost
                    if self._gap_since_ms is None:
                        self._gap_since_ms = self._last_rx_ms
            else:
                if not (kind is StreamError and event.code == CLIENT_ERROR):  # type: ignore[union-attr]
                    self._last_rx_ms = self.now_ms()
                emit(event)
            if due is None:
                continue
            acked = kind is SubscribeAck and event.op == "subscribe"  # type: ignore[union-attr]
            if acked or time.monotonic() >= due:
                due = None
                self._resync_cutoff_ms = self.now_ms()  # later events come on this socket
                self._schedule_resync(emit, announce=lives > 1 or self.spot.reconnects > 0)

    def _on_state(self, event: StreamStateChanged, emit: Emit) -> None:
        self._connection_note(
            event.stream, event.state.value, reason=event.reason, reconnects=event.reconnects
        )
        emit(event)

    def _on_order(self, order: Order, emit: Emit) -> None:
        """Fold one notification in. The UI gets the ledger's version of the order when the
        notification changed it or confirms what a REST reply already showed (an ack may beat
        its notification); a stale one (older than what the ledger holds) is not shown."""
        self._record(jr.NOTIFICATION, {"order": order})
        self._touch(order.symbol)
        changed = self.ledger.apply_order(order)
        current = self.ledger.orders.get(order.order_id) or self.ledger.closed.get(order.order_id)
        if current is None:
            return
        same = (current.status, current.total_filled) == (order.status, order.total_filled)
        if changed or same:
            emit(OrderUpdated(current))

    def _frame_dropped(self, event: FrameDropped, emit: Emit) -> None:
        """A frame held a value that cannot be true: it was left out. A lost order or fill
        notification may hide a change, so the orders are fetched again over REST."""
        kind = event.topic.partition(":")[0]
        what = _FRAME_KINDS.get(kind, "frame")
        self._note_dropped(what, event.reason, event.topic)
        if kind in ("notificationApiV3", "fills"):
            self._distrust(emit)

    def _distrust(self, emit: Emit) -> None:
        """Something impossible arrived about the orders: reconcile over REST (at most once
        per `drop_notice_every_s`, so a hostile stream cannot make it loop)."""
        now = time.monotonic()
        if now < self._distrust_until or not self.can_trade:
            return
        self._distrust_until = now + self.drop_notice_every_s
        self._schedule_resync(emit, announce=False)

    def _on_fills(
        self, fills: tuple[Fill, ...] | list[Fill], emit: Emit, source: str
    ) -> list[Fill]:
        """Fold fills in; the new ones are journalled, emitted and returned. A fill bigger
        than its whole order cannot be true: it is ignored, said so, and orders refreshed."""
        new = []
        for fill in fills:
            reason = self.ledger.implausible_fill(fill)
            if reason is not None:
                self._note_dropped("fill", reason, fill.order_id)
                self._distrust(emit)
            elif self.ledger.apply_fill(fill):
                new.append(fill)
        for fill in new:
            self._touch(fill.symbol)
            self._record(jr.FILL, {"source": source, "fill": fill})
        if new:
            self._balances_soon()
            emit(FillsReceived(tuple(new)))
        return new

    def _balances_soon(self) -> None:
        if self._balances_due is None:
            self._balances_due = time.monotonic() + 0.5
        self._wake.set()

    # ------------------------------------------------------------------ reconcile

    async def resync(self, emit: Emit | None = None) -> ReconcileReport | None:
        """Reconcile now (also done automatically after every reconnect); None on failure."""
        self._resync_cutoff_ms = self.now_ms()
        ok = await self._resync(self._adopt(emit), announce=True)
        return self._last_report if ok else None

    def _schedule_resync(self, emit: Emit, *, announce: bool) -> None:
        """Run a reconcile in the background (the socket's events keep flowing meanwhile);
        a reconnect during one runs another right after it."""
        self._resync_announce = self._resync_announce or announce
        task = self._resync_task
        if task is not None and not task.done():
            self._resync_again = True
            return
        self._resync_task = self._spawn(self._resync_loop(emit), "resync")

    async def _resync_loop(self, emit: Emit) -> None:
        while True:
            self._resync_again = False
            if await self._resync(emit, announce=self._resync_announce):
                self._resync_announce = False
                if not self._resync_again:
                    return
            else:
                await asyncio.sleep(RESYNC_RETRY_S)

    async def _resync(self, emit: Emit, *, announce: bool) -> bool:
        """Fetch open orders and recent fills over REST and fold them in; False on failure.

        Only what the socket has not brought in the meantime counts as changed or recovered:
        REST rows apply unless the ledger already holds a later state of the order, and a fill
        counts as recovered only if it happened before the new subscription (later ones are
        folded in now but would have come on the socket anyway).
        """
        cutoff = self._resync_cutoff_ms
        epoch, gap = self._gap_epoch, self._gap_since_ms
        since = min(gap if gap is not None else self._last_rx_ms, self.now_ms()) - RESYNC_MARGIN_MS
        symbols = {o.symbol for o in self.ledger.open_orders()}
        symbols.update(p.request.symbol for p in self.ledger.pending.values())
        symbols.update(s for s, at in self._activity.items() if at >= since)
        dropped: list[BadValue] = []
        try:
            rest_open = await self.rest.open_orders(dropped=dropped)
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
            self._rest_failed(emit, "resync", exc)
            self._connection_note("spot", "resync failed", error=str(exc))
            return False
        self._rest_good(emit, "resync")
        if self._gap_epoch == epoch:  # no new outage meanwhile: the gap is covered
            self._gap_since_ms = None
        self._rest_good(emit, "open orders")
        fills.sort(key=lambda f: (f.timestamp_ms, f.trade_id))
        new = self._on_fills(fills, emit, "resync")
        recovered = sum(1 for fill in new if fill.timestamp_ms <= cutoff)
        report = ReconcileReport(changed, recovered, vanished)
        self._last_report = report
        self._record(
            jr.RECONCILE,
            {"orders_changed": changed, "fills_recovered": recovered,
             "vanished": list(vanished), "open_orders": len(rest_open),
             "symbols": sorted(symbols), "text": report.describe()},
        )  # fmt: skip
        emit(OrdersSnapshot(tuple(self.ledger.open_orders())))
        if announce:
            emit(Resynced(report))
        self.recheck_unknown()  # type: ignore[attr-defined]
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
            batch = await self.rest.trade_history(
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
        final = await self.rest.get_order(order_id=order_id)
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

    # ------------------------------------------------------------------ the book socket

    async def run_book(self, emit: Emit) -> None:
        """Consume the OSS socket of the selected market: BookUpdated / BookResync and state
        changes (journalled) go to `emit`."""
        emit = self._adopt(emit)
        await self._sync_selection()
        async for event in self.books.events():
            kind = type(event)
            if kind is StreamStateChanged:
                self._on_state(event, emit)  # type: ignore[arg-type]
                continue
            if kind is FrameDropped:
                self._frame_dropped(event, emit)  # type: ignore[arg-type]
                continue
            if kind is BookResync:
                self._connection_note(
                    "oss",
                    "book resync",
                    symbol=event.symbol,  # type: ignore[union-attr]
                    reason=event.reason,  # type: ignore[union-attr]
                )
            emit(event)
