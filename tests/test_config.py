"""Settings: env over .env, environment rules, validation, secret redaction, .env.example."""

from __future__ import annotations

import os
import pickle
from decimal import Decimal
from pathlib import Path

import pytest

from btse_tui.config import (
    PATH_KIND,
    SECRET_KIND,
    SETTING_KEYS,
    SETTINGS_TABLE,
    TEXT_KIND,
    Secret,
    Settings,
    SettingSpec,
    env_example_text,
    load_settings,
)
from btse_tui.protocol.endpoints import PUBLIC_URLS, BaseUrls, Environment
from btse_tui.protocol.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent
SECRET = "848db84ac252b6726e5f6e7a711d9c96d9fd77d020151b45839a5b59c37203bx"
KEY = "4e9536c79f0fdd72bf04f2430982d3f61d9d76c996f0175bbba470d69d59816x"


def write_env(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ".env"
    path.write_text(text)
    return path


def test_real_environment_wins_over_dotenv(tmp_path: Path) -> None:
    dotenv = write_env(
        tmp_path,
        f"BTSE_API_KEY={KEY}\nBTSE_API_SECRET=from-file\nBTSE_HTTP_TIMEOUT=3\nBTSE_BELL=true\n",
    )
    settings = load_settings({"BTSE_API_SECRET": "from-env", "BTSE_HTTP_TIMEOUT": "7"}, dotenv)
    assert settings.api_key == KEY  # only in the file
    assert settings.api_secret is not None and settings.api_secret.reveal() == "from-env"
    assert settings.http_timeout_s == 7.0
    assert settings.bell is True


def test_os_environ_is_never_modified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BTSE_DEMO_RATE", raising=False)
    before = dict(os.environ)
    load_settings(None, write_env(tmp_path, "BTSE_DEMO_RATE=5\n"))
    assert dict(os.environ) == before


def test_missing_dotenv_file_is_fine(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path / "nope.env")
    assert settings.environment is Environment.DEMO


def test_overrides_beat_environment() -> None:
    settings = load_settings(
        {"BTSE_API_KEY": KEY, "BTSE_API_SECRET": SECRET},
        None,
        overrides={"BTSE_ENV": "production", "BTSE_BELL": None},
    )
    assert settings.environment is Environment.PRODUCTION


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, Environment.DEMO),
        ({"BTSE_API_KEY": KEY, "BTSE_API_SECRET": SECRET}, Environment.TESTNET),
        ({"BTSE_ENV": "testnet"}, Environment.TESTNET),
        (
            {"BTSE_ENV": "Production", "BTSE_API_KEY": KEY, "BTSE_API_SECRET": SECRET},
            Environment.PRODUCTION,
        ),
    ],
)
def test_environment_defaults(env: dict[str, str], expected: Environment) -> None:
    assert load_settings(env, None).environment is expected


def test_production_only_when_explicit() -> None:
    # A key never implies production, and production URLs appear only for production.
    settings = load_settings({"BTSE_API_KEY": KEY, "BTSE_API_SECRET": SECRET}, None)
    assert not settings.is_production
    assert settings.base_urls() == PUBLIC_URLS[Environment.TESTNET]


def test_keys_are_ignored_in_demo() -> None:
    settings = load_settings(
        {"BTSE_ENV": "demo", "BTSE_API_KEY": KEY, "BTSE_API_SECRET": SECRET}, None
    )
    assert settings.environment is Environment.DEMO
    assert settings.api_key is None and settings.api_secret is None
    assert not settings.has_credentials


def test_demo_urls_come_from_the_embedded_exchange_or_overrides() -> None:
    demo = BaseUrls(
        "http://127.0.0.1:1", "ws://127.0.0.1:1/ws/spot", "ws://127.0.0.1:1/ws/oss/spot"
    )
    settings = load_settings({"BTSE_REST_URL": "http://127.0.0.1:9/"}, None)
    urls = settings.base_urls(demo)
    assert urls.rest == "http://127.0.0.1:9" and urls.ws_spot == demo.ws_spot
    with pytest.raises(ConfigError):
        settings.base_urls()


