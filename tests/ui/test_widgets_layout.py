"""All dashboard widgets together render at 80 and 120 columns without crashing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal

from btse_tui.protocol.events import StreamState
from btse_tui.protocol.models import Balance, BookLevel, Market, Order, Side, Ticker
from btse_tui.ui.widgets.balances import BalancesTable
from btse_tui.ui.widgets.markets import MarketsTable
from btse_tui.ui.widgets.notifications import NotificationLog
from btse_tui.ui.widgets.open_orders import OpenOrdersTable
from btse_tui.ui.widgets.order_book import OrderBookView
from btse_tui.ui.widgets.status_bar import StatusBar

D = Decimal
BTC = Market(
    "BTC-USDT", "BTC", "USDT", True, D("0.1"), D("0.1"), D("0.00001"), D(2000), D("0.00001")
)


class Dashboard(App[None]):
    CSS_PATH = "../../btse_tui/ui/btse_tui.tcss"

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with Horizontal():
            yield MarketsTable()
            yield OrderBookView()
        yield OpenOrdersTable()
        yield BalancesTable()
        yield NotificationLog()


@pytest.mark.parametrize("width", [80, 120])
async def test_dashboard_renders(width: int) -> None:
    app = Dashboard()
    async with app.run_test(size=(width, 30)) as pilot:
        app.query_one(StatusBar).set_environment("production")
        app.query_one(StatusBar).set_stream("spot", StreamState.LIVE)
        markets = app.query_one(MarketsTable)
        markets.set_markets([BTC])
        markets.apply_tickers([Ticker("BTC-USDT", D("97250.1"), high=D("99000"), low=D("95000"))])
        book = app.query_one(OrderBookView)
        book.set_market(BTC)
        book.update(
            [BookLevel(D("97250.0"), D("1"))], [BookLevel(D("97250.2"), D("2"))], {D("97250.0")}
        )
        app.query_one(OpenOrdersTable).upsert(
            Order("BTC-USDT", "1", Side.BUY, 2, price=D("97250.0"), original_size=D("0.01"))
        )
        app.query_one(BalancesTable).set_balances([Balance("USDT", D(100), D(50))])
        app.query_one(NotificationLog).add("BUY 0.01000 BTC-USDT @ 97,250.0  inserted")
        await pilot.pause()
        svg = app.export_screenshot()
        assert "PRODUCTION" in svg
        assert "97,250.1" in svg
        markets_line = markets.render_line(1).text
        assert len(markets_line) == markets.size.width


TINY = Market("GEUA-BTC", "GEUA", "BTC", True, D("1e-11"), D("1e-11"), D(1000), D(10**9), D(1000))


async def test_tiny_prices_and_large_balances_fit_their_columns_without_a_cut() -> None:
    app = Dashboard()
    async with app.run_test(size=(120, 30)) as pilot:
        markets = app.query_one(MarketsTable)
        markets.set_markets([TINY])
        markets.apply_tickers([Ticker("GEUA-BTC", D("0.00000010566"))])
        balances = app.query_one(BalancesTable)
        balances.set_balances([Balance("ABIZQ", D("385492527.19497812"), D("153647593.87812345"))])
        book = app.query_one(OrderBookView)
        book.set_market(TINY)
        book.update([BookLevel(D("0.00000010564"), D(210000))], [])
        await pilot.pause()
        assert "0.0₆10566" in markets.render_line(1).text
        assert any("0.0₆10564" in text for text in book.lines_text)
        row = balances.render_line(1).text
        assert "…" not in row
        total, available = row.split()[1:3]
        assert total.startswith("385") and available.startswith("153")
        assert total.replace(",", "").rstrip("KMB").replace(".", "").isdigit()
