"""BtseApp: the application around the desk — its keys (and the trader's keymap), its looks,
its quit, its one DeskScreen."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable
from pathlib import PurePath
from typing import ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.theme import Theme
from textual.widgets import Input

from btse_tui.config import Settings
from btse_tui.port import SessionPort
from btse_tui.prefs import DisplayPrefs
from btse_tui.ui import screen_probe
from btse_tui.ui.desk import DeskOptions, DeskScreen
from btse_tui.ui.desk_alerts import AlertHooks
from btse_tui.ui.keys.keymap import KeySetup, binding_scopes, resolve_keymap
from btse_tui.ui.keys.keymap_file import KeymapFile
from btse_tui.ui.keys.sequences import KeySequences
from btse_tui.ui.palette import DeskCommands
from btse_tui.ui.screens.alerts import AlertsScreen
from btse_tui.ui.screens.help import HelpScreen
from btse_tui.ui.screens.quit import QuitScreen
from btse_tui.ui.themes import RED_UP, THEMES
from btse_tui.ui.ticket.side_switch import SideSwitch

#: The app's one screen stack, with the desk at its base.
DESK_MODE = "desk"


class BtseApp(App[None]):
    """The trading desk's application: its keys, its quit, and the DeskScreen it shows.

    Takes a ready session (a `SessionPort`; app factory, no globals).
    """

    TITLE = "btse-tui"
    CSS_PATH: ClassVar[list[str | PurePath]] = ["btse_tui.tcss", "app.tcss", "direction.tcss"]
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {DeskCommands}
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
        Binding("A", "alerts", "Alerts", id="app.alerts"),
        # priority like `/`: ":buy 0.1 @ bid" typed in one burst lands in the command line
        Binding("colon", "command_line", "Command", priority=True, id="app.command_line"),
        Binding("tab", "focus_next", show=False, priority=True, id="app.focus_next"),
        Binding("shift+tab", "focus_previous", show=False, priority=True, id="app.focus_prev"),
        Binding("1,f1", "tab('markets')", "Markets", show=False, id="app.tab_markets"),
        Binding("2,f2", "tab('trade')", "Trade", show=False, id="app.tab_trade"),
        Binding("3,f3", "tab('orders')", "Orders", show=False, id="app.tab_orders"),
        Binding("4,f4", "tab('log')", "Log", show=False, id="app.tab_log"),
        Binding("5,f5", "tab('chart')", "Chart", show=False, id="app.tab_chart"),
        Binding("6,f6", "tab('history')", "History", show=False, id="app.tab_history"),
        Binding("o", "history", "History", id="app.history"),
        Binding("p", "portfolio", "P&L", id="app.portfolio"),
        Binding("m", "history_market", "This market", show=False, id="app.history_market"),
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
        alerts: AlertHooks | None = None,
        keymap: KeymapFile | None = None,
        display_prefs: DisplayPrefs | None = None,
        save_display: Callable[[DisplayPrefs], None] | None = None,
    ) -> None:
        super().__init__()
        self.keys = self._key_setup(keymap or KeymapFile())
        """The keys in force: the keymap file applied to every binding (App.set_keymap)."""
        self.key_sequences = KeySequences(self.keys.sequences, clock=monotonic)
        self._typing = False  # the key being dispatched is text for the focused widget
        startup_notices = (*startup_notices, *self.keys.notices)
        for theme in THEMES:
            self.register_theme(theme)
        self.display_prefs = display_prefs or DisplayPrefs()
        """The theme and colour convention, kept across restarts by `save_display`."""
        self._save_display = save_display
        if self.display_prefs.theme in self.available_themes:
            self.theme = self.display_prefs.theme
        self.set_class(self.display_prefs.red_up, RED_UP)
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
            alerts=alerts or AlertHooks(),
        )
        self.desk = DeskScreen(session, self.options)
        """The screen under every dialog."""
        self.add_mode(DESK_MODE, lambda: self.desk)

    def on_mount(self) -> None:
        screen_probe.install(self)
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    # ------------------------------------------------------------------ keys

    def _key_setup(self, keymap: KeymapFile) -> KeySetup:
        """Check the keymap file against every binding, and hand Textual its keymap."""
        if not (keymap.entries or keymap.preset or keymap.problems):
            return KeySetup(keymap.path, found=keymap.found)
        setup = resolve_keymap(keymap, binding_scopes(self))
        self.set_keymap(setup.keymap)
        return setup

    async def on_event(self, event: events.Event) -> None:
        """A key first goes to the keymap's key sequences (`g g`); while the focused widget
        takes a key as text, no binding the keymap put on that key runs (see check_action)."""
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
            return
        if await self.key_sequences.handle(self, event):
            return
        focused = self.focused
        self._typing = focused is not None and focused.check_consume_key(event.key, event.character)
        try:
            await super().on_event(event)
        finally:
            self._typing = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """b / v open the ticket from the main screen; an input types them, the side switch
        keeps its own b / v (set the side). An input types `/` too, so the footer does not
        offer it as Filter there. A key the focused input types (the keymap may have put an
        app key on `l`) runs no binding."""
        if self._typing:
            return False
        if isinstance(self.screen, QuitScreen):
            return action == "quit"  # any other key is the answer "stay"
        if action in ("filter", "command_line"):
            return not isinstance(self.focused, Input) and not isinstance(self.screen, ModalScreen)
        if action in ("buy", "sell"):
            focused = self.focused
            return not isinstance(focused, Input | SideSwitch) and not isinstance(
                self.screen, ModalScreen
            )
        return True

    def action_help(self) -> None:
        """Show every key."""
        self.push_screen(HelpScreen(keys=self.keys))

    def action_filter(self) -> None:
        """Filter the markets table."""
        self.desk.open_filter()

    def action_command_line(self) -> None:
        """Open the command line: type an order, a cancel, an alert or a market."""
        self.desk.open_command_line()

    def action_buy(self) -> None:
        """Buy the selected market."""
        self.desk.open_ticket("BUY")

    def action_sell(self) -> None:
        """Sell the selected market."""
        self.desk.open_ticket("SELL")

    def action_tab(self, name: str) -> None:
        """Show one pane group on a narrow terminal."""
        self.desk.show_tab(name)

    def action_history(self, name: str = "") -> None:
        """Open orders → order history → fills in the orders pane (or the tab `name`)."""
        self.desk.history.show_view(name)

    def action_portfolio(self, name: str = "") -> None:
        """Balances ↔ P&L in the portfolio pane (or the tab `name`)."""
        self.desk.history.show_portfolio(name)

    def action_history_market(self) -> None:
        """Order history and fills of the selected market only, or of every market."""
        self.desk.history.toggle_market()

    def action_cancel_order(self) -> None:
        """Cancel the order under the cursor in the open-orders table."""
        self.desk.orders.cancel_selected()

    def action_amend_order(self) -> None:
        """Change the price, size or waiting trigger of the selected order."""
        self.desk.orders.amend_selected()

    def action_cancel_all(self) -> None:
        """Cancel every open order of the selected market, after a count preview."""
        self.desk.orders.cancel_all()

    def action_alerts(self) -> None:
        """List, add and delete price alerts."""
        if not isinstance(self.screen, AlertsScreen):
            self.push_screen(AlertsScreen(self.desk.alerts, self.desk.selected))

    def action_toggle_dms(self) -> None:
        """Arm or disarm the dead man's switch (cancelAllAfter heartbeat)."""
        self.desk.orders.toggle_dead_mans_switch()

    # ------------------------------------------------------------------ looks

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's palette commands (Theme, …) and the colour convention switch."""
        yield from super().get_system_commands(screen)
        now = "red up / green down" if not self.red_up else "green up / red down"
        yield SystemCommand(
            f"Colours: {now}",
            "Switch the colour of a rise, a bid and a buy everywhere (kept across restarts)",
            self.action_toggle_red_up,
        )

    @property
    def red_up(self) -> bool:
        """True while a rise, a bid and a buy show red, and a fall, an ask and a sell green."""
        return self.display_prefs.red_up

    def action_toggle_red_up(self) -> None:
        """Swap the up / down colours everywhere, and keep the choice."""
        self.set_class(not self.red_up, RED_UP)
        self._keep_display(dataclasses.replace(self.display_prefs, red_up=not self.red_up))

    def _theme_changed(self, theme: Theme) -> None:
        """The palette changed the theme: keep it for the next start."""
        if theme.name != self.display_prefs.theme:
            self._keep_display(dataclasses.replace(self.display_prefs, theme=theme.name))

    def _keep_display(self, prefs: DisplayPrefs) -> None:
        self.display_prefs = prefs
        if self._save_display is None:
            return
        try:
            self._save_display(prefs)
        except OSError as exc:
            self.notify(f"could not keep the display choice: {exc}", severity="warning")

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
