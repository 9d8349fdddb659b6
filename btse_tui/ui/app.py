"""BtseApp: the application around the desk — its key map, its quit, its one DeskScreen."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import PurePath
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Input

from btse_tui.config import Settings
from btse_tui.port import SessionPort
from btse_tui.ui import screen_probe
from btse_tui.ui.desk import DeskOptions, DeskScreen
from btse_tui.ui.screens.help import HelpScreen
from btse_tui.ui.screens.quit import QuitScreen
from btse_tui.ui.ticket.side_switch import SideSwitch

#: The app's one screen stack, with the desk at its base.
DESK_MODE = "desk"


class BtseApp(App[None]):
    """The trading desk's application: its keys, its quit, and the DeskScreen it shows.

    Takes a ready session (a `SessionPort`; app factory, no globals).
    """

    TITLE = "btse-tui"
    CSS_PATH: ClassVar[list[str | PurePath]] = ["btse_tui.tcss", "app.tcss"]
    ENABLE_COMMAND_PALETTE = True
    DEFAULT_MODE = DESK_MODE
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
        Binding("5,f5", "tab('chart')", "Chart", show=False, id="app.tab_chart"),
    ]

    def __init__(
        self,
        session: SessionPort,
        *,
        settings: Settings | None = None,
        save_favourites: Callable[[tuple[str, ...]], None] | None = None,
        frame_hz: float = 15.0,
        book_hz: float = 10.0,
        freeze_startup_gc: bool = False,
        startup_notices: tuple[str, ...] = (),
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.session = session
        self.settings = settings = settings or Settings()
        frame_period = 1.0 / (5.0 if settings.low_bandwidth else frame_hz)
        self.options = DeskOptions(
            settings=settings,
            save_favourites=save_favourites,
            frame_period=frame_period,
            # the book repaints at most 10 times a second: with the full-height ladder it is
            # most of what a busy market sends down the link (figures: benchmarks/README.md)
            book_period=max(frame_period, 1.0 / book_hz),
            # the chart at most twice a second, once in low-bandwidth mode (benchmark 8)
            chart_period=1.0 if settings.low_bandwidth else max(frame_period, 0.5),
            freeze_startup_gc=freeze_startup_gc,
            startup_notices=startup_notices,
            clock=clock,
            monotonic=monotonic,
        )
        self.desk = DeskScreen(session, self.options)
        """The screen under every dialog."""
        self.add_mode(DESK_MODE, lambda: self.desk)

    def on_mount(self) -> None:
        screen_probe.install(self)

    # ------------------------------------------------------------------ keys

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

    def action_help(self) -> None:
        """Show every key."""
        self.push_screen(HelpScreen())

    def action_filter(self) -> None:
        """Filter the markets table."""
        self.desk.open_filter()

    def action_buy(self) -> None:
        """Buy the selected market."""
        self.desk.open_ticket("BUY")

    def action_sell(self) -> None:
        """Sell the selected market."""
        self.desk.open_ticket("SELL")

    def action_tab(self, name: str) -> None:
        """Show one pane group on a narrow terminal."""
        self.desk.show_tab(name)

    def action_cancel_order(self) -> None:
        """Cancel the order under the cursor in the open-orders table."""
        self.desk.orders.cancel_selected()

    def action_amend_order(self) -> None:
        """Change the price, size or waiting trigger of the selected order."""
        self.desk.orders.amend_selected()

    def action_cancel_all(self) -> None:
        """Cancel every open order of the selected market, after a count preview."""
        self.desk.orders.cancel_all()

    def action_toggle_dms(self) -> None:
        """Arm or disarm the dead man's switch (cancelAllAfter heartbeat)."""
        self.desk.orders.toggle_dead_mans_switch()

    # ------------------------------------------------------------------ quit

    async def action_quit(self) -> None:
        """Leave; while orders stay open on the exchange and no dead man's switch would cancel
        them, ask first (`q` again quits, any other key stays)."""
        open_orders = len(self.session.open_orders())
        if open_orders and not self.desk.orders.dms_on and not isinstance(self.screen, QuitScreen):
            self.push_screen(QuitScreen(open_orders), self._quit_answered)
            return
        await self._leave()

    def _quit_answered(self, leave: bool | None) -> None:
        if leave:
            self.call_later(self._leave)

    async def _leave(self) -> None:
        """Close the session and exit (open orders stay unless the dead man's switch lapses)."""
        self.desk.events.stopped = True
        await self.session.close()
        self.exit()

    async def on_unmount(self) -> None:
        self.desk.events.stopped = True
        await self.session.close()
