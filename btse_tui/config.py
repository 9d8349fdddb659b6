"""Settings: each one declared once (key, kind, default, description, flag) on `Settings`; read
from the environment, .env and the command line (in rising priority); the API secret redacted."""

from __future__ import annotations

import dataclasses
import hmac
import io
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Generic, TypeVar
from urllib.parse import urlsplit

from btse_tui.protocol.endpoints import PUBLIC_URLS, BaseUrls, Environment
from btse_tui.protocol.errors import ConfigError

APP_NAME: Final = "btse-tui"
T = TypeVar("T")


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

    def __reduce__(self) -> tuple[Any, ...]:
        raise TypeError("a Secret cannot be pickled")


# --------------------------------------------------------------------------- kinds of value


@dataclass(frozen=True, slots=True)
class Kind(Generic[T]):
    """What text a setting accepts and what it becomes.

    `parse` gets the stripped text and returns the value, or raises ValueError; `rule` says in
    words what is accepted (error messages, .env.example, --help); `choices` lists the only
    values when there are few.
    """

    parse: Callable[[str], T]
    rule: str
    choices: tuple[str, ...] = ()


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_BOOL_RULE = "true | false (also 1/0, yes/no, on/off)"


def boolean(*, empty: bool | None = None) -> Kind[bool]:
    """true/false in their usual spellings; `empty`, when given, is what an empty value means."""

    def parse(text: str) -> bool:
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        if not text and empty is not None:
            return empty
        raise ValueError(text)

    return Kind(parse, _BOOL_RULE if empty is None else f"{_BOOL_RULE}, or empty")


def _plain(number: float) -> str:
    """A bound as a trader reads it: 86,400 or 0.5, never 1e+15."""
    return f"{int(number):,}" if number == int(number) else f"{number:g}"


def _range_rule(what: str, low: float, high: float, unit: str, off: float | None) -> str:
    text = f"{what} from {_plain(low)} to {_plain(high)}{f' {unit}' if unit else ''}"
    return text if off is None else f"{_plain(off)} (off) or {text}"


def _exact_in_range(
    text: str, low: float, high: float, *, off: float | None = None, whole: bool = False
) -> Decimal:
    """`text` as an exact finite number in [low, high] (or equal to `off`), else ValueError."""
    try:
        exact = Decimal(text)
    except ArithmeticError:
        raise ValueError(text) from None
    if not exact.is_finite() or (whole and exact != exact.to_integral_value()):
        raise ValueError(text)
    if (off is not None and exact == off) or low <= exact <= high:
        return exact
    raise ValueError(text)


def number(low: float, high: float, unit: str = "", *, off: float | None = None) -> Kind[float]:
    """A finite number in [low, high] (`off`: one more value, meaning "off")."""

    def parse(text: str) -> float:
        return float(_exact_in_range(text, low, high, off=off))

    return Kind(parse, _range_rule("a number", low, high, unit, off))


def integer(low: int, high: int) -> Kind[int]:
    """A whole number in [low, high]."""

    def parse(text: str) -> int:
        return int(_exact_in_range(text, low, high, whole=True))

    return Kind(parse, _range_rule("an integer", low, high, "", None))


def decimal(low: float, high: float, unit: str = "") -> Kind[Decimal]:
    """An exact number in [low, high], kept as a Decimal (money, percentages)."""

    def parse(text: str) -> Decimal:
        return _exact_in_range(text, low, high)

    return Kind(parse, _range_rule("a number", low, high, unit, None))


def optional(kind: Kind[T], meaning: str) -> Kind[T | None]:
    """`kind`, or empty for None (`meaning` says what None means, e.g. "no cap")."""

    def parse(text: str) -> T | None:
        return kind.parse(text) if text else None

    return Kind(parse, f"{kind.rule}, or empty for {meaning}")


def _text(text: str) -> str | None:
    return text or None


def _secret(text: str) -> Secret | None:
    return Secret(text) if text else None


def _path(text: str) -> Path | None:
    return Path(text).expanduser() if text else None


