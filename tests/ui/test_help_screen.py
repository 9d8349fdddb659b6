"""The help screen of the real dashboard reads as a trader's key card: key, what it does, where."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from btse_tui.ui.app import BtseApp
from btse_tui.ui.screens.help import ACTIONS, HOME_PANES, HelpScreen, _key_text, _pane
from tests.ui.static_session import StaticSession

PANES_IN_ORDER = ["Everywhere", "Markets", "Order ticket", "Open orders", "Book", "Chart", "Log"]


def _help_lines(screen: HelpScreen) -> list[str]:
    """Every line of the help's text (usage and the key table), scrolled or not."""
    lines: list[str] = []
    for widget in screen.query(Static):
        strips = widget.render_lines(widget.region.reset_offset)
        lines.extend(strip.text.rstrip() for strip in strips)
    return lines


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_help_shows_keys_actions_and_mouse_by_pane(size: tuple[int, int]) -> None:
    app = BtseApp(StaticSession())
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.3)
        await pilot.press("question_mark")
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        lines = _help_lines(screen)
        text = "\n".join(lines)
        # no internal binding ids, no Textual scroll / copy / focus keys
        for internal in ("app.quit", "table.cursor_up", "order_form.", "Scroll Left",
                         "Page Left", "Copy selected text", "Focus Next"):  # fmt: skip
            assert internal not in text
        headings = [line.strip() for line in lines if line.strip() in PANES_IN_ORDER]
        assert headings == PANES_IN_ORDER

        def row(keys: str) -> str:
            """The action of the first line that starts with `keys`, in the pane read last."""
            found = [line for line in lines if line.split("  ")[0].strip() == keys]
            assert found, keys
            return " ".join(found[0][len(keys) :].split())

        assert row("q / ^q").startswith("Quit (open orders stay on the exchange)")
        assert row("1 / F1") == "Markets tab (small terminals)"
        assert row("click tab label").startswith("Switch to that tab (F1–F5")
        assert row("click row").startswith("Load the market into the book and ticket")
        assert row("click header").startswith("Sort by that column")
        assert row("click level") == "Use its price in the ticket"
        assert row("↑ / ↓") == "Move the cursor"
        assert row("enter") == "Load the market into the book and ticket"
        assert row("c") == "Cancel the order under the cursor (from any pane)"
        # what sits under which heading
        at = {heading: lines.index(next(x for x in lines if x.strip() == heading))
              for heading in PANES_IN_ORDER}  # fmt: skip
        cancel_at = next(i for i, x in enumerate(lines) if x.startswith("c "))
        assert at["Open orders"] < cancel_at < at["Book"]
        f5_at = next(i for i, x in enumerate(lines) if x.startswith("F5 "))
        assert at["Order ticket"] < f5_at < at["Open orders"]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_every_binding_of_ours_is_on_the_help_screen() -> None:
    """A new binding shows up by itself (with its own description until ACTIONS words it)."""
    app = BtseApp(StaticSession())
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(0.3)
        main = app.screen
        await pilot.press("question_mark")
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, HelpScreen) and screen.rows is not None
        listed = {(row.pane, key) for row in screen.rows for key in row.keys.split(" / ")}
        for node in [app, *main.walk_children()]:
            pane = _pane(node, app)
            for _key, binding in node._bindings:
                if binding.id is None or pane is None:
                    continue
                if ACTIONS.get((pane, binding.id), "") is None:
                    continue  # deliberately left out of that pane
                home = HOME_PANES.get(binding.id, pane)
                assert (home, _key_text(app, binding)) in listed, binding.id
