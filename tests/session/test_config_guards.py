"""Settings the session relies on: heartbeat defaults that detect a stall, guards, .env mode."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from btse_tui.config import env_file_warning, load_settings
from btse_tui.protocol.errors import ConfigError

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def test_defaults_detect_a_silent_stall_well_within_20_seconds() -> None:
    settings = load_settings({}, None)
    assert settings.ping_interval_s == 5.0
    assert settings.stale_after_s == 12.0
    assert settings.stale_after_s > 2 * settings.ping_interval_s  # a healthy quiet socket


def test_guard_settings_parse_and_validate() -> None:
    settings = load_settings({}, None)
    assert settings.max_price_deviation_pct == 5.0
    assert settings.notional_cap is None
    tuned = load_settings({"BTSE_MAX_PRICE_DEVIATION": "2.5", "BTSE_NOTIONAL_CAP": "10000"}, None)
    assert tuned.max_price_deviation_pct == 2.5
    assert tuned.notional_cap == Decimal("10000")
    with pytest.raises(ConfigError, match="BTSE_NOTIONAL_CAP"):
        load_settings({"BTSE_NOTIONAL_CAP": "lots"}, None)


def test_env_file_readable_by_others_is_warned_about(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("BTSE_API_SECRET=hunter2\n")
    env.chmod(0o600)
    assert env_file_warning(env) is None
    env.chmod(0o640)
    warning = env_file_warning(env)
    assert warning is not None
    assert "readable by group" in warning and "chmod 600" in warning and "0640" in warning
    env.chmod(0o644)
    warning = env_file_warning(env)
    assert warning is not None and "group and others" in warning
    assert "hunter2" not in warning


def test_missing_env_file_gives_no_warning(tmp_path: Path) -> None:
    assert env_file_warning(tmp_path / "absent.env") is None


def test_the_deviation_limit_reaches_the_warning_in_percent() -> None:
    from btse_tui.protocol.models import OrderRequest, OrderType, Side
    from btse_tui.ui.ticket.review import order_warnings
    from tests.ui.order_fixtures import BTC, BTC_TICKER

    settings = load_settings({"BTSE_MAX_PRICE_DEVIATION": "2.5"}, None)
    request = OrderRequest(
        BTC.symbol, Side.SELL, OrderType.LIMIT, size=Decimal("0.01"), price=Decimal("20600")
    )
    warnings = order_warnings(
        request, BTC, BTC_TICKER, max_deviation_pct=settings.max_price_deviation_pct
    )
    assert "limit price 20,600 is 3.0% above the last price 20,000 (limit 2.5%)" in warnings
