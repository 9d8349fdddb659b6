"""DeskCommands: the ctrl+p palette's desk entries — every desk action with the keys that do
it now, the command line's commands as templates, and a typed command run as it stands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.markup import escape

from btse_tui.protocol.command import VERBS, tokens_of
from btse_tui.ui.desk import DeskScreen

__all__ = ["DESK_ACTIONS", "TEMPLATES", "DeskAction", "DeskCommands", "keys_for"]


@dataclass(frozen=True, slots=True)
class DeskAction:
    """One desk action in the palette: its title, the binding whose keys are shown beside it
    and what it does on the desk."""

    title: str
    binding_id: str
    run: Callable[[DeskScreen], object]


def _app_action(name: str, *args: object) -> Callable[[DeskScreen], object]:
    def run(desk: DeskScreen) -> object:
        return getattr(desk.app, f"action_{name}")(*args)

    return run


#: The desk's actions, in the order the palette lists them.
DESK_ACTIONS: tuple[DeskAction, ...] = (
    DeskAction(
        "Command line: type an order, a cancel, an alert",
        "app.command_line",
        _app_action("command_line"),
    ),
    DeskAction("Buy the selected market (order ticket)", "app.buy", _app_action("buy")),
    DeskAction("Sell the selected market (order ticket)", "app.sell", _app_action("sell")),
    DeskAction(
        "Cancel all orders of the selected market", "app.cancel_all", _app_action("cancel_all")
    ),
    DeskAction("Cancel the selected open order", "app.cancel", _app_action("cancel_order")),
    DeskAction("Amend the selected open order", "app.amend", _app_action("amend_order")),
    DeskAction("Dead man's switch on / off", "app.dead_mans_switch", _app_action("toggle_dms")),
    DeskAction("Filter the markets", "app.filter", _app_action("filter")),
    DeskAction(
        "Sort the markets by the next column",
        "table.sort",
        lambda desk: desk.markets_table.action_cycle_sort(),
    ),
    DeskAction(
        "Reverse the markets sort",
        "table.sort_flip",
        lambda desk: desk.markets_table.action_flip_sort(),
    ),
    DeskAction("Markets tab", "app.tab_markets", _app_action("tab", "markets")),
    DeskAction("Trade tab: book and order ticket", "app.tab_trade", _app_action("tab", "trade")),
    DeskAction(
        "Orders tab: open orders and balances", "app.tab_orders", _app_action("tab", "orders")
    ),
    DeskAction("Notifications tab", "app.tab_log", _app_action("tab", "log")),
    DeskAction("Help: every key and click", "app.help", _app_action("help")),
)

TEMPLATES: tuple[tuple[str, str], ...] = (
    ("buy SIZE (MARKET) (@ PRICE)", "buy 0.1 BTC-USDT @ 60000"),
    ("sell SIZE or N% (MARKET) (@ PRICE)", "sell 25% ETH-USDT"),
    ("buy $AMOUNT (MARKET): a market buy spending it", "buy $500 BTC-USDT"),
    ("buy / sell SIZE @ bid, ask, last, +N% or -N%", "sell 0.5 SOL-USDT @ +0.5%"),
    ("stop sell SIZE (MARKET) @ TRIGGER (limit PRICE)", "stop sell 0.1 BTC-USDT @ 95000"),
    (
        "oco sell SIZE (MARKET) @ PRICE stop TRIGGER limit PRICE",
        "oco sell 0.1 BTC-USDT @ 105000 stop 95000 limit 94900",
    ),
    ("trail sell SIZE (MARKET) by DISTANCE", "trail sell 0.1 BTC-USDT by 500"),
    ("peg buy SIZE (MARKET) @ LIMIT dev ±N% (show N%)", "peg buy 0.1 BTC-USDT @ 60000 dev -0.5%"),
    ("cancel buys, sells or all (MARKET)", "cancel buys BTC-USDT"),
    ("alert (MARKET) > or < or crosses LEVEL (repeat)", "alert BTC-USDT > 100000"),
    ("alert (MARKET) moves N% in 15m (repeat)", "alert moves 2% in 15m"),
    ("market MARKET", "market ETH-USDT"),
)
"""The command line's commands, as the palette offers them: (what to type, in brackets what
may be left out; an example)."""


def keys_for(desk: DeskScreen, binding_id: str) -> str:
    """The keys bound now (after any keymap) to `binding_id` on the app, the desk or the
    markets table, as the footer writes them (`X`, `1 / f1`); '' when none is."""
    app = desk.app
    nodes: tuple[DOMNode, ...] = (app, desk, desk.markets_table)
    shown: list[str] = []
    for node in nodes:
        # `_bindings` holds the node's merged class bindings (as help reads them); Textual
        # applies the app's keymap to a copy of them when it looks a key up, and so do we
        bindings = node._bindings.copy()
        bindings.apply_keymap(app._keymap)
        for _key, binding in bindings:
            if binding.id == binding_id:
                display = app.get_key_display(binding)
                if display not in shown:
                    shown.append(display)
    return " / ".join(shown)


class DeskCommands(Provider):
    """The desk's entries in the command palette (nothing on other screens)."""

    @property
    def desk(self) -> DeskScreen | None:
        screen = self.screen
        return screen if isinstance(screen, DeskScreen) else None

    def _actions(self, desk: DeskScreen) -> Iterator[tuple[str, Callable[[], object], str]]:
        for action in DESK_ACTIONS:
            keys = keys_for(desk, action.binding_id)
            yield action.title, partial(action.run, desk), f"key: {keys}" if keys else ""
        for template, example in TEMPLATES:
            verb = f"{example.split()[0]} "
            yield f": {template}", partial(desk.open_command_line, verb), f"e.g. {escape(example)}"

    async def discover(self) -> Hits:
        desk = self.desk
        if desk is None:
            return
        for title, run, help_text in self._actions(desk):
            yield DiscoveryHit(Content(title), run, help=help_text)

    async def search(self, query: str) -> Hits:
        desk = self.desk
        if desk is None:
            return
        words = tokens_of(query)
        if words and words[0].lower() in VERBS:
            yield self._typed_command(desk, query)
        matcher = self.matcher(query)
        for title, run, help_text in self._actions(desk):
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)

    def _typed_command(self, desk: DeskScreen, query: str) -> Hit:
        """The query as a command: what it would do (selecting it does it, as Enter on the
        command line would), or why it cannot (selecting it opens the line to mend it)."""
        line = query.strip()
        preview = desk.commands.preview(line)
        shown, why = Content(f": {line}"), escape(preview.text)
        if preview.ok is False:
            return Hit(1.0, shown, partial(desk.open_command_line, line), line, help=why)
        return Hit(1.0, shown, partial(desk.enter_command, line), line, help=why)
