"""Bad settings and files stop `btse-tui` with one line and exit 2; a crash exits 1 and says
where its traceback went. Every case runs the real command line in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from btse_tui.cli import build_parser, setting_overrides
from btse_tui.config import load_settings

REPO = Path(__file__).resolve().parent.parent


def run_cli(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, driver: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`btse-tui ARGS` in `tmp_path` with a clean BTSE_* environment (state dir in tmp)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BTSE_")}
    clean |= {"BTSE_STATE_DIR": str(tmp_path / "state"), "BTSE_DEMO_RATE": "0"}
    clean |= env or {}
    clean["PYTHONPATH"] = str(REPO)
    command = [sys.executable, "-m", "btse_tui"]
    if driver is not None:
        command = [sys.executable, "-m", "tests.startup_driver", driver]
    return subprocess.run(
        [*command, *args],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def assert_one_line(result: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    lines = result.stderr.splitlines()
    assert result.returncode == code, result.stderr
    assert len(lines) == 1, result.stderr  # one line: no traceback
    assert "Traceback" not in result.stderr and lines[0].startswith("btse-tui: ")
    for word in words:
        assert word in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("key", "value", "rule"),
    [
        ("BTSE_HTTP_TIMEOUT", "inf", "from 0.5 to 300 seconds"),
        ("BTSE_STALE_AFTER", "1e400", "from 2 to 600 seconds"),
        ("BTSE_CANCEL_ALL_AFTER", "inf", "0 (off) or a number from 5 to 86,400 seconds"),
        ("BTSE_PING_INTERVAL", "nan", "from 1 to 50 seconds"),
        ("BTSE_DEMO_MARKETS", "100000", "an integer from 1 to 5,000"),
        ("BTSE_NOTIONAL_CAP", "1e400", "1,000,000,000,000,000"),
    ],
)
def test_a_numeric_setting_out_of_its_range_is_one_line_and_exit_2(
    tmp_path: Path, key: str, value: str, rule: str
) -> None:
    result = run_cli(tmp_path, env={key: value})
    assert_one_line(result, 2, key, repr(value), rule)


def test_a_flag_is_held_to_the_same_range(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--cancel-all-after", "inf")
    assert_one_line(result, 2, "BTSE_CANCEL_ALL_AFTER", "'inf'", "86,400")


@pytest.mark.parametrize("make", ["file", "unopenable"])
def test_a_state_dir_that_cannot_hold_the_journal_is_one_line_and_exit_2(
    tmp_path: Path, make: str
) -> None:
    target = tmp_path / "where"
    if make == "file":
        target.write_text("not a directory")
        reason = "it is a file, not a directory"
    else:
        (target / "journal.sqlite3").mkdir(parents=True)  # sqlite cannot open a directory
        reason = "unable to open database file"
    result = run_cli(tmp_path, env={"BTSE_STATE_DIR": str(target)})
    assert_one_line(result, 2, str(target), "BTSE_STATE_DIR", reason)


def test_an_env_file_that_is_not_utf8_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"BTSE_BELL=true\nBTSE_FAVOURITES=BTC-USDT\xff\n")
    result = run_cli(tmp_path)
    assert_one_line(result, 2, ".env is not UTF-8", "0xff")


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_an_env_file_named_on_the_command_line_must_be_a_file(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "settings.env"
    if kind == "directory":
        path.mkdir()
    result = run_cli(tmp_path, "--env-file", str(path))
    words = "does not exist" if kind == "missing" else "is a directory"
    assert_one_line(result, 2, str(path), words)


def test_a_secret_without_a_key_is_an_error_not_a_silent_demo(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BTSE_API_SECRET=s3cr3t-value\n")
    (tmp_path / ".env").chmod(0o600)
    line = assert_one_line(run_cli(tmp_path), 2, "BTSE_API_KEY is empty", "BTSE_API_SECRET")
    assert "s3cr3t-value" not in line


def test_an_unexpected_crash_exits_1_and_names_the_traceback_and_the_journal(
    tmp_path: Path,
) -> None:
    result = run_cli(tmp_path, "--env-file", os.devnull, driver="crash")
    line = assert_one_line(result, 1, "crashed (RuntimeError: boom in a timer)")
    state = tmp_path / "state"
    assert f"journal: {state / 'journal.sqlite3'}" in line
    reports = list(state.glob("crash-*.txt"))
    assert len(reports) == 1 and str(reports[0]) in line
    assert "RuntimeError: boom in a timer" in reports[0].read_text()


def test_the_env_file_warning_is_shown_inside_the_app(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("BTSE_BELL=false\n")
    env.chmod(0o644)
    result = run_cli(tmp_path, driver="log")
    assert result.returncode == 0, result.stderr
    assert "readable by group and others" in result.stderr  # before the full screen starts
    shown = [line for line in result.stdout.splitlines() if line.startswith("LOG warning:")]
    assert shown and ".env is readable by group and others" in shown[0]
    assert "chmod 600" in shown[0]


@pytest.mark.parametrize(
    ("argv", "markets", "rate"),
    [([], 100, 5.0), (["--markets", "7"], 7, 5.0), (["--rate", "0"], 100, 0.0)],
)
def test_demo_markets_and_rate_from_the_environment_hold_unless_a_flag_is_given(
    argv: list[str], markets: int, rate: float
) -> None:
    options = build_parser().parse_args(argv)
    env = {"BTSE_DEMO_MARKETS": "100", "BTSE_DEMO_RATE": "5"}
    settings = load_settings(env, None, overrides=setting_overrides(options))
    assert (settings.demo_markets, settings.demo_rate) == (markets, rate)
