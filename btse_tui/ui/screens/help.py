"""HelpScreen: every key binding of the app, generated from the bindings themselves, plus usage.

Nothing here is hand-written per key: the rows come from the bindings (key, description, id) of
the app, the screen below and every btse_tui widget on it, so a new binding shows up by itself.
"""

from __future__ import annotations

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

__all__ = ["USAGE", "HelpRow", "HelpScreen", "collect_bindings"]

USAGE = """\
Pick a market in the table (↑/↓, Enter) and it fills the order form and the book.
Type a price and size; the form checks them on every key and says why it cannot send.
Enter submits; a confirm screen shows exactly what will be sent: y sends, n or Esc cancels.
F5…F8 size the order at 25/50/75/100 % of the available balance (rounded down to the lot).
Select an open order to amend or cancel it; cancel-all asks first and shows how many.
The status bar shows each stream's state; a stale or down stream is never shown as live."""


@dataclass(frozen=True, slots=True)
class HelpRow:
    """One binding as the help screen shows it."""

    section: str
    keys: str
    description: str
    id: str


def _section(node: DOMNode, app: App[object]) -> str:
    if node is app:
        return "App"
    if isinstance(node, Screen):
        return f"Screen ({type(node).__name__})"
    return type(node).__name__


def _is_ours(node: DOMNode, app: App[object]) -> bool:
    """The app, its screens, and widgets defined in btse_tui (not Textual's own inputs)."""
    return node is app or isinstance(node, Screen) or type(node).__module__.startswith("btse_tui")


def collect_bindings(app: App[object], screen: Screen[object] | None = None) -> list[HelpRow]:
    """Rows for the bindings of `app`, `screen` and the btse_tui widgets on it, keys merged.

    Bindings that share an id (or an action and description) are one row listing every key,
    e.g. `enter / y  Send order  confirm.send`.
    """
    nodes: list[DOMNode] = [app]
    if screen is not None:
        nodes.append(screen)
        nodes.extend(node for node in screen.walk_children(with_self=False))
    rows: dict[tuple[str, str], list[str]] = {}
    info: dict[tuple[str, str], tuple[str, str, str]] = {}
    seen_types: set[type] = set()
    for node in nodes:
        if not _is_ours(node, app) or (node is not app and type(node) in seen_types):
            continue
        seen_types.add(type(node))
        section = _section(node, app)
        # `_bindings` holds the merged class bindings plus any added at run time.
        for _key, binding in node._bindings:
            if not binding.description:
                continue  # internal bindings (e.g. Textual's ctrl+c quit hint)
            key = (section, binding.id or f"{binding.action}|{binding.description}")
            rows.setdefault(key, [])
            display = app.get_key_display(binding)
            if display not in rows[key]:
                rows[key].append(display)
            info[key] = (section, binding.description, binding.id or "")
    return [
        HelpRow(section, " / ".join(rows[key]), description, binding_id)
        for key, (section, description, binding_id) in info.items()
    ]


def bindings_table(rows: Iterable[HelpRow]) -> Table:
    """A key / action / id table with one heading row per section."""
    table = Table(box=None, expand=True, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("Key", no_wrap=True, style="bold")
    table.add_column("Action", ratio=1)
    table.add_column("Id", style="dim", no_wrap=True)
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            table.add_row(Text(section, style="bold underline"), "", "")
        table.add_row(row.keys, row.description, row.id)
    return table


class HelpScreen(ModalScreen[None]):
    """Keys and usage; Esc, q or ? closes it."""

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

    def __init__(self, rows: Sequence[HelpRow] | None = None, usage: str = USAGE) -> None:
        super().__init__()
        self.rows: list[HelpRow] | None = list(rows) if rows is not None else None
        """The rows shown; None means: collect them from the screen below when mounted."""
        self.usage = usage

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.usage, id="usage")
            with VerticalScroll(id="keys"):
                yield Static("", id="table")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Help — keys"
        if self.rows is None:
            stack = self.app.screen_stack
            below = stack[-2] if len(stack) > 1 and stack[-1] is self else self.app.screen
            self.rows = collect_bindings(self.app, below)
        self.query_one("#table", Static).update(bindings_table(self.rows))
        self.query_one("#keys").focus()

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
