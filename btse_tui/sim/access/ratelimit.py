"""BTSE rate limits (btse-api.md §7.4): sliding windows per bucket, escalating block ladder."""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass, field

#: bucket → (requests, window seconds), as published.
DEFAULT_LIMITS: dict[str, tuple[int, float]] = {
    "query": (15, 1.0),  # per API key (or per IP for public spot endpoints)
    "order": (75, 1.0),  # create / amend / cancel / cancelAllAfter, per API key
    "wallet": (5, 1.0),  # per user
    "markets": (50, 2.0),  # the whole Markets API, per IP
}


@dataclass
class RateLimitConfig:
    """Limits per bucket; `ladder` = block lengths in seconds on the 1st, 2nd, 3rd+ breach."""

    enabled: bool = False
    limits: dict[str, tuple[int, float]] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    ladder: tuple[float, ...] = (1.0, 300.0, 900.0)
    reset_after_s: float = 3600.0


@dataclass
class _State:
    hits: deque[float] = field(default_factory=deque)
    blocked_until: float = 0.0
    level: int = 0
    last_breach: float = 0.0


class RateLimiter:
    """Counts requests per (bucket, identity); `check` returns Retry-After seconds or None."""

    def __init__(self, config: RateLimitConfig | None = None) -> None:
        self.config = config or RateLimitConfig()
        self._states: dict[tuple[str, str], _State] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        """Forget every counter and block."""
        with self._lock:
            self._states.clear()

    def check(self, bucket: str, identity: str, now: float) -> int | None:
        """Record one request; None if allowed, else whole seconds until the block lifts."""
        cfg = self.config
        if not cfg.enabled or bucket not in cfg.limits:
            return None
        limit, window = cfg.limits[bucket]
        with self._lock:
            st = self._states.setdefault((bucket, identity), _State())
            if now < st.blocked_until:
                return max(1, math.ceil(st.blocked_until - now))
            if st.level and (
                now - st.last_breach >= cfg.reset_after_s
                or (st.level >= len(cfg.ladder) and now >= st.blocked_until)
            ):
                st.level = 0
            hits = st.hits
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= limit:
                block = cfg.ladder[min(st.level, len(cfg.ladder) - 1)]
                st.level += 1
                st.last_breach = now
                st.blocked_until = now + block
                hits.clear()
                return max(1, math.ceil(block))
            hits.append(now)
            return None
