"""Favourite markets survive a restart; a damaged file never stops the app."""

from __future__ import annotations

from pathlib import Path

from btse_tui.prefs import FAVOURITES_FILE, load_favourites, save_favourites


def test_favourites_round_trip_and_damage_is_harmless(tmp_path: Path) -> None:
    assert load_favourites(tmp_path) == ()
    save_favourites(tmp_path, ["ETH-USDT", "BTC-USDT", "ETH-USDT"])
    assert load_favourites(tmp_path) == ("BTC-USDT", "ETH-USDT")
    (tmp_path / FAVOURITES_FILE).write_text("{not json")
    assert load_favourites(tmp_path) == ()
