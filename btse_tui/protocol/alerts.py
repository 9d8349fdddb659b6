"""Alert and StormGate: one thing the trader is told (its kind, words and market), and the gate
that lets at most one alert of a kind through every few seconds and sums up the rest."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class AlertKind(StrEnum):
    """What an alert is about; each event kind has its own on/off setting."""

    PRICE = "price"
    FILL = "fill"
    PARTIAL_FILL = "partial fill"
    REJECTED = "rejected"
    SOCKET_DOWN = "socket down"
    DMS_FIRED = "dead man's switch"
    RATE_LIMITED = "rate limited"
    CLOCK_SKEW = "clock skew"

    @property
    def plural(self) -> str:
        """`fills`, `price alerts`, … for a summary line."""
        return _PLURALS[self]


_PLURALS = {
    AlertKind.PRICE: "price alerts",
    AlertKind.FILL: "fills",
    AlertKind.PARTIAL_FILL: "partial fills",
    AlertKind.REJECTED: "rejections",
    AlertKind.SOCKET_DOWN: "socket outages",
    AlertKind.DMS_FIRED: "dead man's switch alerts",
    AlertKind.RATE_LIMITED: "rate-limit blocks",
    AlertKind.CLOCK_SKEW: "clock skew alerts",
}


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert: its kind, a one-line text, the market it concerns ('' for none), and how
    many alerts it stands for (more than 1 for a storm summary)."""

    kind: AlertKind
    text: str
    symbol: str = ""
    count: int = 1

    @property
    def title(self) -> str:
        """The desktop notification's title: `btse-tui price alert`."""
        return f"btse-tui {self.kind.value} alert"


@dataclass(slots=True)
class _Held:
    """What the gate holds back for one kind: when the last alert went out, what came since."""

    sent_at: float
    held: list[Alert] = field(default_factory=list)


class StormGate:
    """At most one alert of a kind per `every_s` seconds.

    The first alert of a kind goes out at once (`admit` returns it). Alerts of that kind within
    the next `every_s` seconds are held; `due(now)` then returns one alert for them: the held
    alert itself when it was alone, else a summary counting them all (`3 more fills within
    5 s — latest: …`). Nothing is lost, only coalesced. `next_due()` says when to call `due` next.
    """

    def __init__(self, every_s: float) -> None:
        self.every_s = every_s
        self._kinds: dict[AlertKind, _Held] = {}

    def admit(self, alert: Alert, now: float) -> Alert | None:
        """`alert` when it may go out now; None when it is held for the next `due`."""
        state = self._kinds.get(alert.kind)
        if state is not None and (state.held or now - state.sent_at < self.every_s):
            state.held.append(alert)
            return None
        self._kinds[alert.kind] = _Held(sent_at=now)
        return alert

    def due(self, now: float) -> list[Alert]:
        """The held alerts whose kind's quiet time is over, one per kind."""
        out: list[Alert] = []
        for kind, state in self._kinds.items():
            if not state.held or now - state.sent_at < self.every_s:
                continue
            held, state.held = state.held, []
            state.sent_at = now
            out.append(held[0] if len(held) == 1 else _summary(kind, held, self.every_s))
        return out

    def next_due(self) -> float | None:
        """When the next held alert may go out (the gate's clock), None when none is held."""
        times = [s.sent_at + self.every_s for s in self._kinds.values() if s.held]
        return min(times) if times else None


def _summary(kind: AlertKind, held: list[Alert], every_s: float) -> Alert:
    latest = held[-1]
    count = sum(alert.count for alert in held)
    symbols = {alert.symbol for alert in held}
    return Alert(
        kind,
        f"{count} more {kind.plural} within {every_s:g} s — latest: {latest.text}",
        latest.symbol if len(symbols) == 1 else "",
        count,
    )
