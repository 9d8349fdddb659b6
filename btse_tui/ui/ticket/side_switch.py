"""SideSwitch: a one-line BUY │ SELL toggle for the order form (←/→/space, b, v or a click).

Its keys are shown in the footer while it has focus (the switch is where Esc from a field
leaves the cursor): no key changes the side without being named on screen.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from btse_tui.protocol.models import Side

__all__ = ["SideSwitch"]


class SideSwitch(Widget, can_focus=True):
    """A one-line BUY │ SELL switch; the active side is filled green or red."""

    DEFAULT_CSS = """
    SideSwitch {
        width: auto;
        height: 1;
        & > .side-switch--buy { background: $success; color: $text; text-style: bold; }
        & > .side-switch--sell { background: $error; color: $text; text-style: bold; }
        & > .side-switch--off { color: $text-muted; }
        &:focus > .side-switch--buy { text-style: bold underline; }
        &:focus > .side-switch--sell { text-style: bold underline; }
        &:focus > .side-switch--off { text-style: underline; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "side-switch--buy",
        "side-switch--sell",
        "side-switch--off",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "set_side('BUY')", "Buy", id="side_switch.buy"),
        Binding("v", "set_side('SELL')", "Sell", id="side_switch.sell"),
        Binding("space,left,right", "flip", "Flip side", id="side_switch.flip"),
    ]

    side: reactive[Side] = reactive(Side.BUY)
    """The selected side."""

    class Changed(Message):
        """The trader flipped the side."""

        def __init__(self, switch: SideSwitch, side: Side) -> None:
            self.switch = switch
            self.side = side
            super().__init__()

        @property
        def control(self) -> SideSwitch:
            """The switch that changed."""
            return self.switch

    def render(self) -> Text:
        """`  BUY  │  SELL  ` with the active half filled."""
        buy = self.side is Side.BUY
        on_buy = self.get_component_rich_style("side-switch--buy")
        on_sell = self.get_component_rich_style("side-switch--sell")
        off = self.get_component_rich_style("side-switch--off")
        return Text.assemble(
            ("  BUY  ", on_buy if buy else off),
            ("│", off),
            ("  SELL  ", on_sell if not buy else off),
        )

    def watch_side(self, side: Side) -> None:
        self.post_message(self.Changed(self, side))

    def action_flip(self) -> None:
        """Switch to the other side."""
        self.side = Side.SELL if self.side is Side.BUY else Side.BUY

    def action_set_side(self, side: str) -> None:
        """Pick a side by name."""
        self.side = Side(side)

    def on_click(self, event: events.Click) -> None:
        """A click on the left half picks BUY, on the right half SELL."""
        self.side = Side.BUY if event.x < len("  BUY  ") + 1 else Side.SELL
