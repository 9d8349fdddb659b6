"""Settings from the environment and .env (real environment wins); the API secret stays redacted."""

from __future__ import annotations

import hmac
import io
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from dotenv import dotenv_values

from btse_tui.protocol.endpoints import PUBLIC_URLS, BaseUrls, Environment
from btse_tui.protocol.errors import ConfigError

APP_NAME: Final = "btse-tui"


class Secret:
    """A credential that never shows itself: repr/str give `****`; `.reveal()` returns the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The real value — pass it straight to the HMAC, never to a log or a message."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('****')"

    def __str__(self) -> str:
        return "****"

    def __format__(self, spec: str) -> str:
        return "****"

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, len(self._value)))

    def __reduce__(self) -> tuple:
        raise TypeError("a Secret cannot be pickled")


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """One row of the settings table: environment key, default as written in .env, description."""

    key: str
    default: str
    description: str


#: Every setting the app reads, in .env.example order. The one place keys are declared.
SETTINGS_TABLE: Final[tuple[SettingSpec, ...]] = (
    SettingSpec("BTSE_API_KEY", "", "API key; leave empty to run the DEMO exchange"),
    SettingSpec("BTSE_API_SECRET", "", "API secret (passphrase) of that key; never logged"),
    SettingSpec(
        "BTSE_ENV",
        "",
        "demo | testnet | production (empty: demo without a key, testnet with one)",
    ),
    SettingSpec("BTSE_REST_URL", "", "override the REST host root, e.g. http://127.0.0.1:8080"),
    SettingSpec("BTSE_WS_URL", "", "override the spot WebSocket URL (…/ws/spot)"),
    SettingSpec("BTSE_OSS_URL", "", "override the order-book WebSocket URL (…/ws/oss/spot)"),
    SettingSpec("BTSE_STATE_DIR", "", "where the journal lives (empty: the platform state dir)"),
    SettingSpec(
        "BTSE_CANCEL_ALL_AFTER",
        "0",
        "dead man's switch in seconds, re-armed while the app runs (0 = off)",
    ),
    SettingSpec(
        "BTSE_LOW_BANDWIDTH",
        "",
        "true | false: fewer frames, no flashes (empty: on when SSH_CONNECTION is set)",
    ),
    SettingSpec("BTSE_CONFIRM_ALL", "false", "true: confirm every order (always on in production)"),
    SettingSpec(
        "BTSE_MAX_PRICE_DEVIATION",
        "5",
        "warn when a limit price is more than this % away from the last price (0 = off)",
    ),
    SettingSpec(
        "BTSE_NOTIONAL_CAP",
        "",
        "warn when an order's notional (in its quote currency) is above this (empty = off)",
    ),
    SettingSpec("BTSE_BELL", "false", "true: ring the terminal bell on fills"),
    SettingSpec("BTSE_HTTP_TIMEOUT", "10", "seconds to wait for a REST answer"),
    SettingSpec("BTSE_PING_INTERVAL", "5", "seconds between WebSocket `ping` heartbeats"),
    SettingSpec(
        "BTSE_STALE_AFTER",
        "12",
        "seconds of WebSocket silence (no data, no pong) before reconnecting",
    ),
    SettingSpec("BTSE_FAVOURITES", "", "comma-separated symbols kept live, e.g. BTC-USDT,ETH-USDT"),
    SettingSpec("BTSE_DEMO_SEED", "", "demo: market seed (empty: random)"),
    SettingSpec("BTSE_DEMO_MARKETS", "30", "demo: number of simulated markets"),
    SettingSpec("BTSE_DEMO_RATE", "20", "demo: simulated market messages per second"),
)

SETTING_KEYS: Final[frozenset[str]] = frozenset(spec.key for spec in SETTINGS_TABLE)
_DEFAULTS: Final[dict[str, str]] = {spec.key: spec.default for spec in SETTINGS_TABLE}
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the app is configured with; build it with `load_settings()`, once."""

    environment: Environment
    api_key: str | None = field(default=None, repr=False)
    api_secret: Secret | None = None
    rest_url: str | None = None
    ws_url: str | None = None
    oss_url: str | None = None
    state_dir: Path | None = None
    cancel_all_after_s: float = 0.0
    low_bandwidth: bool = False
    confirm_all: bool = False
    max_price_deviation_pct: float = 5.0
    notional_cap: Decimal | None = None
    bell: bool = False
    http_timeout_s: float = 10.0
    ping_interval_s: float = 5.0
    stale_after_s: float = 12.0
    favourites: tuple[str, ...] = ()
    demo_seed: int | None = None
    demo_markets: int = 30
    demo_rate: float = 20.0

    @property
    def has_credentials(self) -> bool:
        """True when a key and a secret are configured (private calls and topics possible)."""
        return bool(self.api_key) and bool(self.api_secret)

    @property
    def api_key_hint(self) -> str:
        """The key shortened for display, e.g. `4e95…816x`; '' without a key."""
        if not self.api_key:
            return ""
        key = self.api_key
        return key if len(key) <= 8 else f"{key[:4]}…{key[-4:]}"

    @property
    def is_production(self) -> bool:
        """True when real money is at stake."""
        return self.environment is Environment.PRODUCTION

    def base_urls(self, demo_urls: BaseUrls | None = None) -> BaseUrls:
        """The REST/WS/OSS addresses to use, overrides applied.

        Demo has no public addresses: pass the embedded exchange's `demo_urls` (overrides still
        win), or set all three overrides.
        """
        demo = self.environment is Environment.DEMO
        base = demo_urls if demo else PUBLIC_URLS[self.environment]
        rest = self.rest_url or (base.rest if base else None)
        ws = self.ws_url or (base.ws_spot if base else None)
        oss = self.oss_url or (base.ws_oss if base else None)
        if rest is None or ws is None or oss is None:
            raise ConfigError(
                "demo needs the embedded exchange's addresses (or BTSE_REST_URL, BTSE_WS_URL "
                "and BTSE_OSS_URL all set)"
            )
        return BaseUrls(rest=rest, ws_spot=ws, ws_oss=oss)

    def resolved_state_dir(self) -> Path:
        """`state_dir`, or the platform's user state directory for btse-tui."""
        if self.state_dir is not None:
            return self.state_dir
        from platformdirs import user_state_dir

        return Path(user_state_dir(APP_NAME))

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in self.__dataclass_fields__
            if name != "api_key"
        )
        return f"Settings(api_key={self.api_key_hint!r}, {shown})"

    __str__ = __repr__


