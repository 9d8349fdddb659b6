"""HelpScreen: what each key and mouse click does, in a trader's words, grouped by pane.

The key rows come from the bindings themselves (the app, the screen below and every btse_tui
widget on it), with the trader's keymap applied (the keys in force, key sequences included),
so a new binding shows up by itself, with its own description until `ACTIONS` says it better.
Textual's own bindings (scrolling, copy, focus) are left out unless `ACTIONS` names their
action; mouse use has no bindings, so `MOUSE` lists it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from btse_tui.ui.keys.keymap import KeySetup
from btse_tui.ui.ticket.form import OrderForm
from btse_tui.ui.widgets.balances import BalancesTable
from btse_tui.ui.widgets.chart import CandleChart
from btse_tui.ui.widgets.markets import MarketsTable
from btse_tui.ui.widgets.notifications import NotificationLog
from btse_tui.ui.widgets.open_orders import OpenOrdersTable
from btse_tui.ui.widgets.order_book import OrderBookView

__all__ = [
    "ACTIONS",
    "HOME_PANES",
    "MOUSE",
    "PANES",
    "USAGE",
    "HelpRow",
    "HelpScreen",
    "collect_rows",
]

USAGE = "\n".join(
    (
        "Pick a market (↑/↓ and Enter, or one click): it loads into the book and the ticket.",
        "Type a price and size; the ticket checks them on every key and says why it cannot send.",
        "Enter sends. Market orders, orders with a warning, production and --confirm-all first "
        "show a confirm screen with exactly what will be sent: y sends, n or Esc cancels.",
        "The status bar shows each stream's state; a stale or down stream never shows as live.",
    )
)

EVERYWHERE = "Everywhere"

#: Pane names in the order the help lists them; a widget's pane is its own or its nearest
#: container's (the side switch is in the order ticket).
PANES: tuple[tuple[type[DOMNode], str], ...] = (
    (MarketsTable, "Markets"),
    (OrderForm, "Order ticket"),
    (OpenOrdersTable, "Open orders"),
    (OrderBookView, "Book"),
    (CandleChart, "Chart"),
    (NotificationLog, "Log"),
    (BalancesTable, "Balances"),
)
_PANE_ORDER = (EVERYWHERE, *(name for _, name in PANES))

#: App bindings listed under the pane they act on (they work from any pane).
HOME_PANES = {
    "app.cancel": "Open orders",
    "app.amend": "Open orders",
    "app.cancel_all": "Open orders",
}

#: What a binding does, in a trader's words: by `(pane, binding id)`, then binding id, then
#: action (Textual's own bindings have no id). None leaves the binding out of that pane.
ACTIONS: dict[str | tuple[str, str], str | None] = {
    "app.quit": "Quit (open orders stay on the exchange)",
    "quit": "Quit (open orders stay on the exchange)",  # Textual's ctrl+q
    "app.help": "Show this help",
    "app.filter": "Filter the markets by symbol (Esc clears)",
    "app.buy": "Buy: open the ticket on the selected market",
    "app.sell": "Sell: open the ticket on the selected market",
    "app.dead_mans_switch": "Dead man's switch on / off (the exchange cancels your orders "
    "if the app stops re-arming it)",
    "app.alerts": "Price alerts: list, set (above, below, crosses, moves % in minutes) and "
    "delete them; kept across restarts",
    "app.focus_next": "Next pane",
    "app.focus_prev": "Previous pane",
    "app.tab_markets": "Markets tab (small terminals)",
    "app.tab_trade": "Trade tab: book and order ticket (small terminals)",
    "app.tab_orders": "Open orders tab (small terminals)",
    "app.tab_log": "Notifications tab (small terminals)",
    "app.tab_chart": "Chart tab (small terminals)",
    "chart.shorter": "Shorter candles (1d → 4h → 1h → 15m → 5m → 1m)",
    "chart.longer": "Longer candles (1m → 5m → 15m → 1h → 4h → 1d)",
    "chart.cursor_older": "Cursor one candle older: the top line reads its O/H/L/C and volume",
    "chart.cursor_newer": "Cursor one candle newer",
    "chart.cursor_oldest": "Cursor on the oldest candle shown",
    "chart.cursor_off": "Cursor off: the top line reads the newest candle",
    "app.tab_history": "History tab: order history or fills over the P&L (small terminals)",
    "app.history": "Open orders → order history → fills (the orders pane's tabs)",
    "app.portfolio": "Balances ↔ P&L (average cost, realized and unrealized, fees included)",
    "app.history_market": "Order history and fills of the selected market only / of all",
    "command_palette": "Command palette: search every command",
    "app.command_line": "Command line: buy 0.1 BTC-USDT @ 60000, sell 25%, cancel buys, "
    "alert > 100000, market ETH-USDT (↑/↓ history, Esc closes)",
    "app.cancel": "Cancel the order under the cursor (from any pane)",
    "app.amend": "Amend the order under the cursor: price, size or trigger",
    "app.cancel_all": "Cancel every open order of the selected market (asks first)",
    "table.cursor_up": "Move the cursor",
    "table.cursor_down": "Move the cursor",
    "table.page_up": "A page up / down",
    "table.page_down": "A page up / down",
    "table.home": "First / last row",
    "table.end": "First / last row",
    "table.sort": "Sort by the next column",
    "table.sort_flip": "Reverse the sort",
    ("Markets", "table.select"): "Load the market into the book and ticket",
    ("Open orders", "table.select"): None,  # Enter does nothing there
    ("Balances", "table.cursor_up"): None,  # no cursor: balances are read-only
    ("Balances", "table.cursor_down"): None,
    ("Balances", "table.select"): None,
    "markets.favourite": "Star / unstar the market (starred ones stay on top)",
    "order_form.fraction_25": "Size: 25% of the available balance (rounded down to the lot)",
    "order_form.fraction_50": "Size: 50% of the available balance",
    "order_form.fraction_75": "Size: 75% of the available balance",
    "order_form.fraction_100": "Size: 100% of the available balance",
    "side_switch.flip": "Switch between BUY and SELL (on the side switch)",
    "side_switch.buy": "BUY side (on the side switch)",
    "side_switch.sell": "SELL side (on the side switch)",
    "book.cursor_up": "Move between price levels",
    "book.cursor_down": "Move between price levels",
    "book.pick": "Use the level's price in the ticket",
    "book.group_coarser": "Group the levels coarser: tick × 1, 5, 10, 50 … (bids down, asks up)",
    "book.group_finer": "Group the levels finer, down to the tick",
    "notifications.dismiss": "Dismiss the pinned error",
}

#: Mouse use, by pane: (what to click, what it does).
MOUSE: tuple[tuple[str, str, str], ...] = (
    (EVERYWHERE, "click tab label", "Switch to that tab (F1–F5, small terminals)"),
    (EVERYWHERE, "click a pane", "Focus it; the wheel scrolls the pane under the pointer"),
    ("Markets", "click row", "Load the market into the book and ticket (like Enter)"),
    ("Markets", "click header", "Sort by that column (again: reverse)"),
    ("Order ticket", "click BUY / SELL", "Pick the side"),
    ("Open orders", "click row", "Put the cursor on that order (then c or a)"),
    ("Open orders", "click header", "Sort by that column (again: reverse)"),
    (EVERYWHERE, "click a pane's tab", "Open orders / History / Fills, Balances / P&L"),
    ("Book", "click level", "Use its price in the ticket"),
    ("Chart", "click candle", "Put the cursor on it: the top line reads its O/H/L/C and volume"),
    ("Log", "click pinned error", "Dismiss it"),
    ("Balances", "click header", "Sort by that column (again: reverse)"),
)


@dataclass(frozen=True, slots=True)
class HelpRow:
    """One line of the help: where it works, the keys (or click) and what it does."""

    pane: str
    keys: str
    action: str


def _pane(node: DOMNode, app: App[object]) -> str | None:
    """The pane a node's bindings work in; None for nodes that are not ours."""
    if node is app or isinstance(node, Screen):
        return EVERYWHERE
    for ancestor in node.ancestors_with_self:
        for kind, name in PANES:
            if isinstance(ancestor, kind):
                return name
    return type(node).__name__ if type(node).__module__.startswith("btse_tui") else None


