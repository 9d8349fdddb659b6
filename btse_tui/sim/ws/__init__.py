"""The simulator's WebSocket side: the /ws/spot and /ws/oss/spot sockets."""
