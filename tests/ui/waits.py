"""Waiting in a pilot test for what the trader would see, instead of for a fixed time."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot


async def until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    """Let the app run until `condition` holds (fails after about 4 s, naming `what`)."""
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never: {what}")


async def desk_started(pilot: Pilot[None]) -> None:
    """Until the markets table shows its rows (the desk has started)."""
    desk = getattr(pilot.app, "desk")  # noqa: B009 — any BtseApp
    await until(pilot, lambda: bool(desk.markets_table.displayed_keys), "the markets shown")
    await pilot.pause()