def url(*schemes: str) -> Kind[str | None]:
    """An absolute URL with one of `schemes` (trailing slashes dropped), or empty for None."""

    def parse(text: str) -> str | None:
        if not text:
            return None
        parts = urlsplit(text)  # raises ValueError itself for e.g. an unclosed "[::1"
        if parts.scheme not in schemes or not parts.netloc:
            raise ValueError(text)
        return text.rstrip("/")

    return Kind(parse, f"a {' or '.join(s + '://' for s in schemes)} URL")


def _symbols(text: str) -> tuple[str, ...]:
    symbols = tuple(part.strip().upper() for part in text.split(",") if part.strip())
    if any("-" not in symbol or " " in symbol for symbol in symbols):
        raise ValueError(text)
    return symbols


def _currency(text: str) -> str:
    code = text.strip().upper()
    if not code or not code.isalnum() or len(code) > 12:
        raise ValueError(text)
    return code


def _environment(text: str) -> Environment:
    # empty reads as DEMO here; settings_from_mapping makes it TESTNET when a key is set
    return Environment(text.lower()) if text else Environment.DEMO


_DESKTOP: Final = {"both": ("osc9", "osc777"), "osc9": ("osc9",), "osc777": ("osc777",), "off": ()}


def _desktop(text: str) -> tuple[str, ...]:
    if text.lower() not in _DESKTOP:
        raise ValueError(text)
    return _DESKTOP[text.lower()]


def _webhook(text: str) -> Secret | None:
    # kept as a Secret: a push service's URL often carries its token (never shown or logged)
    checked = url("http", "https").parse(text)
    return Secret(checked) if checked else None


TEXT_KIND: Final = Kind(_text, "any text")
SECRET_KIND: Final = Kind(_secret, "any text")
PATH_KIND: Final = Kind(_path, "a directory path")
SYMBOLS_KIND: Final = Kind(_symbols, "comma-separated BASE-QUOTE symbols, e.g. BTC-USDT")
DESKTOP_KIND: Final = Kind(
    _desktop, "both | osc9 | osc777 | off", ("both", "osc9", "osc777", "off")
)
WEBHOOK_KIND: Final = Kind(_webhook, "an http:// or https:// URL, or empty for none")
CURRENCY_KIND: Final = Kind(_currency, "a currency code of 1 to 12 letters or digits, e.g. USDT")
ENVIRONMENT_KIND: Final = Kind(
    _environment,
    " | ".join(e.value for e in Environment) + ", or empty (demo without a key, testnet with one)",
    tuple(e.value for e in Environment),
)


# --------------------------------------------------------------------------- declarations


@dataclass(frozen=True, slots=True)
class Flag:
    """The command-line flag that sets a setting; its value is checked like the setting's."""

    name: str
    metavar: str | None = None
    switch: bool = False  # `--bell` alone means true
    negatable: bool = False  # `--low-bandwidth` / `--no-low-bandwidth`

    @property
    def dest(self) -> str:
        """The attribute argparse stores the flag's value in."""
        return self.name.removeprefix("--").replace("-", "_")


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """One setting: environment key, kind of value, default as written in .env, one-line
    description, command-line flag (if any), and the `Settings` attribute it fills."""

    key: str
    kind: Kind[Any]
    default: str
    description: str
    flag: Flag | None = None
    name: str = ""

    def parse(self, text: str, *, from_flag: bool = False) -> Any:
        """The value of `text`, or ConfigError naming the key, the value and the rule."""
        try:
            return self.kind.parse(text)
        except ValueError:
            given_as = self.flag.name if from_flag and self.flag else None
            raise _invalid(self.key, text, self.kind.rule, given_as) from None


_SPEC: Final = "setting"