def test_invalid_env_names_key_value_and_allowed_values() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({"BTSE_ENV": "mainnet"}, None)
    text = str(info.value)
    assert "BTSE_ENV" in text and "mainnet" in text
    for allowed in ("demo", "testnet", "production"):
        assert allowed in text


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("BTSE_HTTP_TIMEOUT", "soon"),
        ("BTSE_HTTP_TIMEOUT", "0"),
        ("BTSE_STALE_AFTER", "-1"),
        ("BTSE_CANCEL_ALL_AFTER", "-5"),
        ("BTSE_LOW_BANDWIDTH", "maybe"),
        ("BTSE_REST_URL", "ftp://example.com"),
        ("BTSE_WS_URL", "https://example.com/ws/spot"),
        ("BTSE_DEMO_MARKETS", "3.5"),
        ("BTSE_FAVOURITES", "BTCUSDT"),
    ],
)
def test_invalid_values_name_the_key_and_value(key: str, value: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({key: value}, None)
    assert key in str(info.value) and value in str(info.value)
    assert "expected" in str(info.value)


def test_key_without_secret_is_an_error() -> None:
    with pytest.raises(ConfigError, match="BTSE_API_SECRET"):
        load_settings({"BTSE_API_KEY": KEY}, None)


def test_low_bandwidth_follows_ssh_unless_set() -> None:
    assert load_settings({"SSH_CONNECTION": "1 2 3 4"}, None).low_bandwidth is True
    assert load_settings({}, None).low_bandwidth is False
    env = {"SSH_CONNECTION": "1 2 3 4", "BTSE_LOW_BANDWIDTH": "off"}
    assert load_settings(env, None).low_bandwidth is False


def test_values_are_converted() -> None:
    settings = load_settings(
        {
            "BTSE_CANCEL_ALL_AFTER": "60",
            "BTSE_FAVOURITES": "btc-usdt, ETH-USDT",
            "BTSE_DEMO_SEED": "7",
            "BTSE_STATE_DIR": "/tmp/x",
        },
        None,
    )
    assert settings.cancel_all_after_s == 60.0
    assert settings.favourites == ("BTC-USDT", "ETH-USDT")
    assert settings.demo_seed == 7
    assert settings.resolved_state_dir() == Path("/tmp/x")


def test_secret_never_shows() -> None:
    settings = load_settings({"BTSE_API_KEY": KEY, "BTSE_API_SECRET": SECRET}, None)
    secret = settings.api_secret
    assert secret is not None
    assert repr(secret) == "Secret('****')"
    assert str(secret) == "****" and f"{secret}" == "****"
    assert secret.reveal() == SECRET
    for text in (repr(settings), str(settings), f"{settings}"):
        assert SECRET not in text
        assert KEY not in text  # only a hint of the key is shown
    with pytest.raises(TypeError):
        pickle.dumps(secret)


def test_secret_absent_from_exception_text(tmp_path: Path) -> None:
    dotenv = write_env(tmp_path, f"BTSE_API_SECRET={SECRET}\nBTSE_ENV=staging\n")
    with pytest.raises(ConfigError) as info:
        load_settings({}, dotenv)
    assert SECRET not in str(info.value) and SECRET not in repr(info.value)
    with pytest.raises(ConfigError) as info:
        load_settings({"BTSE_API_SECRET": SECRET, "BTSE_ENV": "testnet"}, None)
    assert "BTSE_API_KEY" in str(info.value) and SECRET not in str(info.value)


def test_secret_equality_and_truthiness() -> None:
    assert Secret("a") == Secret("a") and Secret("a") != Secret("b")
    assert not Secret("")


def test_env_example_agrees_with_the_settings_table() -> None:
    text = (REPO / ".env.example").read_text()
    lines = text.splitlines()
    keys = [line.split("=", 1)[0] for line in lines if line and not line.startswith("#")]
    assert set(keys) == SETTING_KEYS and len(keys) == len(SETTINGS_TABLE)
    for index, line in enumerate(lines):
        if line and not line.startswith("#"):
            assert lines[index - 1].startswith("# "), f"{line} lacks a one-line comment"
    assert text == env_example_text(), "regenerate with: python -m btse_tui.config > .env.example"


def test_env_example_loads_as_demo() -> None:
    settings = load_settings({}, REPO / ".env.example")
    assert settings.environment is Environment.DEMO


def test_the_defaults_are_the_declared_ones() -> None:
    # one declaration: what an empty environment loads is what Settings() holds
    assert load_settings({}, None) == Settings()
    for spec in SETTINGS_TABLE:
        assert getattr(Settings(), spec.name) == spec.kind.parse(spec.default), spec.key


CHECKED = [spec for spec in SETTINGS_TABLE if spec.kind not in (TEXT_KIND, SECRET_KIND, PATH_KIND)]


@pytest.mark.parametrize("spec", CHECKED, ids=lambda spec: spec.key)
def test_every_rejected_value_names_the_key_the_value_and_the_declared_rule(
    spec: SettingSpec,
) -> None:
    values = {spec.key: "not valid!"}
    if spec.key == "BTSE_API_SECRET":
        values["BTSE_API_KEY"] = KEY
    with pytest.raises(ConfigError) as info:
        load_settings(values, None)
    shown = "****" if spec.key == "BTSE_ALERT_WEBHOOK" else "'not valid!'"  # may hold a token
    assert str(info.value) == f"{spec.key}={shown} is invalid: expected {spec.kind.rule}"


def test_a_value_given_by_a_flag_names_the_flag() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({}, None, overrides={"BTSE_DEMO_MARKETS": "0"})
    assert str(info.value) == (
        "BTSE_DEMO_MARKETS='0' (from --markets) is invalid: expected an integer from 1 to 5,000"
    )


def test_a_url_the_parser_itself_refuses_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"BTSE_REST_URL='http://\[::1' is invalid"):
        load_settings({"BTSE_REST_URL": "http://[::1"}, None)


