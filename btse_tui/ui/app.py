"""BtseApp: the dashboard; one worker per socket, session events turned into widget updates."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widgets import Footer, Input, Static

from btse_tui.protocol import events as ev
from btse_tui.protocol import session_events as se
from btse_tui.protocol.errors import BtseError, OrderRejected, RequestTimeout, TransportError
from btse_tui.protocol.guards import needs_confirmation
from btse_tui.protocol.models import Market, Order, OrderRequest
from btse_tui.ui import messages as m
from btse_tui.ui.bridge import Coalescer, describe_fill, describe_order, to_message
from btse_tui.ui.order_review import order_costs, order_warnings
from btse_tui.ui.screens.amend import AmendScreen
from btse_tui.ui.screens.cancel_all import CancelAllScreen
from btse_tui.ui.screens.confirm import ConfirmOrderScreen
from btse_tui.ui.screens.help import HelpScreen
from btse_tui.ui.widgets.balances import BalancesTable
from btse_tui.ui.widgets.markets import MarketsTable
from btse_tui.ui.widgets.notifications import NotificationLog
from btse_tui.ui.widgets.open_orders import OpenOrdersTable
from btse_tui.ui.widgets.order_book import OrderBookView
from btse_tui.ui.widgets.order_form import OrderForm
from btse_tui.ui.widgets.status_bar import StatusBar

#: Below this size the panes become numbered tabs.
NARROW_WIDTH = 120
NARROW_HEIGHT = 32
TABS = ("markets", "trade", "orders", "log")


class BtseApp(App[None]):
    """The trading desk. Takes a ready `TradingSession` (app factory; no globals)."""

    TITLE = "btse-tui"
    CSS_PATH: ClassVar[list[str]] = ["btse_tui.tcss", "app.tcss"]
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("slash", "filter", "Filter", id="app.filter"),
        Binding("b", "buy", "Buy", id="app.buy"),
        Binding("v", "sell", "Sell", id="app.sell"),
        Binding("c", "cancel_order", "Cancel", id="app.cancel"),
        Binding("a", "amend_order", "Amend", id="app.amend"),
        Binding("X", "cancel_all", "Cancel all", id="app.cancel_all"),
        Binding("d", "toggle_dms", "DMS", id="app.dead_mans_switch"),
        Binding("1,f1", "tab('markets')", "Markets", show=False, id="app.tab_markets"),
        Binding("2,f2", "tab('trade')", "Trade", show=False, id="app.tab_trade"),
        Binding("3,f3", "tab('orders')", "Orders", show=False, id="app.tab_orders"),
        Binding("4,f4", "tab('log')", "Log", show=False, id="app.tab_log"),
    ]

    def __init__(
        self,
        session: Any,
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
        self.clock = clock
        self.monotonic = monotonic
        self.selected: str | None = None
        self.tab = "markets"
        self._tickers: Coalescer[str, Any] = Coalescer()
        self._books: Coalescer[str, Any] = Coalescer()
        self._quotes: Coalescer[str, Any] = Coalescer()
        self._flush_armed = False
        self._started = False
        self._closing = False

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status", clock=self.monotonic, wall_clock=self.clock)
        yield Static(self._tabs_text(), id="tabs")
        yield Input(placeholder="filter markets (Esc closes)", id="filter")
        with Horizontal(id="main"):
            yield MarketsTable(id="markets", clock=self.monotonic)
            with Vertical(id="right"):
                yield OrderBookView(id="book")
                yield OrderForm(id="form")
        with Horizontal(id="bottom"):
            with Vertical(id="orders-pane"):
                yield Static("Open orders", classes="pane-title")
                yield OpenOrdersTable(id="orders")
            with Vertical(id="log-pane"):
                yield Static("Notifications", classes="pane-title")
                yield NotificationLog(id="log")
            with Vertical(id="balances-pane"):
                yield Static("Balances", classes="pane-title")
                yield BalancesTable(id="balances")
        yield Static("", id="last-line")
        yield Footer()

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
        self._start_session()
        self.set_interval(1.0, self._follow_visible_quotes)

    def on_resize(self, event: Resize) -> None:
        self._apply_size(event.size.width, event.size.height)

    def _apply_size(self, width: int, height: int) -> None:
        narrow = width < NARROW_WIDTH or height < NARROW_HEIGHT
        self.screen.set_class(narrow, "-narrow")
        for name in TABS:
            self.screen.set_class(name == self.tab, f"-tab-{name}")

    def _tabs_text(self) -> str:
        return "  ".join(
            f"[reverse] F{i} {name.title()} [/]" if name == self.tab else f" F{i} {name.title()} "
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
        target.focus()

    # ------------------------------------------------------------------ session workers

    @work(group="session", exclusive=False)
    async def _start_session(self) -> None:
        try:
            await self.session.start(self.on_session_event)
        except BtseError as error:
            self.log_line(f"Start-up failed: {error}", "error", sticky=True)
            self.status.set_rest(False, str(error)[:40])
        self._started = True
        for runner in ("run_spot", "run_book", "run_refresh", "run_dead_mans_switch"):
            self.run_worker(getattr(self.session, runner)(self.on_session_event), group=runner)
        if self.dms_on:
            self.session.set_dead_mans_switch(self.dms_seconds)

    def on_session_event(self, event: object) -> None:
        """Called by the session for every event (on the app's loop)."""
        if self._closing or not self.is_running:
            return
        if isinstance(event, se.TickersRefreshed):
            for ticker in event.tickers:
                self._tickers.put(ticker.symbol, ticker)
            self._arm_flush()
        elif isinstance(event, ev.BookUpdated):
            self._books.put(event.symbol, event)
            self._arm_flush()
        elif isinstance(event, ev.BookTop):
            self._quotes.put(event.symbol, event)
            self._arm_flush()
        else:
            self._handle_event(event)

    def _follow_visible_quotes(self) -> None:
        """Live top of book for the rows on screen, the favourites and the selected market."""
        if not self._started:
            return
        table = self.markets_table
        first = int(table.scroll_offset.y)
        shown = table.displayed_keys[first : first + max(1, table.size.height)]
        wanted = [str(k) for k in (*table.favourites, *shown)]
        if self.selected:
            wanted.insert(0, self.selected)
        self.session.watch_quotes(wanted)

    def _arm_flush(self) -> None:
        if not self._flush_armed:
            self._flush_armed = True
            self.set_timer(self.frame_period, self._flush)

    def _flush(self) -> None:
        """Apply coalesced high-rate updates: last value per key wins, one paint per frame."""
        self._flush_armed = False
        tickers = self._tickers.drain()
        if tickers:
            self.markets_table.apply_tickers(tickers.values())
            if self.selected in tickers:
                self.form.update_ticker(tickers[self.selected])
        quotes = self._quotes.drain()
        for quote in quotes.values():
            self.markets_table.apply_quote(quote.symbol, quote.bid, quote.ask)
        if quotes:
            self.status.touch("oss")
        books = self._books.drain()
        book = books.get(self.selected) if self.selected else None
        if book is not None:
            own = {o.price for o in self.session.ledger.open_orders(book.symbol) if o.price}
            self.book_view.update(book.bids, book.asks, own)
            self.status.touch("oss")

    def _handle_event(self, event: object) -> None:
        status = self.status
        match event:
            case se.MarketsLoaded(markets=markets):
                self._markets_loaded(markets)
            case se.BalancesRefreshed(balances=balances):
                self.balances_table.set_balances(balances)
                self.form.update_balances(self.session.balances)
            case se.OrdersSnapshot(orders=orders):
                self.orders_table.set_orders(orders)
            case se.FeesLoaded(taker=taker):
                self.form.set_fee_rate(taker)
            case se.Resynced():
                self.log_line(event.text, "connection")
            case se.OrderUnknown():
                self.log_line(event.text, "warning", sticky=True)
            case se.OrderChecked(order=order):
                self.log_line(event.text, "warning" if order is None else "info")
                if order is not None:
                    self._order_changed(order)
            case se.ClockSkew(ms=ms, warn=warn):
                status.set_skew(ms)
                if warn:
                    self.log_line(event.text, "warning")
            case se.DeadMansSwitch(armed=armed, timeout_s=timeout):
                status.set_dms(timeout if armed else None)
                if event.detail:
                    self.log_line(event.text, "warning")
            case se.RateLimitBlock(seconds=seconds):
                if seconds > 0:
                    status.set_rate_limited(self.monotonic() + seconds)
                    self.log_line(f"rate limited: nothing sent for {seconds:.0f} s", "warning")
                else:
                    status.set_rate_limited(None)
            case se.RestHealth(ok=ok, detail=detail):
                status.set_rest(ok, detail)
            case ev.OrderUpdated(order=order):
                self._order_changed(order)
                status.touch("spot")
            case ev.FillsReceived(fills=fills):
                for fill in fills:
                    at = fill.timestamp_ms / 1000 if fill.timestamp_ms else None
                    text = describe_fill(fill, self._market(fill.symbol))
                    self.log_view.add(text, "filled", at=at)
                    self.last_line.update(text)
                if self.bell_on_fill:
                    self.bell()
                status.touch("spot")
            case ev.StreamStateChanged(stream=name, state=state, reason=reason):
                status.set_stream(name, state, reason, event.reconnects)
                if name == "oss":
                    self.book_view.set_stale(state != ev.StreamState.LIVE, reason)
                if state is not ev.StreamState.CONNECTING:
                    self.log_line(
                        f"{name} socket {state.value}: {reason}".rstrip(": "), "connection"
                    )
            case ev.Pong(rtt_ms=rtt):
                status.set_rtt("spot", rtt)
            case ev.BookResync(symbol=symbol, reason=reason):
                self.log_line(f"{symbol} book {reason}: resubscribed", "connection")
            case _:
                message = to_message(event)  # type: ignore[arg-type]
                if isinstance(message, m.ConnectionNotice):
                    self.log_line(message.text, message.severity)

    # ------------------------------------------------------------------ state helpers

    def _market(self, symbol: str) -> Market | None:
        return self.session.markets.get(symbol)

    def _markets_loaded(self, markets: list[Market] | tuple[Market, ...]) -> None:
        spot = [mk for mk in markets if mk.type == "Spot"]
        self.markets_table.set_markets(spot)
        self.orders_table.set_markets(spot)
        if self.selected is None and spot:
            first = next((mk for mk in spot if mk.symbol in self.favourites), spot[0])
            self.select_market(first.symbol)

    def _order_changed(self, order: Order) -> None:
        table = self.orders_table
        if order.is_open:
            table.upsert(order)
        else:
            table.remove_order(order.order_id)
        self.log_view.add_order(order, self._market(order.symbol))
        self.last_line.update(describe_order(order, self._market(order.symbol)))

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

    @on(OrderBookView.PricePicked)
    def _price_picked(self, message: OrderBookView.PricePicked) -> None:
        self.form.set_price(message.price)

    @on(OrderForm.Submitted)
    def _order_submitted(self, message: OrderForm.Submitted) -> None:
        request = message.request
        ticker = self.session.tickers.get(request.symbol)
        market = self._market(request.symbol)
        if market is None:
            message.form.submission_done()
            return
        warnings = order_warnings(
            request,
            market,
            ticker,
            max_deviation=self.max_deviation,
            notional_cap=self.notional_cap,
        )
        must_confirm = needs_confirmation(
            request,
            warnings,
            production=self.environment == "production",
            confirm_all=self.confirm_all,
        )
        if not must_confirm:
            self._place(request)
            return

        def decided(confirmed: bool | None) -> None:
            if confirmed:
                self._place(request)
            else:
                self.form.submission_done()
                self.form.show_result("not sent", ok=False)

        self.push_screen(
            ConfirmOrderScreen(
                request,
                market,
                environment=self.environment,
                warnings=warnings,
                costs=order_costs(request, market, fee_rate=self.form.fee_rate),
            ),
            decided,
        )

    @work(group="orders")
    async def _place(self, request: OrderRequest) -> None:
        form = self.form
        try:
            orders = await self.session.place(request)
        except OrderRejected as error:
            form.show_result(f"Rejected: {error.message} ({_code(error)})", ok=False)
            self.log_line(f"Rejected {request.symbol}: {error.describe()}", "error", sticky=True)
        except RequestTimeout:
            form.show_result("no answer — checking whether it was placed", ok=False)
        except (TransportError, BtseError) as error:
            form.show_result(f"Failed: {error}", ok=False)
            self.log_line(f"Order failed: {error}", "error", sticky=True)
        else:
            first = orders[0] if orders else None
            if first is not None:
                form.show_result(f"{first.status_label} (status {first.status})", ok=True)
                for order in orders:
                    self.session.ledger.apply_order(order)
                    self._order_changed(order)
        finally:
            form.submission_done()

    # ------------------------------------------------------------------ actions

    def action_help(self) -> None:
        """Show every key."""
        self.push_screen(HelpScreen())

    def action_filter(self) -> None:
        """Filter the markets table."""
        box = self.filter_box
        box.add_class("-shown")
        if self.screen.has_class("-narrow"):
            self.action_tab("markets")
        box.focus()

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
            self.markets_table.focus()
        elif isinstance(self.focused, Input) and self.focused in self.form.query(Input):
            self.form.query_one("#side-switch").focus()  # leave typing: keys act again

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

    def action_cancel_order(self) -> None:
        """Cancel the order under the cursor in the open-orders table."""
        order = self.orders_table.selected_order()
        if order is None:
            self.notify("Select an order in the open-orders table first", severity="warning")
            return
        self._cancel(order)

    @work(group="orders")
    async def _cancel(self, order: Order) -> None:
        try:
            results = await self.session.cancel(order)
        except BtseError as error:
            self.log_line(f"Cancel failed: {error}", "error", sticky=True)
            return
        for result in results:
            self.session.ledger.apply_order(result)
            self._order_changed(result)

    def action_amend_order(self) -> None:
        """Change the price or size of the selected order."""
        order = self.orders_table.selected_order()
        market = self._market(order.symbol) if order else None
        if order is None or market is None:
            self.notify("Select an order in the open-orders table first", severity="warning")
            return

        def amended(request: Any) -> None:
            if request is not None:
                self._amend(request)

        self.push_screen(AmendScreen(order, market), amended)

    @work(group="orders")
    async def _amend(self, request: Any) -> None:
        try:
            results = await self.session.amend(request)
        except BtseError as error:
            self.log_line(f"Amend failed: {error}", "error", sticky=True)
            return
        for result in results:
            self.session.ledger.apply_order(result)
            self._order_changed(result)

    def action_cancel_all(self) -> None:
        """Cancel every open order of the selected market, after a count preview."""
        symbol = self.selected
        if symbol is None:
            return
        orders = self.session.ledger.open_orders(symbol)
        preview = [describe_order(o, self._market(symbol)) for o in orders[:8]]

        def decided(confirmed: bool | None) -> None:
            if confirmed:
                self._cancel_all(symbol)

        self.push_screen(
            CancelAllScreen(symbol, len(orders), preview=preview, environment=self.environment),
            decided,
        )

    @work(group="orders")
    async def _cancel_all(self, symbol: str) -> None:
        try:
            results = await self.session.cancel_all(symbol)
        except BtseError as error:
            self.log_line(f"Cancel all failed: {error}", "error", sticky=True)
            return
        for result in results:
            self.session.ledger.apply_order(result)
            self._order_changed(result)
        self.log_line(f"cancelled {len(results)} orders on {symbol}", "cancelled")

    def action_toggle_dms(self) -> None:
        """Arm or disarm the dead man's switch (cancelAllAfter heartbeat)."""
        self.dms_on = not self.dms_on
        self.session.set_dead_mans_switch(self.dms_seconds if self.dms_on else None)
        self.status.set_dms(self.dms_seconds if self.dms_on else None)
        state = f"armed ({self.dms_seconds:.0f} s)" if self.dms_on else "off"
        self.log_line(f"dead man's switch {state}", "connection")

    async def action_quit(self) -> None:
        """Leave (open orders stay on the exchange unless the dead man's switch lapses)."""
        self._closing = True
        await self.session.close()
        self.exit()

    async def on_unmount(self) -> None:
        self._closing = True
        await self.session.close()


def _code(error: OrderRejected) -> str:
    meaning = error.meaning
    return f"code {error.code}" + (f": {meaning}" if meaning else "")
