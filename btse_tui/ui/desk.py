"""DeskScreen: the trading desk — its panes, its layout by terminal size, and the objects that
turn session events into widget updates (DeskEvents) and keys into orders (OrderActions)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Input, Static

from btse_tui.config import Settings
from btse_tui.port import SessionPort
from btse_tui.protocol.alert_rule import PriceAlert
from btse_tui.protocol.errors import BtseError
from btse_tui.protocol.models import Market
from btse_tui.protocol.session_events import rest_problem
from btse_tui.ui import gc_tuning
from btse_tui.ui.command_line import CommandLine
from btse_tui.ui.desk_alerts import AlertHooks, DeskAlerts
from btse_tui.ui.desk_commands import CommandActions, CommandReporter
from btse_tui.ui.desk_events import DeskEvents
from btse_tui.ui.desk_history import HistoryPanes
from btse_tui.ui.desk_orders import OrderActions
from btse_tui.ui.focus import focus_now
from btse_tui.ui.ticket.form import OrderForm
from btse_tui.ui.widgets.balances import BalancesTable
from btse_tui.ui.widgets.chart import CandleChart
from btse_tui.ui.widgets.footer import KeyFooter
from btse_tui.ui.widgets.history import FillHistoryTable, OrderHistoryTable
from btse_tui.ui.widgets.markets import MarketsTable
from btse_tui.ui.widgets.notifications import LastLine, NotificationLog
from btse_tui.ui.widgets.open_orders import OpenOrdersTable
from btse_tui.ui.widgets.order_book import OrderBookView
from btse_tui.ui.widgets.portfolio import EquityLine, PnlTable
from btse_tui.ui.widgets.status_bar import StatusBar
from btse_tui.ui.widgets.trade_tape import TradeTapeView

#: Below this size the panes become numbered tabs.
NARROW_WIDTH = 120
NARROW_HEIGHT = 32
#: From this width open orders, notifications and balances share one bottom row (each pane
#: still gets Market, Side, Price, Size and Status, or Total, Available and Locked).
WIDE_WIDTH = 190
#: From this width the trade tape has its own column beside the book, at the book's height
#: (narrower, that column would cost the markets table its Bid, Ask and Volume columns).
TAPE_BESIDE_WIDTH = WIDE_WIDTH
TABS = ("markets", "trade", "orders", "log", "chart", "history")


@dataclass(frozen=True, slots=True)
class DeskOptions:
    """How the desk runs: the trader's settings, plus pacing and clocks the app chooses."""

    settings: Settings = field(default_factory=Settings)
    save_favourites: Callable[[tuple[str, ...]], None] | None = None
    frame_period: float = 1.0 / 15
    book_period: float = 1.0 / 10
    chart_period: float = 1.0 / 2
    freeze_startup_gc: bool = False
    startup_notices: tuple[str, ...] = ()
    clock: Callable[[], float] = field(default=time.time)
    monotonic: Callable[[], float] = field(default=time.monotonic)
    alerts: AlertHooks = field(default_factory=AlertHooks)


