"""The desk's wiring: the session and its sockets get the loaded settings, the app gets them too."""

from __future__ import annotations

from pathlib import Path

import pytest

from btse_tui import startup
from btse_tui.config import load_settings
from btse_tui.prefs import save_favourites
from btse_tui.protocol.endpoints import BaseUrls
from btse_tui.ui import partial_update

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
