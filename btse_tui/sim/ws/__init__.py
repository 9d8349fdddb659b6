"""The simulator's WebSocket side: the event hub and the /ws/spot and /ws/oss/spot sockets."""
