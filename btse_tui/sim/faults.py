"""Runtime-switchable faults of the simulator: drop, stall, delay, 429, 500, timeout, seq gap…"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

#: name → (default, help) — the CLI's `--fault` option and `Faults.describe()` read this.
FAULTS: dict[str, tuple[Any, str]] = {
    "drop_sockets": (
        False,
        "close every WebSocket now; while on, new sockets are accepted and closed at once",
    ),
    "stall": (
        False,
        "sockets stay open but the server sends nothing and ignores text pings",
    ),
    "delay_s": (0.0, "delay every REST response by this many seconds"),
    "http_429": (False, "answer every REST request 429 with Retry-After"),
    "retry_after_s": (1, "the Retry-After seconds sent with http_429"),
    "http_500": (False, "answer every REST request 500"),
    "order_timeout": (
        False,
        "order POSTs are placed but never answered (the client must check the order)",
    ),
    "skip_seq": (False, "every OSS delta skips one seqNum (prevSeqNum ≠ last seqNum)"),
    "crossed_delta": (False, "every OSS delta also carries a bid level at the best ask"),
    "reject_auth": (
        False,
        "authKeyExpires answers success:false even with a valid signature",
    ),
}


class Faults:
    """Fault switches: plain attributes, safe to set from any thread.

    Setting an attribute notifies the server (on its own loop) so that e.g. `drop_sockets`
    takes effect at once.  Example from a test::

        server.faults.http_500 = True
        ...
        server.faults.http_500 = False
        server.faults.reset()          # everything off
    """

    drop_sockets: bool
    stall: bool
    delay_s: float
    http_429: bool
    retry_after_s: int
    http_500: bool
    order_timeout: bool
    skip_seq: bool
    crossed_delta: bool
    reject_auth: bool
    _listeners: list[Callable[[str, Any], None]]
    _lock: threading.Lock

    def __init__(self) -> None:
        object.__setattr__(self, "_listeners", [])
        object.__setattr__(self, "_lock", threading.Lock())
        for name, (default, _help) in FAULTS.items():
            object.__setattr__(self, name, default)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in FAULTS:
            raise AttributeError(f"unknown fault {name!r}; known: {', '.join(FAULTS)}")
        default = FAULTS[name][0]
        if isinstance(default, bool):
            value = bool(value)
        elif isinstance(default, float):
            value = float(value)
        elif isinstance(default, int):
            value = int(value)
        with self._lock:
            object.__setattr__(self, name, value)
            listeners = list(self._listeners)
        for listener in listeners:
            listener(name, value)

    def on_change(self, listener: Callable[[str, Any], None]) -> Callable[[], None]:
        """Call `listener(name, value)` after every switch; returns an unsubscribe function."""
        with self._lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove

    def reset(self) -> None:
        """Switch every fault off."""
        for name, (default, _help) in FAULTS.items():
            if getattr(self, name) != default:
                setattr(self, name, default)

    def set(self, spec: str) -> None:
        """Apply `name` / `name=value` (CLI syntax), e.g. `http_429`, `delay_s=2`, `stall=off`."""
        name, _, raw = spec.partition("=")
        name = name.strip().replace("-", "_")
        if name not in FAULTS:
            raise AttributeError(f"unknown fault {name!r}; known: {', '.join(FAULTS)}")
        raw = raw.strip()
        default = FAULTS[name][0]
        value: Any
        if isinstance(default, bool):
            value = raw.lower() not in ("0", "off", "false", "no") if raw else True
        else:
            value = raw or default
        setattr(self, name, value)

    def active(self) -> dict[str, Any]:
        """The switches that differ from their defaults."""
        return {n: getattr(self, n) for n, (d, _h) in FAULTS.items() if getattr(self, n) != d}

    @staticmethod
    def describe() -> str:
        """One line per fault: name, default, meaning."""
        return "\n".join(f"  {n} (default {d!r}): {h}" for n, (d, h) in FAULTS.items())
