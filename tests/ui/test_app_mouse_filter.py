"""Mouse and filter as a trader uses them: tab labels click, a market click loads it, `/` matches
what the rows show."""

from __future__ import annotations

from btse_tui.ui.app import BtseApp
from tests.ui.static_session import StaticSession


def _shown_markets(app: BtseApp) -> list[str]:
    """The market symbols the markets pane shows, top to bottom (header skipped)."""
    table = app.desk.markets_table
    lines = [table.render_line(y).text for y in range(1, table.size.height)]
    return [line.split()[0].lstrip("★") for line in lines if line.strip()]


async def test_filter_matches_the_symbol_shown_not_hidden_names() -> None:
    app = BtseApp(StaticSession())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("slash", "e", "t", "h")
        await pilot.pause(0.1)
        # not ETC-USDT ("Ethereum Classic") nor USDT-USD ("Tether"): names the table never shows
        assert _shown_markets(app) == ["ETH-USDT", "ETH-USD", "ETH-BTC"]
        await pilot.press("space", "b", "t", "c")
        await pilot.pause(0.1)
        assert _shown_markets(app) == ["ETH-BTC"]


async def _click_tab(pilot, app: BtseApp, label: str) -> None:  # type: ignore[no-untyped-def]
    """Click the middle of a tab label as the tab bar shows it."""
    bar = app.query_one("#tabs")
    text = bar.render_line(0).text  # type: ignore[attr-defined]
    x = text.index(label) + len(label) // 2
    assert await pilot.click("#tabs", offset=(x, 0))
    await pilot.pause(0.1)


async def test_clicking_a_tab_label_switches_to_it() -> None:
    app = BtseApp(StaticSession())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert app.desk.markets_table.size.width > 0 and app.desk.form.size.width == 0
        await _click_tab(pilot, app, "F2 Trade")
        assert app.desk.tab == "trade"
        assert app.desk.form.size.width > 0 and app.desk.markets_table.size.width == 0
        await _click_tab(pilot, app, "F3 Orders")
        assert app.desk.orders_table.size.width > 0 and app.desk.form.size.width == 0
        await _click_tab(pilot, app, "F4 Log")
        assert app.desk.log_view.size.width > 0
        await _click_tab(pilot, app, "F1 Markets")
        assert app.desk.markets_table.size.width > 0 and app.desk.markets_table.has_focus


async def _click_market(pilot, app: BtseApp, symbol: str, times: int = 1) -> None:  # type: ignore[no-untyped-def]
    """Click (or double click) the market's symbol where the markets pane shows it."""
    y = _shown_markets(app).index(symbol) + 1  # below the header line
    assert await pilot.click("#markets", offset=(3, y), times=times)
    await pilot.pause(0.1)


async def test_one_click_on_a_market_loads_it_into_book_and_ticket() -> None:
    app = BtseApp(StaticSession())
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(0.3)
        picked: list[str] = []
        real_select = app.desk.select_market
        app.desk.select_market = lambda symbol: (picked.append(symbol), real_select(symbol))  # type: ignore[method-assign]
        await _click_market(pilot, app, "SOL-USDT")
        assert app.desk.markets_table.selected_symbol == "SOL-USDT"
        assert app.desk.form.border_title == "Order · SOL-USDT"
        assert app.desk.book_view.lines_text[0].split()[0] == "SOL-USDT"  # its name on top
        await _click_market(pilot, app, "XRP-USDT", times=2)  # a double click loads it once
        assert app.desk.form.border_title == "Order · XRP-USDT"
        assert picked == ["SOL-USDT", "XRP-USDT"]
        # a header click still sorts (and loads nothing)
        header = app.desk.markets_table.render_line(0).text
        assert await pilot.click("#markets", offset=(header.index("Last") + 1, 0))
        await pilot.pause(0.1)
        assert app.desk.markets_table.sort_column == "last"
        assert picked == ["SOL-USDT", "XRP-USDT"]


async def test_one_click_on_a_market_opens_its_ticket_on_a_small_terminal() -> None:
    app = BtseApp(StaticSession())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        await _click_market(pilot, app, "ETH-USDT")
        assert app.desk.tab == "trade" and app.desk.form.size.width > 0
        assert app.desk.form.border_title == "Order · ETH-USDT"
