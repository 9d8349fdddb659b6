"""Garbage-collector tuning for a long-running app: freeze what start-up built, once."""

from __future__ import annotations

import gc

#: seconds after the markets first load: the book, balances and first frames are in by then
SETTLE_AFTER_S = 2.0


def freeze_startup_objects() -> int:
    """Collect once, then move every surviving object out of the collector's reach.

    Textual's strips cache crops of themselves, so every frame leaves reference cycles behind
    and a full collection runs every second or two under load. Each one scanned the objects
    that start-up built (modules, widgets, styles, markets) and held the event loop long enough
    to be the tick-to-screen p99 (figures: benchmarks/README.md). Frozen, they are never scanned
    again; they are still freed by reference counting when dropped, and only a cycle among them
    would be kept, which long-lived start-up objects do not form.
    Returns the number of objects frozen.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
