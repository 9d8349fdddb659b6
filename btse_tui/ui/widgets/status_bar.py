"""StatusBar: one line saying which exchange this is and whether every connection is healthy."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from textual.content import Content
from textual.geometry import Region
from textual.timer import Timer
from textual.widget import Widget

from btse_tui.protocol.events import StreamState
from btse_tui.ui.widgets.format import fmt_age, fmt_clock

_ENV_STYLES = {
    "demo": "bold black on $warning",
    "testnet": "bold white on $primary",
    "production": "bold white on $error",
}

_STATE_STYLES = {
    StreamState.LIVE: "$success",
    StreamState.STALE: "bold $warning",
    StreamState.DOWN: "bold $error",
    StreamState.CONNECTING: "$accent",
    StreamState.SIGN_IN_REFUSED: "bold $error",
}

#: Shorter words for a state when the line is narrow.
_SHORT_STATES = {StreamState.SIGN_IN_REFUSED: "no sign-in", StreamState.CONNECTING: "conn…"}

#: Clock skew (ms) above which the skew is shown as a warning.
SKEW_WARN_MS = 1000

_MUTED = "$foreground-muted"

Pieces = list[tuple[str, str]]
# A slot's forms, richest first: (priority of giving this form up, pieces). When the line is
# too wide, the slot whose current form has the lowest priority steps to its next form; the
# last form of a slot stays (an optional slot ends in an empty form).
Forms = list[tuple[int, Pieces]]

#: priorities of the details given up first on a narrow line
_DROP_SKEW, _DROP_RTT, _DROP_RECONNECTS, _DROP_AGE, _SHORT_WORDS = 10, 20, 30, 40, 50


@dataclass(slots=True)
class _Stream:
    state: StreamState = StreamState.CONNECTING
    reason: str = ""
    reconnects: int = 0
    rtt_ms: float | None = None
    last_heard: float | None = None  # last frame, pong or LIVE report (bar clock)
    since: float = 0.0  # when the state last changed (bar clock)


@dataclass(slots=True)
class _Rest:
    ok: bool | None = None
    problem: str = ""
    since: float = 0.0
    forms: Forms = field(default_factory=list)


class StatusBar(Widget):
    """Environment, REST, each socket, DMS, skew and clock: fixed slots at every width.

    Each slot says its state in a word or two (`REST down 4s`, `● spot stale 14s`,
    `● oss live 3ms`, `DMS off`); reasons belong in the notifications. A socket's ping is
    shown while it is live, the silence of a stale or down one, and its reconnect count.
    When the line is too narrow, details go first (skew, pings, reconnect counts, ages), then
    words get shorter; the environment, REST, every socket, DMS and the clock always stay.
    State setters repaint at once; once a second the line is rebuilt and repainted only if
    its text changed.
    """

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Create a bar; `clock` (monotonic) is the time base of ages and countdowns."""
        super().__init__(name=name, id=id, classes=classes)
        self._clock = clock
        self._wall_clock = wall_clock
        self._environment = ""
        self._rest = _Rest()
        self._streams: dict[str, _Stream] = {}
        self._skew_ms: float | None = None
        self._dms_s: float | None = None
        self._rate_limited_until: float | None = None
        self._timer: Timer | None = None
        self._painted = ""

    # ------------------------------------------------------------------ public API

    def set_environment(self, name: str) -> None:
        """`demo`, `testnet` or `production` (others are shown as given)."""
        self._environment = name.lower()
        self.refresh()

    def set_rest(self, ok: bool, problem: str = "") -> None:
        """REST health; `problem` is the short kind of failure (`slow`, `unreachable`,
        `HTTP 500` …): `slow` reads `REST slow`, anything else `REST down 4s` (`HTTP 500` and
        `HTTP 503` name the status: `REST 500 4s`)."""
        rest = self._rest
        if rest.ok is not ok or (not ok and problem != rest.problem):
            if ok or rest.ok is not False:
                rest.since = self._clock()  # the outage starts (or ends) now
            rest.ok, rest.problem = ok, problem
        self.refresh()

    def set_stream(
        self, name: str, state: StreamState, reason: str = "", reconnects: int = 0
    ) -> None:
        """State of socket `name` (e.g. `spot`, `oss`); `reason` is kept for `reason_of`."""
        stream = self._streams.setdefault(name, _Stream())
        now = self._clock()
        if state is not stream.state:
            stream.since = now
        if state in (StreamState.LIVE, StreamState.SIGN_IN_REFUSED):
            stream.last_heard = now
        elif state is StreamState.CONNECTING:
            stream.rtt_ms = None  # a new connection: the old round trip says nothing
        stream.state = state
        stream.reason = reason
        stream.reconnects = reconnects
        self.refresh()

    def reason_of(self, name: str) -> str:
        """The last reason given for socket `name`'s state."""
        stream = self._streams.get(name)
        return stream.reason if stream else ""

    def last_heard(self, name: str) -> float | None:
        """When socket `name` last brought a frame, pong or LIVE report (bar clock)."""
        stream = self._streams.get(name)
        return stream.last_heard if stream else None

    def set_rtt(self, name: str, ms: float | None) -> None:
        """A pong came back on socket `name`, `ms` its round trip (repaints what changed)."""
        stream = self._streams.setdefault(name, _Stream())
        stream.rtt_ms = ms
        stream.last_heard = self._clock()
        self.tick()

    def set_skew(self, ms: float | None) -> None:
        """Local clock minus exchange clock, in milliseconds."""
        self._skew_ms = ms
        self.refresh()

    def touch(self, name: str, now: float | None = None) -> None:
        """A message arrived on socket `name` (no repaint)."""
        self._streams.setdefault(name, _Stream()).last_heard = self._clock() if now is None else now

    def set_dms(self, seconds: float | None) -> None:
        """Dead-man's switch armed with this timeout (None: off)."""
        self._dms_s = seconds
        self.refresh()

    def set_rate_limited(self, until: float | None) -> None:
        """Rate limited until `until` (on the bar's monotonic clock); None clears it."""
        self._rate_limited_until = until
        self.refresh()

    @property
    def text(self) -> str:
        """The line as plain text at the current width (for tests)."""
        return self.render_content(self.size.width or 200).plain

    # ------------------------------------------------------------------ slots

    def _rest_forms(self, now: float) -> Forms:
        label = ("REST ", _MUTED)
        until = self._rate_limited_until
        if until is not None and until > now:
            left = f"{int(until - now) + 1}s"
            return [(_DROP_AGE, [label, (f"429 {left}", "bold $error")])]
        rest = self._rest
        if rest.ok is None:
            return [(0, [label, ("…", _MUTED)])]
        if rest.ok:
            return [(0, [label, ("ok", "$success")])]
        if rest.problem == "slow":
            return [(0, [label, ("slow", "bold $warning")])]
        word = rest.problem[5:] if rest.problem.startswith("HTTP 5") else "down"
        age = fmt_age(now - rest.since)
        return [
            (_DROP_AGE, [label, (f"{word} {age}", "bold $error")]),
            (0, [label, (word, "bold $error")]),
        ]

    def _stream_forms(self, name: str, stream: _Stream, now: float) -> Forms:
        state = stream.state
        style = _STATE_STYLES.get(state, "")
        head: Pieces = [("● ", style), (f"{name} ", _MUTED)]
        word = state.value
        short = _SHORT_STATES.get(state, word)
        details: list[tuple[int, tuple[str, str]]] = []
        if state is StreamState.LIVE and stream.rtt_ms is not None:
            details.append((_DROP_RTT, (f" {round(stream.rtt_ms)}ms", "$foreground")))
        if state in (StreamState.STALE, StreamState.DOWN):
            heard = stream.last_heard if stream.last_heard is not None else stream.since
            details.append((_DROP_AGE, (f" {fmt_age(now - heard)}", style)))
        if stream.reconnects:
            details.append((_DROP_RECONNECTS, (f" ↻{stream.reconnects}", "$warning")))
        forms: Forms = []
        # give details up lowest priority first, then the long word
        for priority in sorted({p for p, _ in details}):
            forms.append((priority, [*head, (word, style), *(d for _, d in details)]))
            details = [(p, d) for p, d in details if p != priority]
        if short != word:
            forms.append((_SHORT_WORDS, [*head, (word, style)]))
        forms.append((0, [*head, (short, style)]))
        return forms

    def _slots(self) -> list[Forms]:
        now = self._clock()
        slots: list[Forms] = []
        env = self._environment
        if env:
            style = _ENV_STYLES.get(env, "bold reverse")
            slots.append([(0, [(f" {env.upper()} ", style)])])
        slots.append(self._rest_forms(now))
        for name, stream in self._streams.items():
            slots.append(self._stream_forms(name, stream, now))
        if self._dms_s is not None:
            slots.append([(0, [(f"DMS {int(self._dms_s)}s", "bold $accent")])])
        else:
            slots.append([(0, [("DMS off", _MUTED)])])
        if self._skew_ms is not None:
            warn = abs(self._skew_ms) >= SKEW_WARN_MS
            sign = "+" if self._skew_ms >= 0 else "-"
            skew: Pieces = [
                ("skew ", _MUTED),
                (f"{sign}{abs(round(self._skew_ms))}ms", "bold $warning" if warn else ""),
            ]
            slots.append([(_DROP_SKEW + (25 if warn else 0), skew), (0, [])])
        return slots

    def render_content(self, width: int) -> Content:
        """Assemble the line for `width` cells: every slot in its richest form that fits."""
        slots = self._slots()
        clock = fmt_clock(self._wall_clock(), seconds=False)
        levels = [0] * len(slots)
        sep = "  "

        def used() -> int:
            shown = [slot[level][1] for slot, level in zip(slots, levels, strict=True)]
            shown = [pieces for pieces in shown if pieces]
            cells = sum(len(text) for pieces in shown for text, _ in pieces)
            return 1 + cells + len(sep) * (len(shown) - 1) + 2 + len(clock)

        while used() > width:
            steps = [
                (slot[level][0], index)
                for index, (slot, level) in enumerate(zip(slots, levels, strict=True))
                if level < len(slot) - 1
            ]
            if not steps:
                break
            levels[min(steps)[1]] += 1
        assembled: list[tuple[str, str] | str] = [" "]
        first = True
        for slot, level in zip(slots, levels, strict=True):
            pieces = slot[level][1]
            if not pieces:
                continue
            if not first:
                assembled.append(sep)
            first = False
            assembled.extend(pieces)
        line = Content.assemble(*assembled)
        pad = max(2, width - line.cell_length - len(clock))
        return Content.assemble(line, " " * pad, (clock, _MUTED))

    def render(self) -> Content:
        """The status line."""
        content = self.render_content(self.size.width)
        self._painted = content.plain
        return content

    def tick(self) -> None:
        """Repaint the cells whose text changed (the clock's minute, an age, an RTT, a
        countdown); nothing when the line reads the same."""
        if not self.is_mounted:
            return
        old = self._painted
        new = self.render_content(self.size.width).plain
        if new == old:
            return
        if len(new) != len(old):
            self.refresh()
            return
        first = next(i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b)
        last = len(new) - next(
            i for i, (a, b) in enumerate(zip(reversed(old), reversed(new), strict=True)) if a != b
        )
        self.refresh(Region(first, 0, last - first, 1))

    def on_mount(self) -> None:
        """Check once a second for a changed clock, age or countdown."""
        self._timer = self.set_interval(1.0, self.tick)
