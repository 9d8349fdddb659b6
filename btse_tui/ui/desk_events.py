"""DeskEvents: the desk's sink for session events — coalesced at frame rate or applied."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from btse_tui.port import DeskEvent
from btse_tui.protocol import events as ev
from btse_tui.protocol import session_events as se
from btse_tui.protocol.models import Market, Order, Side, Ticker
from btse_tui.ui import gc_tuning
from btse_tui.ui.bridge import Coalescer, connection_notice, describe_fill, describe_order

if TYPE_CHECKING:
    from btse_tui.ui.desk import DeskScreen

#: What the book pane says while its socket is not live (and when live but not yet fresh).
_BOOK_STALE_WHY = {
    None: "connecting",
    ev.StreamState.STALE: "no data",
    ev.StreamState.DOWN: "disconnected",
    ev.StreamState.CONNECTING: "reconnecting",
}


class DeskEvents:
    """The desk's sink for session events (all on the app's event loop): tickers, quotes and
    books coalesce (last value per symbol wins) and are painted at most once a frame;
    everything else is applied as it comes."""

    def __init__(self, desk: DeskScreen) -> None:
        self.desk = desk
        self.started = False
        """True once the session's start-up load is done (quotes are followed from then)."""
        self.stopped = False
        """True once the desk is closing: later events are dropped."""
        self._tickers: Coalescer[str, Ticker] = Coalescer()
        self._books: Coalescer[str, ev.BookUpdated] = Coalescer()
        self._quotes: Coalescer[str, ev.BookTop] = Coalescer()
        self._paint_armed = False
        self._painted = False  # no coalesced update painted yet
        self._book_painted_at = float("-inf")
        self._tape_due = False  # the selected market's trades changed since the tape's paint
        self._tape_painted_at = float("-inf")
        self._chart_due = False  # the chart's candles may have changed since its paint
        self._chart_orders_due = False  # an order of the selected market opened or closed
        self._chart_painted_at = float("-inf")
        self._spot_state: ev.StreamState | None = None
        self._oss_state: ev.StreamState | None = None
        self._book_fresh = False  # the shown book came from the socket's current connection
        self._notified: dict[str, float] = {}  # news → when it was last told (monotonic)
        # the launched app freezes start-up objects (ui/gc_tuning.py); tests share one process
        self._startup_frozen = not desk.options.freeze_startup_gc

    def receive(self, event: DeskEvent) -> None:
        """Called by the session for every event (on the app's loop)."""
        if self.stopped or not self.desk.app.is_running:
            return
        self.desk.alerts.receive(event)
        if isinstance(event, se.TickersRefreshed):
            for ticker in event.tickers:
                self._tickers.put(ticker.symbol, ticker)
            self._arm_paint()
        elif isinstance(event, ev.BookUpdated):
            self._books.put(event.symbol, event)
            self._arm_paint()
        elif isinstance(event, ev.BookTop):
            self._quotes.put(event.symbol, event)
            self._arm_paint()
        elif isinstance(event, ev.TradesPrinted | se.TradesLoaded):
            if event.symbol == self.desk.selected:
                self.tape_due()
                if isinstance(event, ev.TradesPrinted):
                    self.chart_due()
            if isinstance(event, ev.TradesPrinted):
                self.desk.status.touch("spot")
        else:
            self._handle_event(event)

    def follow_visible_quotes(self) -> None:
        """Live top of book for the rows on screen, the favourites and the selected market."""
        if not self.started:
            return
        desk = self.desk
        table = desk.markets_table
        first = int(table.scroll_offset.y)
        shown = table.displayed_keys[first : first + max(1, table.size.height)]
        wanted = [str(k) for k in (*table.favourites, *shown)]
        if desk.selected:
            wanted.insert(0, desk.selected)
        desk.session.watch_quotes(wanted)

    def tape_due(self) -> None:
        """The selected market's tape changed: repaint it with the next frames (at most as
        often as the book)."""
        self._tape_due = True
        self._arm_paint()

    def chart_due(self) -> None:
        """The selected market's candles may have changed: repaint the chart with the next
        frames, at most once per `chart_period` and only while it is on screen."""
        if self.desk.chart_shown:
            self._chart_due = True
            self._arm_paint()

    def _paint_chart(self) -> None:
        """Paint the chart from the session's candles if it is due and its period is over."""
        desk = self.desk
        if not self._chart_due or not desk.selected:
            return
        monotonic = desk.options.monotonic
        if monotonic() - self._chart_painted_at < desk.options.chart_period:
            self._arm_paint()  # the chart's frame comes a little later
            return
        self._chart_due = False
        self._chart_painted_at = monotonic()
        chart = desk.chart_view
        if self._chart_orders_due:
            self._chart_orders_due = False
            chart.set_orders(desk.session.open_orders(desk.selected))
        chart.set_candles(desk.session.candles(desk.selected, chart.interval))

    def _arm_paint(self) -> None:
        if not self._paint_armed:
            self._paint_armed = True
            if self._painted:
                self.desk.set_timer(self.desk.options.frame_period, self._paint_pending)
            else:  # the first prices go up at once, not a frame later
                self._painted = True
                self.desk.call_later(self._paint_pending)

    def _paint_pending(self) -> None:
        """Apply coalesced high-rate updates: last value per key wins, one paint per frame."""
        self._paint_armed = False
        desk = self.desk
        tickers = self._tickers.drain()
        if tickers:
            desk.markets_table.apply_tickers(tickers.values())
            if desk.selected in tickers:
                desk.form.update_ticker(tickers[desk.selected])
            desk.history.prices_changed()
        quotes = self._quotes.drain()
        for quote in quotes.values():
            desk.markets_table.apply_quote(quote.symbol, quote.bid, quote.ask)
        if quotes:
            desk.status.touch("oss")
        monotonic = desk.options.monotonic
        if self._tape_due and desk.selected:
            if monotonic() - self._tape_painted_at < desk.options.book_period:
                self._arm_paint()  # the tape's frame comes a little later
            else:
                self._tape_due = False
                self._tape_painted_at = monotonic()
                desk.tape_view.update(desk.session.recent_trades(desk.selected))
        self._paint_chart()
        books = self._books.drain()
        book = books.get(desk.selected) if desk.selected else None
        if book is not None and monotonic() - self._book_painted_at < desk.options.book_period:
            self._books.put(book.symbol, book)  # the book's frame comes a little later
            self._arm_paint()
            book = None
        if book is not None:
            self._book_painted_at = monotonic()
            buys: list[Decimal] = []
            sells: list[Decimal] = []
            for order in desk.session.open_orders(book.symbol):
                if order.price:
                    (buys if order.side is Side.BUY else sells).append(order.price)
            desk.book_view.update(book.bids, book.asks, buys, sells)
            desk.status.touch("oss")
            if not self._book_fresh:
                self._book_fresh = True
                self._show_book_freshness()

    def _handle_event(self, event: DeskEvent) -> None:
        desk = self.desk
        status, form = desk.status, desk.form
        match event:
            case se.MarketsLoaded(markets=markets):
                self._markets_loaded(markets)
            case se.BalancesRefreshed(balances=balances):
                desk.balances_table.set_balances(balances)
                form.update_balances({b.currency: b for b in balances})
                desk.history.prices_changed(force=True)
            case se.HistoryLoaded(source=source):
                desk.history.reload()
                if not (source.from_exchange or source.loading):
                    desk.log_line(f"history {source.text}", "warning")
            case se.OrdersSnapshot(orders=orders):
                desk.orders_table.set_orders(orders)
                desk.chart_view.set_orders(orders)
            case se.CandlesLoaded(symbol=symbol, interval=interval):
                if symbol == desk.selected and interval == desk.chart_view.interval:
                    self._chart_painted_at = float("-inf")  # a new chart: show it at once
                    self.chart_due()
            case se.FeesLoaded(maker=maker, taker=taker):
                own = desk.session.fees.get(desk.selected or "")  # the market's, if listed
                form.set_fees(*((own.maker, own.taker) if own else (maker, taker)))
            case se.Resynced():
                desk.log_line(event.text, "connection")
            case se.OrderUnknown():
                desk.log_line(event.text, "warning", sticky=True)
            case se.OrderChecked(order=order):  # its new state came as OrderChanged
                desk.log_line(event.text, "warning" if order is None else "info")
                form.order_checked(event.cl_order_id, order)
                desk.command_reporter.order_checked(event.cl_order_id, order)
            case se.OrderChanged(order=order, new_state=new_state):
                self._order_changed(order, new_state)
                if event.from_stream:
                    status.touch("spot")
            case se.DataDropped():
                desk.log_line(event.text, "warning")
            case se.ClockSkew(ms=ms, warn=warn):
                status.set_skew(ms)
                if warn:
                    desk.log_line(event.text, "warning")
            case se.DeadMansSwitch(armed=armed, timeout_s=timeout):
                status.set_dms(timeout if armed else None)
                if event.detail:
                    desk.log_line(event.text, "warning")
            case se.RateLimitBlock(seconds=seconds):
                if seconds > 0:
                    status.set_rate_limited(desk.options.monotonic() + seconds)
                    desk.log_line(f"rate limited: nothing sent for {seconds:.0f} s", "warning")
                else:
                    status.set_rate_limited(None)
            case se.RestHealth(ok=ok, problem=problem):
                status.set_rest(ok, problem)
                self._rest_notice(event)
            case ev.FillsReceived(fills=fills):
                desk.history.fills_added()
                if any(fill.symbol == desk.selected for fill in fills):
                    self.tape_due()  # a print on the tape may be the trader's own
                    desk.chart_view.add_fills(fills)
                for fill in fills:
                    traded = fill.timestamp_ms / 1000 if fill.timestamp_ms else None
                    text = describe_fill(fill, desk.market(fill.symbol))
                    desk.log_view.add(text, "filled", happened=traded)
                    desk.last_line.update(text)
                if desk.options.settings.bell:
                    desk.app.bell()
                status.touch("spot")
            case ev.StreamStateChanged(stream=name, state=state, reason=reason):
                status.set_stream(name, state, reason, event.reconnects)
                if name == "oss":
                    self._oss_state = state
                    if state is not ev.StreamState.LIVE:
                        self._book_fresh = state is ev.StreamState.STALE and self._book_fresh
                    self._show_book_freshness()
                elif name == "spot":
                    self._spot_state = state
                    self.show_tape_freshness()
                # a refused sign-in is told by its AuthResult notice; connecting is noise
                if state not in (ev.StreamState.CONNECTING, ev.StreamState.SIGN_IN_REFUSED):
                    self._notify_once(
                        f"{name} {state.value}", f"{name} socket {state.value}: {reason}"
                    )
            case ev.Pong(rtt_ms=rtt, stream=name):
                status.set_rtt(name or "spot", rtt)
            case ev.BookResync(symbol=symbol, reason=reason):
                desk.log_line(f"{symbol} book {reason}: resubscribed", "connection")
                if symbol == desk.selected:
                    self._book_fresh = False
                    self._show_book_freshness()
            case _:
                notice = connection_notice(event)
                if notice is not None:  # e.g. each reconnect's login
                    self._notify_once(notice.text, notice.text, notice.severity)

    # ------------------------------------------------------------------ connection truth

    def _show_book_freshness(self) -> None:
        """Grey the book out unless its socket is live and it was painted from this
        connection (a reconnected or resyncing book waits for its snapshot)."""
        state = self._oss_state
        book_view = self.desk.book_view
        if state is ev.StreamState.LIVE and self._book_fresh:
            book_view.set_stale(False)
            return
        why = _BOOK_STALE_WHY.get(state, "waiting for a fresh book")
        book_view.set_stale(True, why, self.desk.status.last_heard("oss"))

    def show_tape_freshness(self) -> None:
        """Grey the tape out unless the spot socket (which brings the trades) answers: a
        refused sign-in still brings public trades."""
        state = self._spot_state
        views = (self.desk.tape_view, self.desk.chart_view)  # both live on the public trades
        if state in (ev.StreamState.LIVE, ev.StreamState.SIGN_IN_REFUSED):
            for view in views:
                view.set_stale(False)
            return
        why = _BOOK_STALE_WHY.get(state, "waiting")
        for view in views:
            view.set_stale(True, why, self.desk.status.last_heard("spot"))

    def _notify_once(
        self, key: str, text: str, severity: str = "connection", every_s: float = 60.0
    ) -> None:
        """A notifications line, unless the same news (`key`) was told less than `every_s`
        ago: an outage that comes and goes, or a socket failing to reconnect, must not flood
        the pane (every state change still reaches the journal and the status bar)."""
        now = self.desk.options.monotonic()
        last = self._notified.get(key)
        if last is not None and now - last < every_s:
            return
        self._notified[key] = now
        self.desk.log_line(text, severity)

    def _rest_notice(self, health: se.RestHealth) -> None:
        """REST news in plain words (the status bar only says `REST down 4s`)."""
        if health.ok:
            if any(key.startswith("rest ") for key in self._notified):  # after a failure
                self._notify_once("rest ok", "exchange answering again")
            return
        problem = health.problem
        if problem == "slow":
            text = "exchange slow — requests time out; retrying"
        elif problem == "unreachable":
            text = "exchange unreachable — retrying"
        elif problem.startswith("HTTP 5"):
            text = f"exchange failing ({problem}) — retrying"
        else:
            text = f"exchange refused a request ({problem or 'error'})"
        self._notify_once(f"rest {problem}", text, "warning")

    # ------------------------------------------------------------------ state helpers

    def _markets_loaded(self, markets: tuple[Market, ...]) -> None:
        # the session already keeps only spot markets
        desk = self.desk
        desk.markets_table.set_markets(markets)
        desk.orders_table.set_markets(markets)
        desk.history.markets_loaded(markets)
        if not self._startup_frozen:
            self._startup_frozen = True
            desk.set_timer(gc_tuning.SETTLE_AFTER_S, gc_tuning.freeze_startup_objects)
        if desk.selected is None and markets:
            first = next((mk for mk in markets if mk.symbol in desk.favourites), markets[0])
            desk.select_market(first.symbol)

    def _order_changed(self, order: Order, new_state: bool) -> None:
        """Show an order's new version: its row (taken out once closed), the ticket's result
        line if it is the ticket's order, and a notifications line when its status or filled
        size changed (the session reports each change once)."""
        desk = self.desk
        desk.orders_table.upsert(order)  # a closed order leaves (an OCO row: both legs closed)
        if order.symbol == desk.selected:  # its line on the chart comes or goes with it,
            self._chart_orders_due = True  # with the chart's next frame (not once per event)
            self.chart_due()
        desk.form.order_changed(order)  # the ticket's result line follows its own order
        desk.command_reporter.order_changed(order)  # and the command line its own
        desk.history.order_changed(order)
        if not new_state:
            return
        market = desk.market(order.symbol)
        desk.log_view.add_order(order, market)
        desk.last_line.update(describe_order(order, market))
