"""Who may call the simulator and how often: request signatures, nonces and rate limits."""
