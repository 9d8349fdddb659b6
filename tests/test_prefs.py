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


def test_price_alerts_round_trip_in_order_and_a_bad_entry_is_skipped(tmp_path: Path) -> None:
    from decimal import Decimal

    from btse_tui.prefs import ALERTS_FILE, load_alerts, save_alerts
    from btse_tui.protocol.alert_rule import AlertCondition, PriceAlert

    alerts = (
        PriceAlert("BTC-USDT", AlertCondition.CROSSES, level=Decimal("100000.5")),
        PriceAlert("ETH-USDT", AlertCondition.MOVES, move_percent=Decimal("2.5"), window_minutes=15,
                   recurring=True),
        PriceAlert("SOL-USDT", AlertCondition.BELOW, level=Decimal("0.00000123")),
    )  # fmt: skip
    assert load_alerts(tmp_path) == ()
    save_alerts(tmp_path, alerts)
    assert load_alerts(tmp_path) == alerts
    path = tmp_path / ALERTS_FILE
    path.write_text(path.read_text().replace('"100000.5"', '"-3"'))  # not a valid level
    assert load_alerts(tmp_path) == alerts[1:]
    path.write_text("[1, {}]")
    assert load_alerts(tmp_path) == ()


def test_display_choices_round_trip_and_damage_gives_the_defaults(tmp_path: Path) -> None:
    assert load_display(tmp_path) == DisplayPrefs()
    save_display(tmp_path, DisplayPrefs(theme="btse-high-contrast", red_up=True))
    assert load_display(tmp_path) == DisplayPrefs(theme="btse-high-contrast", red_up=True)
    (tmp_path / DISPLAY_FILE).write_text('{"theme": 7, "red_up": "yes"}')
    assert load_display(tmp_path) == DisplayPrefs()
    (tmp_path / DISPLAY_FILE).write_text("[")
    assert load_display(tmp_path) == DisplayPrefs()
