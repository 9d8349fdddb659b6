"""Benchmark 5: start-up in a real pty, process start → populated markets table; `--help` time."""

from __future__ import annotations

import compileall
import os
import subprocess
import tempfile
import time

import btse_tui
from benchmarks.bench_pty import APP, POPULATED, PtyApp, app_env, strip_ansi
from benchmarks.common import Result, median, not_ready


def help_seconds(runs: int = 10) -> list[float]:
    """Wall time of `btse-tui --help`, one sample per run."""
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([APP, "--help"], stdout=subprocess.DEVNULL, check=True)
        out.append(time.perf_counter() - t0)
    return out


def precompile() -> None:
    """Write btse_tui's bytecode, as installing a wheel does: without it (an editable checkout
    run with PYTHONDONTWRITEBYTECODE=1) every start compiles every module (README, benchmark 5)."""
    compileall.compile_dir(os.path.dirname(btse_tui.__file__), quiet=1)


def first_populated(markets: int, timeout: float = 20.0) -> float:
    """Seconds from spawning the demo app in a pty to the first frame with BTC-USDT and a price."""
    with tempfile.TemporaryDirectory() as state:
        args = [APP, "--env-file", os.devnull, "--markets", str(markets), "--seed", "1"]
        with PtyApp(args, app_env(state), cwd=state) as app:
            seen = app.wait_for(POPULATED, timeout)
            if seen is None:
                tail = strip_ansi(app.output())[-200:].decode("utf-8", "replace")
                raise RuntimeError(f"no populated markets table within {timeout:g} s: {tail!r}")
            return seen - app.started


def run(quick: bool = False) -> list[Result]:
    """`--help` (median of 10) and start-up with 30 and 1,300 markets (median of 3, quick: 1)."""
    rows = []
    helps = help_seconds(5 if quick else 10)
    h = median(helps)
    rows.append(
        Result(
            "5",
            "start-up: `btse-tui --help`, s",
            h,
            "s",
            target="≤ 0.2 s",
            passed=h <= 0.2,
            higher_is_better=False,
            note=f"median of {len(helps)}; min {min(helps):.3f} s",
        )
    )
    runs = 1 if quick else 3
    precompile()
    small: list[float] = []
    big: list[float] = []
    try:
        for _ in range(runs):  # interleaved so both sizes see the same load
            small.append(first_populated(30))
            big.append(first_populated(1300))
    except Exception as exc:
        reason = str(exc)[:160]
        rows.append(
            not_ready("5", "start-up to a populated table, 1,300 markets", "≤ 1.0 s", reason)
        )
        return rows
    s, b = median(small), median(big)
    rows.append(
        Result(
            "5",
            "start-up to a populated markets table, 1,300 markets, s",
            b,
            "s",
            baseline=s,
            baseline_name="same with 30 markets",
            target="≤ 1.0 s",
            passed=b <= 1.0,
            higher_is_better=False,
            note=f"median of {runs}; runs {', '.join(f'{x:.2f}' for x in big)} s",
            extra={"runs_1300": big, "runs_30": small},
        )
    )
    return rows
