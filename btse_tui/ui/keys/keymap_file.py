"""KeymapFile: what the trader's keymap.toml asks for — a preset and binding id → keys.

The file (in the user's config directory, BTSE_CONFIG_DIR) maps a binding id to its keys:

    preset = "vim"              # optional: start from a preset (see PRESETS)
    "app.buy" = "B"             # a key replaces the binding's own keys
    "app.tab_markets" = "1,f1,m"
    [table]                     # the same as "table.home" = ...
    home = ["home", "g g"]      # a list, or "a,b"; "g g" is a key sequence (g, then g)

Reading never raises: a file that is not TOML, or a value that is not keys, becomes one
problem line naming the file (and the line), and what could be read is kept.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

KEYMAP_FILE = "keymap.toml"

#: Keys each preset adds to a binding's own keys (a binding missing from this build is skipped).
PRESETS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "vim": {
        "table.cursor_down": ("j",),
        "table.cursor_up": ("k",),
        "book.cursor_down": ("j",),
        "book.cursor_up": ("k",),
        "table.home": ("g g",),
        "table.end": ("G",),
        "table.page_down": ("ctrl+d",),
        "table.page_up": ("ctrl+u",),
        "app.focus_prev": ("h",),
        "app.focus_next": ("l",),
        "app.filter": ("/",),
        "app.command_line": (":",),
    },
}

#: The top-level names that are not binding ids.
RESERVED = ("preset",)


@dataclass(frozen=True, slots=True)
class KeymapFile:
    """A keymap file as read: its path, preset, entries (binding id → key tokens, in file
    order) and the problems met reading it (one line each)."""

    path: Path | None = None
    preset: str | None = None
    entries: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    found: bool = False

    @property
    def preset_keys(self) -> Mapping[str, tuple[str, ...]]:
        """The keys the chosen preset adds (empty without a known preset)."""
        return PRESETS.get(self.preset or "", {})


def read_keymap(path: Path) -> KeymapFile:
    """The keymap at `path`; a missing file is an empty keymap, a broken one a problem line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return KeymapFile(path)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return KeymapFile(path, problems=(f"keymap {path}: cannot be read ({reason})",))
    return parse_keymap(text, path)


def parse_keymap(text: str, path: Path | None = None) -> KeymapFile:
    """A keymap from TOML text (`path` names it in problem lines)."""
    where = f"keymap {path}" if path is not None else "keymap"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return KeymapFile(path, problems=(_syntax_problem(where, exc),), found=True)
    problems: list[str] = []
    preset = data.get("preset")
    if preset is not None and (not isinstance(preset, str) or preset not in PRESETS):
        known = ", ".join(f'"{name}"' for name in PRESETS)
        problems.append(f"{where}: preset {preset!r} is not one of {known}; no preset used")
        preset = None
    entries: dict[str, tuple[str, ...]] = {}
    for binding_id, value in _flatten(data):
        keys = _key_tokens(value)
        if keys is None:
            problems.append(
                f'{where}: {binding_id} = {value!r} is not keys (write "x", "ctrl+x", '
                '"a,b" or ["a", "g g"])'
            )
        else:
            entries[binding_id] = keys
    return KeymapFile(path, preset, entries, tuple(problems), found=True)


def _syntax_problem(where: str, exc: tomllib.TOMLDecodeError) -> str:
    message = str(exc)
    at = re.search(r"\(at line (\d+), column \d+\)", message)
    reason = message[: at.start()].strip() if at else message
    line = f" line {at.group(1)}" if at else ""
    return f"{where}{line}: not valid TOML ({reason}); the built-in keys are used"


def _flatten(data: Mapping[str, object], prefix: str = "") -> list[tuple[str, object]]:
    """(binding id, value) pairs: `[table] home = …` and `"table.home" = …` are the same."""
    pairs: list[tuple[str, object]] = []
    for name, value in data.items():
        if not prefix and name in RESERVED:
            continue
        binding_id = f"{prefix}{name}"
        if isinstance(value, dict):
            pairs.extend(_flatten(value, f"{binding_id}."))
        else:
            pairs.append((binding_id, value))
    return pairs


def _key_tokens(value: object) -> tuple[str, ...] | None:
    """`"a,b"` or `["a", "g g"]` as stripped key tokens; None when it is not keys."""
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        items = [part for item in value for part in item.split(",")]
    else:
        return None
    tokens = tuple(" ".join(item.split()) for item in items)
    if not tokens or any(not token for token in tokens):
        return None
    return tokens
