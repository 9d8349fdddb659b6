"""Records the embedded exchange's real WebSocket frames (OSS deltas, trades, notifications)."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from btse_tui.sim.context import SimConfig
from btse_tui.sim.hub import Conn
from btse_tui.sim.server import SimState

#: markets whose books and trades are recorded (the flow favours the majors).
DEFAULT_SYMBOLS = ("BTC-USDT", "ETH-USDT", "SOL-USDT", "XRP-USDT", "BTC-USD", "ETH-USD")


class _NullSocket:
    async def send_text(self, data: str) -> None:  # pragma: no cover - never awaited
        return None

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        return None


class _Recorder(Conn):
    """A hub connection that appends every frame to a list instead of writing a socket."""

    def __init__(self, state: SimState, sink: list[str]) -> None:
        super().__init__(_NullSocket(), state.hub, "bench")
        self.sink = sink

    def send(self, text: str, topic: str | None = None) -> None:
        self.sink.append(text)


@dataclass
class Feed:
    """Recorded frames: `frames` in wire order, plus one symbol's book topic for benchmark 2."""

    frames: list[str]
    book_frames: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def kinds(self) -> dict[str, int]:
        """Frame count per topic prefix (update / tradeHistoryApi / notificationApiV3 / …)."""
        out: dict[str, int] = {}
        for text in self.frames:
            head = text[10:50].split('"', 1)[0].partition(":")[0]
            out[head] = out.get(head, 0) + 1
        return out


def record(
    n_frames: int,
    *,
    seed: int = 7,
    symbols: tuple[str, ...] = DEFAULT_SYMBOLS,
    notify_every: int = 25,
    book_symbol: str = "BTC-USDT",
    min_book_deltas: int = 0,
) -> Feed:
    """Run the simulator's seeded flow without a server and capture `n_frames` frames.

    Subscribes `update:<sym>_0` and `tradeHistoryApi:<sym>` for `symbols`, and the demo
    account's `notificationApiV3` + `fills`; every `notify_every` flow steps the demo account
    places or cancels a resting LIMIT order (notifications), sometimes a marketable IOC (fills).
    Frames of `update:<book_symbol>_0` are also kept apart until `min_book_deltas` are seen.
    """
    started = time.perf_counter()
    state = SimState(SimConfig(markets=31, seed=seed, flow_rate=0, flow_symbols=list(symbols)))
    hub, engine, flow = state.hub, state.engine, state.flow
    frames: list[str] = []
    book_frames: list[str] = []
    conn = _Recorder(state, frames)
    book_conn = _Recorder(state, book_frames)
    hub.add(conn)
    hub.add(book_conn)
    key = state.accounts[0].key
    hub.login(conn, key)
    conn.subscribe("notificationApiV3")
    conn.subscribe("fills")
    for sym in symbols:
        hub.subscribe_book(conn, f"update:{sym}_0", sym, 0)
        hub.subscribe_trades(conn, sym)
    hub.subscribe_book(book_conn, f"update:{book_symbol}_0", book_symbol, 0)
    rng = random.Random(seed)
    resting: list[str] = []
    steps = 0
    book_topic = f'"update:{book_symbol}_0"'
    while len(frames) < n_frames or len(book_frames) < min_book_deltas + 1:
        flow.step()
        hub.flush()
        steps += 1
        if steps % notify_every == 0:
            _demo_order(engine, key, rng, symbols, resting)
            hub.flush()
    del frames[n_frames:]
    # the book-only connection saw the same update frames; keep exactly one snapshot first
    assert book_topic in book_frames[0]
    return Feed(frames, book_frames, time.perf_counter() - started)


def _demo_order(
    engine: Any, key: str, rng: random.Random, symbols: tuple[str, ...], resting: list[str]
) -> None:
    sym = rng.choice(symbols)
    bids, asks = engine.book_levels(sym, 1)
    if not bids or not asks:
        return
    roll = rng.random()
    if resting and roll < 0.45:
        engine.cancel(key, resting.pop(rng.randrange(len(resting))))
    elif roll < 0.9:
        price = bids[0][0] * Decimal("0.8")
        spec = engine.markets[sym]
        price = (price / spec.tick).to_integral_value() * spec.tick
        size = spec.min_size * 2
        rec = engine.submit_order(key, sym, "BUY", "LIMIT", price, size)
        resting.append(rec.order_id)
    else:
        spec = engine.markets[sym]
        engine.submit_order(
            key, sym, "BUY", "LIMIT", asks[0][0], spec.min_size, time_in_force="IOC"
        )


def record_book(n_deltas: int, *, symbol: str = "BTC-USDT", seed: int = 11) -> list[str]:
    """One `update:<symbol>_0` topic as the simulator sends it: a snapshot, then `n_deltas` deltas.

    Only `symbol` trades (the seeded market maker requotes a random-walking mid, takers hit it).
    """
    state = SimState(SimConfig(markets=31, seed=seed, flow_rate=0, flow_symbols=[symbol]))
    hub, flow = state.hub, state.flow
    frames: list[str] = []
    conn = _Recorder(state, frames)
    hub.add(conn)
    hub.subscribe_book(conn, f"update:{symbol}_0", symbol, 0)
    while len(frames) < n_deltas + 1:
        flow.step()
        hub.flush()
    return frames[: n_deltas + 1]
