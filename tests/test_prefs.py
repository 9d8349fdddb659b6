"""Favourite markets and display choices survive a restart; a damaged file never stops the app."""

from __future__ import annotations

from pathlib import Path

from btse_tui.prefs import (
    DISPLAY_FILE,
    FAVOURITES_FILE,
    DisplayPrefs,
    load_display,
    load_favourites,
    save_display,
    save_favourites,
)


def test_favourites_round_trip_and_damage_is_harmless(tmp_path: Path) -> None:
    assert load_favourites(tmp_path) == ()
    save_favourites(tmp_path, ["ETH-USDT", "BTC-USDT", "ETH-USDT"])
    assert load_favourites(tmp_path) == ("BTC-USDT", "ETH-USDT")
    (tmp_path / FAVOURITES_FILE).write_text("{not json")
    assert load_favourites(tmp_path) == ()


def test_display_choices_round_trip_and_damage_gives_the_defaults(tmp_path: Path) -> None:
    assert load_display(tmp_path) == DisplayPrefs()
    save_display(tmp_path, DisplayPrefs(theme="btse-high-contrast", red_up=True))
    assert load_display(tmp_path) == DisplayPrefs(theme="btse-high-contrast", red_up=True)
    (tmp_path / DISPLAY_FILE).write_text('{"theme": 7, "red_up": "yes"}')
    assert load_display(tmp_path) == DisplayPrefs()
    (tmp_path / DISPLAY_FILE).write_text("[")
    assert load_display(tmp_path) == DisplayPrefs()
