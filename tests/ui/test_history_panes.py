"""What a trader sees of the order history, the fills and the P&L: the bottom row's tabs on
a wide screen, the History tab (6) on a small one, the journal marked when it is all there is,
and balances valued in USDT with `no price` where no price exists."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from textual.pilot import Pilot

from btse_tui.protocol import session_events as se
from btse_tui.protocol.history import HistorySource
from btse_tui.protocol.models import Balance, Order, Side
from btse_tui.ui.app import BtseApp
from tests.ui.static_session import NOW_MS, StaticSession
from tests.ui.test_app_live import until

D = Decimal


def priced_session() -> StaticSession:
    """The static picture at round prices: ETH 3,400 and BTC 97,000 (their mids)."""
    session = StaticSession()
    for symbol, last in (("ETH-USDT", D("3400.00")), ("BTC-USDT", D("97000.0"))):
        tick = session.markets[symbol].tick
        session.tickers[symbol] = replace(
            session.tickers[symbol], last=last, bid=last - tick, ask=last + tick
        )
    return session


def title(app: BtseApp, pane: str) -> str:
    return str(app.desk.query_one(f"#{pane}-title").render())


async def started(pilot: Pilot, app: BtseApp) -> None:
    await until(pilot, lambda: app.desk.history.fills_table.row_count == 2)


async def test_the_history_tab_lists_done_orders_newest_first_and_the_pnl_by_hand() -> None:
    app = BtseApp(priced_session())
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, app)
        await pilot.press("6")
        await pilot.pause()
        history = app.desk.history
        done = history.done_table
        assert done.size.width > 0 and history.pnl_table.size.width > 0
        assert "F6 History" in str(app.desk.query_one("#tabs").render())
        assert done.displayed_keys == ("ord-2", "ord-h2", "ord-h1")  # newest first
        assert [done.cell_text(k, "status") for k in done.displayed_keys] == [
            "filled", "cancelled", "filled",
        ]  # fmt: skip
        # ETH: bought 4.5050 @ 3,299 with 0.0050 ETH fee → 4.5 ETH for 14,861.995 USDT;
        # sold 0.5 @ 3,400 with 1.70 USDT fee: proceeds 1,698.30, cost out 14,861.995 / 9 =
        # 1,651.3328 → realized +46.97; 4 ETH left at 13,210.6622 (avg 3,302.67), marked
        # at 3,400: 13,600 − 13,210.6622 = +389.34
        pnl = history.pnl_table
        assert pnl.cell_text("ETH-USDT", "asset") == "ETH"
        assert pnl.cell_text("ETH-USDT", "position") == "4.0000 @ avg 3,302.67"
        assert pnl.cell_text("ETH-USDT", "unrealized") == "+389.34 USDT"
        assert pnl.cell_text("ETH-USDT", "realized") == "+46.97 USDT"


async def test_fills_show_fee_maker_taker_and_slippage_from_the_limit() -> None:
    app = BtseApp(priced_session())
    async with app.run_test(size=(160, 48)) as pilot:
        await started(pilot, app)
        await pilot.press("o", "o")  # Open orders → History → Fills
        await pilot.pause()
        fills = app.desk.history.fills_table
        assert fills.size.width > 0 and app.desk.orders_table.size.width == 0
        assert "Fills" in title(app, "orders") and "exchange" in title(app, "orders")
        newest, older = fills.displayed_keys
        assert fills.cell_text(newest, "side") == "SELL"
        assert fills.cell_text(newest, "fee") == "1.70 USDT"
        assert fills.cell_text(newest, "maker") == "taker"
        assert fills.cell_text(newest, "slip") == "0.0 bp"  # filled at its limit
        # bought at 3,299 against a limit of 3,300: (3,299 − 3,300) / 3,300 = −3.03 bp
        assert fills.cell_text(older, "slip") == "-3.0 bp"
        assert fills.cell_text(older, "fee") == "0.0050 ETH"
        assert fills.cell_text(older, "maker") == "maker"


async def test_the_history_follows_the_selected_market_when_asked() -> None:
    app = BtseApp(priced_session())
    async with app.run_test(size=(160, 48)) as pilot:
        await started(pilot, app)
        app.desk.select_market("BTC-USDT")
        await pilot.press("o")
        await pilot.press("m")
        await pilot.pause()
        done = app.desk.history.done_table
        assert done.displayed_keys == ("ord-h2",)
        assert "BTC-USDT" in title(app, "orders")
        await pilot.press("m")
        await pilot.pause()
        assert len(done.displayed_keys) == 3 and "all markets" in title(app, "orders")


async def test_history_from_the_journal_alone_says_so() -> None:
    session = priced_session()
    session.history_source = HistorySource(False, "the exchange could not be asked (HTTP 500)")
    app = BtseApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot, app)
        await pilot.press("o")
        await pilot.pause()
        assert "journal only" in title(app, "orders")
        lines = [line.plain for line in app.desk.log_view.lines]
        assert any(
            line.endswith("history from the journal — the exchange could not be asked (HTTP 500)")
            for line in lines
        )


async def test_balances_are_valued_in_usdt_and_an_unpriced_asset_says_no_price() -> None:
    session = priced_session()
    session.balances["XYZ"] = Balance("XYZ", D("5"), D("5"))
    app = BtseApp(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, app)
        await pilot.press("3")
        await pilot.pause()
        balances = app.desk.balances_table
        assert {c.key for c in balances.visible_columns} >= {"total", "available", "locked"}
        assert balances.cell_text("XYZ", "value") == "no price"
        assert balances.cell_text("ETH", "value") == "13,600.00"  # 4 × 3,400
        assert balances.cell_text("USDT", "value") == "25,000.00"
        # 25,000 + 0.52 × 97,000 + 4 × 3,400 = 89,040
        equity = str(app.desk.history.equity.render())
        assert equity == "Equity 89,040.00 USDT  · no price: XYZ (not counted)"


async def test_orders_done_behind_another_tab_are_listed_when_history_is_shown() -> None:
    """Orders cancelled while the open orders are shown are in the history when the trader
    turns to it; one done while the history is shown appears on top at once."""
    session = priced_session()
    app = BtseApp(session)
    async with app.run_test(size=(160, 48)) as pilot:
        await started(pilot, app)
        done = app.desk.history.done_table
        price = session.tickers["BTC-USDT"].last - 500

        def cancelled(order_id: str, age_ms: int) -> Order:
            order = Order(
                "BTC-USDT", order_id, Side.BUY, 6, price=price, original_size=D("0.01000"),
                timestamp_ms=NOW_MS + age_ms,
            )  # fmt: skip
            session.record.add_order(order)  # what the session keeps, then tells the desk
            session._emit(se.OrderChanged(order))
            return order

        cancelled("ord-c1", 1_000)
        await pilot.pause()
        assert app.desk.history.view == "open"
        await pilot.press("o")  # Open orders → History
        await pilot.pause()
        assert done.displayed_keys[0] == "ord-c1"
        assert done.cell_text("ord-c1", "status") == "cancelled"
        cancelled("ord-c2", 2_000)
        await pilot.pause()
        assert done.displayed_keys[:2] == ("ord-c2", "ord-c1")
