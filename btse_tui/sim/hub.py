"""Fan-out of engine events to WebSocket connections: private topics, trades, OSS book feeds."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Protocol

from btse_tui.sim import wire
from btse_tui.sim.engine.book import group_levels
from btse_tui.sim.engine.records import (
    BookChanged,
    FillHappened,
    OrderChanged,
    TradePrinted,
)
from btse_tui.sim.faults import Faults

#: OSS window: levels per side in a snapshot and kept up to date by deltas (btse-api.md §6.2).
BOOK_WINDOW = 50
#: frames a slow socket may have queued before it is closed (BTSE error 1007).
MAX_QUEUED = 20_000
#: recent public trades sent as the first frame after a tradeHistoryApi subscription.
TRADE_BATCH = 20

_CLOSE = object()


class SocketLike(Protocol):
    """The part of starlette's WebSocket a connection needs."""

    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


class Conn:
    """One socket: subscribed topics, login state and an ordered outbound queue.

    Frames are queued synchronously (so fan-out never awaits) and written by `writer()`.  Every
    queued frame remembers the subscription generation of its topic, so frames still queued for
    a topic the client has since unsubscribed (or re-subscribed) are dropped.
    """

    _gen = itertools.count(1)

    def __init__(self, ws: SocketLike, hub: Hub, kind: str) -> None:
        self.ws = ws
        self.hub = hub
        self.kind = kind  # "spot" | "oss"
        self.topics: dict[str, int] = {}
        self.api_key: str | None = None
        self.last_seen = time.monotonic()
        self.closed = False
        self.queue: asyncio.Queue[Any] = asyncio.Queue()

    def subscribe(self, topic: str) -> None:
        self.topics[topic] = next(self._gen)

    def unsubscribe(self, topic: str) -> None:
        self.topics.pop(topic, None)

    def send(self, text: str, topic: str | None = None) -> None:
        """Queue one text frame (dropped while the `stall` fault is on)."""
        if self.closed or self.hub.faults.stall:
            return
        if self.queue.qsize() >= MAX_QUEUED:
            self.queue.put_nowait((wire.error_frame(1007), None, 0))
            self.close(1008, "message buffer full")
            return
        gen = self.topics.get(topic, 0) if topic is not None else 0
        self.queue.put_nowait((text, topic, gen))

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Close after the frames already queued (idempotent)."""
        if self.closed:
            return
        self.closed = True
        self.queue.put_nowait((_CLOSE, code, reason))

    async def writer(self) -> None:
        """Write queued frames in order until closed."""
        queue = self.queue
        while True:
            text, topic, gen = await queue.get()
            if text is _CLOSE:
                with contextlib.suppress(Exception):
                    await self.ws.close(code=topic, reason=gen or None)
                return
            if topic is not None and self.topics.get(topic) != gen:
                continue
            if self.hub.faults.stall:
                continue
            try:
                await self.ws.send_text(text)
            except Exception:
                self.closed = True
                return


class BookFeed:
    """One `update:SYMBOL_GROUPING` topic: the last window sent and its sequence number."""

    def __init__(
        self,
        topic: str,
        symbol: str,
        grouping: int,
        step: Decimal,
        seq: int,
        text: wire.LevelText,
    ) -> None:
        self.topic = topic
        self.text = text  # the market's fixed decimals for level strings
        self.symbol = symbol
        self.grouping = grouping
        self.step = step  # price bucket for grouping > 0
        self.seq = seq
        self.subs: set[Conn] = set()
        self.bids: dict[Decimal, Decimal] = {}
        self.asks: dict[Decimal, Decimal] = {}
        self.primed = False

    def window(self, engine: Any) -> tuple[dict[Decimal, Decimal], dict[Decimal, Decimal]]:
        """The best BOOK_WINDOW levels per side, grouped when grouping > 0."""
        if self.grouping == 0:
            bids, asks = engine.book_levels(self.symbol, BOOK_WINDOW)
            return dict(bids), dict(asks)
        bids, asks = engine.book_levels(self.symbol, BOOK_WINDOW * 10**self.grouping)
        return (
            group_levels(bids, self.step, ROUND_FLOOR, BOOK_WINDOW),
            group_levels(asks, self.step, ROUND_CEILING, BOOK_WINDOW),
        )

    def refresh(self, engine: Any, faults: Faults, now_ms: int) -> str | None:
        """Diff the engine's window against what was sent; return a delta frame or None."""
        bids, asks = self.window(engine)
        d_bids = _diff(self.bids, bids, self.text)
        d_asks = _diff(self.asks, asks, self.text)
        self.bids, self.asks = bids, asks
        if faults.crossed_delta and asks:
            best_ask = min(asks)
            bids[best_ask] = asks[best_ask]
            d_bids.append(self.text.level(best_ask, asks[best_ask]))
        if not d_bids and not d_asks:
            return None
        if faults.skip_seq:
            self.seq += 1  # the message that "got lost"
        prev = self.seq
        self.seq += 1
        return wire.book_frame(
            self.topic, self.symbol, "delta", d_bids, d_asks, self.seq, prev, now_ms
        )

    def snapshot(self, now_ms: int) -> str:
        """A snapshot frame of the current window at the current sequence number.

        As BTSE sends it: bids best first, asks worst first (the best ask is the last one).
        """
        bids = sorted(self.bids.items(), reverse=True)
        asks = sorted(self.asks.items(), reverse=True)
        return wire.book_frame(
            self.topic,
            self.symbol,
            "snapshot",
            self.text.levels(bids),
            self.text.levels(asks),
            self.seq,
            self.seq - 1,
            now_ms,
        )