def setting(
    key: str, kind: Kind[T], description: str, *, default: str = "", flag: Flag | None = None
) -> T:
    """Declare a `Settings` field: the field's default is `kind` applied to `default`."""
    spec = SettingSpec(key, kind, default, description, flag)
    return field(default=kind.parse(default), metadata={_SPEC: spec})


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the app is configured with, one declaration per setting, in .env.example
    order. Build it with `load_settings()`, once; constructed directly it is not validated."""

    api_key: str | None = setting(
        "BTSE_API_KEY", TEXT_KIND, "API key; leave empty to run the DEMO exchange"
    )
    api_secret: Secret | None = setting(
        "BTSE_API_SECRET", SECRET_KIND, "API secret (passphrase) of that key; never logged"
    )
    environment: Environment = setting(
        "BTSE_ENV",
        ENVIRONMENT_KIND,
        "where to trade: demo (the embedded exchange), testnet, or production (real money; "
        "needs --env production)",
        flag=Flag("--env"),
    )
    rest_url: str | None = setting(
        "BTSE_REST_URL",
        url("http", "https"),
        "override the REST host root, e.g. http://127.0.0.1:8080",
    )
    ws_url: str | None = setting(
        "BTSE_WS_URL", url("ws", "wss"), "override the spot WebSocket URL (…/ws/spot)"
    )
    oss_url: str | None = setting(
        "BTSE_OSS_URL", url("ws", "wss"), "override the order-book WebSocket URL (…/ws/oss/spot)"
    )
    state_dir: Path | None = setting(
        "BTSE_STATE_DIR",
        PATH_KIND,
        "where the journal lives (default: the platform's user state directory)",
        flag=Flag("--state-dir", metavar="DIR"),
    )
    config_dir: Path | None = setting(
        "BTSE_CONFIG_DIR",
        PATH_KIND,
        "where keymap.toml is read from (default: the platform's user config directory)",
        flag=Flag("--config-dir", metavar="DIR"),
    )
    cancel_all_after_s: float = setting(
        "BTSE_CANCEL_ALL_AFTER",
        number(5, 86_400, "seconds", off=0),
        "dead man's switch: cancelAllAfter re-armed while the app runs",
        default="0",
        flag=Flag("--cancel-all-after", metavar="SECONDS"),
    )
    low_bandwidth: bool = setting(
        "BTSE_LOW_BANDWIDTH",
        boolean(empty=False),
        "fewer frames, no flashes (default: on when SSH_CONNECTION is set)",
        flag=Flag("--low-bandwidth", negatable=True),
    )
    chart: bool = setting(
        "BTSE_CHART",
        boolean(),
        "show the candle chart under the markets (off: no klines, no chart repaints; the "
        "narrow layout's Chart tab still shows it)",
        default="true",
        flag=Flag("--chart", negatable=True),
    )
    confirm_all: bool = setting(
        "BTSE_CONFIRM_ALL",
        boolean(),
        "confirm every order (always on in production and for market orders)",
        default="false",
        flag=Flag("--confirm-all", switch=True),
    )
    max_price_deviation_pct: Decimal = setting(
        "BTSE_MAX_PRICE_DEVIATION",
        decimal(0, 1_000, "%"),
        "warn when a limit price is more than this % away from the last price (0 = off)",
        default="5",
    )
    notional_cap: Decimal | None = setting(
        "BTSE_NOTIONAL_CAP",
        optional(decimal(0.01, 1e15), "no cap"),
        "warn when an order's notional (in its quote currency) is above this",
    )
    bell: bool = setting(
        "BTSE_BELL",
        boolean(),
        "ring the terminal bell on fills",
        default="false",
        flag=Flag("--bell", switch=True),
    )
    alert_every_s: float = setting(
        "BTSE_ALERT_EVERY",
        number(1, 3_600, "seconds"),
        "alerts: at most one alert of a kind this often; the rest are summed up in one",
        default="5",
    )
    alert_bell: bool = setting(
        "BTSE_ALERT_BELL", boolean(), "alerts: ring the terminal bell", default="true"
    )
    alert_desktop: tuple[str, ...] = setting(
        "BTSE_ALERT_DESKTOP",
        DESKTOP_KIND,
        "alerts: desktop notifications written to the terminal (OSC 9 and/or OSC 777; "
        "wrapped for tmux passthrough when TMUX is set)",
        default="both",
    )
    alert_webhook: Secret | None = setting(
        "BTSE_ALERT_WEBHOOK",
        WEBHOOK_KIND,
        "alerts: also POST each alert as JSON to this URL (e.g. a phone push service); "
        "never logged, may hold a token",
    )
    alert_fill: bool = setting(
        "BTSE_ALERT_FILL", boolean(), "alerts: an order filled", default="true"
    )
    alert_partial_fill: bool = setting(
        "BTSE_ALERT_PARTIAL_FILL", boolean(), "alerts: an order partly filled", default="true"
    )
    alert_rejected: bool = setting(
        "BTSE_ALERT_REJECTED", boolean(), "alerts: the exchange rejected an order", default="true"
    )
    alert_socket_down_s: float = setting(
        "BTSE_ALERT_SOCKET_DOWN",
        number(1, 86_400, "seconds", off=0),
        "alerts: a socket down (or silent) for this long",
        default="30",
    )
    alert_dms_fired: bool = setting(
        "BTSE_ALERT_DMS_FIRED",
        boolean(),
        "alerts: the dead man's switch lapsed (the exchange cancels every order)",
        default="true",
    )
    alert_rate_limited: bool = setting(
        "BTSE_ALERT_RATE_LIMITED",
        boolean(),
        "alerts: the exchange rate-limited us (429)",
        default="true",
    )
    alert_clock_skew_s: float = setting(
        "BTSE_ALERT_CLOCK_SKEW",
        number(0.1, 3_600, "seconds", off=0),
        "alerts: the local clock is off the exchange's by more than this",
        default="2",
    )
    http_timeout_s: float = setting(
        "BTSE_HTTP_TIMEOUT",
        number(0.5, 300, "seconds"),
        "seconds to wait for a REST answer",
        default="10",
    )
    ping_interval_s: float = setting(
        "BTSE_PING_INTERVAL",
        number(1, 50, "seconds"),
        "seconds between WebSocket `ping` heartbeats",
        default="5",
    )
    stale_after_s: float = setting(
        "BTSE_STALE_AFTER",
        number(2, 600, "seconds"),
        "seconds of WebSocket silence (no data, no pong) before reconnecting (more than "
        "BTSE_PING_INTERVAL)",
        default="12",
    )
    favourites: tuple[str, ...] = setting(
        "BTSE_FAVOURITES", SYMBOLS_KIND, "markets pinned on top and kept live"
    )
    valuation_currency: str = setting(
        "BTSE_VALUATION_CURRENCY",
        CURRENCY_KIND,
        "the currency balances, equity and P&L are valued in (from live prices)",
        default="USDT",
        flag=Flag("--value-in", metavar="CURRENCY"),
    )
    demo_seed: int | None = setting(
        "BTSE_DEMO_SEED",
        optional(integer(0, 2**32 - 1), "a random seed"),
        "demo: market seed",
        flag=Flag("--seed", metavar="SEED"),
    )
    demo_markets: int = setting(
        "BTSE_DEMO_MARKETS",
        integer(1, 5_000),
        "demo: number of simulated markets",
        default="30",
        flag=Flag("--markets", metavar="N"),
    )
    demo_rate: float = setting(
        "BTSE_DEMO_RATE",
        number(0, 10_000, "messages per second"),
        "demo: simulated market messages per second",
        default="20",
        flag=Flag("--rate", metavar="PER_SECOND"),
    )

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

    def resolved_config_dir(self) -> Path:
        """`config_dir`, or the platform's user config directory for btse-tui."""
        if self.config_dir is not None:
            return self.config_dir
        from platformdirs import user_config_dir

        return Path(user_config_dir(APP_NAME))

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{spec.name}={getattr(self, spec.name)!r}"
            for spec in SETTINGS_TABLE
            if spec.name != "api_key"
        )
        return f"Settings(api_key={self.api_key_hint!r}, {shown})"

    __str__ = __repr__


