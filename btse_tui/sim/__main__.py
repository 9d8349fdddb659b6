"""Allows `python -m btse_tui.sim` to run the simulator standalone."""

import sys

from btse_tui.sim.cli import run_sim

raise SystemExit(run_sim(sys.argv[1:]))
