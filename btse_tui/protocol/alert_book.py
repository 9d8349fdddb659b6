"""AlertBook: the trader's price alerts, checked against each last price as it arrives; says
which fire, drops a fired once-alert and re-arms a recurring one."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from btse_tui.protocol.alert_rule import AlertCondition, PriceAlert
from btse_tui.protocol.decimal_text import plain_decimal

_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class PriceAlertFired:
    """A price alert fired: the rule, the price that fired it, when (the caller's clock), and
    a one-line text (`BTC-USDT crossed 100,000 — last 100,012.5`)."""

    alert: PriceAlert
    price: Decimal
    at_s: float
    text: str


@dataclass(slots=True)
class _Armed:
    """One alert's state: armed (above/below re-arm once the price is back on the other
    side), and for `moves` the time from which prices count (reset when it fires)."""

    alert: PriceAlert
    armed: bool = True
    since_s: float = float("-inf")


class AlertBook:
    """The trader's price alerts, in the order they were set.

    `check(symbol, price, at_s)` is given each last price with its time (seconds, any clock
    that does not go back) and returns the alerts that fire:

    - above / below: the price is at or above / at or below the level (a recurring one fires
      again only after the price was back on the other side);
    - crosses: the previous price and this one lie on different sides of the level (or this
      one is on it);
    - moves X % in N minutes: this price is X % or more above the lowest or below the highest
      price of the last N minutes (a recurring one counts only prices after it fired).

    A once-alert leaves the book when it fires; a recurring one stays.
    """

    def __init__(self, alerts: Iterable[PriceAlert] = ()) -> None:
        self._entries: list[_Armed] = []
        self._last: dict[str, Decimal] = {}
        self._history: dict[str, deque[tuple[float, Decimal]]] = {}
        for alert in alerts:
            self.add(alert)

    @property
    def alerts(self) -> tuple[PriceAlert, ...]:
        """Every alert in the book, oldest first."""
        return tuple(entry.alert for entry in self._entries)

    def add(self, alert: PriceAlert) -> bool:
        """Put `alert` in the book; False (and nothing changes) when it is already there."""
        if alert in self.alerts:
            return False
        self._entries.append(_Armed(alert))
        return True

    def remove(self, alert: PriceAlert) -> bool:
        """Take `alert` out of the book; False when it was not there."""
        for index, entry in enumerate(self._entries):
            if entry.alert == alert:
                del self._entries[index]
                return True
        return False

    def check(self, symbol: str, price: Decimal, at_s: float) -> list[PriceAlertFired]:
        """The alerts on `symbol` that `price` (seen at `at_s`) fires; a fired once-alert is
        removed. A price that is not a finite number above zero is ignored."""
        if not price.is_finite() or price <= 0:
            return []
        previous = self._last.get(symbol)
        self._last[symbol] = price
        history = self._remember(symbol, price, at_s)
        fired: list[PriceAlertFired] = []
        for entry in list(self._entries):
            alert = entry.alert
            if alert.symbol != symbol:
                continue
            text = self._fires(entry, previous, price, at_s, history)
            if text is None:
                continue
            fired.append(PriceAlertFired(alert, price, at_s, text))
            if alert.recurring:
                entry.since_s = at_s
            else:
                self._entries.remove(entry)
        return fired

    # ------------------------------------------------------------------ rules

    def _fires(
        self,
        entry: _Armed,
        previous: Decimal | None,
        price: Decimal,
        at_s: float,
        history: deque[tuple[float, Decimal]],
    ) -> str | None:
        alert = entry.alert
        last = f"last {plain_decimal(price)}"
        condition = alert.condition
        if condition is AlertCondition.MOVES:
            return self._moved(entry, price, at_s, history)
        level = alert.level or Decimal(0)
        shown = plain_decimal(level)
        if condition is AlertCondition.CROSSES:
            if previous is None:
                return None
            up = previous < level <= price
            down = previous > level >= price
            if not (up or down):
                return None
            return f"{alert.symbol} crossed {shown} {'up' if up else 'down'} — {last}"
        holds = price >= level if condition is AlertCondition.ABOVE else price <= level
        if not holds:
            entry.armed = True  # back on the other side: a recurring alert may fire again
            return None
        if not entry.armed:
            return None
        entry.armed = False
        word = "at or above" if condition is AlertCondition.ABOVE else "at or below"
        return f"{alert.symbol} {word} {shown} — {last}"

    @staticmethod
    def _moved(
        entry: _Armed, price: Decimal, at_s: float, history: deque[tuple[float, Decimal]]
    ) -> str | None:
        alert = entry.alert
        percent = alert.move_percent or Decimal(0)
        start = max(at_s - (alert.window_minutes or 0) * 60, entry.since_s)
        window = [p for t, p in history if t >= start]
        if len(window) < 2:
            return None
        low, high = min(window), max(window)
        rise = (price - low) / low * _HUNDRED
        fall = (high - price) / high * _HUNDRED
        if max(rise, fall) < percent:
            return None
        move, base = (rise, low) if rise >= fall else (-fall, high)
        return (
            f"{alert.symbol} moved {move:+.2f}% in {alert.window_minutes} min "
            f"(from {plain_decimal(base)} to {plain_decimal(price)})"
        )

    def _remember(self, symbol: str, price: Decimal, at_s: float) -> deque[tuple[float, Decimal]]:
        """Keep `symbol`'s prices for as long as its longest `moves` window needs them."""
        history = self._history.setdefault(symbol, deque())
        minutes = [
            entry.alert.window_minutes or 0
            for entry in self._entries
            if entry.alert.symbol == symbol and entry.alert.condition is AlertCondition.MOVES
        ]
        if not minutes:
            history.clear()
            return history
        history.append((at_s, price))
        oldest = at_s - max(minutes) * 60
        while history and history[0][0] < oldest:
            history.popleft()
        return history
