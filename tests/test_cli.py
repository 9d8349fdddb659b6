"""`btse-tui --help` is instant, lists every option, and loads no heavy library."""

from __future__ import annotations

import subprocess
import sys

import pytest

from btse_tui.cli import build_parser, setting_overrides
from btse_tui.config import SETTINGS_TABLE


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


def test_help_lists_every_setting_with_its_key() -> None:
    text = build_parser().format_help()
    for spec in SETTINGS_TABLE:
        assert spec.key in text, spec.key
        if spec.flag is not None:
            assert spec.flag.name in text


def test_every_flag_but_env_file_sets_a_declared_setting() -> None:
    flags = {flag for action in build_parser()._actions for flag in action.option_strings}
    declared = {spec.flag.name for spec in SETTINGS_TABLE if spec.flag is not None}
    negations = {
        "--no-" + spec.flag.name.removeprefix("--")
        for spec in SETTINGS_TABLE
        if spec.flag is not None and spec.flag.negatable
    }
    assert negations == {"--no-low-bandwidth", "--no-chart"}
    assert flags - {"-h", "--help", "--env-file"} - negations == declared


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], {}),
        (["--bell", "--seed", "7"], {"BTSE_BELL": "true", "BTSE_DEMO_SEED": "7"}),
        (["--no-low-bandwidth"], {"BTSE_LOW_BANDWIDTH": "false"}),
        (
            ["--env", "testnet", "--state-dir", "/x"],
            {"BTSE_ENV": "testnet", "BTSE_STATE_DIR": "/x"},
        ),
    ],
)
def test_flags_become_setting_overrides(argv: list[str], expected: dict[str, str]) -> None:
    given = setting_overrides(build_parser().parse_args(argv))
    assert {key: value for key, value in given.items() if value is not None} == expected
