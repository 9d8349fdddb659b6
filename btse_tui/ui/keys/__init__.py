"""The trader's keys: the keymap file, its presets, key sequences, checked against the bindings."""
