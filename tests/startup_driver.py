"""Runs `btse-tui` headless for the start-up tests: `python -m tests.startup_driver MODE ARGS…`.

MODE `log` prints the notifications pane a second after start and quits; `crash` makes the
running app raise an unexpected error (as a bug would). Everything else is the real start-up.
"""

from __future__ import annotations

import sys

from textual.app import App
from textual.pilot import Pilot

from btse_tui.cli import main
from btse_tui.ui.app import BtseApp


def _boom() -> None:
    raise RuntimeError("boom in a timer")


async def _drive(pilot: Pilot, mode: str) -> None:
    app = pilot.app
    assert isinstance(app, BtseApp)
    await pilot.pause(1.0)
    if mode == "crash":
        app.call_later(_boom)
        return
    for line in app.desk.log_view.lines:
        print("LOG", line.text, flush=True)
    await app.action_quit()


def _run_headless(mode: str) -> None:
    def run(self: BtseApp, **_: object) -> object:
        return App.run(
            self, headless=True, size=(120, 36), auto_pilot=lambda pilot: _drive(pilot, mode)
        )

    BtseApp.run = run  # type: ignore[method-assign]


if __name__ == "__main__":
    _run_headless(sys.argv[1])
    sys.exit(main(sys.argv[2:]))
