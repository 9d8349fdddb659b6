"""MarketsTable, OpenOrdersTable and BalancesTable as a trader sees them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from textual.app import App, ComposeResult
from textual.geometry import Region

from btse_tui.protocol.models import Balance, Market, Order, Side, Ticker
from btse_tui.ui.widgets.balances import BalancesTable
from btse_tui.ui.widgets.markets import MarketsTable
from btse_tui.ui.widgets.open_orders import OpenOrdersTable

D = Decimal


def market(symbol: str, tick: str, lot: str = "0.001") -> Market:
    base, quote = symbol.split("-")
    return Market(symbol, base, quote, True, D(tick), D(tick), D(lot), D(1000), D(lot))


MARKETS = [
    market("BTC-USDT", "0.1", "0.00001"),
    market("ETH-USDT", "0.01"),
    market("DOGE-USDT", "0.00001", "1"),
    market("SOL-USDT", "0.01"),
]


class Clock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


class MarketsApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.clock = Clock()
        self.messages: list[Any] = []

    def compose(self) -> ComposeResult:
        yield MarketsTable(clock=self.clock)

    def on_mount(self) -> None:
        table = self.query_one(MarketsTable)
        table.set_markets(MARKETS)
        table.apply_tickers(
            [
                Ticker(
                    "BTC-USDT",
                    D("97250"),
                    change_pct=D("1.5"),
                    bid=D("97249.9"),
                    ask=D("97250.1"),
                    volume_quote=D("1234567"),
                ),
                Ticker(
                    "ETH-USDT",
                    D("3412.5"),
                    change_pct=D("-0.25"),
                    bid=D("3412.49"),
                    ask=D("3412.51"),
                ),
                Ticker("DOGE-USDT", D("0.32415"), change_pct=D("0"), volume_quote=D("999")),
            ]
        )
        table.focus()

    def on_markets_table_selected(self, message: MarketsTable.Selected) -> None:
        self.messages.append(("selected", message.symbol))

    def on_markets_table_favourites_changed(self, message: MarketsTable.FavouritesChanged) -> None:
        self.messages.append(("favourites", message.favourites))


async def test_prices_use_market_decimals_and_align_right() -> None:
    app = MarketsApp()
    async with app.run_test(size=(120, 12)) as pilot:
        table = app.query_one(MarketsTable)
        await pilot.pause()
        assert table.cell_text("BTC-USDT", "last") == "97,250.0"
        assert table.cell_text("ETH-USDT", "last") == "3,412.50"
        assert table.cell_text("DOGE-USDT", "last") == "0.32415"
        assert table.cell_text("BTC-USDT", "chg") == "+1.50%"
        assert table.cell_text("ETH-USDT", "chg") == "-0.25%"
        assert table.cell_text("BTC-USDT", "vol") == "1.23M"
        assert table.cell_text("SOL-USDT", "last") == "—"
        lines = [table.render_line(y).text for y in range(1, 4)]
        # Decimal points line up: numbers are right-aligned in fixed-width columns.
        ends = {line.index("97,250.0") + len("97,250.0") for line in lines if "97,250.0" in line}
        assert ends == {lines[1].index("3,412.50") + len("3,412.50")}


async def test_enter_selects_f_favourites_and_s_sorts() -> None:
    app = MarketsApp()
    async with app.run_test(size=(120, 12)) as pilot:
        table = app.query_one(MarketsTable)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.messages == [("selected", "ETH-USDT")]
        await pilot.press("down", "f")
        await pilot.pause()
        assert app.messages[-1] == ("favourites", frozenset({"DOGE-USDT"}))
        assert table.displayed_keys[0] == "DOGE-USDT"
        assert table.render_line(1).text.startswith("★DOGE-USDT")
        table.set_favourites(set())
        await pilot.press("s")  # symbol ascending
        assert table.sort_column == "symbol"
        assert table.displayed_keys == ("BTC-USDT", "DOGE-USDT", "ETH-USDT", "SOL-USDT")
        await pilot.press("S")
        assert table.displayed_keys[0] == "SOL-USDT"
        await pilot.press("s")  # last price, highest first, unknown last
        assert table.displayed_keys == ("BTC-USDT", "ETH-USDT", "DOGE-USDT", "SOL-USDT")
        table.set_filter("doge")
        assert table.displayed_keys == ("DOGE-USDT",)


async def test_age_column_ticks_without_repainting_other_cells() -> None:
    app = MarketsApp()
    async with app.run_test(size=(120, 12)) as pilot:
        table = app.query_one(MarketsTable)
        await pilot.pause()
        assert table.cell_text("BTC-USDT", "age") == ""  # fresh: blank
        calls: list[tuple[Region, ...]] = []
        original = table.refresh
        table.refresh = lambda *r, **k: calls.append(r) or original(*r, **k)  # type: ignore[method-assign]
        table.refresh_ages(app.clock.now + 5)
        assert calls == [] and table.cell_text("BTC-USDT", "age") == ""  # still fresh
        table.refresh_ages(app.clock.now + 75)
        assert table.cell_text("BTC-USDT", "age") == "1m"
        age_x = table._layout.x["age"]
        assert calls and all(len(r) == 1 and r[0].x == age_x and r[0].width == 4 for r in calls)
        calls.clear()
        table.refresh_ages(app.clock.now + 100)  # same step (1m): nothing repainted
        assert calls == []
        table.apply_quote("BTC-USDT", D("97251.0"), None, now=app.clock.now + 75)
        assert table.cell_text("BTC-USDT", "bid") != "97,251.0"  # held for this frame
        table.flush_quotes()
        assert table.cell_text("BTC-USDT", "age") == ""
        assert table.cell_text("BTC-USDT", "bid") == "97,251.0"
        assert table.cell_text("BTC-USDT", "last") == "97,250.0"  # None fields keep values


def order(order_id: str, status: int = 2, **kw: Any) -> Order:
    fields: dict[str, Any] = {
        "symbol": "BTC-USDT",
        "side": Side.BUY,
        "price": D("20000"),
        "original_size": D("0.001"),
        "timestamp_ms": 1_700_000_000_000,
    }
    fields.update(kw)
    return Order(order_id=order_id, status=status, **fields)


class OrdersApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.selected: list[Order] = []

    def compose(self) -> ComposeResult:
        yield OpenOrdersTable()
        yield BalancesTable()

    def on_open_orders_table_selected(self, message: OpenOrdersTable.Selected) -> None:
        self.selected.append(message.order)


async def test_open_orders_upsert_remove_and_select() -> None:
    app = OrdersApp()
    async with app.run_test(size=(120, 20)) as pilot:
        table = app.query_one(OpenOrdersTable)
        table.set_markets(MARKETS)
        table.set_orders([order("a", timestamp_ms=1), order("b", timestamp_ms=2), order("c", 4)])
        assert table.displayed_keys == ("b", "a")  # newest first, filled one skipped
        assert table.cell_text("a", "price") == "20,000.0"
        assert table.cell_text("a", "size") == "0.00100"
        table.upsert(order("a", 5, total_filled=D("0.0004"), timestamp_ms=1))
        assert table.cell_text("a", "status") == "partially filled"
        assert table.cell_text("a", "filled") == "0.00040"
        table.upsert(order("b", 6))  # cancelled → gone
        assert table.displayed_keys == ("a",)
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert [o.order_id for o in app.selected] == ["a"]
        assert table.selected_order() is not None
        table.remove_order("a")
        assert table.selected_order() is None
        assert "No open orders" in table.render_line(1).text


async def test_balances_non_zero_first_with_locked() -> None:
    app = OrdersApp()
    async with app.run_test(size=(120, 20)):
        table = app.query_one(BalancesTable)
        table.set_balances(
            [
                Balance("ETH", D(0), D(0)),
                Balance("USDT", D("1500.5"), D("1000")),
                Balance("BTC", D("0.5"), D("0.5")),
            ]
        )
        assert table.displayed_keys == ("BTC", "USDT", "ETH")
        assert table.cell_text("USDT", "locked") == "500.50"
        assert table.cell_text("USDT", "total") == "1,500.50"
        assert table.cell_text("BTC", "available") == "0.50000000"
