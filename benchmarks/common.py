"""The benchmarks' result row, timing and percentile helpers, machine description, SimProcess."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PYTHON = sys.executable


@dataclass
class Result:
    """One row of the table: our figure beside its baseline, the target and the verdict.

    `higher_is_better` decides how `ratio` (ours / baseline) is read; `passed` is None when
    there is no verdict (not ready, n/a, informational).
    """

    bench: str
    what: str
    ours: float | None
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    passed: bool | None = None
    higher_is_better: bool = True
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """ours / baseline (None without both)."""
        if self.ours is None or not self.baseline:
            return None
        return self.ours / self.baseline

    @property
    def verdict(self) -> str:
        """PASS, MISS, or the reason there is none."""
        if self.passed is None:
            return "n/a" if self.ours is not None else (self.note.split(":")[0] or "n/a")
        return "PASS" if self.passed else "MISS"

    def as_json(self) -> dict[str, Any]:
        """The row as plain JSON (ratio and verdict included)."""
        out = asdict(self)
        out["ratio"] = self.ratio
        out["verdict"] = self.verdict
        return out


def not_ready(bench: str, what: str, target: str, reason: str) -> Result:
    """A row for a benchmark that could not run (the app is not there yet, …)."""
    return Result(bench, what, None, "", target=target, note=f"not ready: {reason}")


def median(values: Iterable[float]) -> float:
    """statistics.median of a non-empty iterable."""
    return statistics.median(list(values))


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank of a non-empty list."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[rank]


def timed_ns(fn: Callable[[], Any], repeat: int) -> list[int]:
    """Wall time of `repeat` calls of fn, one sample per call, in nanoseconds."""
    clock = time.perf_counter_ns
    out = []
    for _ in range(repeat):
        t0 = clock()
        fn()
        out.append(clock() - t0)
    return out


def machine() -> dict[str, Any]:
    """A short description of the machine the numbers came from."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    versions = {}
    for name in ("textual", "websockets", "httpx", "orjson", "ccxt"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:
            versions[name] = None
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "mem_gib": mem_gib,
        "python": sys.version.split()[0],
        "loadavg_at_start": load,
        "packages": versions,
    }


class SimProcess:
    """The embedded exchange in its own process (so it never shares our GIL).

    `SimProcess(markets=31, flow_rate=0)` starts `python -m benchmarks.simproc`, which prints
    the URLs and the demo accounts as one JSON line; commands go to its stdin as JSON lines
    (`{"cmd": "rate", "value": 1000}`) and each is answered with one JSON line.
    """

    def __init__(self, **config: Any) -> None:
        args = [PYTHON, "-m", "benchmarks.simproc", json.dumps(config)]
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # its loop logs every send to a socket the app closed
            text=True,
            bufsize=1,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("simulator process did not start")
        self.info: dict[str, Any] = json.loads(line)

    @property
    def rest(self) -> str:
        return self.info["rest"]

    @property
    def ws_spot(self) -> str:
        return self.info["ws_spot"]

    @property
    def ws_oss(self) -> str:
        return self.info["ws_oss"]

    def account(self, index: int = 0) -> tuple[str, str]:
        """(key, secret) of demo account `index` (0 = demo, 1 = demo2)."""
        acct = self.info["accounts"][index]
        return acct["key"], acct["secret"]

    def command(self, cmd: str, **kw: Any) -> dict[str, Any]:
        """Send one command and return its JSON answer."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"cmd": cmd, **kw}) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        """Stop the process (closing stdin asks it to exit)."""
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.close()
                self.proc.wait(10)
            except Exception:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> SimProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
