"""The limiter never lets more than the documented rate out, and holds everything during a 429."""

from __future__ import annotations

from btse_tui.client.limiter import ORDERS, QUERY, Limit, RateLimiter


class FakeTime:
    """A clock that only moves when the limiter sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


async def test_sliding_window_keeps_under_the_limit() -> None:
    t = FakeTime()
    limiter = RateLimiter({QUERY: Limit(5, 1.0)}, clock=t.clock, sleep=t.sleep)
    stamps = []
    for _ in range(23):
        await limiter.acquire(QUERY)
        stamps.append(t.now)
    for i in range(len(stamps)):
        in_window = [s for s in stamps if stamps[i] <= s < stamps[i] + 1.0]
        assert len(in_window) <= 5
    assert stamps[-1] - stamps[0] >= 4.0  # 23 requests at 5/s need at least 4 s


async def test_a_429_block_holds_every_bucket_until_it_ends() -> None:
    t = FakeTime()
    limiter = RateLimiter({QUERY: Limit(100, 1.0), ORDERS: Limit(100, 1.0)}, t.clock, t.sleep)
    limiter.block(7.5)
    assert limiter.block_remaining() == 7.5
    start = t.now
    await limiter.acquire(ORDERS)
    assert t.now - start >= 7.5
    await limiter.acquire(QUERY)
    assert limiter.block_remaining() == 0
    assert limiter.blocks == 1
