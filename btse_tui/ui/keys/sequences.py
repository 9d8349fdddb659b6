"""KeySequences: the one place that waits for the next key of a key sequence (`g g`).

Textual binds single keys; a sequence from the keymap runs its binding's action when its last
key arrives within `timeout` seconds of the one before. A key that starts a sequence is held
(nothing else sees it); a key that breaks one drops what was held and counts on its own. A
sequence only listens where its binding works (the focused widget, its screen or the app) and
never while the focused widget takes the key as text (typing `g` in a field types g).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode

#: Seconds between the keys of a sequence (vim's default `timeoutlen`).
SEQUENCE_TIMEOUT = 1.0


class KeySequences:
    """The keymap's key sequences (keys → binding id) and the keys typed so far."""

    def __init__(
        self,
        sequences: Mapping[tuple[str, ...], str],
        *,
        timeout: float = SEQUENCE_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sequences = dict(sequences)
        self.timeout = timeout
        self._clock = clock
        self._held: tuple[str, ...] = ()
        self._held_at = 0.0

    @property
    def held(self) -> tuple[str, ...]:
        """The keys of an unfinished sequence (empty when none is under way)."""
        if self._held and self._clock() - self._held_at > self.timeout:
            self._held = ()
        return self._held

    async def handle(self, app: App[Any], event: events.Key) -> bool:
        """Take `event` if it is part of a sequence (held, or the last key: the action ran)."""
        if not self.sequences:
            return False
        focused = app.focused
        if focused is not None and focused.check_consume_key(event.key, event.character):
            self._held = ()
            return False
        held = self.held
        if await self._advance(app, (*held, event.key)):
            return True
        self._held = ()
        return bool(held) and await self._advance(app, (event.key,))

    async def _advance(self, app: App[Any], typed: tuple[str, ...]) -> bool:
        """Run the sequence `typed` completes, or hold it if it starts one; False if neither."""
        starts = False
        for keys, binding_id in self.sequences.items():
            if keys[: len(typed)] != typed:
                continue
            target = _find(app, binding_id)
            if target is None:
                continue
            if len(keys) == len(typed):
                self._held = ()
                node, binding = target
                await app.run_action(binding.action, node)
                return True
            starts = True
        if starts:
            self._held, self._held_at = typed, self._clock()
        return starts


def _find(app: App[Any], binding_id: str) -> tuple[DOMNode, Binding] | None:
    """The binding `binding_id` where a key pressed now would look for it, with its node."""
    start: DOMNode = app.focused or app.screen
    for node in start.ancestors_with_self:
        for _key, binding in node._bindings:
            if binding.id == binding_id:
                return node, binding
    return None
