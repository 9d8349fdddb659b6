"""The living market: seeded "other traders" who quote and trade on the engine."""
