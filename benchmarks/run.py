"""One command for the whole suite: `python -m benchmarks.run [--only 1,2,3] [--quick]`."""

from __future__ import annotations

import argparse
import json
import time
import traceback
from collections.abc import Callable, Sequence

from benchmarks.common import RESULTS, Result, machine

TITLES = {
    "1": "stream ingest",
    "2": "order book",
    "3": "REST",
    "4": "tick-to-screen",
    "5": "start-up",
    "6": "cost in a pty",
    "7": "memory",
    "8": "chart repaint cost",
}


def _runner(bench: str) -> Callable[[bool], list[Result]]:
    if bench == "1":
        from benchmarks.bench_ingest import run
    elif bench == "2":
        from benchmarks.bench_book import run
    elif bench == "3":
        from benchmarks.bench_rest import run
    elif bench == "5":
        from benchmarks.bench_startup import run
    else:
        from benchmarks import bench_pty

        return lambda quick: bench_pty.run(quick, only={bench})
    return run


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if value >= 0.01 else f"{value:.2g}"


def table(rows: Sequence[Result]) -> str:
    """The results as a Markdown table (also pasted into the README)."""
    head = "| # | what | ours | baseline | ratio | target | verdict |"
    lines = [head, "|---|---|---|---|---|---|---|"]
    for r in rows:
        base = f"{_fmt(r.baseline)} ({r.baseline_name})" if r.baseline is not None else "—"
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "—"
        ours = f"{_fmt(r.ours)} {r.unit}".strip() if r.ours is not None else "—"
        lines.append(
            f"| {r.bench} | {r.what} | {ours} | {base} | {ratio} | {r.target} | {r.verdict} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected benchmarks in one process, print the table, write results/latest.json."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--only", default="1,2,3,4,5,6,7,8", help="comma-separated benchmark ids")
    parser.add_argument("--quick", action="store_true", help="smaller samples (~1 minute)")
    args = parser.parse_args(argv)
    selected = [b.strip() for b in args.only.split(",") if b.strip()]
    info = machine()
    started = time.perf_counter()
    rows: list[Result] = []
    for bench in selected:
        t0 = time.perf_counter()
        print(f"… {bench}: {TITLES.get(bench, '?')}", flush=True)
        try:
            got = _runner(bench)(args.quick)
        except Exception as exc:
            traceback.print_exc()
            got = [Result(bench, TITLES.get(bench, "?"), None, "", note=f"error: {exc}"[:200])]
        for r in got:
            r.extra.setdefault("seconds", round(time.perf_counter() - t0, 1))
            print(f"    {r.what}: {_fmt(r.ours)} {r.unit} → {r.verdict}  {r.note}", flush=True)
        rows.extend(got)
    elapsed = time.perf_counter() - started
    print()
    print(table(rows))
    print(
        f"\n{info['cpu']}, {info['cores']} cores, {info['mem_gib']} GiB, Python {info['python']}; "
        f"load {info['loadavg_at_start']}; {elapsed:.0f} s{' (quick)' if args.quick else ''}"
    )
    RESULTS.mkdir(exist_ok=True)
    out = {
        "machine": info,
        "quick": args.quick,
        "seconds": round(elapsed, 1),
        "results": [r.as_json() for r in rows],
    }
    (RESULTS / "latest.json").write_text(json.dumps(out, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
