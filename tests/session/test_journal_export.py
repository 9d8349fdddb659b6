"""`btse-tui journal` on a journal the real session wrote: fills CSV, readable table, JSON lines."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import orjson

from btse_tui.journal import Journal, default_path
from btse_tui.protocol.events import FillsReceived
from btse_tui.sim.runner import SimServer
from tests.session.conftest import fast_session, running
from tests.session.test_session_flow import SYMBOL, crossing_buy, resting_buy


async def _trade_into_journal(sim: SimServer, state_dir: Path) -> tuple[object, object]:
    """Rest a buy, cross the book with an IOC buy (one fill), cancel the rest; the journal
    lands where `btse-tui journal --state-dir state_dir` reads it."""
    journal = Journal(default_path(state_dir), env="demo")
    session = fast_session(sim, journal)
    async with running(session, market=SYMBOL) as run:
        resting = (await session.place(resting_buy(session)))[0]
        mark = run.events.mark()
        taker = (await session.place(crossing_buy(session)))[0]
        fills = await run.events.wait_kind(FillsReceived, after=mark)
        await session.cancel(session.ledger.orders[resting.order_id])
    journal.close()
    [fill] = fills.fills
    return fill, taker


def _journal_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "btse_tui", "journal", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_fills_csv_has_the_fill_of_a_real_crossing_order(
    sim: SimServer, tmp_path: Path
) -> None:
    fill, taker = await _trade_into_journal(sim, tmp_path)
    out_file = tmp_path / "fills.csv"
    result = _journal_cli("--state-dir", str(tmp_path), "--fills-csv", str(out_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote 1 fills to {out_file}"
    [row] = list(csv.DictReader(out_file.open()))
    assert row["symbol"] == SYMBOL and row["side"] == "BUY"
    assert row["price"] == str(fill.price) and row["size"] == str(fill.size) == "0.001"
    assert row["fee_amount"] == str(fill.fee_amount) and fill.fee_amount > 0
    assert row["fee_currency"] == fill.fee_currency == "BTC"
    assert row["order_id"] == taker.order_id  # type: ignore[attr-defined]
    assert row["cl_order_id"] == taker.cl_order_id  # type: ignore[attr-defined]
    assert row["trade_id"] == fill.trade_id and row["maker"] == "False"
    assert row["env"] == "demo" and row["time"].startswith("20")


async def test_listing_is_a_table_and_json_lines_are_whole_entries(
    sim: SimServer, tmp_path: Path
) -> None:
    fill, taker = await _trade_into_journal(sim, tmp_path)
    result = _journal_cli("--state-dir", str(tmp_path), "-n", "100")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["time", "kind", "market", "side", "price", "size", "status"]
    assert not any("{" in line or "=[" in line for line in lines)  # no raw dictionaries
    [fill_line] = [line for line in lines if " fill " in line]
    assert fill_line.split()[2:8] == [
        "fill", SYMBOL, "BUY", str(fill.price), "0.001", "taker"
    ]  # fmt: skip
    assert fill_line.endswith(f"fee {fill.fee_amount} BTC")
    status_at = lines[0].index("status")
    statuses = [line[status_at:] for line in lines[1:]]
    assert "place sent" in statuses and "place: filled" in statuses
    assert "cancel: cancelled" in statuses
    assert any(s.startswith("spot live") for s in statuses)

    as_json = _journal_cli("--state-dir", str(tmp_path), "-n", "100", "--json")
    assert as_json.returncode == 0, as_json.stderr
    records = [orjson.loads(line) for line in as_json.stdout.splitlines()]
    assert len(records) == len({r["id"] for r in records}) == len(lines) - 1
    [fill_record] = [r for r in records if r["kind"] == "fill"]
    assert fill_record["payload"]["fill"]["order_id"] == taker.order_id  # type: ignore[attr-defined]
    assert fill_record["env"] == "demo"
