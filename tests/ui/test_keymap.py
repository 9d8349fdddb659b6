"""The trader's keymap: a rebound key changes the footer and what the key does, the vim preset
moves the markets cursor, and a bad file or entry is one notice line while the app starts."""

from __future__ import annotations

from pathlib import Path

from textual.widgets._footer import FooterKey

from btse_tui.protocol.models import Side
from btse_tui.ui.app import BtseApp
from btse_tui.ui.keys.keymap_file import KEYMAP_FILE, read_keymap
from btse_tui.ui.screens.help import HelpScreen
from btse_tui.ui.ticket.side_switch import SideSwitch
from tests.ui.static_session import StaticSession
from tests.ui.waits import desk_started


def _app(tmp_path: Path, text: str) -> BtseApp:
    path = tmp_path / KEYMAP_FILE
    path.write_text(text)
    return BtseApp(StaticSession(), keymap=read_keymap(path))


def _ticket_side(app: BtseApp) -> Side | None:
    """The side of the order ticket when it has the cursor (None while it has not)."""
    form = app.desk.form
    return form.query_one(SideSwitch).side if form.has_focus_within else None


def _footer(app: BtseApp) -> list[str]:
    """The footer's entries as the trader reads them (`B Buy`)."""
    return [" ".join(key.render().plain.split()) for key in app.screen.query(FooterKey)]


def _warnings(app: BtseApp) -> list[str]:
    return [entry.text for entry in app.desk.log_view.lines if "keymap" in entry.text]


async def test_a_rebound_key_shows_in_the_footer_and_does_the_action(tmp_path: Path) -> None:
    app = _app(tmp_path, '"app.buy" = "B"\n[table]\nsort = "o"\n')
    async with app.run_test(size=(120, 36)) as pilot:
        await desk_started(pilot)
        footer = _footer(app)
        assert "B Buy" in footer and "b Buy" not in footer
        assert "o Sort column" in footer and "s Sort column" not in footer
        table = app.desk.markets_table
        sorted_by = table.sort_column
        await pilot.press("s", "b")  # the old keys do nothing now
        await pilot.pause()
        assert table.sort_column == sorted_by and table.has_focus
        await pilot.press("o")
        await pilot.pause()
        assert table.sort_column != sorted_by
        await pilot.press("B")
        await pilot.pause()
        assert _ticket_side(app) is Side.BUY


async def test_the_vim_preset_moves_the_markets_cursor(tmp_path: Path) -> None:
    app = _app(tmp_path, 'preset = "vim"\n')
    async with app.run_test(size=(120, 36)) as pilot:
        await desk_started(pilot)
        table = app.desk.markets_table
        rows = list(table.displayed_keys)
        assert table.has_focus and table.cursor_key == rows[0]
        await pilot.press("j", "j")
        assert table.cursor_key == rows[2]
        await pilot.press("k")
        assert table.cursor_key == rows[1]
        await pilot.press("G")
        assert table.cursor_key == rows[-1]
        await pilot.press("g")  # half a sequence: nothing yet
        assert table.cursor_key == rows[-1]
        await pilot.press("g")
        assert table.cursor_key == rows[0]
        await pilot.press("g", "j")  # a broken sequence: g is dropped, j still moves
        assert table.cursor_key == rows[1]
        # the arrows still work beside the preset's keys
        await pilot.press("down")
        assert table.cursor_key == rows[2]


async def test_preset_letters_type_into_the_filter_box(tmp_path: Path) -> None:
    """In a text field the preset's letters are text: `gl` filters, it does not jump or move
    to the next pane."""
    app = _app(tmp_path, 'preset = "vim"\n')
    async with app.run_test(size=(120, 36)) as pilot:
        await desk_started(pilot)
        await pilot.press("slash", "g", "l", "h", "j")
        await pilot.pause()
        box = app.desk.filter_box
        assert box.has_focus and box.value == "glhj"


async def test_an_unknown_action_and_a_conflict_are_one_notice_line_each(
    tmp_path: Path,
) -> None:
    app = _app(tmp_path, '"app.bye" = "x"\n"app.sell" = "c"\n')
    async with app.run_test(size=(120, 36)) as pilot:
        await desk_started(pilot)
        path = tmp_path / KEYMAP_FILE
        lines = _warnings(app)
        assert lines == [
            f"warning: keymap {path}: no action has the id app.bye (did you mean app.buy?); "
            "the entry is left out",
            f"warning: keymap {path}: conflict: c is both app.cancel and app.sell in the app",
        ]
        assert app.desk.markets_table.displayed_keys  # the desk runs
        await pilot.press("c")  # the keymap's binding has the key
        await pilot.pause()
        assert _ticket_side(app) is Side.SELL


async def test_a_broken_file_is_one_line_naming_the_file_and_the_line(tmp_path: Path) -> None:
    app = _app(tmp_path, '"app.buy" = "B"\n"app.sell" = \n')
    async with app.run_test(size=(120, 36)) as pilot:
        await desk_started(pilot)
        lines = _warnings(app)
        assert len(lines) == 1
        assert f"keymap {tmp_path / KEYMAP_FILE} line 2: not valid TOML" in lines[0]
        assert "b Buy" in _footer(app)  # the built-in keys


async def test_the_help_screen_lists_the_keys_in_force_and_the_file(tmp_path: Path) -> None:
    app = _app(tmp_path, 'preset = "vim"\n"app.buy" = "B"\n')
    async with app.run_test(size=(120, 36)) as pilot:
        await desk_started(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen) and screen.rows is not None
        keys = {(row.pane, row.action): row.keys for row in screen.rows}
        assert keys["Everywhere", "Buy: open the ticket on the selected market"] == "B"
        assert keys["Markets", "Move the cursor"] == "↑ / k / ↓ / j"
        assert keys["Markets", "First / last row"] == "home / g g / end / G"
        assert keys["Book", "Move between price levels"] == "↑ / k / ↓ / j"
        assert screen.usage.splitlines()[0] == (
            f'Keymap file: {tmp_path / KEYMAP_FILE} (in use, preset "vim")'
        )
