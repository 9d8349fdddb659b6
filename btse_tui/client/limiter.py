"""Client-side rate limiter: stays under BTSE's documented limits and honours 429 blocks."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

# Bucket names.
QUERY = "query"
ORDERS = "orders"
MARKETS = "markets"
WALLET = "wallet"


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `count` requests in any `period` seconds."""

    count: int
    period: float


#: BTSE's per-key limits (btse-api.md §7.4), with a small safety margin.
DEFAULT_LIMITS: dict[str, Limit] = {
    QUERY: Limit(13, 1.0),
    ORDERS: Limit(70, 1.0),
    MARKETS: Limit(45, 2.0),
    WALLET: Limit(4, 1.0),
}


class RateLimiter:
    """Sliding-window limits per bucket, plus a global block after a 429.

    `acquire(bucket)` waits until a request may go out. While blocked (after `block()`), nothing
    is released — the client never sends what it was told not to.
    """

    def __init__(
        self,
        limits: dict[str, Limit] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = dict(DEFAULT_LIMITS if limits is None else limits)
        self._clock = clock
        self._sleep = sleep
        self._sent: dict[str, deque[float]] = {name: deque() for name in self.limits}
        self.blocked_until = 0.0
        self.blocks = 0

    def block(self, seconds: float) -> None:
        """Hold every request for `seconds` (a 429's Retry-After)."""
        self.blocked_until = max(self.blocked_until, self._clock() + max(0.0, seconds))
        self.blocks += 1

    def block_remaining(self) -> float:
        """Seconds left in the current 429 block (0 when free)."""
        return max(0.0, self.blocked_until - self._clock())

    def delay_for(self, bucket: str) -> float:
        """Seconds until a request in `bucket` may go out (0 = now)."""
        wait = self.block_remaining()
        limit = self.limits.get(bucket)
        if limit is None:
            return wait
        sent = self._sent[bucket]
        now = self._clock()
        while sent and now - sent[0] >= limit.period:
            sent.popleft()
        if len(sent) >= limit.count:
            wait = max(wait, sent[0] + limit.period - now)
        return wait

    async def acquire(self, bucket: str) -> None:
        """Wait for a slot in `bucket` (and for any 429 block to end), then take it."""
        while (wait := self.delay_for(bucket)) > 0:
            await self._sleep(wait)
        if bucket in self._sent:
            self._sent[bucket].append(self._clock())
