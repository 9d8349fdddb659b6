"""A lying exchange cannot end the session or put an impossible value on screen; honesty heals."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

import pytest

from btse_tui.protocol.events import StreamState, StreamStateChanged
from btse_tui.protocol.models import OrderRequest, OrderType, Side
from btse_tui.protocol.session_events import (
    BalancesRefreshed,
    DataDropped,
    OrderChanged,
    RestHealth,
    TickersRefreshed,
)
from btse_tui.sim.runner import SimServer
from tests.hostile.conftest import hostile_session
from tests.hostile.proxy import (
    HostileProxy,
    RestRule,
    bad_chunks,
    cut_json,
    drip,
    edit_json,
    edit_rows,
    huge,
    raw,
    status,
    truncated,
    when,
)
from tests.session.conftest import Running, running

SYMBOL = "BTC-USDT"


async def until(run: Running, condition: Callable[[], bool], within: float = 10.0) -> None:
    """Wait (bounded) until `condition()` holds, checking it at every session event."""
    if not condition():
        await run.events.wait_for(lambda _event: condition(), within, after=run.events.mark())


async def test_a_ticker_row_with_an_infinite_time_is_ignored_once_and_the_rest_keep_coming(
    sim: SimServer, proxy: HostileProxy
) -> None:
    first: list[str] = []

    def poison(row: dict) -> None:
        first.append(row["symbol"])
        row["closeTime"] = "Infinity"

    proxy.rest = when("/ticker", edit_rows(poison))
    session = hostile_session(sim, proxy)
    async with running(session, spot=False, refresh=True) as run:
        notice = await run.events.wait_kind(DataDropped)
        assert notice.text == (
            "ignored 1 ticker row from the exchange: closeTime 'Infinity' is not a time"
        )
        bad = first[0]
        assert bad not in session.tickers and len(session.tickers) > 1  # the others are shown
        await until(run, lambda: session.dropped["ticker row"] >= 4)  # refreshes go on …
        assert len(run.events.of(DataDropped)) == 1  # … and the notice is not repeated
        assert session.rest_ok is True and not [e for e in run.events.of(RestHealth) if not e.ok]
        proxy.honest()
        await until(run, lambda: bad in session.tickers)
        assert session.tickers[bad].time_ms > 0


async def test_repeated_drops_are_announced_again_with_their_count(
    sim: SimServer, proxy: HostileProxy
) -> None:
    proxy.rest = when("/ticker", edit_rows(lambda row: row.update(lastPrice=raw("NaN"))))
    session = hostile_session(sim, proxy)
    session.drops.every_s = 0.5
    async with running(session, spot=False, refresh=True) as run:
        await run.events.wait_kind(DataDropped, count=1)
        later = await run.events.wait_for(
            lambda e: isinstance(e, DataDropped) and e.count > 1, within=5
        )
        assert later.text.startswith(f"ignored {later.count} ticker rows from the exchange")
        assert later.text.endswith("lastPrice 'NaN' is not a finite number")


async def test_negative_or_absurd_balances_are_never_shown(
    sim: SimServer, proxy: HostileProxy
) -> None:
    session = hostile_session(sim, proxy)
    async with running(session, spot=False, refresh=True) as run:
        honest = session.balances["USDT"].total
        assert honest > 0
        lies = iter([{"total": "-777777.77"}, {"total": 1e30}, {"available": "-5"}])
        rows: list[dict] = []

        def lie(row: dict) -> None:
            rows.append(row)
            if row.get("currency") == "USDT":
                row.update(next(lies, {"total": "-1"}))

        proxy.rest = when("/user/wallet", edit_rows(lie, first_only=False))
        mark = run.events.mark()
        notice = await run.events.wait_kind(DataDropped, after=mark)
        assert notice.what == "wallet row"
        assert notice.reason == "total '-777777.77' cannot be negative"
        await until(run, lambda: session.dropped["wallet row"] >= 3)
        for event in run.events.of(BalancesRefreshed):
            assert all(b.total >= 0 and b.available >= 0 for b in event.balances)
        assert session.balances["USDT"].total == honest  # the last believable balance stays
        proxy.honest()
        before = session.dropped["wallet row"]
        await run.events.wait_kind(BalancesRefreshed, after=run.events.mark())
        assert session.dropped["wallet row"] == before


def _buy(session, price_factor: str = "0.9") -> OrderRequest:  # type: ignore[no-untyped-def]
    last = session.tickers[SYMBOL].last
    price = (last * Decimal(price_factor)).quantize(session.markets[SYMBOL].tick)
    return OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT, size=Decimal("0.001"), price=price)


async def test_an_impossible_notification_is_dropped_the_socket_stays_up_and_rest_tells_the_truth(
    sim: SimServer, proxy: HostileProxy
) -> None:
    def negative(stream: str, text: str) -> str:
        if '"notificationApiV3"' not in text or '"data"' not in text:
            return text
        frame = json.loads(text)
        frame["data"].update(price=-94000, originalOrderBaseSize=-0.001, timestamp="Infinity")
        return json.dumps(frame)

    session = hostile_session(sim, proxy)
    async with running(session, spot=True) as run:
        proxy.frames = negative
        mark = run.events.mark()
        [ack] = await session.place(_buy(session))
        notice = await run.events.wait_kind(DataDropped, after=mark, what="order notification")
        assert notice.reason == "price -94000 cannot be negative"
        assert session.spot.state is StreamState.LIVE and session.spot.reconnects == 0
        states = [e for e in run.events.events[mark:] if isinstance(e, StreamStateChanged)]
        assert states == []  # never torn down
        shown = [e.order for e in run.events.events[mark:] if isinstance(e, OrderChanged)]
        assert all(o.price and o.price > 0 for o in shown)
        [held] = session.ledger.open_orders(SYMBOL)
        assert held.order_id == ack.order_id and held.price == ack.price > 0
        assert held.original_size == Decimal("0.001")
        proxy.honest()
        await session.cancel(held)
        await until(run, lambda: not session.ledger.open_orders(SYMBOL))


async def test_an_infinity_in_a_book_frame_drops_that_frame_and_the_book_recovers(
    sim: SimServer, proxy: HostileProxy
) -> None:
    from btse_tui.protocol.events import BookUpdated

    corrupted: list[int] = []

    def infinite(stream: str, text: str) -> str:
        if stream == "oss" and '"update:' in text and '"snapshot"' in text and not corrupted:
            corrupted.append(1)
            return text.replace('"bids":[["', '"bids":[["Infinity","1"],["', 1)
        return text

    proxy.frames = infinite
    session = hostile_session(sim, proxy)
    async with running(session, spot=False, book=True, market=SYMBOL) as run:
        notice = await run.events.wait_kind(DataDropped, what="book update")
        assert "price 'Infinity' is not a finite number" in notice.reason
        book = await run.events.wait_kind(BookUpdated, within=20)
        assert book.bids and all(level.price.is_finite() for level in book.bids)


HOSTILE_REPLIES: dict[str, RestRule] = {
    "truncated JSON": cut_json(0.5),
    "HTML error page": status(502),
    "body shorter than its length": truncated(0.5),
    "malformed chunked reply": bad_chunks("-1"),
    "wrong types": edit_json(lambda _body: {"data": "hello", "success": True, "msg": ""}),
    "every row NaN": edit_rows(lambda row: row.update(lastPrice=raw("NaN")), first_only=False),
    "1e400": edit_rows(lambda row: row.update(volume=raw("1e400")), first_only=False),
    "negatives": edit_rows(lambda row: row.update(lastPrice=-1, bidPrice=-2), first_only=False),
    "huge numbers": edit_rows(lambda row: row.update(askPrice=10**40), first_only=False),
    "multi-megabyte body": huge(6),
    "slow drip": drip(0.05),
}


@pytest.mark.parametrize("lie", list(HOSTILE_REPLIES))
async def test_whatever_the_tickers_reply_holds_the_session_stays_up_and_recovers(
    sim: SimServer, proxy: HostileProxy, lie: str
) -> None:
    session = hostile_session(sim, proxy)
    async with running(session, spot=False, refresh=True) as run:
        refresh = run.tasks[0]
        proxy.rest = when("/ticker", HOSTILE_REPLIES[lie])
        mark = run.events.mark()
        await run.events.wait_for(
            lambda e: isinstance(e, DataDropped) or (isinstance(e, RestHealth) and not e.ok),
            within=10,
            after=mark,
        )
        for event in run.events.of(TickersRefreshed):
            for ticker in event.tickers:
                for value in (ticker.last, ticker.bid, ticker.ask, ticker.volume_quote):
                    assert value is None or (value.is_finite() and 0 <= value <= 10**18)
        assert not refresh.done()
        proxy.honest()
        healed = run.events.mark()
        await run.events.wait_for(
            lambda e: isinstance(e, TickersRefreshed) and len(e.tickers) > 1,
            within=10,
            after=healed,
        )
        assert session.rest_ok is not False or await _heals(run.events, healed)


async def _heals(events, after: int) -> bool:  # type: ignore[no-untyped-def]
    await events.wait_kind(RestHealth, ok=True, after=after, within=10)
    return True
