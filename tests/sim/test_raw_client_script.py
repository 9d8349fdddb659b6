"""A client script written only from btse-api.md trades against the simulator (own process)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from btse_tui.sim.runner import SimServer

SCRIPT = Path(__file__).with_name("raw_client_script.py")


def test_script_uses_no_project_code() -> None:
    text = SCRIPT.read_text()
    assert "btse_tui" not in text and "tests." not in text


def test_raw_script_lists_places_sees_notification_and_fills_and_cancels(sim: SimServer) -> None:
    key, secret = sim.demo_account
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), sim.urls.rest, sim.urls.ws_spot, key, secret],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=SCRIPT.parent,  # no project package on the path beyond what is installed
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["markets"] >= 30 and summary["login"] is True
    assert summary["placed_status"] == 5  # partly filled at once
    assert summary["filled"] == summary["best_ask_size"]
    assert summary["notified_status"] in (4, 5)
    assert summary["cancel_status"] == 6 and summary["cancel_notified"] == 6
