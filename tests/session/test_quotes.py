"""Markets on screen get live top-of-book quotes (OSS snapshotL1) that follow the engine's book."""

from __future__ import annotations

from btse_tui.protocol.events import BookTop
from btse_tui.protocol.models import OrderRequest, OrderType, Side
from btse_tui.sim.runner import SimServer
from tests.session.conftest import fast_session, running


async def test_watched_markets_get_live_quotes_and_unwatched_ones_stop(sim: SimServer) -> None:
    session = fast_session(sim)
    async with running(session, book=True) as run:
        session.watch_quotes(["ETH-USDT", "SOL-USDT"])
        first = await run.events.wait_kind(BookTop, symbol="ETH-USDT")
        bids, asks = sim.call(lambda: sim.engine.book_levels("ETH-USDT", 1))
        assert (first.bid, first.ask) == (bids[0][0], asks[0][0])

        # a better bid on the exchange reaches the watched quote
        market = session.markets["ETH-USDT"]
        better = first.bid + market.tick
        if first.ask is not None and better >= first.ask:
            better = first.bid  # spread of one tick: improve the size instead
        mark = run.events.mark()
        await session.place(
            OrderRequest("ETH-USDT", Side.BUY, OrderType.LIMIT, size=market.min_size, price=better)
        )
        await run.events.wait_for(
            lambda e: isinstance(e, BookTop) and e.symbol == "ETH-USDT" and e.bid == better,
            after=mark,
        )

        # unwatching stops the topic on the socket
        session.watch_quotes(["SOL-USDT"])
        await run.events.wait_for(
            lambda e: "snapshotL1:ETH-USDT" not in session.books.stream.topics
        )
        assert "snapshotL1:SOL-USDT" in session.books.stream.topics


def test_watch_list_is_capped_for_the_socket_topic_limit(sim: SimServer) -> None:
    session = fast_session(sim)
    session.watch_quotes([f"M{i}-USDT" for i in range(500)])
    assert len(session.feed.quotes_wanted) == 60