def load_settings(
    env: Mapping[str, str] | None = None,
    dotenv_path: str | Path | None = ".env",
    *,
    overrides: Mapping[str, str | None] | None = None,
    dotenv_required: bool = False,
) -> Settings:
    """Build Settings: `.env` values merged UNDER `env` (default: os.environ), then `overrides`.

    `overrides` are command-line values (highest priority; None means "not given").
    A missing `dotenv_path` is skipped unless `dotenv_required` (a file named on the command
    line); a directory, an unreadable file or one that is not UTF-8 text is always an error.
    os.environ is never modified. Invalid values raise ConfigError naming key, value and rule.
    """
    merged: dict[str, str] = dict(read_env_file(dotenv_path, required=dotenv_required))
    real_env = os.environ if env is None else env
    merged.update(real_env)
    for key, value in (overrides or {}).items():
        if value is not None:
            merged[key] = value
    return settings_from_mapping(merged)


def read_env_file(path: str | Path | None, *, required: bool = False) -> dict[str, str]:
    """The key/value pairs of a `.env` file; {} when `path` is None or (unless required) absent.

    Raises ConfigError for a missing required file, a directory, an unreadable file or bytes
    that are not UTF-8.
    """
    if path is None:
        return {}
    file = Path(path)
    if file.is_dir():
        raise ConfigError(f"settings file {path} is a directory: expected a .env file")
    if not file.exists():
        if required:
            raise ConfigError(f"settings file {path} does not exist")
        return {}
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"settings file {path} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at "
            f"offset {exc.start}): save it as UTF-8"
        ) from None
    except OSError as exc:
        raise ConfigError(f"settings file {path} cannot be read: {exc.strerror}") from None
    values = dotenv_values(stream=io.StringIO(text))
    return {key: value for key, value in values.items() if value is not None}


