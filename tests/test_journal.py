"""The journal keeps everything it acknowledged, even through kill -9, and never holds secrets."""

from __future__ import annotations

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


def test_listing_filters_by_kind_and_names_the_kinds_of_a_typo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = Journal(default_path(tmp_path), env="demo")
    journal.append(
        FILL,
        {
            "source": "stream",
            "fill": {"symbol": "ETH-USDT", "side": "BUY", "price": "2500.5", "size": "0.01"},
        },
    )
    journal.append("connection", {"stream": "spot", "event": "live"})
    journal.close()
    assert run_journal(["--state-dir", str(tmp_path), "--kind", "fill"]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split() == ["time", "kind", "market", "side", "price", "size", "status"]
    assert row.split()[2:7] == ["fill", "ETH-USDT", "BUY", "2500.5", "0.01"]

    assert run_journal(["--state-dir", str(tmp_path), "--kind", "bogus"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [message] = captured.err.splitlines()
    assert "'bogus'" in message
    for kind in ("order_request", "order_reply", "order_error", "notification", "fill",
                 "connection", "reconcile"):  # fmt: skip
        assert kind in message


def test_alerts_list_with_their_market_and_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = Journal(default_path(tmp_path), env="demo")
    text = "BTC-USDT crossed 100,000 up — last 100,050"
    journal.append("alert", {"kind": "price", "text": text, "symbol": "BTC-USDT",
                             "count": 1, "delivered": True})  # fmt: skip
    journal.append("alert", {"kind": "fill", "text": "x filled", "symbol": "", "delivered": False})
    journal.close()
    assert run_journal(["--state-dir", str(tmp_path), "--kind", "alert"]) == 0
    _, first, second = capsys.readouterr().out.splitlines()
    assert first.split()[2:4] == ["alert", "BTC-USDT"]
    assert first.endswith(f"price: {text}")
    assert second.endswith("fill: x filled (held back)")
