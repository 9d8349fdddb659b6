"""OrderBookView: level order, spread, own orders, picking a price, line-level repaint."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from textual.app import App, ComposeResult
from textual.geometry import Region

from btse_tui.protocol.models import BookLevel, Market
from btse_tui.ui.widgets.order_book import OrderBookView

D = Decimal
BTC = Market(
    "BTC-USDT", "BTC", "USDT", True, D("0.1"), D("0.1"), D("0.00001"), D(2000), D("0.00001")
)
BIDS = [BookLevel(D("20000.0") - D(i), D("0.5") + D(i)) for i in range(10)]
ASKS = [BookLevel(D("20001.0") + D(i), D("0.25") * (i + 1)) for i in range(10)]


class BookApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.picked: list[tuple[Decimal, str]] = []

    def compose(self) -> ComposeResult:
        yield OrderBookView()

    def on_mount(self) -> None:
        book = self.query_one(OrderBookView)
        book.set_market(BTC)
        book.update(BIDS, ASKS, {D("19998.0")})
        book.focus()

    def on_order_book_view_price_picked(self, message: OrderBookView.PricePicked) -> None:
        self.picked.append((message.price, message.side))


def prices_in(lines: list[str]) -> list[str]:
    words = [line.replace("●", " ").split() for line in lines]
    return [w[0] for w in words if w and w[0][-1].isdigit()]


async def test_levels_ordered_around_the_spread() -> None:
    app = BookApp()
    async with app.run_test(size=(40, 13)) as pilot:
        book = app.query_one(OrderBookView)
        await pilot.pause()
        lines = book.lines_text
        assert book.depth == 5 and book.bid_depth == 5
        assert "BTC-USDT" in lines[0] and "group 0.1" in lines[0]
        assert "Price" in lines[1] and "Size" in lines[1] and "Total" in lines[1]
        spread_y = next(i for i, line in enumerate(lines) if "spread" in line)
        asks = prices_in(lines[2:spread_y])
        bids = prices_in(lines[spread_y + 1 :])
        # Highest ask on top, best ask just above the spread; best bid just below it.
        assert asks == ["20,005.0", "20,004.0", "20,003.0", "20,002.0", "20,001.0"]
        assert bids == ["20,000.0", "19,999.0", "19,998.0", "19,997.0", "19,996.0"]
        assert "spread 1.0" in lines[spread_y] and "0.50 bps" in lines[spread_y]
        own = [line for line in lines if line.startswith("●")]
        assert len(own) == 1 and "19,998.0" in own[0]


async def test_enter_and_click_pick_a_price() -> None:
    app = BookApp()
    async with app.run_test(size=(40, 13)) as pilot:
        book = app.query_one(OrderBookView)
        await pilot.press("down", "down", "enter")  # best bid, then the next one
        await pilot.pause()
        assert app.picked == [(D("19999.0"), "bid")]
        await pilot.press("up", "up", "up", "enter")  # back across the spread: best ask + 1
        await pilot.pause()
        assert app.picked[-1] == (D("20002.0"), "ask")
        await pilot.click(OrderBookView, offset=(5, 2))  # top level line: the fifth ask
        await pilot.pause()
        assert app.picked[-1] == (D("20005.0"), "ask")
        assert book.spread == D("1.0")


async def test_only_changed_lines_repaint() -> None:
    app = BookApp()
    async with app.run_test(size=(40, 13)) as pilot:
        book = app.query_one(OrderBookView)
        await pilot.pause()
        calls: list[tuple[Region, ...]] = []
        original = book.refresh

        def spy(*regions: Region, **kwargs: Any) -> OrderBookView:
            calls.append(regions)
            return original(*regions, **kwargs)

        book.refresh = spy  # type: ignore[method-assign]
        bids = list(BIDS)
        bids[3] = BookLevel(
            bids[3].price, D("1.0")
        )  # smaller size, same max → one line + totals below
        book.update(bids, ASKS, {D("19998.0")})
        ys = sorted(r[0].y for r in calls)
        assert ys and min(ys) == 11 and all(len(r) == 1 and r[0].height == 1 for r in calls)
        calls.clear()
        book.update(bids, ASKS, {D("19998.0")})
        assert calls == []


async def test_empty_stale_and_crossed_books_say_so() -> None:
    app = BookApp()
    async with app.run_test(size=(40, 12)) as pilot:
        book = app.query_one(OrderBookView)
        book.set_market(BTC)
        await pilot.pause()
        assert any("waiting for BTC-USDT" in line for line in book.lines_text)
        book.update([BookLevel(D(10), D(1))], [BookLevel(D(9), D(1))])
        assert any("CROSSED" in line for line in book.lines_text)
        book.set_stale(True, "resyncing")
        assert any("STALE 0s — resyncing" in line for line in book.lines_text)


async def test_a_stale_book_counts_how_long_it_has_been_without_news() -> None:
    now = [100.0]

    class ClockedBookApp(App[None]):
        def compose(self) -> ComposeResult:
            yield OrderBookView(clock=lambda: now[0])

    app = ClockedBookApp()
    async with app.run_test(size=(40, 12)) as pilot:
        book = app.query_one(OrderBookView)
        book.set_market(BTC)
        book.update(BIDS, ASKS)
        book.set_stale(True, "no data", since=100.0 - 8)  # last heard 8 s ago
        assert any("STALE 8s — no data" in line for line in book.lines_text)
        now[0] += 6

        def counted() -> bool:
            return any("STALE 14s — no data" in line for line in book.lines_text)

        for _ in range(60):  # the view's own once-a-second count, not a set_stale call
            if counted():
                break
            await pilot.pause(0.05)
        assert counted()
        book.set_stale(False)
        assert not any("STALE" in line for line in book.lines_text)
