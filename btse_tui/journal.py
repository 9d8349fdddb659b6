"""Append-only local journal (SQLite, WAL) of order requests, replies, notifications and fills."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

#: Keys whose values never reach the journal, whatever the caller passes.
_SECRET_KEYS = frozenset({"secret", "api_secret", "apisecret", "request-sign", "signature", "sign"})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms INTEGER NOT NULL,
    kind TEXT NOT NULL,
    env TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_kind ON entries(kind, id);
CREATE TRIGGER IF NOT EXISTS entries_append_only_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_append_only_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
"""

# Entry kinds.
ORDER_REQUEST = "order_request"
ORDER_REPLY = "order_reply"
ORDER_ERROR = "order_error"
NOTIFICATION = "notification"
FILL = "fill"
CONNECTION = "connection"
RECONCILE = "reconcile"
ALERT = "alert"  # written by the desk: every alert fired, delivered or coalesced
#: Every kind the session and the desk write, in the order of an order's life.
KINDS = (ORDER_REQUEST, ORDER_REPLY, ORDER_ERROR, NOTIFICATION, FILL, CONNECTION, RECONCILE, ALERT)


@dataclass(frozen=True, slots=True)
class Entry:
    """One journal row."""

    id: int
    at_ms: int
    kind: str
    env: str
    payload: dict[str, Any]


#: Values with nothing inside (checked by exact type before the slower checks): nothing to
#: scrub here, nothing to convert for the session's payloads.
PLAIN_TYPES: frozenset[type] = frozenset({str, int, float, bool, type(None), Decimal})


def _scrub(value: Any) -> Any:
    """Drop secret-looking keys at any depth."""
    cls = type(value)
    if cls in PLAIN_TYPES:
        return value
    if cls is dict or isinstance(value, Mapping):
        return {k: _scrub(v) for k, v in value.items() if str(k).lower() not in _SECRET_KEYS}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


def _default(value: Any) -> Any:
    """orjson fallback: Decimals and enums as their exact text."""
    return str(value)


class Journal:
    """An append-only record; every append is committed before it returns (survives kill -9)."""

    def __init__(self, path: str | Path, env: str = "demo") -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.env = env
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def append(self, kind: str, payload: Mapping[str, Any], at_ms: int | None = None) -> int:
        """Record one entry now; returns its id."""
        stamp = int(time.time() * 1000) if at_ms is None else at_ms
        text = orjson.dumps(_scrub(payload), default=_default).decode()
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO entries (at_ms, kind, env, payload) VALUES (?, ?, ?, ?)",
                (stamp, kind, self.env, text),
            )
            return int(cursor.lastrowid or 0)

    def recent(self, limit: int = 50, kind: str | None = None) -> list[Entry]:
        """The newest `limit` entries (optionally of one kind), oldest first."""
        query = "SELECT id, at_ms, kind, env, payload FROM entries"
        params: tuple[Any, ...] = ()
        if kind:
            query += " WHERE kind = ?"
            params = (kind,)
        query += " ORDER BY id DESC LIMIT ?"
        with self._lock:
            rows = self._db.execute(query, (*params, limit)).fetchall()
        return [_entry(row) for row in reversed(rows)]

    def iter_kind(self, kind: str) -> Iterator[Entry]:
        """Every entry of one kind, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, at_ms, kind, env, payload FROM entries WHERE kind = ? ORDER BY id",
                (kind,),
            ).fetchall()
        for row in rows:
            yield _entry(row)

    def count(self) -> int:
        """Number of entries."""
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM entries").fetchone()[0])

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()


def _entry(row: tuple[Any, ...]) -> Entry:
    return Entry(id=row[0], at_ms=row[1], kind=row[2], env=row[3], payload=orjson.loads(row[4]))


def default_path(state_dir: str | Path | None = None) -> Path:
    """The journal file under the user state directory (or `state_dir`)."""
    if state_dir is None:
        from platformdirs import user_state_dir

        state_dir = user_state_dir("btse-tui")
    return Path(state_dir) / "journal.sqlite3"
