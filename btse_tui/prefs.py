"""Small per-user preferences kept beside the journal (favourite markets)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

FAVOURITES_FILE = "favourites.json"


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
    folder = Path(state_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / FAVOURITES_FILE
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(sorted(set(symbols))))
    os.replace(temporary, target)