def settings_from_mapping(values: Mapping[str, str]) -> Settings:
    """Validate and convert already-merged raw values into Settings."""

    def raw(key: str) -> str:
        value = values.get(key)
        return (value if value is not None else _DEFAULTS[key]).strip()

    api_key = raw("BTSE_API_KEY") or None
    secret_text = raw("BTSE_API_SECRET") or None
    env_raw = raw("BTSE_ENV")
    environment = _environment(env_raw, has_key=api_key is not None)
    explicit_demo = environment is Environment.DEMO and bool(env_raw)
    if not explicit_demo and (api_key is None) != (secret_text is None):
        # a lone secret used to start DEMO silently: the trader meant to use a real key
        missing = "BTSE_API_SECRET" if secret_text is None else "BTSE_API_KEY"
        present = "BTSE_API_KEY" if secret_text is None else "BTSE_API_SECRET"
        raise ConfigError(f"{missing} is empty but {present} is set: set both or neither")
    if environment is Environment.DEMO:
        # The embedded exchange issues its own demo key; real keys never reach it.
        api_key, secret_text = None, None

    low_bandwidth_raw = raw("BTSE_LOW_BANDWIDTH")
    if low_bandwidth_raw:
        low_bandwidth = _bool("BTSE_LOW_BANDWIDTH", low_bandwidth_raw)
    else:
        low_bandwidth = bool(values.get("SSH_CONNECTION"))

    ping_interval_s = _number("BTSE_PING_INTERVAL", raw("BTSE_PING_INTERVAL"))
    stale_after_s = _number("BTSE_STALE_AFTER", raw("BTSE_STALE_AFTER"))
    if stale_after_s <= ping_interval_s:
        raise _invalid(
            "BTSE_STALE_AFTER",
            raw("BTSE_STALE_AFTER"),
            f"more seconds than BTSE_PING_INTERVAL ({ping_interval_s:g}): a quiet socket "
            "would be declared stale between two pings",
        )
    state_dir_raw = raw("BTSE_STATE_DIR")
    seed_raw = raw("BTSE_DEMO_SEED")
    return Settings(
        environment=environment,
        api_key=api_key,
        api_secret=Secret(secret_text) if secret_text else None,
        rest_url=_url("BTSE_REST_URL", raw("BTSE_REST_URL"), ("http", "https")),
        ws_url=_url("BTSE_WS_URL", raw("BTSE_WS_URL"), ("ws", "wss")),
        oss_url=_url("BTSE_OSS_URL", raw("BTSE_OSS_URL"), ("ws", "wss")),
        state_dir=Path(state_dir_raw).expanduser() if state_dir_raw else None,
        cancel_all_after_s=_number("BTSE_CANCEL_ALL_AFTER", raw("BTSE_CANCEL_ALL_AFTER")),
        low_bandwidth=low_bandwidth,
        confirm_all=_bool("BTSE_CONFIRM_ALL", raw("BTSE_CONFIRM_ALL")),
        max_price_deviation_pct=_number(
            "BTSE_MAX_PRICE_DEVIATION", raw("BTSE_MAX_PRICE_DEVIATION")
        ),
        notional_cap=_decimal_or_none("BTSE_NOTIONAL_CAP", raw("BTSE_NOTIONAL_CAP")),
        bell=_bool("BTSE_BELL", raw("BTSE_BELL")),
        http_timeout_s=_number("BTSE_HTTP_TIMEOUT", raw("BTSE_HTTP_TIMEOUT")),
        ping_interval_s=ping_interval_s,
        stale_after_s=stale_after_s,
        favourites=_symbols("BTSE_FAVOURITES", raw("BTSE_FAVOURITES")),
        demo_seed=_number("BTSE_DEMO_SEED", seed_raw) if seed_raw else None,
        demo_markets=_number("BTSE_DEMO_MARKETS", raw("BTSE_DEMO_MARKETS")),
        demo_rate=_number("BTSE_DEMO_RATE", raw("BTSE_DEMO_RATE")),
    )


def env_file_warning(path: str | Path) -> str | None:
    """A warning when the settings file at `path` can be read by group or others, else None.

    `.env` holds the API secret; it should be readable by its owner only (`chmod 600`).
    A missing file, or a platform without POSIX modes (Windows), gives None.
    """
    if os.name != "posix":
        return None
    try:
        info = Path(path).stat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None  # a device or pipe (e.g. /dev/null) holds no secret
    mode = info.st_mode
    readers = [who for who, bit in (("group", 0o040), ("others", 0o004)) if mode & bit]
    if not readers:
        return None
    return (
        f"{path} is readable by {' and '.join(readers)} (mode {mode & 0o777:04o}) and may hold "
        f"the API secret: run `chmod 600 {path}`"
    )