def test_the_price_deviation_is_held_in_percent() -> None:
    settings = load_settings({"BTSE_MAX_PRICE_DEVIATION": "2.5"}, None)
    assert settings.max_price_deviation_pct == Decimal("2.5")
    assert isinstance(settings.max_price_deviation_pct, Decimal)


def test_env_example_states_what_each_setting_accepts_and_its_flag() -> None:
    lines = env_example_text().splitlines()
    for spec in SETTINGS_TABLE:
        at = lines.index(f"{spec.key}={spec.default}")
        start = at
        while lines[start - 1].startswith("#"):
            start -= 1
        comment = "\n".join(lines[start:at])
        assert comment.startswith(f"# {spec.description}"), spec.key
        if spec.kind.rule != "any text":
            assert f"accepts {spec.kind.rule}" in comment, spec.key
        if spec.flag is not None:
            assert f"flag {spec.flag.name}" in comment, spec.key


def test_the_alert_webhook_url_is_never_shown() -> None:
    from btse_tui.protocol.errors import ConfigError

    settings = load_settings(
        env={"BTSE_ALERT_WEBHOOK": "https://ntfy.sh/tok-SECRET"}, dotenv_path=None
    )
    assert settings.alert_webhook is not None
    assert settings.alert_webhook.reveal() == "https://ntfy.sh/tok-SECRET"
    assert "tok-SECRET" not in repr(settings)
    with pytest.raises(ConfigError) as refused:
        load_settings(env={"BTSE_ALERT_WEBHOOK": "ftp://host/tok-SECRET"}, dotenv_path=None)
    assert "tok-SECRET" not in str(refused.value)
    assert "BTSE_ALERT_WEBHOOK" in str(refused.value)


def test_alert_desktop_takes_its_choices_only() -> None:
    from btse_tui.protocol.errors import ConfigError

    assert load_settings(env={"BTSE_ALERT_DESKTOP": "osc777"}, dotenv_path=None).alert_desktop == (
        "osc777",
    )
    assert load_settings(env={"BTSE_ALERT_DESKTOP": "off"}, dotenv_path=None).alert_desktop == ()
    with pytest.raises(ConfigError, match=r"both \| osc9 \| osc777 \| off"):
        load_settings(env={"BTSE_ALERT_DESKTOP": "loud"}, dotenv_path=None)
