"""The simulated exchange's order engine: accounts, books, matching, settlement and triggers."""

from btse_tui.sim.engine.exchange import Engine

__all__ = ["Engine"]