def env_example_text() -> str:
    """The text of `.env.example`, generated from SETTINGS_TABLE."""
    lines = [
        "# btse-tui settings. Copy to .env; real environment variables win over this file.",
        "# Generated from btse_tui.config.SETTINGS_TABLE (python -m btse_tui.config).",
        "",
    ]
    for spec in SETTINGS_TABLE:
        lines.append(f"# {spec.description}")
        lines.append(f"{spec.key}={spec.default}")
    return "\n".join(lines) + "\n"


def _invalid(key: str, value: str, allowed: str) -> ConfigError:
    shown = "****" if key == "BTSE_API_SECRET" else repr(value)
    return ConfigError(f"{key}={shown} is invalid: expected {allowed}")


def _environment(value: str, *, has_key: bool) -> Environment:
    if not value:
        return Environment.TESTNET if has_key else Environment.DEMO
    try:
        return Environment(value.lower())
    except ValueError:
        allowed = " | ".join(e.value for e in Environment)
        raise _invalid("BTSE_ENV", value, allowed) from None


def _bool(key: str, value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise _invalid(key, value, "true | false (also 1/0, yes/no, on/off)")


@dataclass(frozen=True, slots=True)
class NumberRange:
    """The finite range a numeric setting accepts; `off` is an extra value meaning "off"."""

    low: float
    high: float
    unit: str = ""
    integer: bool = False
    off: float | None = None

    def describe(self) -> str:
        kind = "an integer" if self.integer else "a number"
        unit = f" {self.unit}" if self.unit else ""
        text = f"{kind} from {_plain(self.low)} to {_plain(self.high)}{unit}"
        return text if self.off is None else f"{_plain(self.off)} (off) or {text}"


def _plain(number: float) -> str:
    """A bound as a trader reads it: 86,400 or 0.5, never 1e+15."""
    return f"{int(number):,}" if number == int(number) else f"{number:g}"


#: The range of every numeric setting: none may be infinite, NaN or absurdly large.
NUMBER_RANGES: Final[dict[str, NumberRange]] = {
    "BTSE_CANCEL_ALL_AFTER": NumberRange(5, 86_400, "seconds", off=0),
    "BTSE_MAX_PRICE_DEVIATION": NumberRange(0, 1_000, "%"),
    "BTSE_NOTIONAL_CAP": NumberRange(0.01, 1e15),
    "BTSE_HTTP_TIMEOUT": NumberRange(0.5, 300, "seconds"),
    "BTSE_PING_INTERVAL": NumberRange(1, 50, "seconds"),
    "BTSE_STALE_AFTER": NumberRange(2, 600, "seconds"),
    "BTSE_DEMO_SEED": NumberRange(0, 2**32 - 1, integer=True),
    "BTSE_DEMO_MARKETS": NumberRange(1, 5_000, integer=True),
    "BTSE_DEMO_RATE": NumberRange(0, 10_000, "messages per second"),
}


def _number(key: str, value: str) -> Any:
    """`value` as the int or float NUMBER_RANGES[key] allows, else ConfigError naming the range."""
    rule = NUMBER_RANGES[key]
    try:
        exact = Decimal(value)
    except ArithmeticError:
        raise _invalid(key, value, rule.describe()) from None
    whole = exact.is_finite() and (not rule.integer or exact == exact.to_integral_value())
    if whole and (exact == rule.off or rule.low <= exact <= rule.high):
        return int(exact) if rule.integer else float(exact)
    raise _invalid(key, value, rule.describe())


def _decimal_or_none(key: str, value: str) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value)
    except ArithmeticError:
        number = None
    rule = NUMBER_RANGES[key]
    if number is None or not number.is_finite() or not rule.low <= number <= rule.high:
        raise _invalid(key, value, f"{rule.describe()}, or empty for no cap")
    return number


def _url(key: str, value: str, schemes: tuple[str, ...]) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        raise _invalid(key, value, f"a {' or '.join(s + '://' for s in schemes)} URL")
    return value.rstrip("/")


def _symbols(key: str, value: str) -> tuple[str, ...]:
    symbols = tuple(part.strip().upper() for part in value.split(",") if part.strip())
    for symbol in symbols:
        if "-" not in symbol or " " in symbol:
            raise _invalid(key, value, "comma-separated BASE-QUOTE symbols, e.g. BTC-USDT")
    return symbols


if __name__ == "__main__":
    print(env_example_text(), end="")
