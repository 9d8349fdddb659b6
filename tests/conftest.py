"""Test-run settings shared by every test package."""

from __future__ import annotations

import os

from hypothesis import settings

# CI replays the same generated examples every run (a red build means a change broke them);
# a developer's run explores new ones (`HYPOTHESIS_PROFILE=explore` does so anywhere).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "explore")
)
