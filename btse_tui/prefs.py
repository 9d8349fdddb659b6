"""Small per-user preferences kept beside the journal: favourite markets, price alerts,
the theme and the colour convention (green up / red down, or red up / green down)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from btse_tui.protocol.alert_rule import AlertCondition, PriceAlert

FAVOURITES_FILE = "favourites.json"
ALERTS_FILE = "alerts.json"
DISPLAY_FILE = "display.json"


def load_favourites(state_dir: str | Path) -> tuple[str, ...]:
    """Saved favourite symbols, in the order they were starred (empty when none or unreadable)."""
    try:
        data = json.loads((Path(state_dir) / FAVOURITES_FILE).read_text())
    except (OSError, ValueError):
        return ()
    if not isinstance(data, list):
        return ()
    return tuple(str(symbol) for symbol in data if isinstance(symbol, str))


def save_favourites(state_dir: str | Path, symbols: Iterable[str]) -> None:
    """Write the favourites atomically (a crash never leaves half a file)."""
    _write_atomically(Path(state_dir) / FAVOURITES_FILE, sorted(set(symbols)))


def load_alerts(state_dir: str | Path) -> tuple[PriceAlert, ...]:
    """Saved price alerts, in the order they were set (an entry that is not a valid alert is
    skipped; none when the file is missing or unreadable)."""
    try:
        data = json.loads((Path(state_dir) / ALERTS_FILE).read_text())
    except (OSError, ValueError):
        return ()
    if not isinstance(data, list):
        return ()
    alerts = (_alert_from_json(item) for item in data if isinstance(item, dict))
    return tuple(alert for alert in alerts if alert is not None)


def save_alerts(state_dir: str | Path, alerts: Iterable[PriceAlert]) -> None:
    """Write the price alerts atomically, in their order."""
    _write_atomically(Path(state_dir) / ALERTS_FILE, [_alert_to_json(a) for a in alerts])


def _alert_to_json(alert: PriceAlert) -> dict[str, Any]:
    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "symbol": alert.symbol,
        "condition": alert.condition.value,
        "level": text(alert.level),
        "move_percent": text(alert.move_percent),
        "window_minutes": alert.window_minutes,
        "recurring": alert.recurring,
    }


def _alert_from_json(item: dict[str, Any]) -> PriceAlert | None:
    def number(key: str) -> Decimal | None:
        value = item.get(key)
        return None if value is None else Decimal(str(value))

    try:
        minutes = item.get("window_minutes")
        return PriceAlert(
            symbol=str(item["symbol"]),
            condition=AlertCondition(item["condition"]),
            level=number("level"),
            move_percent=number("move_percent"),
            window_minutes=None if minutes is None else int(minutes),
            recurring=bool(item.get("recurring", False)),
        )
    except (KeyError, ValueError, TypeError, InvalidOperation):
        return None


@dataclass(frozen=True, slots=True)
class DisplayPrefs:
    """How the desk looks: the theme picked in the palette (None: the default) and whether a
    rise is red and a fall green (the convention of many Asian markets)."""

    theme: str | None = None
    red_up: bool = False


def load_display(state_dir: str | Path) -> DisplayPrefs:
    """The saved display preferences (the defaults when none, or unreadable)."""
    try:
        data = json.loads((Path(state_dir) / DISPLAY_FILE).read_text())
    except (OSError, ValueError):
        return DisplayPrefs()
    if not isinstance(data, dict):
        return DisplayPrefs()
    theme = data.get("theme")
    return DisplayPrefs(
        theme=theme if isinstance(theme, str) and theme else None,
        red_up=data.get("red_up") is True,
    )


def save_display(state_dir: str | Path, prefs: DisplayPrefs) -> None:
    """Write the display preferences atomically."""
    _write_atomically(Path(state_dir) / DISPLAY_FILE, asdict(prefs))


def _write_atomically(target: Path, data: object) -> None:
    """Write `data` as JSON through a temporary file (a crash never leaves half a file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(data))
    os.replace(temporary, target)
