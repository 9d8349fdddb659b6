"""Start the demo (embedded exchange, fixed seed) headless and save the README's SVG screenshots.

Run: `.venv/bin/python screenshots/make_screenshots.py` → screenshots/*.svg
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from btse_tui.client.session import TradingSession
from btse_tui.config import load_settings
from btse_tui.ui.app import BtseApp
from btse_tui.startup import start_demo_exchange

OUT = Path(__file__).resolve().parent
SEED = "42"


async def _until(pilot: Pilot, condition, within: float = 15.0) -> None:
    for _ in range(int(within / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise RuntimeError("the demo did not reach the expected state")


async def shoot(size: tuple[int, int], state_dir: str) -> None:
    """Main screen, order confirm and help at one terminal size."""
    settings = load_settings(
        env={"BTSE_DEMO_SEED": SEED, "BTSE_STATE_DIR": state_dir, "BTSE_DEMO_RATE": "20"},
        dotenv_path=None,
    )
    server, urls, settings = start_demo_exchange(settings)
    app = BtseApp(TradingSession(settings, urls), settings=settings)
    tag = f"{size[0]}x{size[1]}"
    try:
        async with app.run_test(size=size) as pilot:
            await _until(pilot, lambda: app.desk.form.market is not None and app.session.tickers)
            await pilot.pause(2.0)
            app.save_screenshot(str(OUT / f"main-{tag}.svg"))
            # a market buy always asks for confirmation: show what would be sent
            if app.desk.narrow:
                await pilot.press("2")
            app.desk.form.set_kind("MARKET")
            await pilot.pause(0.2)
            app.desk.form.query_one("#amount", Input).value = "250"
            app.desk.form.query_one("#amount", Input).focus()
            await pilot.press("enter")
            await _until(pilot, lambda: type(app.screen).__name__ == "ConfirmOrderScreen")
            await pilot.pause(0.5)
            app.save_screenshot(str(OUT / f"confirm-{tag}.svg"))
            await pilot.press("escape")
            await pilot.pause(0.3)
            app.desk.markets_table.focus()
            await pilot.press("question_mark")
            await pilot.pause(0.5)
            app.save_screenshot(str(OUT / f"help-{tag}.svg"))
    finally:
        server.stop()


async def main() -> int:
    with tempfile.TemporaryDirectory() as state_dir:
        for size in ((80, 24), (160, 48)):
            await shoot(size, state_dir)
    print(f"saved screenshots to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
