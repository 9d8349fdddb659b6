"""The journal keeps everything it acknowledged, even through kill -9, and never holds secrets."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from btse_tui.journal import FILL, ORDER_REQUEST, Journal, default_path
from btse_tui.journal_cli import run_journal

WRITER = """
import sys
from btse_tui.journal import Journal
journal = Journal(sys.argv[1])
i = 0
while True:
    i += 1
    entry_id = journal.append("notification", {"n": i})
    print(entry_id, flush=True)
"""


def test_kill_9_mid_stream_loses_nothing_acknowledged(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    acknowledged = []
    for line in proc.stdout:
        acknowledged.append(int(line))
        if len(acknowledged) >= 300:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    journal = Journal(path)
    stored = {entry.payload["n"] for entry in journal.iter_kind("notification")}
    assert set(range(1, len(acknowledged) + 1)) <= stored


def test_journal_is_append_only_and_scrubs_secrets(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3", env="testnet")
    journal.append(
        ORDER_REQUEST,
        {
            "symbol": "BTC-USDT",
            "size": Decimal("0.00100"),
            "secret": "s3cr3t",
            "nested": [{"request-sign": "abc"}],
        },
    )
    [entry] = journal.recent()
    assert entry.payload["size"] == "0.00100"
    assert "secret" not in entry.payload
    assert entry.payload["nested"] == [{}]
    assert b"s3cr3t" not in (tmp_path / "j.sqlite3").read_bytes()
    import sqlite3

    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        journal._db.execute("DELETE FROM entries")


def test_fills_csv_export_and_listing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = Journal(default_path(tmp_path), env="demo")
    for i in range(3):
        journal.append(
            FILL,
            {
                "symbol": "ETH-USDT",
                "side": "BUY",
                "price": "2500.5",
                "size": f"0.0{i + 1}",
                "trade_id": f"t{i}",
                "timestamp_ms": 1700000000000 + i,
            },
        )
    journal.append("connection", {"stream": "spot", "state": "live"})
    journal.close()
    out_file = tmp_path / "fills.csv"
    assert run_journal(["--state-dir", str(tmp_path), "--fills-csv", str(out_file)]) == 0
    rows = list(csv.DictReader(out_file.open()))
    assert [r["size"] for r in rows] == ["0.01", "0.02", "0.03"]
    assert all(r["symbol"] == "ETH-USDT" and r["env"] == "demo" for r in rows)
    assert run_journal(["--state-dir", str(tmp_path), "-n", "2"]) == 0
    listing = capsys.readouterr().out
    assert "connection" in listing and "trade_id=t2" in listing