class DeskScreen(Screen[None]):
    """The desk: markets, book, order ticket, trade tape, open orders, notifications and
    balances.

    Its parts: `events` (DeskEvents) paints what the session reports; `orders`
    (OrderActions) sends what the trader asks for; `commands` (CommandActions) previews and
    carries out what is typed on the `:` command line. The screen itself owns the layout, the
    selected market and the notifications lines.
    """

    def __init__(self, session: SessionPort, options: DeskOptions) -> None:
        super().__init__()
        self.session = session
        self.options = options
        self.selected: str | None = None
        self.tab = "markets"
        self.favourites = options.settings.favourites
        self.events = DeskEvents(self)
        self.orders = OrderActions(self)
        self.alerts = DeskAlerts(self)
        self.commands = CommandActions(self)
        self.history = HistoryPanes(self)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        # the screen's classes before its children mount: set later, they restyle every node
        self._apply_size(self.app.size.width, self.app.size.height)
        monotonic = self.options.monotonic
        yield StatusBar(id="status", clock=monotonic, wall_clock=self.options.clock)
        yield Static(self._tabs_text(), id="tabs")
        yield Input(placeholder="filter markets (Esc closes)", id="filter")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield MarketsTable(id="markets", clock=monotonic)
                yield CandleChart(id="chart", clock=monotonic)
            with Vertical(id="right"):
                yield OrderBookView(id="book", clock=monotonic)
                with Vertical(id="ticket"):
                    yield OrderForm(id="form")
                    yield TradeTapeView(id="tape", clock=monotonic)
        with Horizontal(id="bottom"):
            with Vertical(id="orders-pane"):
                yield Static("Open orders", classes="pane-title", id="orders-title")
                yield OpenOrdersTable(id="orders")
                yield OrderHistoryTable(id="done-orders")
                yield FillHistoryTable(id="fills")
            with Vertical(id="log-pane"):
                yield Static("Notifications", classes="pane-title")
                yield NotificationLog(id="log", clock=self.options.clock)
            with Vertical(id="balances-pane"):
                yield Static("Balances", classes="pane-title", id="balances-title")
                yield BalancesTable(id="balances")
                yield PnlTable(id="pnl")
                yield EquityLine(id="equity")
        yield LastLine(id="last-line")
        yield CommandLine(
            self.commands.preview,
            lambda line: self.commands.run(line, self.command_reporter),
            id="command-line",
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        options = self.options
        self.status = self.query_one(StatusBar)
        self.markets_table = self.query_one(MarketsTable)
        self.book_view = self.query_one(OrderBookView)
        self.tape_view = self.query_one(TradeTapeView)
        self.chart_view = self.query_one(CandleChart)
        self.form = self.query_one(OrderForm)
        self.orders_table = self.query_one(OpenOrdersTable)
        self.log_view = self.query_one(NotificationLog)
        self.balances_table = self.query_one(BalancesTable)
        self.last_line = self.query_one("#last-line", Static)
        self.filter_box = self.query_one("#filter", Input)
        self.command_line = self.query_one(CommandLine)
        self.command_reporter = CommandReporter(self, self.command_line)
        self.history.mounted()
        self.status.set_environment(options.settings.environment)
        self.status.set_dms(self.orders.dms_seconds if self.orders.dms_on else None)
        self.markets_table.set_favourites(self.favourites)
        self.markets_table.low_bandwidth = options.settings.low_bandwidth
        self._apply_size(self.app.size.width, self.app.size.height)
        self.events.show_tape_freshness()
        self.markets_table.focus()
        self.log_line(f"{options.settings.environment.upper()}: connecting…", "connection")
        for notice in options.startup_notices:
            self.log_line(f"warning: {notice}", "warning", sticky=True)
            self.notify(notice, title="warning", severity="warning", timeout=20)
        self._start_session()
        if options.freeze_startup_gc:  # the start-up pause ends even if no market ever loads
            self.set_timer(gc_tuning.PAUSE_LIMIT_S, gc_tuning.resume)
        self.set_interval(1.0, self.events.follow_visible_quotes)
        self.set_interval(1.0, self.alerts.tick)
        # a quiet market's new candle opens on time; a chart just shown gets its klines
        self.set_interval(1.0, self.load_chart)

    def on_resize(self, event: Resize) -> None:
        self._apply_size(event.size.width, event.size.height)

    @property
    def narrow(self) -> bool:
        """True while the panes are tabs (a small terminal)."""
        return self.has_class("-narrow")

    def _apply_size(self, width: int, height: int) -> None:
        narrow = width < NARROW_WIDTH or height < NARROW_HEIGHT
        self.set_class(narrow, "-narrow")
        self.set_class(not narrow and width >= WIDE_WIDTH, "-wide")
        self.set_class(not self.options.settings.chart, "-no-chart")
        self.set_class(not narrow and width >= TAPE_BESIDE_WIDTH, "-tape-beside")
        for name in TABS:
            self.set_class(name == self.tab, f"-tab-{name}")

    def _tabs_text(self) -> str:
        """The tab bar: each label switches to its tab when clicked (as its F key does)."""
        return "  ".join(
            f"[{'reverse ' if name == self.tab else ''}@click=app.tab('{name}')]"
            f" F{i} {name.title()} [/]"
            for i, name in enumerate(TABS, 1)
        )

    def show_tab(self, name: str) -> None:
        """Show one pane group on a narrow terminal."""
        self.tab = name
        self.query_one("#tabs", Static).update(self._tabs_text())
        self._apply_size(self.app.size.width, self.app.size.height)
        self.history.tab_shown(name)
        target = {
            "markets": self.markets_table,
            "trade": self.form.query_one("#side-switch"),
            "orders": self.orders_table,
            "log": self.log_view,
            "history": self.history.focus_target(),
            "chart": self.chart_view,
        }[name]
        focus_now(target)
        if name == "chart":
            self.load_chart()

    # ------------------------------------------------------------------ the session

    @work(group="session", exclusive=False)
    async def _start_session(self) -> None:
        session = self.session
        try:
            await session.start(self.events.receive)
        except BtseError as error:
            self.log_line(f"Start-up failed: {error}", "error", sticky=True)
            self.status.set_rest(False, rest_problem(error))
        self.events.started = True
        self.run_worker(session.run_spot(), group="run_spot")
        self.run_worker(session.run_book(), group="run_book")
        self.run_worker(session.run_refresh(), group="run_refresh")
        self.run_worker(session.run_dead_mans_switch(), group="run_dead_mans_switch")
        if self.orders.dms_on:
            session.set_dead_mans_switch(self.orders.dms_seconds)

    def market(self, symbol: str) -> Market | None:
        """The rules of `symbol` (None while markets are not loaded)."""
        return self.session.markets.get(symbol)

    def log_line(self, text: str, severity: str = "info", sticky: bool = False) -> None:
        """Add a line to the notifications pane (and the one-line strip on narrow screens)."""
        at = self.options.clock()
        self.log_view.add(text, severity, sticky=sticky or severity == "error", at=at)
        self.last_line.update(text)

    def add_price_alert(self, alert: PriceAlert) -> None:
        """Set a price alert (the command line's `alert …` and the alerts screen); it is
        saved at once and checked against every last price from then on."""
        self.alerts.add(alert)

    def select_market(self, symbol: str) -> None:
        """Make `symbol` the market of the form and the book."""
        market = self.market(symbol)
        if market is None:
            return
        self.selected = symbol
        self.form.set_market(market, self.session.tickers.get(symbol), self.session.balances)
        fees = self.session.fees.get(symbol)
        if fees is not None:
            self.form.set_fees(fees.maker, fees.taker)
        self.book_view.set_market(market)
        self.tape_view.set_market(market)  # empty, saying so, until this market's trades come
        self.chart_view.set_market(market)
        self.session.select_market(symbol)
        self.events.tape_due()
        self.history.market_selected(symbol)
        # after the next paint: start-up shows the markets first, the klines come after
        self.call_after_refresh(self.load_chart)

    @property
    def chart_shown(self) -> bool:
        """True while the candle chart is on screen: under the markets unless the chart
        setting is off; on a narrow terminal only in its Chart tab."""
        if self.narrow:
            return self.tab == "chart"
        return self.options.settings.chart

    def load_chart(self) -> None:
        """Ask for the selected market's candles at the chart's interval while the chart is
        on screen (the session fetches each market and interval once)."""
        if self.selected is not None and self.chart_shown:
            self.session.load_candles(self.selected, self.chart_view.interval)
            self.chart_view.set_orders(self.session.open_orders(self.selected))
            self.events.chart_due()

    # ------------------------------------------------------------------ widget messages

    @on(MarketsTable.Selected)
    def _market_selected(self, message: MarketsTable.Selected) -> None:
        self.select_market(message.symbol)
        if self.narrow:
            self.show_tab("trade")
        self.form.focus_first_field()

    @on(MarketsTable.FavouritesChanged)
    def _favourites_changed(self, message: MarketsTable.FavouritesChanged) -> None:
        self.favourites = tuple(sorted(message.favourites))
        if self.options.save_favourites is not None:
            self.options.save_favourites(self.favourites)

    @on(OrderForm.Submitted)
    def _order_submitted(self, message: OrderForm.Submitted) -> None:
        self.orders.submit(message.request)

    @on(CandleChart.IntervalChanged)
    def _chart_interval(self) -> None:
        self.load_chart()

    @on(OrderBookView.PricePicked)
    def _price_picked(self, message: OrderBookView.PricePicked) -> None:
        self.form.set_price(message.price)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, message: Input.Changed) -> None:
        self.markets_table.set_filter(message.value)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.markets_table.focus()

    # ------------------------------------------------------------------ keys

    def open_filter(self) -> None:
        """Filter the markets table."""
        box = self.filter_box
        box.add_class("-shown")
        box.display = True  # now, not after the class restyles: keys typed ahead land in it
        if self.narrow:
            self.show_tab("markets")
        focus_now(box)

    def open_command_line(self, text: str = "") -> None:
        """Open the `:` command line (with `text` typed, when given)."""
        self.command_line.open(text)

    def enter_command(self, line: str) -> None:
        """Carry out `line` on the command line, as if typed there and Enter pressed."""
        self.command_line.open()
        self.command_line.enter(line)

    @on(CommandLine.Closed)
    def _command_line_closed(self) -> None:
        if self.narrow:
            focus_now(self.markets_table if self.tab == "markets" else self.form)
        else:
            focus_now(self.markets_table)

    def key_escape(self) -> None:
        box = self.filter_box
        if box.has_class("-shown"):
            box.value = ""
            box.remove_class("-shown")
            box.display = False
            self.markets_table.focus()
        elif isinstance(self.focused, Input) and self.focused in self.form.query(Input):
            self.form.query_one("#side-switch").focus()  # leave typing: keys act again

    def open_ticket(self, side: str) -> None:
        """Open the order ticket on the highlighted (or selected) market with `side`."""
        markets = self.markets_table
        if markets.has_focus and markets.selected_symbol:
            self.select_market(markets.selected_symbol)
        self.form.set_side(side)
        if self.narrow:
            self.show_tab("trade")
        self.form.focus_first_field()
