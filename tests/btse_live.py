"""Loader for the recorded BTSE replies in tests/fixtures/btse_live (see its README.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

FIXTURES = Path(__file__).parent / "fixtures" / "btse_live"


def load(name: str) -> Any:
    """The parsed JSON of one recorded reply, e.g. `load("ticker_24hr_symbol_spot")`."""
    return orjson.loads((FIXTURES / f"{name}.json").read_bytes())


def raw(name: str) -> bytes:
    """The recorded reply's bytes, as a frame or body would arrive."""
    return (FIXTURES / f"{name}.json").read_bytes()
