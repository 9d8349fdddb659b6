"""The real `btse-tui` in a pseudo-terminal, its bytes fed to a VT emulator (pyte)."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyte

from btse_tui.ui.screen_probe import ENV_VAR, MARKER_END, MARKER_PREFIX

#: what a terminal sends for each key (xterm / tmux in normal cursor mode)
KEYS: dict[str, bytes] = {
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "home": b"\x1b[H",
    "end": b"\x1b[F",
    "pageup": b"\x1b[5~",
    "pagedown": b"\x1b[6~",
    "tab": b"\t",
    "enter": b"\r",
    "escape": b"\x1b",
    "f1": b"\x1bOP",
    "f2": b"\x1bOQ",
    "f3": b"\x1bOR",
    "f4": b"\x1bOS",
}


@dataclass
class Probe:
    """One comparison point: the emulated terminal and the app's idea of it, same instant."""

    terminal: list[str]
    app: dict[str, Any]

    @property
    def screen(self) -> list[str]:
        """The compositor's picture (what Textual believes it drew)."""
        return self.app["screen"]

    def widget(self, kind: str) -> dict[str, Any] | None:
        """The first visible Line-API widget of class `kind`."""
        return next((w for w in self.app["widgets"] if w["type"] == kind), None)


@dataclass
class TerminalApp:
    """`btse-tui` running in a pty of `width`×`height`, read by a pyte screen."""

    width: int
    height: int
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    workdir: Path | None = None

    def start(self) -> None:
        """Spawn the app and wait for its first full frame."""
        assert self.workdir is not None
        self.probe_path = self.workdir / "probe.json"
        self.screen = pyte.Screen(self.width, self.height)
        self.stream = pyte.ByteStream(self.screen)
        self.pending = b""
        self.probes = 0
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("BTSE_", "TMUX", "SSH_"))
        }
        env.update(
            TERM="xterm-256color",
            COLORTERM="truecolor",
            BTSE_STATE_DIR=str(self.workdir / "state"),
            HOME=str(self.workdir),
            XDG_CONFIG_HOME=str(self.workdir / "config"),
            **{ENV_VAR: str(self.probe_path)},
        )
        env.update(self.env)
        pid, fd = pty.fork()
        if pid == 0:  # child: become the app
            os.chdir(self.workdir)
            os.execve(sys.executable, [sys.executable, "-m", "btse_tui", *self.args], env)
        self.pid, self.fd = pid, fd
        self._set_size(self.width, self.height)

    def _set_size(self, width: int, height: int) -> None:
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))

    def read(self, timeout: float = 0.05) -> bytes:
        """Read what the app wrote within `timeout` seconds (feeds nothing to the emulator)."""
        chunks = []
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.fd], [], [], max(0.0, left))
            if not ready:
                break
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks)

    def pump(self, timeout: float = 0.05) -> None:
        """Feed everything the app wrote within `timeout` seconds to the emulator."""
        self.pending += self.read(timeout)
        self.stream.feed(self.pending)
        self.pending = b""

    def press(self, *keys: str) -> None:
        """Send keys as a terminal would: names from KEYS, anything else as typed text."""
        for key in keys:
            os.write(self.fd, KEYS.get(key, key.encode()))
            self.pump(0.01)

    def resize(self, width: int, height: int) -> None:
        """Resize the terminal (the kernel tells the app with SIGWINCH)."""
        self.pump(0.0)
        self.width, self.height = width, height
        self.screen.resize(height, width)
        self._set_size(width, height)
        os.kill(self.pid, signal.SIGWINCH)

    def lines(self) -> list[str]:
        """The emulated terminal's screen, one string per line."""
        return [line.rstrip() for line in self.screen.display]

    def wait_for(self, text: str, timeout: float = 20.0) -> None:
        """Pump until `text` is on the emulated screen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(0.05)
            if any(text in line for line in self.screen.display):
                return
        raise AssertionError(f"{text!r} never appeared:\n" + "\n".join(self.lines()))

    def probe(self, timeout: float = 15.0, settle_tries: int = 30) -> Probe:
        """The app's picture and the terminal at exactly the same point of the byte stream.

        A probe that catches a line refreshed but not yet painted (a change in flight) is
        retried; a line that stays unpainted for every try is reported by the caller.
        """
        probe = self._probe_once(timeout)
        for _ in range(settle_tries):
            if not probe.app["unpainted"]:
                break
            self.pump(0.03)
            probe = self._probe_once(timeout)
        return probe

    def _probe_once(self, timeout: float) -> Probe:
        self.probes += 1
        number = self.probes
        marker = f"{MARKER_PREFIX}{number}{MARKER_END}".encode()
        os.kill(self.pid, signal.SIGUSR1)
        deadline = time.monotonic() + timeout
        while marker not in self.pending:
            if time.monotonic() > deadline:
                raise AssertionError(f"the app never answered probe {number}")
            self.pending += self.read(0.05)
        before, _, after = self.pending.partition(marker)
        self.stream.feed(before)
        self.pending = after
        document = json.loads(self.probe_path.read_text(encoding="utf-8"))
        assert document["number"] == number
        return Probe(terminal=[row for row in self.screen.display], app=document)

    def kill(self) -> None:
        """End the app and everything it started (the forked demo exchange too)."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