#: Every setting, in .env.example order, read off the fields of `Settings` that declare them.
SETTINGS_TABLE: Final[tuple[SettingSpec, ...]] = tuple(
    dataclasses.replace(f.metadata[_SPEC], name=f.name)
    for f in dataclasses.fields(Settings)
    if _SPEC in f.metadata
)
SETTING_KEYS: Final[frozenset[str]] = frozenset(spec.key for spec in SETTINGS_TABLE)
_BY_KEY: Final[dict[str, SettingSpec]] = {spec.key: spec for spec in SETTINGS_TABLE}


# --------------------------------------------------------------------------- reading


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
    os.environ is never modified. Invalid values raise ConfigError naming key, value and rule
    (and the flag, for a value given by one).
    """
    merged: dict[str, str] = dict(read_env_file(dotenv_path, required=dotenv_required))
    real_env = os.environ if env is None else env
    merged.update(real_env)
    flagged: set[str] = set()
    for key, value in (overrides or {}).items():
        if value is not None:
            merged[key] = value
            flagged.add(key)
    return settings_from_mapping(merged, from_flags=frozenset(flagged))


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
    from dotenv import dotenv_values  # here, not at import: `btse-tui --help` stays light

    values = dotenv_values(stream=io.StringIO(text))
    return {key: value for key, value in values.items() if value is not None}


def settings_from_mapping(
    values: Mapping[str, str], *, from_flags: frozenset[str] = frozenset()
) -> Settings:
    """Validate and convert already-merged raw values into Settings.

    Each value is read by its own setting's kind; then the rules that tie settings together:
    an empty BTSE_ENV is TESTNET when a key is set, a key and a secret come together (unless
    demo is asked for), demo never carries a real key, an empty BTSE_LOW_BANDWIDTH follows
    SSH_CONNECTION, and a socket is stale only after more than one ping interval.
    `from_flags`: the keys given on the command line (their errors name the flag).
    """
    raw: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    for spec in SETTINGS_TABLE:
        given = values.get(spec.key)
        raw[spec.key] = text = (given if given is not None else spec.default).strip()
        parsed[spec.name] = spec.parse(text, from_flag=spec.key in from_flags)
    settings = Settings(**parsed)

    api_key, secret = settings.api_key, settings.api_secret
    environment = settings.environment
    if not raw["BTSE_ENV"] and api_key is not None:
        environment = Environment.TESTNET
    explicit_demo = environment is Environment.DEMO and bool(raw["BTSE_ENV"])
    if not explicit_demo and (api_key is None) != (secret is None):
        # a lone secret used to start DEMO silently: the trader meant to use a real key
        missing = "BTSE_API_SECRET" if secret is None else "BTSE_API_KEY"
        present = "BTSE_API_KEY" if secret is None else "BTSE_API_SECRET"
        raise ConfigError(f"{missing} is empty but {present} is set: set both or neither")
    if environment is Environment.DEMO:
        # The embedded exchange issues its own demo key; real keys never reach it.
        api_key, secret = None, None
    low_bandwidth = settings.low_bandwidth
    if not raw["BTSE_LOW_BANDWIDTH"]:
        low_bandwidth = bool(values.get("SSH_CONNECTION"))
    if settings.stale_after_s <= settings.ping_interval_s:
        raise _invalid(
            "BTSE_STALE_AFTER",
            raw["BTSE_STALE_AFTER"],
            f"more seconds than BTSE_PING_INTERVAL ({settings.ping_interval_s:g}): a quiet "
            "socket would be declared stale between two pings",
        )
    return dataclasses.replace(
        settings,
        environment=environment,
        api_key=api_key,
        api_secret=secret,
        low_bandwidth=low_bandwidth,
    )


def _invalid(key: str, value: str, rule: str, flag: str | None = None) -> ConfigError:
    shown = "****" if key in ("BTSE_API_SECRET", "BTSE_ALERT_WEBHOOK") else repr(value)
    given_as = f" (from {flag})" if flag else ""
    return ConfigError(f"{key}={shown}{given_as} is invalid: expected {rule}")


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
    """The text of `.env.example`, generated from the declarations in `Settings`."""
    lines = [
        "# btse-tui settings. Copy to .env; real environment variables win over this file,",
        "# command-line flags win over both.",
        "# Generated from btse_tui.config.Settings (python -m btse_tui.config > .env.example).",
        "",
    ]
    for spec in SETTINGS_TABLE:
        lines.append(f"# {spec.description}")
        notes = [] if spec.kind in (TEXT_KIND, SECRET_KIND) else [f"accepts {spec.kind.rule}"]
        notes += [f"flag {spec.flag.name}"] if spec.flag else []
        if notes:
            lines.append(f"#   {'; '.join(notes)}")
        lines.append(f"{spec.key}={spec.default}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(env_example_text(), end="")
