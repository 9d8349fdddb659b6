"""The desk's looks: the theme picked in the palette survives a restart, red-up flips every
up/down colour (a rising market's change turns red), and the high-contrast theme is offered."""

from __future__ import annotations

import re
from pathlib import Path

from rich.color import ColorTriplet
from textual.color import Color
from textual.command import CommandInput, CommandList, CommandPalette
from textual.pilot import Pilot

from btse_tui.prefs import DisplayPrefs, load_display, save_display
from btse_tui.ui.app import BtseApp
from btse_tui.ui.themes import HIGH_CONTRAST
from tests.ui.static_session import StaticSession
from tests.ui.waits import desk_started, until

CHANGE = re.compile(r"[+-]\d+\.\d+%")


def _app(state_dir: Path) -> BtseApp:
    """The app as `btse-tui` builds it: display choices loaded from and saved to `state_dir`."""
    return BtseApp(
        StaticSession(),
        display_prefs=load_display(state_dir),
        save_display=lambda prefs: save_display(state_dir, prefs),
    )


def _first_hit(app: BtseApp) -> str:
    """The highlighted line of the open command palette ('' when none)."""
    screen = app.screen
    if not isinstance(screen, CommandPalette):
        return ""
    hits = screen.query_one(CommandList)
    option = hits.highlighted_option
    return str(option.prompt) if option is not None else ""


async def _palette_pick(pilot: Pilot[None], typed: str, expected: str) -> None:
    """Type `typed` into the open palette and pick its first hit once it reads `expected`."""
    app = pilot.app
    assert isinstance(app, BtseApp)

    def ready() -> bool:  # keys typed before the palette's input has focus are lost
        screen = app.screen
        return isinstance(screen, CommandPalette) and screen.query_one(CommandInput).has_focus

    await until(pilot, ready, "the palette's input focused")
    await pilot.press(*typed)
    await until(pilot, lambda: expected in _first_hit(app), f"{expected!r} offered")
    await pilot.press("enter")


def _change_colours(app: BtseApp) -> dict[str, ColorTriplet | None]:
    """The colour of each 24h change shown in the markets table, by its text (`+0.10%`)."""
    table = app.desk.markets_table
    colours: dict[str, ColorTriplet | None] = {}
    for y in range(1, table.size.height):
        for segment in table.render_line(y):
            text = segment.text.strip()
            if CHANGE.fullmatch(text) and segment.style is not None:
                colour = segment.style.color
                colours[text] = colour.triplet if colour is not None else None
    return colours


def _theme_colour(app: BtseApp, name: str) -> ColorTriplet:
    return ColorTriplet(*Color.parse(app.theme_variables[name]).rgb)


async def test_the_theme_picked_in_the_palette_survives_a_restart(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await desk_started(pilot)
        assert app.theme != HIGH_CONTRAST.name
        await pilot.press("ctrl+p")
        commands = app.screen
        await _palette_pick(pilot, "theme", "Theme")
        await until(
            pilot,
            lambda: app.screen is not commands and isinstance(app.screen, CommandPalette),
            "the theme picker open",
        )
        await _palette_pick(pilot, "high contrast", HIGH_CONTRAST.name)
        await until(pilot, lambda: app.theme == HIGH_CONTRAST.name, "the theme changed")
    again = _app(tmp_path)
    async with again.run_test(size=(120, 36)) as pilot:
        await desk_started(pilot)
        assert again.theme == HIGH_CONTRAST.name
        assert _theme_colour(again, "background") == ColorTriplet(0, 0, 0)


async def test_red_up_turns_a_rising_market_red_and_is_kept(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await desk_started(pilot)
        green, red = _theme_colour(app, "success"), _theme_colour(app, "error")
        before = _change_colours(app)
        assert before["+0.10%"] == green and before["-0.10%"] == red
        app.action_toggle_red_up()  # what the palette's "Colours: red up / green down" runs
        await pilot.pause()
        after = _change_colours(app)
        assert after["+0.10%"] == red and after["-0.10%"] == green
    assert load_display(tmp_path) == DisplayPrefs(red_up=True)
    again = _app(tmp_path)
    async with again.run_test(size=(120, 36)) as pilot:
        await desk_started(pilot)
        assert _change_colours(again)["+0.10%"] == _theme_colour(again, "error")


async def test_the_palette_offers_the_colour_switch(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await desk_started(pilot)
        await pilot.press("ctrl+p")
        await _palette_pick(pilot, "red up", "Colours: red up / green down")
        await until(pilot, lambda: app.red_up, "red up")
        assert load_display(tmp_path).red_up


#: Each pane's rising/buying look and its falling/selling look (component classes).
DIRECTIONS = [
    ("#markets", "live-table--up", "live-table--down"),
    ("#markets", "live-table--flash-up", "live-table--flash-down"),
    ("#markets", "live-table--fade-up", "live-table--fade-down"),
    ("#orders", "live-table--up", "live-table--down"),
    ("#book", "order-book--bid", "order-book--ask"),
    ("#book", "order-book--bid-bar", "order-book--ask-bar"),
    ("#tape", "trade-tape--buy", "trade-tape--sell"),
    ("#side-switch", "side-switch--buy", "side-switch--sell"),
]


def _looks(app: BtseApp) -> dict[tuple[str, str], tuple[object, object]]:
    looks: dict[tuple[str, str], tuple[object, object]] = {}
    for selector, up, down in DIRECTIONS:
        widget = app.desk.query_one(selector)
        for name in (up, down):
            style = widget.get_component_rich_style(name)
            looks[selector, name] = (style.color, style.bgcolor)
    submit = app.desk.form.query_one("#submit")
    looks["#submit", "BUY"] = (None, submit.styles.background.rgb)
    return looks


async def test_red_up_swaps_every_up_down_and_buy_sell_colour(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await desk_started(pilot)
        green_up = _looks(app)
        app.action_toggle_red_up()
        await pilot.pause()
        red_up = _looks(app)
    for selector, up, down in DIRECTIONS:
        assert green_up[selector, up] != green_up[selector, down], (selector, up)
        assert red_up[selector, up] == green_up[selector, down], (selector, up)
        assert red_up[selector, down] == green_up[selector, up], (selector, down)
    assert green_up["#submit", "BUY"] == (None, Color.parse(app.theme_variables["success"]).rgb)
    assert red_up["#submit", "BUY"] == (None, Color.parse(app.theme_variables["error"]).rgb)
