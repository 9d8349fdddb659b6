"""The bounded backlog between a socket's reader and its consumer: market data coalesces per
topic, order events and fills wait in order and are never dropped."""

from __future__ import annotations

import asyncio
from collections import deque

from btse_tui.protocol.coalesce import Pending, coalescing_key
from btse_tui.protocol.events import StreamEvent


class _Slot:
    """A topic's place in the backlog: its first waiting event, and the Pending that folds in
    the ones after it (made only when a second one comes before the consumer takes it)."""

    __slots__ = ("first", "key", "pending")

    def __init__(self, key: str, first: StreamEvent) -> None:
        self.key = key
        self.first = first
        self.pending: Pending | None = None


class EventBacklog:
    """Events waiting for the consumer, in arrival order, held to a bounded size.

    An event of a topic that still has one waiting (a book delta, a best bid/ask, public
    trades, a pong) is folded into it: a consumer that falls behind gets the latest state, and
    memory holds at most one event per topic. Every other event is kept (never dropped): when
    `limit` of them wait, `full` turns true and the reader waits in `room()` until the consumer
    has taken half, so the socket itself pushes back. `new_connection()` starts new slots, so
    nothing folds across a reconnect. `peak` is the largest number of waiting events seen.
    """

    def __init__(self, limit: int) -> None:
        if limit < 2:
            raise ValueError("EventBacklog needs a limit of at least 2")
        self.limit = limit
        self.peak = 0
        self._items: deque[StreamEvent | _Slot] = deque()
        self._slots: dict[str, _Slot] = {}
        self._kept = 0  # events waiting that never fold
        self._finished = False
        self._reader: asyncio.Future[None] | None = None  # the consumer waiting for an event
        self._writer: asyncio.Future[None] | None = None  # the producer waiting for room

    def __len__(self) -> int:
        return len(self._items)

    @property
    def full(self) -> bool:
        """True when `limit` events that never fold are waiting: the producer should pause."""
        return self._kept >= self.limit

    @property
    def finished(self) -> bool:
        """True once `finish()` was called (events still waiting are delivered first)."""
        return self._finished

    def put(self, event: StreamEvent) -> None:
        """Add `event` (folded into its topic's waiting event, if any); never blocks."""
        key = coalescing_key(event)
        if key is None:
            self._items.append(event)
            self._kept += 1
        else:
            slot = self._slots.get(key)
            if slot is not None:  # a second event of the topic: fold from here on
                pending = slot.pending
                if pending is None:
                    pending = slot.pending = Pending(slot.first)
                pending.add(event)
                return
            slot = self._slots[key] = _Slot(key, event)  # most often taken before another comes
            self._items.append(slot)
        size = len(self._items)
        if size > self.peak:
            self.peak = size
        waiter = self._reader
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def take(self) -> StreamEvent | None:
        """The oldest waiting event, or None when none waits."""
        items = self._items
        if not items:
            return None
        item = items.popleft()
        if isinstance(item, _Slot):
            if self._slots.get(item.key) is item:
                del self._slots[item.key]
            return item.first if item.pending is None else item.pending.event()
        self._kept -= 1
        waiter = self._writer
        if waiter is not None and self._kept <= self.limit // 2 and not waiter.done():
            waiter.set_result(None)
        return item

    async def wait(self) -> None:
        """Until an event waits or the backlog is finished."""
        if self._items or self._finished:
            return
        self._reader = asyncio.get_running_loop().create_future()
        try:
            await self._reader
        finally:
            self._reader = None

    async def room(self) -> None:
        """Until at most half of `limit` events that never fold are waiting."""
        while self._kept > self.limit // 2:
            self._writer = asyncio.get_running_loop().create_future()
            try:
                await self._writer
            finally:
                self._writer = None

    def new_connection(self) -> None:
        """Events from here on never fold into ones of the previous connection."""
        self._slots.clear()

    def finish(self) -> None:
        """No more events will come; a waiting consumer wakes up."""
        self._finished = True
        waiter = self._reader
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
