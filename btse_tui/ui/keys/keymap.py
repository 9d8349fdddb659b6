"""KeySetup: the keys in force — the keymap file and its preset checked against every binding.

What Textual is given is its own keymap (binding id → keys, `App.set_keymap`); key sequences
(`g g`) go to `KeySequences`. Each entry that cannot be used is one notice line: an id no
binding has, a key name Textual does not know, or two actions on one key in the same scope
(the app, a screen or a widget). The app starts either way.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.keys import Keys, _character_to_key

from btse_tui.ui.keys.keymap_file import KeymapFile

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
#: Every key name Textual uses: its named keys and the names of printable ASCII characters.
KEY_NAMES = frozenset(
    {key.value.rpartition("+")[2] for key in Keys}
    | {_character_to_key(character) for character in string.printable.strip()}
)

#: A scope: where bindings live (a class name, or the app's), and its bindings.
Scope = tuple[str, BindingsMap]


@dataclass(frozen=True, slots=True)
class KeySetup:
    """The keymap in force: Textual's keymap, the key sequences, and what could not be used."""

    path: Path | None = None
    preset: str | None = None
    keymap: Mapping[str, str] = field(default_factory=dict)
    """Binding id → Textual key string (`"j,down"`), for `App.set_keymap`."""
    sequences: Mapping[tuple[str, ...], str] = field(default_factory=dict)
    """Key sequence (`("g", "g")`) → binding id."""
    notices: tuple[str, ...] = ()
    """One line per problem: the file, an unknown id, a bad key name, a conflict."""
    found: bool = False
    """True when the keymap file exists."""

    def in_force(self, bindings: BindingsMap) -> BindingsMap:
        """`bindings` with this keymap applied, as Textual applies it on a key press."""
        return _applied(bindings, self.keymap)

    def sequences_of(self, binding_id: str) -> list[str]:
        """The key sequences of a binding, as written (`"g g"`)."""
        return [" ".join(keys) for keys, target in self.sequences.items() if target == binding_id]


def binding_scopes(app: App[Any]) -> list[Scope]:
    """Every place the desk's bindings live: the app itself (with Textual's own keys) and each
    btse_tui screen and widget class (with what it inherits), base classes first."""
    import btse_tui.ui

    for module in pkgutil.walk_packages(btse_tui.ui.__path__, "btse_tui.ui."):
        importlib.import_module(module.name)  # a class is known once its module is imported
    scopes: list[Scope] = [("the app", app._bindings)]
    classes = sorted(_subclasses(DOMNode), key=lambda kind: len(kind.__mro__))
    for kind in classes:
        if kind.__module__.startswith("btse_tui.") and not issubclass(kind, App):
            merged = kind._merged_bindings
            if merged is not None and merged.key_to_bindings:
                scopes.append((kind.__name__, merged))
    return scopes


def _subclasses(kind: type[DOMNode]) -> set[type[DOMNode]]:
    found: set[type[DOMNode]] = set()
    for sub in kind.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def key_problem(key: str) -> str | None:
    """Why `key` (one step, `ctrl+x`) is not a key Textual can deliver; None when it is."""
    *modifiers, base = key.split("+")
    unknown = [modifier for modifier in modifiers if modifier not in MODIFIERS]
    if unknown:
        return f"{unknown[0]!r} is not a modifier (ctrl, shift, alt, meta, super, hyper)"
    if (len(base) == 1 and base.isprintable()) or base in KEY_NAMES:
        return None
    if not modifiers and 2 <= len(key) <= 3 and key.isprintable():
        return (
            f'{key!r} is not a key name (a key sequence is written with spaces: "{" ".join(key)}")'
        )
    return f"{key!r} is not a key name"


