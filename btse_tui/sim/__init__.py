"""The embedded BTSE exchange: a wire-compatible simulator served on loopback."""
