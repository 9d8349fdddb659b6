"""The desk's wiring: the session and its sockets get the loaded settings, the app gets them too."""

from __future__ import annotations

from pathlib import Path

import pytest

from btse_tui import startup
from btse_tui.config import load_settings
from btse_tui.prefs import DisplayPrefs, load_display, save_display, save_favourites
from btse_tui.protocol.endpoints import BaseUrls
from btse_tui.ui import partial_update
from btse_tui.ui.keys.keymap_file import KEYMAP_FILE

URLS = BaseUrls("http://127.0.0.1:9", "ws://127.0.0.1:9/ws/spot", "ws://127.0.0.1:9/ws/oss/spot")


@pytest.mark.parametrize(
    ("env", "live_window"),
    [({}, 8.0), ({"BTSE_PING_INTERVAL": "2", "BTSE_STALE_AFTER": "4"}, 4.0)],
    ids=["defaults 5 s / 12 s", "2 s / 4 s"],
)
async def test_both_sockets_keep_the_configured_heartbeat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], live_window: float
) -> None:
    # STALE after one ping interval plus the pong's 3 s grace, at most BTSE_STALE_AFTER (the
    # stream's own fallbacks, 15 s / 30 s, would give 18 s)
    monkeypatch.setattr(partial_update, "install", lambda: False)  # no global patch in tests
    settings = load_settings({**env, "BTSE_STATE_DIR": str(tmp_path)}, None)
    app = startup.build_app(settings, URLS, None, tmp_path)
    try:
        assert app.session.settings is settings
        assert app.session.spot.live_window == live_window
        assert app.session.books.stream.live_window == live_window
    finally:
        await app.session.close()


async def test_the_app_gets_the_settings_with_the_saved_favourites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(partial_update, "install", lambda: False)
    save_favourites(tmp_path, ["BTC-USDT"])
    env = {"BTSE_FAVOURITES": "ETH-USDT", "BTSE_BELL": "true", "BTSE_CANCEL_ALL_AFTER": "30"}
    settings = load_settings({**env, "BTSE_STATE_DIR": str(tmp_path)}, None)
    app = startup.build_app(settings, URLS, None, tmp_path)
    try:
        assert app.settings.favourites == ("ETH-USDT", "BTC-USDT")
        assert app.settings.bell and app.desk.orders.dms_on and app.desk.orders.dms_seconds == 30.0
    finally:
        await app.session.close()


async def test_the_app_gets_the_config_directory_keymap_and_the_state_directory_display(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(partial_update, "install", lambda: False)
    config = tmp_path / "config"
    config.mkdir()
    (config / KEYMAP_FILE).write_text('preset = "vim"\n"app.buy" = "B"\n')
    (tmp_path / KEYMAP_FILE).write_text('"app.buy" = "Z"\n')  # not where keymaps are read
    save_display(tmp_path, DisplayPrefs(theme="btse-high-contrast", red_up=True))
    settings = load_settings(
        {"BTSE_STATE_DIR": str(tmp_path), "BTSE_CONFIG_DIR": str(config)}, None
    )
    app = startup.build_app(settings, URLS, None, tmp_path)
    try:
        assert app.keys.path == config / KEYMAP_FILE and app.keys.preset == "vim"
        assert app.keys.keymap["app.buy"] == "B" and app.keys.notices == ()
        assert app.theme == "btse-high-contrast" and app.red_up
        app.action_toggle_red_up()
        assert load_display(tmp_path) == DisplayPrefs(theme="btse-high-contrast")
    finally:
        await app.session.close()
