"""The simulated exchange: its market catalogue, books, matching, settlement, triggers and stats."""

from btse_tui.sim.engine.exchange import Engine

__all__ = ["Engine"]
