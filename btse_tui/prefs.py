"""Small per-user preferences kept beside the journal: favourite markets, the theme and the
colour convention (green up / red down, or red up / green down)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

FAVOURITES_FILE = "favourites.json"
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
    _write(Path(state_dir) / FAVOURITES_FILE, json.dumps(sorted(set(symbols))))


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
    _write(Path(state_dir) / DISPLAY_FILE, json.dumps(asdict(prefs)))


def _write(target: Path, text: str) -> None:
    """Replace `target` with `text` in one step (a crash never leaves half a file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".tmp")
    temporary.write_text(text)
    os.replace(temporary, target)