def _action_text(pane: str, binding: Binding) -> str | None:
    """The words for a binding in a pane, or None to leave it out."""
    for key in ((pane, binding.id or ""), binding.id, binding.action):
        if key is not None and key in ACTIONS:
            return ACTIONS[key]
    if binding.id is None:
        return None  # Textual's own (scrolling, copy, focus): not what a trader looks up
    return binding.description or None


def _key_text(app: App[object], binding: Binding) -> str:
    display = app.get_key_display(binding)
    if display == "⏎":
        return "enter"
    return display.upper() if re.fullmatch(r"f\d+", display) else display


def collect_rows(
    app: App[object], screen: Screen[object] | None = None, keys: KeySetup | None = None
) -> list[HelpRow]:
    """Rows for the bindings of `app`, `screen` and the btse_tui widgets on it, plus the mouse.

    Keys are those in force under `keys` (the keymap; key sequences as `g g`). Bindings of
    one pane that do the same thing are one row listing every key (`↑ / ↓  Move the cursor`);
    rows come pane by pane in `PANES` order.
    """
    keys = keys or KeySetup()
    nodes: list[DOMNode] = [app]
    if screen is not None:
        nodes.append(screen)
        nodes.extend(screen.walk_children(with_self=False))
    texts: dict[tuple[str, str], list[str]] = {}
    seen: set[tuple[str, type]] = set()
    for node in nodes:
        pane = _pane(node, app)
        if pane is None or (pane, type(node)) in seen:
            continue
        seen.add((pane, type(node)))
        # `_bindings` holds the merged class bindings plus any added at run time
        # in the bindings' own order (the keymap moves a rebound binding to the end)
        place = {binding.id: index for index, (_key, binding) in enumerate(node._bindings)}
        in_force = keys.in_force(node._bindings)
        ours_first = sorted(
            in_force, key=lambda item: (item[1].id is None, place.get(item[1].id, len(place)))
        )
        for _key, binding in ours_first:
            action = _action_text(pane, binding)
            if action is None:
                continue
            home = HOME_PANES.get(binding.id or "", pane)
            shown = texts.setdefault((home, action), [])
            for key in (_key_text(app, binding), *keys.sequences_of(binding.id or "")):
                if key not in shown:
                    shown.append(key)
    rows = [HelpRow(pane, " / ".join(shown), action) for (pane, action), shown in texts.items()]
    rows.extend(HelpRow(pane, click, action) for pane, click, action in MOUSE)

    def order(row: HelpRow) -> int:
        return _PANE_ORDER.index(row.pane) if row.pane in _PANE_ORDER else len(_PANE_ORDER)

    return sorted(rows, key=order)  # stable: keys first, then the mouse, within a pane


