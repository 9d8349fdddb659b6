"""HistoryKeeper: the session's order and fill history and the P&L it builds — read back from
the journal at start, joined with the exchange's trade history, and kept live from the
session's own order and fill events."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from btse_tui import journal as jr
from btse_tui.client.rest import RestClient
from btse_tui.client.session_base import ExchangeClock, RestHealthWatch, Tasks, log
from btse_tui.journal import Journal
from btse_tui.port import DeskEvent, Emit
from btse_tui.protocol.errors import BtseError
from btse_tui.protocol.events import FillsReceived
from btse_tui.protocol.history import HistorySource, SentOrder, TradeRecord
from btse_tui.protocol.models import Fill, Order, Side, TxType
from btse_tui.protocol.session_events import HistoryLoaded, OrderChanged, rest_problem

#: BTSE's trade_history answers at most 7 days a call; the start-up load asks for that much.
TRADE_HISTORY_WINDOW_MS = 7 * 24 * 3_600_000
TRADE_HISTORY_COUNT = 500
#: At most this many markets are asked for their fills at start (each is one signed call).
MAX_HISTORY_MARKETS = 20
#: Order entries of each kind read back from the journal at start (the newest ones).
JOURNAL_ORDER_ENTRIES = 20_000


class HistoryKeeper:
    """The TradeRecord of one account and how it is filled: `load_journal` (what earlier runs
    recorded), `load_exchange` (the exchange's fills of the markets traded or held),
    `observe` (every event the session emits: order changes and fills go in) and
    `note_sent` (the limit and the mid of each order sent)."""

    def __init__(
        self,
        rest: RestClient,
        journal: Journal | None,
        *,
        sink: Emit,
        health: RestHealthWatch,
        tasks: Tasks,
        clock: ExchangeClock,
        can_trade: bool,
    ) -> None:
        self._rest = rest
        self._journal = journal
        self._sink = sink
        self._health = health
        self._tasks = tasks
        self._clock = clock
        self.can_trade = can_trade
        self.record = TradeRecord()
        self.source = HistorySource(from_exchange=False, loading=True)

    # ------------------------------------------------------------------ live

    def observe(self, event: DeskEvent) -> None:
        """Fold what the session reports about the trader's orders and fills in (called for
        every event before the desk sees it)."""
        if isinstance(event, OrderChanged):
            self.record.add_order(event.order)
        elif isinstance(event, FillsReceived):
            self.record.add_fills(event.fills)

    def note_sent(self, sent: SentOrder) -> None:
        """An order is being sent: remember what its fills are measured against."""
        self.record.note_sent(sent)

    # ------------------------------------------------------------------ loading

    def load_journal(self) -> int:
        """Read the orders, sends and fills earlier runs (of this environment) recorded;
        returns how many entries were read. A journal that cannot be read loads nothing."""
        journal = self._journal
        if journal is None:
            return 0
        read = 0
        try:
            # the newest order entries are enough for the list (it keeps HISTORY_LIMIT); the
            # P&L needs every fill
            for kind in (jr.ORDER_REQUEST, jr.ORDER_REPLY, jr.NOTIFICATION):
                for entry in journal.recent(JOURNAL_ORDER_ENTRIES, kind):
                    if entry.env == journal.env:
                        read += self._fold_entry(entry)
            for entry in journal.iter_kind(jr.FILL):
                if entry.env == journal.env:
                    read += self._fold_entry(entry)
        except Exception:  # a damaged journal must not stop the desk
            log.exception("journal history could not be read")
        return read

    def _fold_entry(self, entry: jr.Entry) -> int:
        payload = entry.payload
        if entry.kind == jr.ORDER_REQUEST:
            sent = _sent_of(payload, entry.at_ms)
            if sent is not None:
                self.record.note_sent(sent)
                return 1
            return 0
        if entry.kind == jr.FILL:
            fill = _model_of(Fill, payload.get("fill"))
            return len(self.record.add_fills([fill])) if isinstance(fill, Fill) else 0
        rows = payload.get("orders") if entry.kind == jr.ORDER_REPLY else [payload.get("order")]
        count = 0
        for row in rows or ():
            order = _model_of(Order, row)
            if isinstance(order, Order):
                self.record.add_order(order)
                count += 1
        return count

    async def load(self, symbols: Callable[[], Iterable[str]]) -> None:
        """Load the journal's history, then the exchange's fills of `symbols()` plus every
        market on record; HistoryLoaded after each (the journal's marked as such)."""
        self.load_journal()
        if self.record.symbols():
            self._loaded(HistorySource(False, "asking the exchange", loading=True))
        if not self.can_trade:
            self._loaded(HistorySource(False, "no API key"))
            return
        wanted = sorted(set(symbols()) | self.record.symbols())[:MAX_HISTORY_MARKETS]
        end = self._clock.now_ms()
        try:
            for symbol in wanted:
                fills = await self._rest.trade_history(
                    symbol, start_ms=end - TRADE_HISTORY_WINDOW_MS, end_ms=end,
                    count=TRADE_HISTORY_COUNT,
                )  # fmt: skip
                self.record.add_fills(fills)
        except BtseError as exc:
            self._health.failed("trade history", exc)
            problem = rest_problem(exc)
            self._loaded(HistorySource(False, f"the exchange could not be asked ({problem})"))
            return
        self._health.good("trade history")
        self._loaded(HistorySource(True))

    def _loaded(self, source: HistorySource) -> None:
        self.source = source
        self._sink(HistoryLoaded(source, len(self.record.done_orders()), len(self.record.fills())))


def _sent_of(payload: Mapping[str, Any], at_ms: int) -> SentOrder | None:
    """The reference of a journalled `place` request: its limit price and the mid at send."""
    if payload.get("action") != "place":
        return None
    body = payload.get("body") or {}
    cl = payload.get("clOrderID") or body.get("clOrderID")
    side = str(body.get("side", "")).upper()
    if not cl or side not in ("BUY", "SELL"):
        return None
    limit = _decimal(body.get("price")) if body.get("type") == "LIMIT" else None
    return SentOrder(
        str(cl), str(body.get("symbol", "")), Side(side), limit, _decimal(payload.get("mid")), at_ms
    )


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


_CONVERT: dict[str, Callable[[Any], Any]] = {
    "Decimal": lambda v: _decimal(v),
    "Decimal | None": lambda v: _decimal(v),
    "Side": lambda v: Side(str(v)),
    "TxType": lambda v: TxType(str(v)),
    "int": lambda v: int(v),
    "str": lambda v: str(v),
    "str | None": lambda v: None if v is None else str(v),
    "bool": lambda v: bool(v),
    "bool | None": lambda v: None if v is None else bool(v),
}


def _model_of(cls: type[Fill] | type[Order], row: Any) -> Fill | Order | None:
    """A Fill or Order back from its journal form (`as_payload`: every field by name,
    Decimals as text); None when a field is missing or cannot be read."""
    if not isinstance(row, Mapping):
        return None
    values: dict[str, Any] = {}
    try:
        for spec in dataclasses.fields(cls):
            if spec.name not in row:
                continue
            convert = _CONVERT.get(str(spec.type))
            if convert is None:
                continue
            value = convert(row[spec.name])
            if value is None and str(spec.type) == "Decimal":
                return None
            values[spec.name] = value
        return cls(**values)
    except (TypeError, ValueError):
        return None
