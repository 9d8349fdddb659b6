"""README's fresh-machine commands stay true: CI runs exactly the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```sh\n(python3 -m venv .*?)\n```", text)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    commands = _readme_commands()
    test_commands = [c for c in commands if "pytest" in c]
    assert len(test_commands) == 1, commands
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_commands[0] in ci_lines


def test_readme_start_command_launches_the_console_script() -> None:
    start = [c for c in _readme_commands() if "pytest" not in c]
    assert len(start) == 1
    assert start[0].endswith(".venv/bin/btse-tui")
    assert 'btse-tui = "btse_tui.cli:main"' in (ROOT / "pyproject.toml").read_text()