def keymap_line(keys: KeySetup) -> str:
    """Where the keys can be changed, and whether the file is in use ('' when none is known)."""
    if keys.path is None:
        return ""
    preset = f', preset "{keys.preset}"' if keys.preset else ""
    state = f"in use{preset}" if keys.found else "none yet: the keys below are the built-in ones"
    return f"Keymap file: {keys.path} ({state})"


def help_table(rows: Iterable[HelpRow]) -> Table:
    """A key / action table with a heading per pane."""
    table = Table(box=None, expand=True, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("Key / mouse", no_wrap=True, style="bold")
    table.add_column("What it does", ratio=1)
    pane = None
    for row in rows:
        if row.pane != pane:
            if pane is not None:
                table.add_row("", "")
            pane = row.pane
            table.add_row(Text(pane, style="bold underline"), "")
        table.add_row(row.keys, row.action)
    return table


class HelpScreen(ModalScreen[None]):
    """Keys, mouse and usage; Esc, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        #dialog {
            width: 90;
            max-width: 100%;
            height: 90%;
            border: round $primary;
            background: $surface;
            padding: 0 1;
        }
        #usage { color: $text-muted; margin-bottom: 1; height: auto; }
        #keys { height: 1fr; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
    ]

    def __init__(
        self,
        rows: Sequence[HelpRow] | None = None,
        usage: str = USAGE,
        keys: KeySetup | None = None,
    ) -> None:
        super().__init__()
        self.rows: list[HelpRow] | None = list(rows) if rows is not None else None
        """The rows shown; None means: collect them from the screen below when mounted."""
        self.keys = keys or KeySetup()
        """The keymap in force (its file is named at the top)."""
        self.usage = "\n".join(filter(None, (keymap_line(self.keys), usage)))

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"), VerticalScroll(id="keys"):
            yield Static(self.usage, id="usage")
            yield Static("", id="table")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Help — keys and mouse (↑/↓ scroll, Esc closes)"
        if self.rows is None:
            stack = self.app.screen_stack
            below = stack[-2] if len(stack) > 1 and stack[-1] is self else self.app.screen
            self.rows = collect_rows(self.app, below, self.keys)
        self.query_one("#table", Static).update(help_table(self.rows))
        self.query_one("#keys").focus()

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
