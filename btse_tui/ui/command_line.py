"""CommandLine: the `:` line at the foot of the desk — an input, the preview of what Enter
would do (or why it cannot), the outcome of the last command, and a history on ↑ / ↓."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from btse_tui.ui.focus import focus_now

if TYPE_CHECKING:
    from btse_tui.ui.desk_commands import Preview

__all__ = ["PLACEHOLDER", "CommandHistory", "CommandLine"]

PLACEHOLDER = "buy 0.1 BTC-USDT @ 60000 · sell 25% · buy $500 · cancel buys · alert > 100000"
#: How many lines the history keeps.
HISTORY_LENGTH = 200


class CommandHistory:
    """The lines entered, oldest first, walked with ↑ / ↓ like a shell's: ↑ from the line
    being typed goes to the newest entry, ↓ past the newest gives the typed line back."""

    def __init__(self, limit: int = HISTORY_LENGTH) -> None:
        self.entries: list[str] = []
        self.limit = limit
        self._at: int | None = None  # index being shown; None: the line being typed
        self._draft = ""

    def add(self, line: str) -> None:
        """Remember an entered line (a repeat of the newest is kept once)."""
        line = line.strip()
        if line and (not self.entries or self.entries[-1] != line):
            self.entries.append(line)
            del self.entries[: -self.limit]
        self._at = None

    def back(self, typed: str) -> str:
        """The entry before the one shown (from the typed line: the newest)."""
        if not self.entries:
            return typed
        if self._at is None:
            self._draft = typed
            self._at = len(self.entries) - 1
        else:
            self._at = max(0, self._at - 1)
        return self.entries[self._at]

    def forward(self) -> str:
        """The entry after the one shown; past the newest, the line that was being typed."""
        if self._at is None:
            return self._draft
        if self._at >= len(self.entries) - 1:
            self._at = None
            return self._draft
        self._at += 1
        return self.entries[self._at]


class CommandLine(Vertical):
    """The command line: `preview(line)` runs on every keystroke (and each second, as prices
    move), `run(line)` on Enter; Esc closes it."""

    DEFAULT_CSS = """
    CommandLine {
        display: none;
        height: auto;
        background: $panel;
        #command-input { height: 1; border: none; padding: 0 1; background: $panel; }
        #command-preview { height: auto; padding: 0 1; color: $text-muted; }
        #command-preview.-ok { color: $text-success; }
        #command-preview.-error { color: $text-error; }
        #command-preview.-unknown { color: $text-warning; }
    }
    CommandLine.-shown { display: block; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="command_line.close"),
        Binding("up", "history_back", "Earlier", show=False, id="command_line.history_back"),
        Binding("down", "history_forward", "Later", show=False, id="command_line.history_next"),
    ]

    class Closed(Message):
        """The trader closed the command line (Esc)."""

    def __init__(
        self,
        preview: Callable[[str], Preview],
        run: Callable[[str], Preview],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._preview = preview
        self._run = run
        self.history = CommandHistory()
        self.showing_result = False
        """True while the preview line shows the last command's outcome, not a preview."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder=PLACEHOLDER, id="command-input")
        yield Static("", id="command-preview", markup=False)

    def on_mount(self) -> None:
        self.input = self.query_one("#command-input", Input)
        self.preview_line = self.query_one("#command-preview", Static)
        self.set_interval(1.0, self._follow_prices)

    @property
    def shown(self) -> bool:
        """True while the line is open."""
        return self.has_class("-shown")

    def open(self, text: str = "") -> None:
        """Show the line and put the cursor in it (with `text` typed, when given)."""
        self.add_class("-shown")
        self.display = True  # now, not after the class restyles: keys typed ahead land in it
        if text:
            self.input.value = text
            self.input.cursor_position = len(text)
        focus_now(self.input)

    def action_close(self) -> None:
        """Hide the line (what is typed stays for the next `:`)."""
        self.remove_class("-shown")
        self.display = False
        self.post_message(self.Closed())

    def action_history_back(self) -> None:
        self._recall(self.history.back(self.input.value))

    def action_history_forward(self) -> None:
        self._recall(self.history.forward())

    def _recall(self, line: str) -> None:
        self.input.value = line
        self.input.cursor_position = len(line)

    def show_result(self, text: str, ok: bool | None) -> None:
        """The outcome of the last command's order: `✓ inserted (status 2)`."""
        mark = "✓" if ok else "?" if ok is None else "✗"
        self._show(f"{mark} {text}", ok)
        self.showing_result = True

    def _show(self, text: str, ok: bool | None) -> None:
        line = self.preview_line
        line.update(Text(text))
        line.set_class(ok is True, "-ok")
        line.set_class(ok is False, "-error")
        line.set_class(ok is None and bool(text), "-unknown")

    def refresh_preview(self) -> None:
        """Preview what is typed now (an empty line keeps the last outcome)."""
        typed = self.input.value
        if not typed.strip():
            if not self.showing_result:
                self._show("", None)
            return
        self.showing_result = False
        preview = self._preview(typed)
        self._show(preview.text, preview.ok)

    def _follow_prices(self) -> None:
        """Prices move: the preview of a typed line follows them (an outcome stays)."""
        if self.shown and not self.showing_result and self.input.value.strip():
            self.refresh_preview()

    @on(Input.Changed, "#command-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value.strip():
            self.showing_result = False  # a new line is being typed
        self.refresh_preview()

    @on(Input.Submitted, "#command-input")
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.enter(event.value)

    def enter(self, line: str) -> None:
        """Carry out `line` as Enter does: remember it, run it, show what became of it."""
        if not line.strip():
            return
        self.history.add(line)
        outcome = self._run(line)
        if outcome.ok is not False:  # done, or on its way: the next command starts empty
            self.input.value = ""
        self._show(outcome.text, outcome.ok)
        self.showing_result = True
