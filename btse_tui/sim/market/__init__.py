"""The simulated markets: their catalogue, per-market statistics and the living-market flow."""
