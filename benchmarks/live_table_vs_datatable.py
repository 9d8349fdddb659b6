"""Side-by-side headless timing: 20 cell updates + viewport render, LiveTable vs DataTable.

Run: `python benchmarks/live_table_vs_datatable.py [--rows 1300] [--rounds 30]`.
Headless timings understate the real terminal cost (no ANSI encoding); compare the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from decimal import Decimal

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from btse_tui.ui.widgets.live_table import Column, LiveTable

COLUMNS = ("symbol", "last", "chg", "bid", "ask", "vol", "high", "low")
SIZE = (160, 50)


def make_rows(n: int) -> list[tuple[str, dict[str, object]]]:
    rng = random.Random(7)
    rows = []
    for i in range(n):
        price = Decimal(rng.randint(1, 10**7)) / 100
        rows.append(
            (
                f"SYM{i:04d}-USDT",
                {
                    "symbol": f"SYM{i:04d}-USDT",
                    "last": price,
                    "chg": Decimal(rng.randint(-900, 900)) / 100,
                    "bid": price - Decimal("0.01"),
                    "ask": price + Decimal("0.01"),
                    "vol": Decimal(rng.randint(1000, 10**9)),
                    "high": price * 2,
                    "low": price / 2,
                },
            )
        )
    return rows


class LiveApp(App[None]):
    def __init__(self, rows: list[tuple[str, dict[str, object]]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        columns = [
            Column(key, key.title(), 14, "left" if key == "symbol" else "right") for key in COLUMNS
        ]
        yield LiveTable(columns, flash_duration=0)

    def on_mount(self) -> None:
        self.query_one(LiveTable).set_rows(self.rows)


class StockApp(App[None]):
    def __init__(self, rows: list[tuple[str, dict[str, object]]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in COLUMNS:
            table.add_column(key.title(), key=key, width=14)
        for key, values in self.rows:
            table.add_row(*(str(values[c]) for c in COLUMNS), key=key)


async def bench_live(rows: list, rounds: int) -> tuple[list[float], float]:
    app = LiveApp(rows)
    started = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        startup = time.perf_counter() - started
        table = app.query_one(LiveTable)
        rng = random.Random(1)
        visible = list(table.displayed_keys[:40])
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            for _ in range(20):
                key = rng.choice(visible)
                table.update_cell(key, "last", Decimal(rng.randint(1, 10**7)) / 100)
            # What the compositor does for a partial update: re-render only dirty lines.
            table.render_lines(table.size.region)
            times.append(time.perf_counter() - t0)
        return times, startup


async def bench_stock(rows: list, rounds: int) -> tuple[list[float], float]:
    app = StockApp(rows)
    started = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        startup = time.perf_counter() - started
        table = app.query_one(DataTable)
        rng = random.Random(1)
        visible = [table.coordinate_to_cell_key((y, 0)).row_key for y in range(40)]
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            for _ in range(20):
                key = rng.choice(visible)
                table.update_cell(key, "last", str(Decimal(rng.randint(1, 10**7)) / 100))
            table.render_lines(table.size.region)
            times.append(time.perf_counter() - t0)
        return times, startup


def summary(times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return (
        f"median {statistics.median(ms):8.2f} ms   p90 {statistics.quantiles(ms, n=10)[-1]:8.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1300)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    rows = make_rows(args.rows)
    live, live_start = asyncio.run(bench_live(rows, args.rounds))
    stock, stock_start = asyncio.run(bench_stock(rows, args.rounds))
    print(
        f"{args.rows} rows, {SIZE[0]}x{SIZE[1]}, 20 cell updates + viewport render, "
        f"{args.rounds} rounds"
    )
    print(f"  LiveTable  {summary(live)}   start+first paint {live_start * 1000:7.0f} ms")
    print(f"  DataTable  {summary(stock)}   start+first paint {stock_start * 1000:7.0f} ms")
    print(f"  speed-up   {statistics.median(stock) / statistics.median(live):.1f}x (median)")


if __name__ == "__main__":
    main()
