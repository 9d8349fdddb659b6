"""The simulator's HTTP side: REST routes of v3.3, v4 and v3.2, request auth and rate limits."""
