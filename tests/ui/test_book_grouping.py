"""The book as a trader sees it: + / - group the levels (bids down, asks up, sizes summed, the
running total beside them, own orders still marked), the grouping and the market's name on
top, as many levels as the pane is tall; the market's name on the tape too."""

from __future__ import annotations

from decimal import Decimal

from textual.app import App, ComposeResult

from btse_tui.protocol.models import BookLevel, Market
from btse_tui.ui.app import BtseApp
from btse_tui.ui.widgets.order_book import OrderBookView
from tests.ui.static_session import NOW_MS, StaticSession

D = Decimal
MKT = Market("TST-USDT", "TST", "USDT", True, D("0.1"), D("0.1"), D("0.001"), D(1000), D("0.001"))
BIDS = [BookLevel(D(p), D(s)) for p, s in (("100.4", "1"), ("100.1", "2"), ("99.9", "3"),
                                          ("99.5", "4"), ("98.7", "5"))]  # fmt: skip
ASKS = [BookLevel(D(p), D(s)) for p, s in (("100.6", "1"), ("100.9", "2"), ("101.0", "3"),
                                          ("101.2", "4"), ("102.3", "5"))]  # fmt: skip


class BookApp(App[None]):
    def __init__(self, bids: list[BookLevel], asks: list[BookLevel]) -> None:
        super().__init__()
        self.levels = bids, asks
        self.picked: list[Decimal] = []

    def compose(self) -> ComposeResult:
        yield OrderBookView()

    def on_mount(self) -> None:
        book = self.query_one(OrderBookView)
        book.set_market(MKT)
        book.update(*self.levels, own_bids=[D("99.6")], own_asks=[D("101.2")])
        book.focus()

    def on_order_book_view_price_picked(self, message: OrderBookView.PricePicked) -> None:
        self.picked.append(message.price)


def rows(book: OrderBookView) -> tuple[list[list[str]], list[list[str]]]:
    """(asks top to bottom, bids top to bottom) as [own mark, price, size, total]."""
    lines = book.lines_text
    spread = next(i for i, line in enumerate(lines) if "spread" in line)

    def level(line: str) -> list[str]:
        return ["●" if line.startswith("●") else "", *line[1:].split()]

    asks = [level(line) for line in lines[2:spread] if line.strip()]
    bids = [level(line) for line in lines[spread + 1 :] if line.strip()]
    return asks, bids


async def test_plus_and_minus_group_bids_down_and_asks_up_with_sizes_and_totals() -> None:
    app = BookApp(BIDS, ASKS)
    async with app.run_test(size=(40, 17)) as pilot:
        book = app.query_one(OrderBookView)
        await pilot.pause()
        assert book.lines_text[0].split() == ["TST-USDT", "group", "0.1"]
        asks, bids = rows(book)
        assert [b[1] for b in bids] == ["100.4", "100.1", "99.9", "99.5", "98.7"]

        await pilot.press("plus")  # 0.5: five times the tick
        assert book.lines_text[0].split() == ["TST-USDT", "group", "0.5"]
        asks, bids = rows(book)
        # asks, highest on top: 102.3 → 102.5; 101.2 → 101.5; 100.6 + 100.9 + 101.0 → 101.0
        assert asks == [
            ["", "102.5", "5.000", "15.000"],
            ["●", "101.5", "4.000", "10.000"],  # the sell at 101.2 is in it
            ["", "101.0", "6.000", "6.000"],
        ]
        # bids, best on top: 100.4 + 100.1 → 100.0; 99.9 + 99.5 → 99.5; 98.7 → 98.5
        assert bids == [
            ["", "100.0", "3.000", "3.000"],
            ["●", "99.5", "7.000", "10.000"],  # the buy at 99.6 is in it
            ["", "98.5", "5.000", "15.000"],
        ]
        assert "spread 0.2" in " ".join(book.lines_text)  # the book's own spread, not groups'

        await pilot.press("plus")  # 1.0: ten times the tick
        assert book.lines_text[0].split() == ["TST-USDT", "group", "1.0"]
        asks, bids = rows(book)
        assert asks == [
            ["", "103.0", "5.000", "15.000"],
            ["●", "102.0", "4.000", "10.000"],
            ["", "101.0", "6.000", "6.000"],
        ]
        assert bids == [
            ["", "100.0", "3.000", "3.000"],
            ["●", "99.0", "7.000", "10.000"],
            ["", "98.0", "5.000", "15.000"],
        ]

        await pilot.press("down", "down", "enter")  # picking a grouped level gives its price
        await pilot.pause()
        assert app.picked == [D("99.0")]
        await pilot.press("minus", "minus", "minus")  # back to the tick, not below it
        assert book.lines_text[0].split() == ["TST-USDT", "group", "0.1"]
        asks, bids = rows(book)
        assert [b[1] for b in bids] == ["100.4", "100.1", "99.9", "99.5", "98.7"]
        assert [b[3] for b in bids] == ["1.000", "3.000", "6.000", "10.000", "15.000"]


