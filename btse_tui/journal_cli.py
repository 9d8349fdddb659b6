"""`btse-tui journal`: list recent journal entries as a table (or JSON lines), export fills."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from btse_tui.journal import ALERT, FILL, KINDS, Entry, Journal, default_path
from btse_tui.protocol.models import OrderStatus

#: CSV header of `--fills-csv`: each column is the `Fill` field of the same name (time: its
#: timestamp, env: the environment the journal recorded).
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

#: Header of the listing; `status` is the last column and never cut.
LIST_COLUMNS = ("time", "kind", "market", "side", "price", "size", "status")

Row = tuple[str, str, str, str, str, str]  # kind, market, side, price, size, status


def _when(at_ms: int) -> str:
    return dt.datetime.fromtimestamp(at_ms / 1000).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _status_text(code: Any) -> str:
    return OrderStatus.describe(int(code)) if isinstance(code, int) else _text(code)


def _order_row(kind: str, order: Mapping[str, Any], prefix: str = "") -> Row:
    """An order as the exchange reported it (reply or notification)."""
    price = order.get("price") or order.get("trigger_price")
    if price is None and order.get("order_type") == 77:
        price = "market"
    size = order.get("original_size")
    if size is None and order.get("original_quote_size") is not None:
        size = f"{order['original_quote_size']} (quote)"
    return (
        kind,
        _text(order.get("symbol")),
        _text(order.get("side")),
        _text(price),
        _text(size),
        prefix + _status_text(order.get("status")),
    )


def _request_row(kind: str, payload: Mapping[str, Any], status: str) -> Row:
    """A request (place / cancel / amend) from its body or its detail."""
    body: Mapping[str, Any] = payload.get("body") or {}
    amend = _text(body.get("type")).upper() if payload.get("action") == "amend" else ""
    price = body.get("price") or body.get("triggerPrice") or body.get("orderPrice")
    size = body.get("size") or body.get("orderSize")
    if amend in ("PRICE", "TRIGGERPRICE"):
        price = body.get("value")
    elif amend == "SIZE":
        size = body.get("value")
    if price is None and body.get("type") == "MARKET":
        price = "market"
    market = body.get("symbol") or payload.get("symbol")
    return kind, _text(market), _text(body.get("side")), _text(price), _text(size), status


def _summary(payload: Mapping[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in payload.items() if v not in (None, "", [], {}))


def _connection_text(payload: Mapping[str, Any]) -> str:
    """E.g. `spot live: logged in, 3 topics` or `rest clock skew -3.4 ms`."""
    text = f"{_text(payload.get('stream'))} {_text(payload.get('event'))}"
    for key in ("reason", "error"):
        if payload.get(key):
            text += f": {payload[key]}"
    if payload.get("skew_ms") is not None:
        text += f" {payload['skew_ms']} ms"
    shown = {"stream", "event", "reason", "error", "skew_ms"}
    rest = {k: v for k, v in payload.items() if k not in shown and v not in (False, 0)}
    return f"{text}  {_summary(rest)}".rstrip()


def listing_rows(entry: Entry) -> list[Row]:
    """What one entry shows in the listing: one row, or one per order of a reply."""
    kind, payload = entry.kind, entry.payload
    action = _text(payload.get("action"))
    if kind == "order_request":
        return [_request_row(kind, payload, f"{action} sent")]
    if kind == "order_reply":
        orders = payload.get("orders") or []
        if not orders:
            found = "not found" if payload.get("found") is False else "no orders in the reply"
            return [_request_row(kind, payload, f"{action}: {found}")]
        return [_order_row(kind, order, f"{action}: ") for order in orders]
    if kind == "order_error":
        outcome = _text(payload.get("outcome")) or "failed"
        return [_request_row(kind, payload, f"{action} {outcome}: {_text(payload.get('error'))}")]
    if kind == "notification":
        return [_order_row(kind, payload.get("order") or {})]
    if kind == FILL:
        fill = payload.get("fill") or {}
        roles: dict[object, str] = {True: "maker", False: "taker"}
        role = roles.get(fill.get("maker"), "")
        fee = f"fee {_text(fill.get('fee_amount'))} {_text(fill.get('fee_currency'))}".rstrip()
        status = ", ".join(part for part in (f"{role} fill".strip(), fee) if part)
        return [
            (kind, _text(fill.get("symbol")), _text(fill.get("side")),
             _text(fill.get("price")), _text(fill.get("size")), status)
        ]  # fmt: skip
    if kind == "connection":
        return [(kind, "", "", "", "", _connection_text(payload))]
    if kind == "reconcile":
        return [(kind, "", "", "", "", _text(payload.get("text")) or _summary(payload))]
    if kind == ALERT:  # `fill: BTC-USDT BUY filled …`, `(held back)` when coalesced
        held = "" if payload.get("delivered", True) else " (held back)"
        status = f"{_text(payload.get('kind'))}: {_text(payload.get('text'))}{held}"
        return [(kind, _text(payload.get("symbol")), "", "", "", status)]
    return [(kind, "", "", "", "", _summary(payload))]


def format_table(entries: Iterable[Entry]) -> list[str]:
    """The listing: a header and one aligned line per row."""
    lines = [(_when(entry.at_ms), *row) for entry in entries for row in listing_rows(entry)]
    table = [LIST_COLUMNS, *lines]
    widths = [max(len(line[i]) for line in table) for i in range(len(LIST_COLUMNS) - 1)]
    right = {"price", "size"}
    out = []
    for line in table:
        cells = [
            cell.rjust(width) if name in right else cell.ljust(width)
            for name, cell, width in zip(LIST_COLUMNS, line, widths)
        ]
        out.append("  ".join([*cells, line[-1]]).rstrip())
    return out


def fill_csv_row(entry: Entry) -> list[str]:
    """One `--fills-csv` row of a fill entry (the fill is under `fill` in the payload)."""
    fill: Mapping[str, Any] = entry.payload.get("fill") or {}
    stamp = int(fill.get("timestamp_ms") or entry.at_ms)
    return [_when(stamp), *(_text(fill.get(col)) for col in FILL_COLUMNS[1:-1]), entry.env]


def _json_line(entry: Entry) -> str:
    record = {"id": entry.id, "at_ms": entry.at_ms, "time": _when(entry.at_ms),
              "kind": entry.kind, "env": entry.env, "payload": entry.payload}  # fmt: skip
    return orjson.dumps(record).decode()


def run_journal(argv: Sequence[str]) -> int:
    """List the newest entries, or export every fill to a CSV file."""
    parser = argparse.ArgumentParser(prog="btse-tui journal", description=run_journal.__doc__)
    parser.add_argument("--state-dir", default=None, help="where the journal lives")
    parser.add_argument("-n", "--limit", type=int, default=40, help="entries to list")
    parser.add_argument(
        "--kind", default=None, help=f"only entries of this kind: {', '.join(KINDS)}"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line (for tools)")
    parser.add_argument("--fills-csv", metavar="FILE", help="write every fill to FILE as CSV")
    args = parser.parse_args(list(argv))
    if args.kind is not None and args.kind not in KINDS:
        print(f"btse-tui journal: unknown --kind {args.kind!r}; kinds: {', '.join(KINDS)}",
              file=sys.stderr)  # fmt: skip
        return 2
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
                    writer.writerow(fill_csv_row(entry))
                    count += 1
            print(f"wrote {count} fills to {args.fills_csv}")
            return 0
        entries = journal.recent(args.limit, args.kind)
        if args.json:
            for entry in entries:
                print(_json_line(entry))
        elif entries:
            print("\n".join(format_table(entries)))
        else:
            print("no entries" + (f" of kind {args.kind}" if args.kind else ""), file=sys.stderr)
        return 0
    finally:
        journal.close()
