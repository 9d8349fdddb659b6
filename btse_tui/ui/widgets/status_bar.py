"""StatusBar: one line saying which exchange this is and whether every connection is healthy."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from textual.content import Content
from textual.geometry import Region
from textual.timer import Timer
from textual.widget import Widget

from btse_tui.protocol.events import StreamState
from btse_tui.ui.widgets.format import fmt_clock, fmt_staleness

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
}

#: Clock skew (ms) above which the skew is shown as a warning.
SKEW_WARN_MS = 1000

Part = tuple[int, list[tuple[str, str]]]  # (priority, [(text, style), …])


@dataclass(slots=True)
class _Stream:
    state: StreamState = StreamState.CONNECTING
    reason: str = ""
    reconnects: int = 0
    rtt_ms: float | None = None
    last_message: float | None = None


class StatusBar(Widget):
    """Environment badge, REST and socket health, RTT, skew, data age, DMS and rate limits.

    State setters repaint at once (at most one frame). Once a second the line is rebuilt and
    repainted only if its text changed: the clock shows minutes and socket ages are coarse
    (blank while fresh, then 10s, 30s, 1m, …), so a healthy, quiet connection costs nothing.
    When the line is too narrow, the least important parts are dropped first
    (clock, skew, DMS, then details of healthy sockets); the environment badge always stays.
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
        """Create a bar; `clock` (monotonic) is the time base of `touch` and `set_rate_limited`."""
        super().__init__(name=name, id=id, classes=classes)
        self._clock = clock
        self._wall_clock = wall_clock
        self._environment = ""
        self._rest_ok: bool | None = None
        self._rest_detail = ""
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

    def set_rest(self, ok: bool, detail: str = "") -> None:
        """REST health; `detail` (e.g. `HTTP 503`) is shown when not ok."""
        self._rest_ok = ok
        self._rest_detail = detail
        self.refresh()

    def set_stream(
        self, name: str, state: StreamState, reason: str = "", reconnects: int = 0
    ) -> None:
        """State of socket `name` (e.g. `spot`, `book`) with a plain-words reason."""
        stream = self._streams.setdefault(name, _Stream())
        stream.state = state
        stream.reason = reason
        stream.reconnects = reconnects
        self.refresh()

    def set_rtt(self, name: str, ms: float | None) -> None:
        """Last ping→pong round trip of socket `name` in milliseconds (repaints what changed)."""
        self._streams.setdefault(name, _Stream()).rtt_ms = ms
        self.tick()

    def set_skew(self, ms: float | None) -> None:
        """Local clock minus exchange clock, in milliseconds."""
        self._skew_ms = ms
        self.refresh()

    def touch(self, name: str, now: float | None = None) -> None:
        """A message arrived on socket `name` (no repaint; the age updates once a second)."""
        self._streams.setdefault(name, _Stream()).last_message = (
            self._clock() if now is None else now
        )

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

    # ------------------------------------------------------------------ rendering

    def _parts(self) -> tuple[list[Part], list[Part]]:
        now = self._clock()
        left: list[Part] = []
        env = self._environment
        if env:
            style = _ENV_STYLES.get(env, "bold reverse")
            left.append((100, [(f" {env.upper()} ", style)]))
        if self._rate_limited_until is not None:
            remaining = self._rate_limited_until - now
            if remaining > 0:
                left.append(
                    (95, [(f" RATE LIMITED {int(remaining) + 1}s ", "bold white on $error")])
                )
        if self._rest_ok is not None:
            if self._rest_ok:
                left.append((60, [("REST ", "$foreground-muted"), ("ok", "$success")]))
            else:
                detail = f" {self._rest_detail}" if self._rest_detail else ""
                left.append(
                    (90, [("REST ", "$foreground-muted"), (f"error{detail}", "bold $error")])
                )
        for name, stream in self._streams.items():
            style = _STATE_STYLES.get(stream.state, "")
            pieces = [("● ", style), (f"{name} ", "$foreground-muted"), (stream.state.value, style)]
            healthy = stream.state == StreamState.LIVE
            if stream.state != StreamState.LIVE and stream.reason:
                pieces.append((f" ({stream.reason})", style))
            if healthy and stream.rtt_ms is not None:
                pieces.append((f" {round(stream.rtt_ms)}ms", "$foreground"))
            if stream.last_message is not None:
                age = fmt_staleness(now - stream.last_message)  # blank while fresh
                if age:
                    pieces.append((f" {age}", "$foreground-muted"))
            if stream.reconnects:
                pieces.append((f" ↻{stream.reconnects}", "$warning"))
            left.append((50 if healthy else 85, pieces))
        if self._skew_ms is not None:
            warn = abs(self._skew_ms) >= SKEW_WARN_MS
            sign = "+" if self._skew_ms >= 0 else "-"
            left.append(
                (
                    70 if warn else 30,
                    [
                        ("skew ", "$foreground-muted"),
                        (f"{sign}{abs(round(self._skew_ms))}ms", "bold $warning" if warn else ""),
                    ],
                )
            )
        if self._dms_s is not None:
            left.append((40, [(f"DMS {int(self._dms_s)}s", "bold $accent")]))
        clock = fmt_clock(self._wall_clock(), seconds=False)
        right: list[Part] = [(10, [(clock, "$foreground-muted")])]
        return left, right

    def render_content(self, width: int) -> Content:
        """Assemble the line for `width` cells, dropping the least important parts first."""
        left, right = self._parts()
        sep = "  "

        def length(parts: list[Part]) -> int:
            return sum(sum(len(t) for t, _ in pieces) for _, pieces in parts) + len(sep) * max(
                0, len(parts) - 1
            )

        def total() -> int:
            return length(left) + (length(right) + 2 if right else 0) + 1

        while total() > width and (left or right):
            candidates = [(p, 1, i) for i, (p, _) in enumerate(left)] + [
                (p, 0, i) for i, (p, _) in enumerate(right)
            ]
            priority, is_left, index = min(candidates)
            if priority >= 100 and len(candidates) == 1:
                break
            (left if is_left else right).pop(index)
        assembled: list[tuple[str, str] | str] = [" "]
        for n, (_, pieces) in enumerate(left):
            if n:
                assembled.append(sep)
            assembled.extend(pieces)
        if right:
            used = length(left) + 1
            pad = max(1, width - used - length(right))
            assembled.append(" " * pad)
            for n, (_, pieces) in enumerate(right):
                if n:
                    assembled.append(sep)
                assembled.extend(pieces)
        return Content.assemble(*assembled)

    def render(self) -> Content:
        """The status line."""
        content = self.render_content(self.size.width)
        self._painted = content.plain
        return content

    def tick(self) -> None:
        """Repaint the cells whose text changed (the clock's minute, a coarse age, an RTT, a
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
