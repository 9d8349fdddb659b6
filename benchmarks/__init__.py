"""Side-by-side performance benchmarks of btse-tui (run: `python -m benchmarks.run`)."""
