"""BtseApp: the dashboard; one worker per socket, session events turned into widget updates."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from btse_tui.port import SessionPort
from btse_tui.protocol.events import StreamState
from btse_tui.ui import screen_probe
from btse_tui.ui.app_events import SessionEventsMixin
from btse_tui.ui.app_trading import TradingMixin
from btse_tui.ui.bridge import Coalescer
from btse_tui.ui.focus import focus_now
from btse_tui.ui.screens.help import HelpScreen
from btse_tui.ui.screens.quit import QuitScreen
from btse_tui.ui.widgets.balances import BalancesTable
from btse_tui.ui.widgets.footer import KeyFooter
from btse_tui.ui.widgets.markets import MarketsTable
from btse_tui.ui.widgets.notifications import LastLine, NotificationLog
from btse_tui.ui.widgets.open_orders import OpenOrdersTable
from btse_tui.ui.widgets.order_book import OrderBookView
from btse_tui.ui.widgets.order_form import OrderForm
from btse_tui.ui.widgets.side_switch import SideSwitch
from btse_tui.ui.widgets.status_bar import StatusBar

#: Below this size the panes become numbered tabs.
NARROW_WIDTH = 120
NARROW_HEIGHT = 32
#: From this width open orders, notifications and balances share one bottom row (each pane
#: still gets Market, Side, Price, Size and Status, or Total, Available and Locked).
WIDE_WIDTH = 190
TABS = ("markets", "trade", "orders", "log")


class BtseApp(SessionEventsMixin, TradingMixin, App[None]):
    """The trading desk. Takes a ready session (a `SessionPort`; app factory, no globals)."""

    TITLE = "btse-tui"
    CSS_PATH: ClassVar[list[str]] = ["btse_tui.tcss", "app.tcss"]
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        # priority too: "/eth" typed in one burst filters by "eth" (see b / v below)
        Binding("slash", "filter", "Filter", priority=True, id="app.filter"),
        # b / v and Tab are priority: a key typed ahead (fast typing, a lagging SSH link) is
        # acted on before the keys after it are delivered, so "b95000<Tab>0.001" fills the
        # ticket's price and size instead of feeding the digits to the widget left behind
        Binding("b", "buy", "Buy", priority=True, id="app.buy"),
        Binding("v", "sell", "Sell", priority=True, id="app.sell"),
        Binding("c", "cancel_order", "Cancel", id="app.cancel"),
        Binding("a", "amend_order", "Amend", id="app.amend"),
        Binding("X", "cancel_all", "Cancel all", id="app.cancel_all"),
        Binding("d", "toggle_dms", "DMS", id="app.dead_mans_switch"),
        Binding("tab", "focus_next", show=False, priority=True, id="app.focus_next"),
        Binding("shift+tab", "focus_previous", show=False, priority=True, id="app.focus_prev"),
        Binding("1,f1", "tab('markets')", "Markets", show=False, id="app.tab_markets"),
        Binding("2,f2", "tab('trade')", "Trade", show=False, id="app.tab_trade"),
        Binding("3,f3", "tab('orders')", "Orders", show=False, id="app.tab_orders"),
        Binding("4,f4", "tab('log')", "Log", show=False, id="app.tab_log"),
    ]

    def __init__(
        self,
        session: SessionPort,
        *,
        environment: str = "demo",
        low_bandwidth: bool = False,
        confirm_all: bool = False,
        bell: bool = False,
        favourites: tuple[str, ...] = (),
        save_favourites: Callable[[tuple[str, ...]], None] | None = None,
        max_deviation_pct: Decimal = Decimal(5),
        notional_cap: Decimal | None = None,
        dead_mans_switch_s: float = 0.0,
        frame_hz: float = 15.0,
        book_hz: float = 10.0,
        freeze_startup_gc: bool = False,
        startup_notices: tuple[str, ...] = (),
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.session = session
        self.environment = environment
        self.low_bandwidth = low_bandwidth
        self.confirm_all = confirm_all or environment == "production"
        self.bell_on_fill = bell
        self.favourites = favourites
        self.save_favourites = save_favourites
        self.max_deviation = Decimal(max_deviation_pct) / 100
        self.notional_cap = notional_cap
        self.dms_seconds = dead_mans_switch_s or 60.0
        self.dms_on = dead_mans_switch_s > 0
        self.frame_period = 1.0 / (5.0 if low_bandwidth else frame_hz)
        # the book repaints at most 10 times a second: with the full-height ladder it is most
        # of what a busy market sends down the link (45 of 62 KB/s at 15 Hz, 160×50)
        self.book_period = max(self.frame_period, 1.0 / book_hz)
        self._book_painted_at = float("-inf")
        self.clock = clock
        self.monotonic = monotonic
        self.selected: str | None = None
        self.tab = "markets"
        self._tickers: Coalescer[str, Any] = Coalescer()
        self._books: Coalescer[str, Any] = Coalescer()
        self._quotes: Coalescer[str, Any] = Coalescer()
        self._paint_armed = False
        self._painted = False  # no coalesced update painted yet
        self._started = False
        self._shutting_down = False
        self._oss_state: StreamState | None = None
        self._book_fresh = False  # the shown book came from the socket's current connection
        self._notified: dict[str, float] = {}  # news → when it was last told (monotonic)
        # the launched app freezes start-up objects (ui/gc_tuning.py); tests share one process
        self._startup_frozen = not freeze_startup_gc
        # warnings printed before the full screen took the terminal (hidden behind it)
        self.startup_notices = startup_notices

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        # the screen's classes before its children mount: set later, they restyle every node
        self._apply_size(self.size.width, self.size.height)
        yield StatusBar(id="status", clock=self.monotonic, wall_clock=self.clock)
        yield Static(self._tabs_text(), id="tabs")
        yield Input(placeholder="filter markets (Esc closes)", id="filter")
        with Horizontal(id="main"):
            yield MarketsTable(id="markets", clock=self.monotonic)
            with Vertical(id="right"):
                yield OrderBookView(id="book", clock=self.monotonic)
                yield OrderForm(id="form")
        with Horizontal(id="bottom"):
            with Vertical(id="orders-pane"):
                yield Static("Open orders", classes="pane-title")
                yield OpenOrdersTable(id="orders")
            with Vertical(id="log-pane"):
                yield Static("Notifications", classes="pane-title")
                yield NotificationLog(id="log", clock=self.clock)
            with Vertical(id="balances-pane"):
                yield Static("Balances", classes="pane-title")
                yield BalancesTable(id="balances")
        yield LastLine(id="last-line")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.status = self.query_one(StatusBar)
        self.markets_table = self.query_one(MarketsTable)
        self.book_view = self.query_one(OrderBookView)
        self.form = self.query_one(OrderForm)
        self.orders_table = self.query_one(OpenOrdersTable)
        self.log_view = self.query_one(NotificationLog)
        self.balances_table = self.query_one(BalancesTable)
        self.last_line = self.query_one("#last-line", Static)
        self.filter_box = self.query_one("#filter", Input)
        status = self.status
        status.set_environment(self.environment)
        status.set_dms(self.dms_seconds if self.dms_on else None)
        markets = self.markets_table
        markets.set_favourites(self.favourites)
        markets.low_bandwidth = self.low_bandwidth
        self._apply_size(self.size.width, self.size.height)
        self.markets_table.focus()
        self.log_line(f"{self.environment.upper()}: connecting…", "connection")
        for notice in self.startup_notices:
            self.log_line(f"warning: {notice}", "warning", sticky=True)
            self.notify(notice, title="warning", severity="warning", timeout=20)
        self._start_session()
        self.set_interval(1.0, self._follow_visible_quotes)
        screen_probe.install(self)

    def on_resize(self, event: Resize) -> None:
        self._apply_size(event.size.width, event.size.height)

    def _apply_size(self, width: int, height: int) -> None:
        narrow = width < NARROW_WIDTH or height < NARROW_HEIGHT
        self.screen.set_class(narrow, "-narrow")
        self.screen.set_class(not narrow and width >= WIDE_WIDTH, "-wide")
        for name in TABS:
            self.screen.set_class(name == self.tab, f"-tab-{name}")

    def _tabs_text(self) -> str:
        """The tab bar: each label switches to its tab when clicked (as its F key does)."""
        return "  ".join(
            f"[{'reverse ' if name == self.tab else ''}@click=app.tab('{name}')]"
            f" F{i} {name.title()} [/]"
            for i, name in enumerate(TABS, 1)
        )

    def action_tab(self, name: str) -> None:
        """Show one pane group on a narrow terminal."""
        self.tab = name
        self.query_one("#tabs", Static).update(self._tabs_text())
        self._apply_size(self.size.width, self.size.height)
        target = {
            "markets": self.markets_table,
            "trade": self.form.query_one("#side-switch"),
            "orders": self.orders_table,
            "log": self.log_view,
        }[name]
        focus_now(target)

    def log_line(self, text: str, severity: str = "info", sticky: bool = False) -> None:
        """Add a line to the notifications pane (and the one-line strip on narrow screens)."""
        self.log_view.add(text, severity, sticky=sticky or severity == "error", at=self.clock())
        self.last_line.update(text)

    def select_market(self, symbol: str) -> None:
        """Make `symbol` the market of the form and the book."""
        market = self._market(symbol)
        if market is None:
            return
        self.selected = symbol
        self.form.set_market(market, self.session.tickers.get(symbol), self.session.balances)
        fees = self.session.fees.get(symbol)
        if fees is not None:
            self.form.set_fees(fees.maker, fees.taker)
        book = self.book_view
        book.set_market(market)
        self.session.select_market(symbol)

    # ------------------------------------------------------------------ widget messages

    @on(MarketsTable.Selected)
    def _market_selected(self, message: MarketsTable.Selected) -> None:
        self.select_market(message.symbol)
        if self.screen.has_class("-narrow"):
            self.action_tab("trade")
        self.form.focus_first_field()

    @on(MarketsTable.FavouritesChanged)
    def _favourites_changed(self, message: MarketsTable.FavouritesChanged) -> None:
        self.favourites = tuple(sorted(message.favourites))
        if self.save_favourites is not None:
            self.save_favourites(self.favourites)

    @on(OrderForm.Submitted)
    def _order_submitted(self, message: OrderForm.Submitted) -> None:
        self.submit_order(message.request)

    @on(OrderBookView.PricePicked)
    def _price_picked(self, message: OrderBookView.PricePicked) -> None:
        self.form.set_price(message.price)

    # ------------------------------------------------------------------ actions

    def action_help(self) -> None:
        """Show every key."""
        self.push_screen(HelpScreen())

    def action_filter(self) -> None:
        """Filter the markets table."""
        box = self.filter_box
        box.add_class("-shown")
        box.display = True  # now, not after the class restyles: keys typed ahead land in it
        if self.screen.has_class("-narrow"):
            self.action_tab("markets")
        focus_now(box)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, message: Input.Changed) -> None:
        self.markets_table.set_filter(message.value)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.markets_table.focus()

    def key_escape(self) -> None:
        box = self.filter_box
        if box.has_class("-shown"):
            box.value = ""
            box.remove_class("-shown")
            box.display = False
            self.markets_table.focus()
        elif isinstance(self.focused, Input) and self.focused in self.form.query(Input):
            self.form.query_one("#side-switch").focus()  # leave typing: keys act again

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """b / v open the ticket from the main screen; an input types them, the side switch
        keeps its own b / v (set the side). An input types `/` too, so the footer does not
        offer it as Filter there."""
        if isinstance(self.screen, QuitScreen):
            return action == "quit"  # any other key is the answer "stay"
        if action == "filter":
            return not isinstance(self.focused, Input) and not isinstance(self.screen, ModalScreen)
        if action in ("buy", "sell"):
            focused = self.focused
            return not isinstance(focused, Input | SideSwitch) and not isinstance(
                self.screen, ModalScreen
            )
        return True

    def action_buy(self) -> None:
        """Buy the selected market."""
        self._open_ticket("BUY")

    def action_sell(self) -> None:
        """Sell the selected market."""
        self._open_ticket("SELL")

    def _open_ticket(self, side: str) -> None:
        markets = self.markets_table
        if markets.has_focus and markets.selected_symbol:
            self.select_market(markets.selected_symbol)
        form = self.form
        form.set_side(side)
        if self.screen.has_class("-narrow"):
            self.action_tab("trade")
        form.focus_first_field()

    async def action_quit(self) -> None:
        """Leave; while orders stay open on the exchange and no dead man's switch would cancel
        them, ask first (`q` again quits, any other key stays)."""
        open_orders = len(self.session.open_orders())
        if open_orders and not self.dms_on and not isinstance(self.screen, QuitScreen):
            self.push_screen(QuitScreen(open_orders), self._quit_answered)
            return
        await self._leave()

    def _quit_answered(self, leave: bool | None) -> None:
        if leave:
            self.call_later(self._leave)

    async def _leave(self) -> None:
        """Close the session and exit (open orders stay unless the dead man's switch lapses)."""
        self._shutting_down = True
        await self.session.close()
        self.exit()

    async def on_unmount(self) -> None:
        self._shutting_down = True
        await self.session.close()