def resolve_keymap(file: KeymapFile, scopes: Iterable[Scope]) -> KeySetup:
    """The keys in force for `file` over the bindings of `scopes`, with a notice per problem."""
    scopes = list(scopes)
    where = f"keymap {file.path}" if file.path is not None else "keymap"
    notices = list(file.problems)
    defaults = _default_keys(scopes)
    wanted: dict[str, tuple[str, ...]] = {}
    for binding_id, extra in file.preset_keys.items():
        if binding_id in defaults:  # a preset key for a binding this build lacks is skipped
            wanted[binding_id] = (*defaults[binding_id], *extra)
    for binding_id, tokens in file.entries.items():
        if binding_id in defaults:
            wanted[binding_id] = tokens
        else:
            notices.append(_unknown_id(where, binding_id, defaults))
    keymap: dict[str, str] = {}
    sequences: dict[tuple[str, ...], str] = {}
    for binding_id, tokens in wanted.items():
        singles: list[str] = []
        for token in tokens:
            steps = tuple(_normal(step) for step in token.split(" "))
            problem = next(filter(None, (key_problem(step) for step in steps)), None)
            if problem is not None:
                notices.append(f"{where}: {binding_id}: {problem}; that key is left out")
            elif len(steps) > 1:
                sequences[steps] = binding_id
            elif steps[0] not in singles:
                singles.append(steps[0])
        if singles:
            keymap[binding_id] = ",".join(singles)
    notices.extend(_conflicts(where, scopes, defaults, keymap, sequences))
    return KeySetup(file.path, file.preset, keymap, sequences, tuple(notices), file.found)


def _normal(step: str) -> str:
    """Textual's spelling of one key: a single character by its name (`/` → `slash`)."""
    return _character_to_key(step) if len(step) == 1 else step


def _default_keys(scopes: list[Scope]) -> dict[str, tuple[str, ...]]:
    """Binding id → its own keys, for every binding with an id."""
    keys: dict[str, list[str]] = {}
    for _name, bindings in scopes:
        for key, binding in bindings:
            if binding.id is not None and key not in keys.setdefault(binding.id, []):
                keys[binding.id].append(key)
    return {binding_id: tuple(found) for binding_id, found in keys.items()}


def _unknown_id(where: str, binding_id: str, defaults: Mapping[str, object]) -> str:
    close = difflib.get_close_matches(binding_id, list(defaults), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"{where}: no action has the id {binding_id}{hint}; the entry is left out"


def _label(binding: Binding) -> str:
    return binding.id or binding.action


def _conflicts(
    where: str,
    scopes: list[Scope],
    defaults: Mapping[str, tuple[str, ...]],
    keymap: Mapping[str, str],
    sequences: Mapping[tuple[str, ...], str],
) -> list[str]:
    """One line per key the keymap gives to two actions: of one scope, or of a widget and a
    priority key of the app (which runs first, everywhere); and per key sequence whose first
    key is already a key there. (Textual resolves a clash silently: the keymap's binding takes
    the key.) Overlaps of the built-in keys are by design and not reported."""
    lines: list[str] = []
    seen: set[tuple[str, frozenset[str]]] = set()

    def moved(binding: Binding) -> bool:
        """The keymap gave `binding` its key (not one of its own)."""
        own = defaults.get(binding.id, ()) if binding.id is not None else ()
        return binding.id in keymap and binding.key not in own

    def report(key: str, names: set[str], scope: str, text: str = "") -> None:
        conflict = (key, frozenset(names))
        if len(names) > 1 and conflict not in seen:
            seen.add(conflict)
            text = text or f"{key} is both {' and '.join(sorted(names))}"
            lines.append(f"{where}: conflict: {text} in {scope}")

    applied_scopes = [(name, bindings, _applied(bindings, keymap)) for name, bindings in scopes]
    app_keys = applied_scopes[0][2].key_to_bindings if applied_scopes else {}
    for scope, bindings, applied in applied_scopes:
        for key, now in applied.key_to_bindings.items():
            if any(map(moved, now)):
                report(key, {_label(binding) for binding in now}, scope)
            first = [b for b in app_keys.get(key, []) if b.priority and b not in now]
            if first and any(map(moved, [*first, *now])):
                report(key, {*map(_label, first), *map(_label, now)}, f"{scope} and the app")
        for key, before in bindings.key_to_bindings.items():
            now = applied.key_to_bindings.get(key, [])
            for binding in before:
                if binding.id not in keymap and now and binding not in now:
                    report(key, {_label(binding), *map(_label, now)}, scope)
        ids = {binding.id for _key, binding in bindings}
        for steps, binding_id in sequences.items():
            taken = applied.key_to_bindings.get(steps[0]) or app_keys.get(steps[0], [])
            if binding_id in ids and taken:
                written = " ".join(steps)
                report(
                    written,
                    {binding_id, *map(_label, taken)},
                    scope,
                    f"{written} ({binding_id}) starts with {steps[0]}, already {_label(taken[0])}",
                )
    return lines


def _applied(bindings: BindingsMap, keymap: Mapping[str, str]) -> BindingsMap:
    applied = bindings.copy()
    if keymap:
        applied.apply_keymap(keymap)
    return applied
