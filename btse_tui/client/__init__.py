"""The async I/O layer: signed REST client and reconnecting WebSocket streams."""