def full_book(levels: int) -> tuple[list[BookLevel], list[BookLevel]]:
    bids = [BookLevel(D("1000.0") - D("0.1") * i, D(i + 1)) for i in range(levels)]
    asks = [BookLevel(D("1000.1") + D("0.1") * i, D(i + 1)) for i in range(levels)]
    return bids, asks


async def test_depth_fills_the_pane_at_any_height() -> None:
    for height in (14, 41):
        app = BookApp(*full_book(50))
        async with app.run_test(size=(40, height)) as pilot:
            book = app.query_one(OrderBookView)
            await pilot.pause()
            asks, bids = rows(book)
            assert len(book.lines_text) == height
            assert len(asks) + len(bids) == height - 3  # all but the title, header, spread
            assert len(asks) == (height - 3) // 2
            assert asks[-1][1] == "1,000.1" and bids[0][1] == "1,000.0"


async def test_the_deepest_group_the_window_may_cut_is_not_shown() -> None:
    app = BookApp(*full_book(50))  # 50 levels a side: the window is full, the book goes on
    async with app.run_test(size=(40, 30)) as pilot:
        book = app.query_one(OrderBookView)
        book.set_group(2)  # 1.0: ten ticks a group
        await pilot.pause()
        asks, bids = rows(book)
        # bids 1000.0 … 995.1: 1000.0 alone (size 1), then 999.x … 996.x of ten levels each;
        # the 995 group holds 995.9 … 995.1 only (995.0 and below are past the window): left out
        assert [b[1] for b in bids] == ["1,000.0", "999.0", "998.0", "997.0", "996.0"]
        assert bids[1][2] == str(sum(range(2, 12))) + ".000"  # sizes of levels 2 … 11
        # asks 1000.1 … 1005.0: the deepest sits on its group's price, so that group is whole
        assert [a[1] for a in asks] == ["1,005.0", "1,004.0", "1,003.0", "1,002.0", "1,001.0"]


async def test_the_market_name_is_on_the_book_and_the_tape_beside_it() -> None:
    session = StaticSession()
    app = BtseApp(session, clock=lambda: NOW_MS / 1000)
    async with app.run_test(size=(200, 50)) as pilot:
        desk = app.desk
        for _ in range(100):
            if desk.tape_view.prints and desk.book_view.levels[0]:
                break
            await pilot.pause(0.02)
        book, tape = desk.book_view, desk.tape_view
        assert book.lines_text[0].split()[0] == "BTC-USDT"
        assert tape.lines_text[0].split()[0] == "BTC-USDT"
        # beside the book, as tall as it
        assert tape.region.x == book.region.right and tape.region.y == book.region.y
        assert tape.region.height == book.region.height
        desk.select_market("ETH-USDT")
        await pilot.pause()
        assert book.lines_text[0].split()[0] == "ETH-USDT"
        assert tape.lines_text[0].split()[0] == "ETH-USDT"
