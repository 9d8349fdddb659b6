"""TradeTape: one market's latest public trades, newest first, de-duplicated, own fills marked,
and where prints may be missing (the socket was down and REST could not bring them back)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from btse_tui.protocol.models import Fill, Trade

#: Public trades a tape keeps (the screen paints only what fits).
TAPE_LENGTH = 200
#: Own fills remembered per market to mark prints that arrive after them.
OWN_FILLS_KEPT = 500
#: A fill and a print of the same price and size this close in time are the same trade
#: (BTSE's public trade ids and its fill trade ids are different numbers).
OWN_MATCH_MS = 1_000


@dataclass(frozen=True, slots=True)
class TapePrint:
    """One line of the tape: a public trade, whether it was one of the trader's fills, and
    whether prints newer than it (up to the next one held) may be missing (`gap_after`)."""

    trade: Trade
    own: bool = False
    gap_after: bool = False


def _key(trade: Trade) -> tuple[str, int, Decimal, Decimal, str]:
    """What tells two prints apart: the trade id, or (without one) time, price, size, side."""
    if trade.trade_id:
        return (trade.trade_id, 0, Decimal(0), Decimal(0), "")
    return ("", trade.timestamp_ms, trade.price, trade.size, trade.side.value)


class TradeTape:
    """The followed market's public trades, newest first, at most `limit` of them.

    A print seen twice (the REST backfill and the socket's first frame overlap, a reconnect
    resends the latest) is kept once: by trade id, or by time, price, size and side when the
    wire gives no id. A print is the trader's own when a fill carries its trade id, else when
    a fill has its price and size within OWN_MATCH_MS of its time (each fill marks one print).
    """

    def __init__(self, limit: int = TAPE_LENGTH) -> None:
        self.limit = limit
        self.symbol: str | None = None
        self._prints: list[TapePrint] = []  # newest first
        self._keys: set[tuple[str, int, Decimal, Decimal, str]] = set()
        self._fills: deque[Fill] = deque(maxlen=OWN_FILLS_KEPT)
        self._claimed: set[tuple[str, str]] = set()  # (order id, trade id) of fills that marked

    def reset(self, symbol: str | None, own_fills: Iterable[Fill] = ()) -> None:
        """Follow `symbol` from now on: empty, knowing the trader's fills there so far."""
        self.symbol = symbol
        self._prints = []
        self._keys = set()
        self._fills.clear()
        self._claimed = set()
        self._fills.extend(f for f in own_fills if f.symbol == symbol)

    @property
    def prints(self) -> tuple[TapePrint, ...]:
        """The prints, newest first."""
        return tuple(self._prints)

    def add(self, trades: Iterable[Trade]) -> bool:
        """Take in prints of the followed market (others are ignored); True when the tape
        changed."""
        new: list[TapePrint] = []
        for trade in trades:
            key = _key(trade)
            if trade.symbol != self.symbol or key in self._keys:
                continue
            self._keys.add(key)
            new.append(TapePrint(trade, self._claim_for(trade)))
        if not new:
            return False
        new.sort(key=lambda p: p.trade.timestamp_ms, reverse=True)
        prints = self._prints
        if prints and new[-1].trade.timestamp_ms < prints[0].trade.timestamp_ms:
            prints = sorted(new + prints, key=lambda p: p.trade.timestamp_ms, reverse=True)
        else:  # the usual case: everything new is the newest
            prints = new + prints
        for gone in prints[self.limit :]:
            self._keys.discard(_key(gone.trade))
        self._prints = prints[: self.limit]
        return True

    @property
    def newest(self) -> Trade | None:
        """The newest print held, or None."""
        return self._prints[0].trade if self._prints else None

    def covers(self, trades: Iterable[Trade], since: Trade, complete: bool) -> bool:
        """Whether `trades` (a REST batch; `complete` when it is all the exchange had) reach
        back to `since`, so no print between `since` and them can be missing."""
        key = _key(since)
        batch = list(trades)
        if complete or not batch:
            return complete
        return any(_key(t) == key or t.timestamp_ms <= since.timestamp_ms for t in batch)

    def set_gap(self, after: Trade, gap: bool = True) -> bool:
        """Mark (or, with `gap` False, unmark) that prints newer than `after` may be missing;
        True when the tape changed (False also when `after` is no longer on it)."""
        key = _key(after)
        for index, shown in enumerate(self._prints):
            if _key(shown.trade) == key:
                if shown.gap_after == gap:
                    return False
                self._prints[index] = replace(shown, gap_after=gap)
                return True
        return False

    def mark_own(self, fills: Iterable[Fill]) -> bool:
        """Remember the trader's new fills; True when a print on the tape became own."""
        changed = False
        for fill in fills:
            if fill.symbol != self.symbol:
                continue
            self._fills.append(fill)
            for index, shown in enumerate(self._prints):
                if not shown.own and self._matches(fill, shown.trade):
                    self._claimed.add((fill.order_id, fill.trade_id))
                    self._prints[index] = replace(shown, own=True)
                    changed = True
                    break
        return changed

    def _claim_for(self, trade: Trade) -> bool:
        """True (and the fill claimed) when an unclaimed own fill is this print."""
        for fill in self._fills:
            ident = (fill.order_id, fill.trade_id)
            if ident not in self._claimed and self._matches(fill, trade):
                self._claimed.add(ident)
                return True
        return False

    @staticmethod
    def _matches(fill: Fill, trade: Trade) -> bool:
        if fill.trade_id and fill.trade_id == trade.trade_id:
            return True
        return (
            fill.price == trade.price
            and fill.size == trade.size
            and abs(fill.timestamp_ms - trade.timestamp_ms) <= OWN_MATCH_MS
        )
