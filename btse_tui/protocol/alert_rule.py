"""PriceAlert: one price alert a trader set (a market, a condition, its numbers), as the
command line parses it and the alert book keeps, checks and saves it, and its one-line text."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from btse_tui.protocol.decimal_text import plain_decimal


class AlertCondition(StrEnum):
    """What the price must do for a price alert to fire."""

    ABOVE = "above"  # last price at or above `level`
    BELOW = "below"  # last price at or below `level`
    CROSSES = "crosses"  # last price passes `level` in either direction
    MOVES = "moves"  # last price moves `move_percent` % (either way) within `window_minutes`


@dataclass(frozen=True, slots=True)
class PriceAlert:
    """A price alert on one market; `level` is set for above/below/crosses, `move_percent`
    and `window_minutes` for moves. A recurring alert re-arms after it fires."""

    symbol: str
    condition: AlertCondition
    level: Decimal | None = None
    move_percent: Decimal | None = None
    window_minutes: int | None = None
    recurring: bool = False

    def __post_init__(self) -> None:
        if self.condition is AlertCondition.MOVES:
            if self.move_percent is None or self.move_percent <= 0:
                raise ValueError("a 'moves' alert needs a move_percent above 0")
            if self.window_minutes is None or self.window_minutes <= 0:
                raise ValueError("a 'moves' alert needs a window_minutes above 0")
        elif self.level is None or self.level <= 0:
            raise ValueError(f"an '{self.condition.value}' alert needs a level above 0")


_ALERT_WORDS = {
    AlertCondition.ABOVE: "is at or above",
    AlertCondition.BELOW: "is at or below",
    AlertCondition.CROSSES: "crosses",
}


def describe_alert(alert: PriceAlert) -> str:
    """`BTC-USDT last is at or above 100,000 (once)`, `… moves 2% within 15 min (every time)`."""
    how = "every time" if alert.recurring else "once"
    if alert.condition is AlertCondition.MOVES:
        move = plain_decimal(alert.move_percent or Decimal(0))
        return f"{alert.symbol} moves {move}% within {alert.window_minutes} min ({how})"
    words = _ALERT_WORDS[alert.condition]
    return f"{alert.symbol} last {words} {plain_decimal(alert.level or Decimal(0))} ({how})"
