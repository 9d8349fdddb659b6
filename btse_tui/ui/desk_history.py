"""HistoryPanes: the bottom row's tabs — open orders, order history and fills in one pane,
balances and P&L in another — what each shows, and how session news repaints them."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from textual.widget import Widget
from textual.widgets import Static

from btse_tui.protocol.history import is_done
from btse_tui.protocol.models import Market, Order
from btse_tui.protocol.pnl import split_symbol
from btse_tui.protocol.portfolio import PriceFinder, value_balances
from btse_tui.ui.focus import focus_now
from btse_tui.ui.widgets.balances import BalancesTable
from btse_tui.ui.widgets.history import FillHistoryTable, OrderHistoryTable
from btse_tui.ui.widgets.open_orders import OpenOrdersTable
from btse_tui.ui.widgets.portfolio import EquityLine, PnlTable

if TYPE_CHECKING:
    from btse_tui.ui.desk import DeskScreen

#: The orders pane's tabs (key `o` goes round them) and the portfolio pane's (key `p`).
ORDER_VIEWS = {"open": "Open orders", "done": "History", "fills": "Fills"}
PORTFOLIO_VIEWS = {"balances": "Balances", "pnl": "P&L"}
#: Values and P&L follow live prices at most this often (seconds).
PRICES_EVERY_S = 1.0
#: The fills list and the P&L are rebuilt at most this often (s) while fills arrive.
FILLS_EVERY_S = 0.25


def _strip(views: dict[str, str], active: str, action: str) -> str:
    """A pane title of clickable tab labels, the active one reversed."""
    return " ".join(
        f"[{'reverse ' if name == active else ''}@click=app.{action}('{name}')] {label} [/]"
        for name, label in views.items()
    )


class HistoryPanes:
    """What the bottom row's two tabbed panes show and the repaints session news brings:
    order history and fills beside the open orders (`o`), P&L beside the balances (`p`),
    either narrowed to the selected market (`m`)."""

    def __init__(self, desk: DeskScreen) -> None:
        self.desk = desk
        self.view = "open"
        self.portfolio = "balances"
        self.this_market_only = False
        self._prices_at = float("-inf")
        self._fills_due = False
        self._done_behind = False  # done orders came while the History tab was not shown

    def mounted(self) -> None:
        """Find the panes' widgets and show the starting tabs."""
        desk = self.desk
        self.open_table = desk.query_one(OpenOrdersTable)
        self.done_table = desk.query_one(OrderHistoryTable)
        self.fills_table = desk.query_one(FillHistoryTable)
        self.balances_table = desk.query_one(BalancesTable)
        self.pnl_table = desk.query_one(PnlTable)
        self.equity = desk.query_one(EquityLine)
        self.orders_title = desk.query_one("#orders-title", Static)
        self.balances_title = desk.query_one("#balances-title", Static)
        self.quote = desk.options.settings.valuation_currency
        self.balances_table.set_quote(self.quote)
        self.equity.show(None)
        self.show_view(self.view, focus=False)
        self.show_portfolio(self.portfolio)

    # ------------------------------------------------------------------ tabs

    def _order_tables(self) -> dict[str, Widget]:
        return {"open": self.open_table, "done": self.done_table, "fills": self.fills_table}

    def show_view(self, name: str = "", *, focus: bool = True) -> None:
        """Show one tab of the orders pane (empty: the next one)."""
        names = list(ORDER_VIEWS)
        if not name:
            name = names[(names.index(self.view) + 1) % len(names)]
        tables = self._order_tables()
        had_focus = any(table.has_focus for table in tables.values())
        self.view = name
        if name == "done" and self._done_behind:
            self._done_behind = False
            self.done_table.set_orders(self.desk.session.done_orders())
        for key, table in tables.items():
            table.display = key == name
        self._paint_titles()
        if focus and (had_focus or self.desk.narrow):
            focus_now(tables[name])

    def show_portfolio(self, name: str = "") -> None:
        """Show balances or P&L in the portfolio pane (empty: the other one)."""
        if not name:
            name = "pnl" if self.portfolio == "balances" else "balances"
        self.portfolio = name
        self.balances_table.display = name == "balances"
        self.pnl_table.display = name == "pnl"
        if name == "pnl":
            self._paint_positions(
                PriceFinder(self.desk.session.markets.values(), self.desk.session.tickers)
            )
        self._paint_titles()

    def tab_shown(self, tab: str) -> None:
        """A narrow tab was chosen: History shows order history and P&L, Orders the open
        orders and balances."""
        if tab == "history":
            if self.view == "open":
                self.show_view("done", focus=False)
            self.show_portfolio("pnl")
        elif tab == "orders":
            self.show_view("open", focus=False)
            self.show_portfolio("balances")

    def focus_target(self) -> Widget:
        """The table the History tab lands on."""
        return self._order_tables()[self.view]

    def toggle_market(self) -> None:
        """Narrow the history to the selected market, or show every market again."""
        self.this_market_only = not self.this_market_only
        self.market_selected(self.desk.selected)

    def market_selected(self, symbol: str | None) -> None:
        """The selected market changed (the history follows it when narrowed to it)."""
        shown = symbol if self.this_market_only else None
        self.done_table.show_market(shown)
        self.fills_table.show_market(shown)
        self._paint_titles()

    def _paint_titles(self) -> None:
        title = _strip(ORDER_VIEWS, self.view, "history")
        if self.view != "open":
            scope = self.done_table.market_filter or "all markets"
            source = self.desk.session.history_source
            tone = "" if source.from_exchange else "$warning"
            title += f"  {scope} · " + (f"[{tone}]{source.short}[/]" if tone else source.short)
        self.orders_title.update(title)
        strip = _strip(PORTFOLIO_VIEWS, self.portfolio, "portfolio")
        self.balances_title.update(f"{strip}  in {self.quote}")

    # ------------------------------------------------------------------ session news

    def markets_loaded(self, markets: Iterable[Market]) -> None:
        """Decimals of every market for the history tables."""
        listed = tuple(markets)
        for table in (self.done_table, self.fills_table, self.pnl_table):
            table.set_markets(listed)
        self.reload()

    def reload(self) -> None:
        """Everything again from the session (at start and when the history was loaded)."""
        session = self.desk.session
        self._done_behind = False
        self.done_table.set_orders(session.done_orders())
        self.fills_table.set_fills(session.fill_history())
        self._paint_titles()
        self.prices_changed(force=True)

    def order_changed(self, order: Order) -> None:
        """One order changed: its history row, once done. While another tab is shown the
        list is read again from the session when History is next shown (a churn of orders
        must not pay for a list nobody sees)."""
        if not is_done(order):
            return
        if self.view == "done":
            self.done_table.upsert(order)
        else:
            self._done_behind = True

    def fills_added(self) -> None:
        """New fills: the fills list, and the P&L they change — at most every FILLS_EVERY_S
        (a burst of fills rebuilds the list once, not once per fill)."""
        if self._fills_due:
            return
        self._fills_due = True
        self.desk.set_timer(FILLS_EVERY_S, self._paint_fills)

    def _paint_fills(self) -> None:
        self._fills_due = False
        self.fills_table.set_fills(self.desk.session.fill_history())
        self.prices_changed(force=True)

    def prices_changed(self, *, force: bool = False) -> None:
        """Live prices or balances moved: values, equity and unrealized P&L (at most once a
        second unless `force`)."""
        now = self.desk.options.monotonic()
        if not force and now - self._prices_at < PRICES_EVERY_S:
            return
        self._prices_at = now
        session = self.desk.session
        markets, tickers = session.markets.values(), self.desk.session.tickers
        balances = list(session.balances.values())
        rows, equity = value_balances(balances, self.quote, markets, tickers)
        values = {row.balance.currency: row.value for row in rows}
        self.balances_table.set_balances(balances, values)
        self.equity.show(equity if balances else None)
        if self.portfolio == "pnl":
            self._paint_positions(PriceFinder(markets, tickers))

    def _paint_positions(self, finder: PriceFinder) -> None:
        positions = self.desk.session.positions()
        marks: dict[str, Decimal | None] = {}
        for symbol, position in positions.items():
            base, quote = split_symbol(symbol, position.base, position.quote)
            marks[symbol] = finder.price(base, quote)
        self.pnl_table.set_positions(positions, marks, self.quote)