def _diff(
    old: dict[Decimal, Decimal], new: dict[Decimal, Decimal], text: wire.LevelText
) -> list[list[str]]:
    level = text.level
    changes = [level(p, s) for p, s in new.items() if old.get(p) != s]
    changes.extend(level(p, Decimal(0)) for p in old if p not in new)
    return changes


class Hub:
    """Collects engine events (synchronously) and fans them out after each engine call.

    Every engine mutation must be followed by `flush()` before the loop yields; the listener
    also schedules one with `call_soon`, so REST handlers need not remember.
    """

    def __init__(
        self,
        engine: Any,
        faults: Faults,
        *,
        notification_style: str = "captured",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.faults = faults
        self.notification_style = notification_style
        self.clock = clock
        self.conns: set[Conn] = set()
        self.private: dict[str, set[Conn]] = {}
        self.trade_subs: dict[str, set[Conn]] = {}
        self.feeds: dict[str, BookFeed] = {}
        self.feeds_by_symbol: dict[str, list[BookFeed]] = {}
        self.l1_subs: dict[str, set[Conn]] = {}
        self.l1_last: dict[str, tuple] = {}
        self._last_seq: dict[str, int] = {}
        self._pending: list[Any] = []
        self._scheduled = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._unsubscribe = engine.subscribe(self._on_event)

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    def close(self) -> None:
        """Detach from the engine."""
        self._unsubscribe()

    # ------------------------------------------------------------------ events

    def _on_event(self, event: Any) -> None:
        if not self.conns:
            return  # nobody could receive it (and no loop may be running yet)
        self._pending.append(event)
        if not self._scheduled:
            self._scheduled = True
            if self._loop is None:
                try:
                    self._loop = asyncio.get_running_loop()
                except RuntimeError:
                    self._scheduled = False
                    return
            self._loop.call_soon(self.flush)

    def flush(self) -> None:
        """Deliver every pending event, in causal order, to the sockets that want it."""
        self._scheduled = False
        pending = self._pending
        if not pending:
            return
        self._pending = []
        trades: dict[str, list[dict]] = {}
        touched: set[str] = set()
        private = self.private
        for ev in pending:
            cls = type(ev)
            if cls is BookChanged:
                touched.add(ev.symbol)
            elif cls is TradePrinted:
                if ev.trade.symbol in self.trade_subs:
                    trades.setdefault(ev.trade.symbol, []).append(wire.public_trade(ev.trade))
            elif cls is OrderChanged:
                conns = private.get(ev.api_key)
                if conns:
                    self._send_private(conns, "notificationApiV3", ev.record)
            elif cls is FillHappened:
                conns = private.get(ev.api_key)
                if conns:
                    self._send_private(conns, "fills", ev.fill)
        for symbol, rows in trades.items():
            topic = f"tradeHistoryApi:{symbol}"
            text = wire.dumps({"topic": topic, "data": rows})
            for conn in self.trade_subs[symbol]:
                conn.send(text, topic)
        if touched:
            now = self.now_ms()
            for symbol in touched:
                self._refresh_symbol(symbol, now)

    def _send_private(self, conns: set[Conn], topic: str, item: Any) -> None:
        text = None
        for conn in conns:
            if topic in conn.topics:
                if text is None:
                    if topic == "fills":
                        text = wire.dumps({"topic": "fills", "data": [wire.fill_item(item)]})
                    else:
                        text = wire.dumps(wire.notification(item, self.notification_style))
                conn.send(text, topic)

    def _refresh_symbol(self, symbol: str, now: int) -> None:
        for feed in self.feeds_by_symbol.get(symbol, ()):
            if feed.primed:
                frame = feed.refresh(self.engine, self.faults, now)
                if frame is not None:
                    for conn in feed.subs:
                        conn.send(frame, feed.topic)
        subs = self.l1_subs.get(symbol)
        if subs:
            frame = self._l1_frame(symbol, now)
            if frame is not None:
                for conn in subs:
                    conn.send(frame, f"snapshotL1:{symbol}")

    def _l1_frame(self, symbol: str, now: int, force: bool = False) -> str | None:
        bids, asks = self.engine.book_levels(symbol, 1)
        top = (tuple(bids), tuple(asks))
        if not force and self.l1_last.get(symbol) == top:
            return None
        self.l1_last[symbol] = top
        return wire.l1_frame(symbol, wire.string_levels(bids), wire.string_levels(asks), now)

    # ------------------------------------------------------------------ connections

    def add(self, conn: Conn) -> None:
        self.conns.add(conn)

    def remove(self, conn: Conn) -> None:
        """Forget a connection and all its subscriptions."""
        conn.closed = True
        self.conns.discard(conn)
        for topic in list(conn.topics):
            self.unsubscribe(conn, topic)
        self.logout(conn)

    def login(self, conn: Conn, api_key: str) -> None:
        self.logout(conn)
        conn.api_key = api_key
        self.private.setdefault(api_key, set()).add(conn)

    def logout(self, conn: Conn) -> None:
        if conn.api_key is not None:
            conns = self.private.get(conn.api_key)
            if conns is not None:
                conns.discard(conn)
                if not conns:
                    del self.private[conn.api_key]
            conn.api_key = None

    def subscribe_trades(self, conn: Conn, symbol: str) -> None:
        """Subscribe to `tradeHistoryApi:SYMBOL`; queue a batch of recent trades first."""
        topic = f"tradeHistoryApi:{symbol}"
        conn.subscribe(topic)
        self.trade_subs.setdefault(symbol, set()).add(conn)
        recent = self.engine.recent_trades(symbol, TRADE_BATCH)
        if recent:
            rows = [wire.public_trade(t) for t in recent]
            conn.send(wire.dumps({"topic": topic, "data": rows}), topic)

    def subscribe_book(self, conn: Conn, topic: str, symbol: str, grouping: int) -> None:
        """Subscribe to an `update:` topic and queue its snapshot."""
        self.flush()
        conn.subscribe(topic)
        feed = self.feeds.get(topic)
        now = self.now_ms()
        if feed is None:
            spec = self.engine.markets[symbol]
            step = spec.tick * (Decimal(10) ** grouping)
            seq = self._last_seq.get(topic, 0) + 1
            text = wire.LevelText(spec.price_precision, spec.size_precision)
            feed = BookFeed(topic, symbol, grouping, step, seq, text)
            feed.bids, feed.asks = feed.window(self.engine)
            feed.primed = True
            self.feeds[topic] = feed
            self.feeds_by_symbol.setdefault(symbol, []).append(feed)
        feed.subs.add(conn)
        conn.send(feed.snapshot(now), topic)

    def subscribe_l1(self, conn: Conn, symbol: str) -> None:
        """Subscribe to `snapshotL1:SYMBOL` and queue the current top of book."""
        self.flush()
        topic = f"snapshotL1:{symbol}"
        conn.subscribe(topic)
        self.l1_subs.setdefault(symbol, set()).add(conn)
        frame = self._l1_frame(symbol, self.now_ms(), force=True)
        if frame is not None:
            conn.send(frame, topic)

    def unsubscribe(self, conn: Conn, topic: str) -> None:
        """Drop one topic of a connection (no-op if it was not subscribed)."""
        if topic not in conn.topics:
            return
        conn.unsubscribe(topic)
        if topic.startswith("tradeHistoryApi:"):
            _discard(self.trade_subs, topic.split(":", 1)[1], conn)
        elif topic.startswith("snapshotL1:"):
            symbol = topic.split(":", 1)[1]
            _discard(self.l1_subs, symbol, conn)
            if symbol not in self.l1_subs:
                self.l1_last.pop(symbol, None)
        elif topic in self.feeds:
            feed = self.feeds[topic]
            feed.subs.discard(conn)
            if not feed.subs:
                self._last_seq[topic] = feed.seq
                del self.feeds[topic]
                feeds = self.feeds_by_symbol[feed.symbol]
                feeds.remove(feed)
                if not feeds:
                    del self.feeds_by_symbol[feed.symbol]

    def book_seq(self, topic: str) -> int | None:
        """The seqNum of the last frame of an `update:` topic (after a flush), or None."""
        self.flush()
        feed = self.feeds.get(topic)
        return feed.seq if feed is not None else None

    def drop_all(self, code: int = 1001, reason: str = "dropped") -> None:
        """Close every socket (the `drop_sockets` fault, shutdown)."""
        for conn in list(self.conns):
            conn.close(code, reason)

    def close_idle(self, idle_s: float) -> None:
        """Close sockets that sent nothing (no ping) for `idle_s` seconds."""
        if self.faults.stall:
            return
        limit = time.monotonic() - idle_s
        for conn in list(self.conns):
            if conn.last_seen < limit:
                conn.close(1000, "idle timeout")


def _discard(index: dict[str, set[Conn]], key: str, conn: Conn) -> None:
    conns = index.get(key)
    if conns is not None:
        conns.discard(conn)
        if not conns:
            del index[key]
