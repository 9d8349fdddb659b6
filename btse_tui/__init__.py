"""btse-tui: a full-screen terminal trading desk for the BTSE spot market."""

__version__ = "0.1.0"
