"""`btse-tui journal`: list recent journal entries and export fills as CSV."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from collections.abc import Sequence

from btse_tui.journal import FILL, Journal, default_path

FILL_COLUMNS = (
    "time",
    "symbol",
    "side",
    "price",
    "size",
    "fee_amount",
    "fee_currency",
    "order_id",
    "cl_order_id",
    "trade_id",
    "maker",
    "env",
)


def _when(at_ms: int) -> str:
    return dt.datetime.fromtimestamp(at_ms / 1000).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def run_journal(argv: Sequence[str]) -> int:
    """List the newest entries, or export every fill to a CSV file."""
    parser = argparse.ArgumentParser(prog="btse-tui journal", description=run_journal.__doc__)
    parser.add_argument("--state-dir", default=None, help="where the journal lives")
    parser.add_argument("-n", "--limit", type=int, default=40, help="entries to list")
    parser.add_argument("--kind", default=None, help="only entries of this kind (e.g. fill)")
    parser.add_argument("--fills-csv", metavar="FILE", help="write every fill to FILE as CSV")
    args = parser.parse_args(list(argv))
    path = default_path(args.state_dir)
    if not path.exists():
        print(f"no journal at {path}", file=sys.stderr)
        return 1
    journal = Journal(path)
    try:
        if args.fills_csv:
            count = 0
            with open(args.fills_csv, "w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(FILL_COLUMNS)
                for entry in journal.iter_kind(FILL):
                    fill = entry.payload
                    writer.writerow(
                        [_when(int(fill.get("timestamp_ms") or entry.at_ms))]
                        + [fill.get(col, "") for col in FILL_COLUMNS[1:-1]]
                        + [entry.env]
                    )
                    count += 1
            print(f"wrote {count} fills to {args.fills_csv}")
            return 0
        for entry in journal.recent(args.limit, args.kind):
            summary = " ".join(f"{k}={v}" for k, v in entry.payload.items() if v not in (None, ""))
            print(f"{_when(entry.at_ms)}  {entry.env:<10} {entry.kind:<14} {summary}")
        return 0
    finally:
        journal.close()
