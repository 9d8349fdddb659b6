"""Order books kept live from the OSS socket: one OrderBook per symbol, resynced on gap or cross."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from btse_tui.client.stream import Stream
from btse_tui.protocol.endpoints import book_topic, split_topic
from btse_tui.protocol.events import (
    BookDelta,
    BookResync,
    BookSnapshot,
    BookStreamEvent,
    BookTopLevels,
    BookUpdated,
    StreamState,
    StreamStateChanged,
)
from btse_tui.protocol.orderbook import BOOK_WINDOW, BookResult, OrderBook

log = logging.getLogger(__name__)
_CHECK_EVERY_S = 1.0


@dataclass(slots=True)
class _Entry:
    topic: str
    book: OrderBook
    depth: int
    resync_since: float | None = None  # waiting for a fresh snapshot since (clock)
    top: BookTopLevels = ((), ())
    top_version: int = -1  # the book's update count `top` was built at

    def best(self) -> BookTopLevels:
        """The book's best `depth` levels, built at most once per update of the book."""
        book = self.book
        if self.top_version != book.version:
            bids, asks = book.top(self.depth)
            self.top, self.top_version = (tuple(bids), tuple(asks)), book.version
        return self.top


class BookStream:
    """Keeps an OrderBook per subscribed symbol on top of an OSS `Stream`.

    `async for event in books.events()` yields BookUpdated(symbol, seq) after every applied
    snapshot/delta (its top `depth` levels are built when read, at most once per change of
    the book) and BookResync(symbol, reason) whenever a book had to be discarded (sequence
    gap, crossed book, delta before snapshot, or no snapshot within `snapshot_timeout`) — its
    topic is then unsubscribed and subscribed again for a fresh
    snapshot. Every other stream event (state changes, pongs, errors, BookTop) passes through.
    Raw BookSnapshot/BookDelta events are consumed, not forwarded.
    """

    def __init__(
        self,
        stream: Stream,
        *,
        depth: int = BOOK_WINDOW,
        max_levels: int = BOOK_WINDOW,
        grouping: int = 0,
        snapshot_timeout: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.depth = depth
        self.max_levels = max_levels
        self.grouping = grouping
        self.snapshot_timeout = snapshot_timeout
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._last_check = clock()
        for topic in stream.topics:
            kind, symbol = split_topic(topic)
            if kind == "update" and symbol:
                self._track(symbol, topic)

    @classmethod
    def open(
        cls,
        url: str,
        symbols: Iterable[str] = (),
        *,
        depth: int = BOOK_WINDOW,
        max_levels: int = BOOK_WINDOW,
        grouping: int = 0,
        snapshot_timeout: float = 10.0,
        **stream_options: Any,
    ) -> BookStream:
        """A BookStream over a new Stream named "oss" (options as for `Stream`)."""
        stream_options.setdefault("name", "oss")
        topics = [book_topic(s, grouping) for s in symbols]
        stream = Stream(url, topics=topics, **stream_options)
        return cls(
            stream,
            depth=depth,
            max_levels=max_levels,
            grouping=grouping,
            snapshot_timeout=snapshot_timeout,
        )

    # ------------------------------------------------------------------ public API

    @property
    def symbols(self) -> tuple[str, ...]:
        """Symbols whose books are kept."""
        return tuple(self._entries)

    def book(self, symbol: str) -> OrderBook | None:
        """The live OrderBook of `symbol` (read-only use, please), or None if not subscribed."""
        entry = self._entries.get(symbol)
        return entry.book if entry else None

    async def add(self, symbol: str) -> None:
        """Start keeping `symbol`'s book (subscribes its `update:` topic)."""
        if symbol in self._entries:
            return
        topic = book_topic(symbol, self.grouping)
        self._track(symbol, topic)
        await self.stream.subscribe(topic)

    async def remove(self, symbol: str) -> None:
        """Stop keeping `symbol`'s book (unsubscribes)."""
        entry = self._entries.pop(symbol, None)
        if entry is not None:
            await self.stream.unsubscribe(entry.topic)

    async def events(self) -> AsyncIterator[BookStreamEvent]:
        """Book updates, resyncs and the underlying stream's other events, until closed."""
        async for event in self.stream.events():
            if isinstance(event, BookSnapshot | BookDelta):
                out = await self._apply(event)
                if out is not None:
                    yield out
            else:
                if isinstance(event, StreamStateChanged):
                    self._on_state(event.state)
                yield event
            now = self._clock()
            if now - self._last_check >= _CHECK_EVERY_S:
                self._last_check = now
                for resync in await self._check_timeouts(now):
                    yield resync

    async def close(self) -> None:
        """Close the underlying stream."""
        await self.stream.close()

    # ------------------------------------------------------------------ internals

    def _track(self, symbol: str, topic: str) -> None:
        book = OrderBook(symbol, self.max_levels)
        self._entries[symbol] = _Entry(topic, book, self.depth, self._clock())

    async def _apply(self, event: BookSnapshot | BookDelta) -> BookStreamEvent | None:
        entry = self._entries.get(event.symbol)
        if entry is None:
            log.debug("book event for untracked symbol %s ignored", event.symbol)
            return None
        result = entry.book.apply(event)
        if result is BookResult.OK:
            entry.resync_since = None
            return BookUpdated(
                event.symbol, seq=event.seq, timestamp_ms=event.timestamp_ms, source=entry.best
            )
        if result is BookResult.NO_SNAPSHOT and entry.resync_since is not None:
            return None  # already waiting for the snapshot we asked for
        return await self._resync(event.symbol, entry, result.value)

    async def _resync(self, symbol: str, entry: _Entry, reason: str) -> BookResync:
        entry.book.clear()
        entry.resync_since = self._clock()
        await self.stream.resubscribe(entry.topic)
        return BookResync(symbol, reason, entry.topic)

    def _on_state(self, state: StreamState) -> None:
        now = self._clock()
        for entry in self._entries.values():
            if state is StreamState.CONNECTING:
                # The new connection subscribes afresh: every book restarts from a snapshot.
                entry.book.clear()
                entry.resync_since = now
            elif state is StreamState.LIVE and entry.resync_since is not None:
                entry.resync_since = now  # the snapshot timeout counts from the subscribe

    async def _check_timeouts(self, now: float) -> list[BookResync]:
        if not self.stream.connected:
            return []
        out = []
        for symbol, entry in list(self._entries.items()):
            since = entry.resync_since
            if since is not None and now - since > self.snapshot_timeout:
                out.append(await self._resync(symbol, entry, "timeout"))
        return out
