"""The simulator's HTTP side: the REST routes of v3.3, v4 and v3.2."""
