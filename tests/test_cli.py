"""`btse-tui --help` is instant, lists every option, and loads no heavy library."""

from __future__ import annotations

import subprocess
import sys

from btse_tui.cli import build_parser


def test_help_lists_every_option_and_the_subcommands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "btse_tui", "--help"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0
    for action in build_parser()._actions:
        for flag in action.option_strings:
            assert flag in result.stdout
    assert "btse-tui sim" in result.stdout
    assert "btse-tui journal" in result.stdout


def test_help_imports_no_ui_or_network_library() -> None:
    code = (
        "import sys\n"
        "from btse_tui import cli\n"
        "try:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('textual', 'httpx', 'websockets', 'uvicorn', 'starlette') "
        "if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30
    )
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr
