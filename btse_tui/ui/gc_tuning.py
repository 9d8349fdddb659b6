"""Garbage-collector tuning for a long-running app: no collections while it starts, then
freeze what start-up built, once."""

from __future__ import annotations

import gc

#: seconds after the markets first load: the book, balances and first frames are in by then
SETTLE_AFTER_S = 2.0
#: the longest the collector stays paused at start-up, even if the markets never load (s)
PAUSE_LIMIT_S = 15.0


def pause_for_startup() -> None:
    """Hold the cyclic collector while the desk imports, composes and fills its first tables.

    Start-up allocates hundreds of thousands of long-lived objects, so the collector ran about
    300 times before the markets table was first filled, two of them full collections, 180 ms
    of the second it took (figures: benchmarks/README.md). Nothing start-up builds is garbage
    worth that: `freeze_startup_objects` collects once and switches it back on, and `resume`
    does so regardless after PAUSE_LIMIT_S.
    """
    gc.disable()


def resume() -> None:
    """Collect as usual again (the end of the start-up pause, however start-up went)."""
    gc.enable()


def freeze_startup_objects() -> int:
    """Collect once, then move every surviving object out of the collector's reach.

    Textual's strips cache crops of themselves, so every frame leaves reference cycles behind
    and a full collection runs every second or two under load. Each one scanned the objects
    that start-up built (modules, widgets, styles, markets) and held the event loop long enough
    to be the tick-to-screen p99 (figures: benchmarks/README.md). Frozen, they are never scanned
    again; they are still freed by reference counting when dropped, and only a cycle among them
    would be kept, which long-lived start-up objects do not form.
    Returns the number of objects frozen. The collector runs again from here on.
    """
    gc.collect()
    gc.freeze()
    gc.enable()
    return gc.get_freeze_count()
