"""The pure BTSE protocol layer: models, codec, signing, rules and order book; no I/O."""
