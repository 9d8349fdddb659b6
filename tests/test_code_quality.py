"""The code stays clean: ruff lint and format, the import-linter layering contracts, mypy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["lint-imports"],
        ["mypy"],  # [tool.mypy] in pyproject.toml: strict on protocol/ and client/
    ],
    ids=["ruff-check", "ruff-format", "import-layers", "types"],
)
def test_tool_is_clean(command: list[str]) -> None:
    result = subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,  # mypy on a cold cache is the slowest; a loaded CI box is slower still
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_benchmark_module_imports() -> None:
    """The benchmarks are not run by the tests, so a module that moved under them (the
    simulator's hub once did) would break them silently: each must at least import."""
    root = Path(__file__).resolve().parent.parent
    names = sorted(p.stem for p in (root / "benchmarks").glob("*.py") if p.stem != "__init__")
    code = (
        "import importlib, sys\nfor n in sys.argv[1:]: importlib.import_module('benchmarks.' + n)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *names], cwd=root, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
