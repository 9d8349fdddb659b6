"""A real-pty harness for the running app (bytes, CPU, RSS, screen text) and benchmarks 4, 6, 7.

`PtyApp(argv, env)` starts the app on a pseudo-terminal of a fixed size (TERM=xterm-256color);
a thread reads the master side continuously, counting bytes and keeping timestamped chunks, so
the app never blocks on a full terminal. CPU comes from /proc/<pid>/stat (utime + stime of the
process), memory from /proc/<pid>/status (VmRSS).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.common import Result, SimProcess, not_ready, percentile

COLS, ROWS = 160, 50
APP = str(Path(sys.executable).with_name("btse-tui"))
_CLK_TCK = os.sysconf("SC_CLK_TCK")
#: CSI / OSC / other escape sequences, removed to search the painted text
_ANSI = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]"
)


def strip_ansi(data: bytes) -> bytes:
    """The printable text of terminal output (escape sequences removed)."""
    return _ANSI.sub(b"", data)


_TOKEN = re.compile(_ANSI.pattern + rb"|\x1b|[\r\n]|[^\x1b\r\n]+")
_CUP = re.compile(rb"\x1b\[(\d*);?(\d*)H")


class ScreenModel:
    """Just enough of a terminal to know what text is on screen: cursor moves, CR/LF, text.

    Textual writes a partial update as "move to (x, y), then the changed cells", so the cells of
    one table row can arrive in different frames; searching each frame's bytes for
    "symbol … price" would then miss a row that is on screen. Styles are ignored; every
    character is one cell (enough for the ASCII the benchmarks look for).
    """

    def __init__(self, cols: int = COLS, rows: int = ROWS) -> None:
        self.cols, self.rows = cols, rows
        self.grid = [[" "] * cols for _ in range(rows)]
        self.x = self.y = 0
        self._pending = b""

    def feed(self, data: bytes) -> set[int]:
        """Apply terminal output; returns the rows written to."""
        data = self._pending + data
        self._pending = b""
        touched: set[int] = set()
        for match in _TOKEN.finditer(data):
            token = match.group()
            if token == b"\x1b":  # an escape sequence cut by the chunk boundary
                self._pending = data[match.start() :]
                break
            if token[0] == 0x1B:
                cup = _CUP.fullmatch(token)
                if cup is not None:
                    self.y = min(self.rows - 1, max(0, int(cup.group(1) or 1) - 1))
                    self.x = min(self.cols - 1, max(0, int(cup.group(2) or 1) - 1))
            elif token == b"\r":
                self.x = 0
            elif token == b"\n":
                self.y = min(self.rows - 1, self.y + 1)
            else:
                text = token.decode("utf-8", "replace")
                row = self.grid[self.y]
                for ch in text:
                    if self.x < self.cols:
                        row[self.x] = ch
                    self.x += 1
                touched.add(self.y)
        return touched

    def line(self, y: int) -> str:
        """The text of screen row `y`."""
        return "".join(self.grid[y])

    def text(self) -> str:
        """The whole screen, one line per row."""
        return "\n".join(self.line(y) for y in range(self.rows))


class PtyApp:
    """One app process on its own pty; use as a context manager (kills the process group)."""

    def __init__(
        self,
        argv: Sequence[str],
        env: dict[str, str] | None = None,
        *,
        cols: int = COLS,
        rows: int = ROWS,
        cwd: str | None = None,
        keep: bool = True,
    ) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(("BTSE_", "TEXTUAL_"))}
        full_env.update({"TERM": "xterm-256color", "COLORTERM": "truecolor"})
        full_env.update(env or {})
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full_env,
            cwd=cwd,
            start_new_session=True,
        )
        os.close(slave)
        self.master = master
        self.bytes = 0
        self.keep = keep
        self.chunks: list[tuple[float, bytes]] = []  # (perf_counter, data)
        self.screen = ScreenModel(cols, rows)
        self._fed = 0  # chunks applied to `screen`
        self._lock = threading.Lock()
        self._closed = False
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            now = time.perf_counter()
            with self._lock:
                self.bytes += len(data)
                if self.keep:
                    self.chunks.append((now, data))

    def output(self) -> bytes:
        """Everything written to the terminal so far."""
        with self._lock:
            return b"".join(c for _, c in self.chunks)

    def drop_output(self) -> None:
        """Forget kept chunks (the byte counter keeps counting; the screen model is kept)."""
        with self._lock:
            for _, data in self.chunks[self._fed :]:
                self.screen.feed(data)
            self.chunks.clear()
            self._fed = 0

    def wait_for(self, pattern: re.Pattern[str], timeout: float, since: int = 0) -> float | None:
        """perf_counter time of the chunk after which `pattern` first matches a screen row that
        chunk wrote to (chunks from index `since` on), or None after `timeout` seconds or if the
        app died. The screen is rebuilt from every chunk so far (`ScreenModel`)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self._lock:
                new = self.chunks[self._fed :]
            for stamp, data in new:
                touched = self.screen.feed(data)
                index = self._fed
                self._fed += 1
                if index < since:
                    continue
                for y in touched:
                    if pattern.search(self.screen.line(y)):
                        return stamp
            if self.proc.poll() is not None and not new:
                return None
            time.sleep(0.002)
        return None

    def cpu_seconds(self) -> float:
        """utime + stime of the app process so far (its threads included)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / _CLK_TCK

    def rss_mb(self) -> float:
        """Resident set size in MB (VmRSS)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def sample(self, seconds: float) -> dict[str, float]:
        """CPU % of one core and terminal bytes/s over the next `seconds`."""
        cpu0, bytes0, t0 = self.cpu_seconds(), self.bytes, time.perf_counter()
        time.sleep(seconds)
        cpu1, bytes1, t1 = self.cpu_seconds(), self.bytes, time.perf_counter()
        return {
            "cpu_pct": (cpu1 - cpu0) / (t1 - t0) * 100,
            "bytes_per_s": (bytes1 - bytes0) / (t1 - t0),
            "rss_mb": self.rss_mb(),
        }

    def close(self) -> None:
        """Kill the app's process group and stop reading."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(3)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        with contextlib.suppress(OSError):
            os.close(self.master)

    def __enter__(self) -> PtyApp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def app_env(state_dir: str, **extra: str) -> dict[str, str]:
    """Environment for a benchmark run of the app: no keys (demo) unless `extra` sets them."""
    return {"BTSE_STATE_DIR": state_dir, **extra}


def external_env(sim: SimProcess, state_dir: str) -> dict[str, str]:
    """Environment that points the app at a simulator we control (testnet + URL overrides)."""
    key, secret = sim.account(0)
    return app_env(
        state_dir,
        BTSE_ENV="testnet",
        BTSE_API_KEY=key,
        BTSE_API_SECRET=secret,
        BTSE_REST_URL=sim.rest,
        BTSE_WS_URL=sim.ws_spot,
        BTSE_OSS_URL=sim.ws_oss,
    )


#: a populated markets table: the symbol, then a price on the same painted line
POPULATED = re.compile(r"BTC-USDT.{0,120}?\d[\d,]*\.\d+")


def _start_app(env: dict[str, str], args: Sequence[str] = (), timeout: float = 20.0) -> PtyApp:
    app = PtyApp([APP, "--env-file", os.devnull, *args], env, cwd=tempfile.gettempdir())
    if app.wait_for(POPULATED, timeout) is None:
        tail = strip_ansi(app.output())[-300:].decode("utf-8", "replace")
        app.close()
        raise RuntimeError(f"the app did not show a populated markets table: {tail!r}")
    return app


# ---------------------------------------------------------------------- 4: tick-to-screen


def _probe_price(sim: SimProcess, symbol: str, k: int) -> tuple[str, str]:
    """A distinctive bid inside the spread of `symbol` and a distinctive size."""
    from decimal import Decimal

    spec = sim.command("spec", symbol=symbol)
    top = sim.command("top", symbol=symbol)
    tick = Decimal(spec["tick"])
    # one tick under the best bid: on screen in any book view, rarely reached by the takers
    price = Decimal(top["bid"]) - tick
    multiplier = 101 + k % 89
    if multiplier % 10 == 0:
        multiplier += 1  # no trailing zero: the screen may not show one
    size = Decimal(spec["min"]) * multiplier
    return str(price), format(size.normalize(), "f")


def tick_to_screen(quick: bool = False) -> list[Result]:
    """Benchmark 4: ~1,000 msgs/s flow; probe orders of the app's own account, each with a
    distinctive size, are placed on BTC-USDT; the time from the place command to the first pty
    frame that shows the size (open-orders row, notification line or book level) is taken.
    """
    target = "p50 ≤ 40 ms, p99 ≤ 80 ms at 1,000 msgs/s"
    what = "tick-to-screen at 1,000 msgs/s (p50 / p99)"
    probes = 20 if quick else 120
    with tempfile.TemporaryDirectory() as state, SimProcess(markets=31, flow_rate=0) as sim:
        try:
            app = _start_app(external_env(sim, state))
        except Exception as exc:
            return [not_ready("4", what, target, str(exc)[:160])]
        with app:
            rate = _calibrate(sim, app, 1000.0)
            lat: list[float] = []
            for k in range(probes):
                price, size = _probe_price(sim, "BTC-USDT", k)
                mark = len(app.chunks)
                sent = time.perf_counter()
                placed = sim.command(
                    "place", account="demo", symbol="BTC-USDT", side="BUY", price=price, size=size
                )
                pattern = re.compile(rf"(?<![\d.,]){re.escape(size)}0*(?!\d)")
                seen = app.wait_for(pattern, 1.0, since=mark)
                if seen is not None:
                    lat.append((seen - sent) * 1000)
                sim.command("cancel", account="demo", order_id=placed["order_id"])
                time.sleep(0.05)
    if len(lat) < probes // 2:
        return [not_ready("4", what, target, f"only {len(lat)}/{probes} probes seen on screen")]
    p50, p99 = percentile(lat, 50), percentile(lat, 99)
    return [
        Result(
            "4",
            what,
            p50,
            "ms",
            target=target,
            passed=p50 <= 40 and p99 <= 80,
            higher_is_better=False,
            note=f"p99 {p99:.1f} ms; {len(lat)}/{probes} probes; flow {rate:.0f} msgs/s sent",
            extra={"p99_ms": p99, "latencies_ms": lat, "msgs_per_s": rate},
        )
    ]


def _calibrate(sim: SimProcess, app: PtyApp, wanted: float, seconds: float = 2.0) -> float:
    """Set the sim's flow so that about `wanted` frames/s reach the app; returns what was seen."""
    flow = wanted
    seen = 0.0
    for _ in range(5):
        sim.command("rate", value=flow)
        time.sleep(1.0)
        a = sim.command("sent")
        time.sleep(seconds)
        b = sim.command("sent")
        seen = (b["frames"] - a["frames"]) / (b["t"] - a["t"])
        if seen <= 0:
            break
        if abs(seen - wanted) / wanted < 0.04:
            break
        flow = max(1.0, flow * wanted / seen)
    return seen


# ---------------------------------------------------------------------- 6: cost in a pty


def cost(quick: bool = False) -> list[Result]:
    """Benchmark 6: CPU and terminal bytes, idle (connected, quiet market) and busy (1,000/s)."""
    seconds = 3.0 if quick else 10.0
    # Idle over a whole minute: the 24 h statistics roll once a minute, and a shorter window
    # catches or misses that roll by chance (README, benchmark 6). A minute averages it in.
    idle_seconds = 3.0 if quick else 60.0
    idle_target = "≤ 1 % CPU, ≤ 200 B/s"
    busy_target = "≤ 30 % CPU, ≤ 60 KB/s"
    with tempfile.TemporaryDirectory() as state, SimProcess(markets=31, flow_rate=0) as sim:
        try:
            app = _start_app(external_env(sim, state))
        except Exception as exc:
            reason = str(exc)[:160]
            return [
                not_ready("6", "idle cost in a pty (CPU %, B/s)", idle_target, reason),
                not_ready("6", "busy cost at 1,000 msgs/s (CPU %, B/s)", busy_target, reason),
            ]
        with app:
            app.keep = False
            time.sleep(2.0 if quick else 3.0)  # settle
            idle = app.sample(idle_seconds)
            rate = _calibrate(sim, app, 1000.0)
            busy = app.sample(seconds)
    return [
        Result(
            "6",
            "idle cost in a pty: CPU % of one core",
            idle["cpu_pct"],
            "%",
            target=idle_target,
            passed=idle["cpu_pct"] <= 1 and idle["bytes_per_s"] <= 200,
            higher_is_better=False,
            note=f"{idle['bytes_per_s']:.0f} B/s to the terminal; RSS {idle['rss_mb']:.0f} MB",
            extra=idle,
        ),
        Result(
            "6",
            "busy cost at 1,000 msgs/s: CPU % of one core",
            busy["cpu_pct"],
            "%",
            target=busy_target,
            passed=busy["cpu_pct"] <= 30 and busy["bytes_per_s"] <= 60_000,
            higher_is_better=False,
            note=f"{busy['bytes_per_s'] / 1000:.1f} KB/s; {rate:.0f} msgs/s sent",
            extra={**busy, "msgs_per_s": rate},
        ),
    ]


# ---------------------------------------------------------------------- 8: chart repaint cost


def chart_cost(quick: bool = False) -> list[Result]:
    """Benchmark 8: CPU and terminal bytes at 1,000 msgs/s with the candle chart on screen,
    against the same app with `--no-chart` (runs alternate on one simulator: same load)."""
    seconds = 3.0 if quick else 10.0
    rounds = 1 if quick else 2
    target = "chart on: row 6's busy targets (≤ 30 % CPU, ≤ 60 KB/s)"
    samples: dict[str, list[dict[str, float]]] = {"on": [], "off": []}
    with tempfile.TemporaryDirectory() as state, SimProcess(markets=31, flow_rate=0) as sim:
        for _ in range(rounds):
            for mode, args in (("on", ()), ("off", ("--no-chart",))):
                sim.command("rate", value=0)
                try:
                    app = _start_app(external_env(sim, state), args)
                except Exception as exc:
                    reason = str(exc)[:160]
                    return [not_ready("8", "chart repaint cost (CPU %, B/s)", target, reason)]
                with app:
                    app.keep = False
                    time.sleep(2.0 if quick else 3.0)  # settle: the klines come after paint
                    rate = _calibrate(sim, app, 1000.0)
                    samples[mode].append({**app.sample(seconds), "msgs_per_s": rate})
    on = {k: statistics.median(s[k] for s in samples["on"]) for k in samples["on"][0]}
    off = {k: statistics.median(s[k] for s in samples["off"]) for k in samples["off"][0]}
    passed = on["cpu_pct"] <= 30 and on["bytes_per_s"] <= 60_000
    return [
        Result(
            "8",
            "chart repaint cost at 1,000 msgs/s: CPU % of one core",
            on["cpu_pct"],
            "%",
            baseline=off["cpu_pct"],
            baseline_name="--no-chart",
            target=target,
            passed=passed,
            higher_is_better=False,
            note=f"chart {on['cpu_pct'] - off['cpu_pct']:+.1f} points; "
            f"{on['msgs_per_s']:.0f} / {off['msgs_per_s']:.0f} msgs/s sent",
            extra={"chart_on": samples["on"], "chart_off": samples["off"]},
        ),
        Result(
            "8",
            "chart repaint cost at 1,000 msgs/s: bytes/s to the terminal",
            on["bytes_per_s"],
            "B/s",
            baseline=off["bytes_per_s"],
            baseline_name="--no-chart",
            target=target,
            passed=passed,
            higher_is_better=False,
            note=f"chart {(on['bytes_per_s'] - off['bytes_per_s']) / 1000:+.1f} KB/s",
        ),
    ]


# ---------------------------------------------------------------------- 7: memory


#: churn rate for benchmark 7: what the app keeps up with on a 2-core box (its session journals
#: every order event); above it the exchange's 20,000-frame socket buffer fills and it drops us
CHURN_PER_S = 3_000.0
#: notifications before the RSS baseline: the ledger's 20,000 closed orders (2 notifications
#: each) fill up first, as do the log pane, caches and allocator pools. They are counted as the
#: app journaled them: the exchange's own count also holds frames sent into a connection it
#: then dropped (its 20,000-frame buffer full), which the app never read.
WARMUP_NOTIFICATIONS = 50_000


def journaled_notifications(state_dir: str) -> int:
    """Notifications the app has read and journaled so far (its journal, read-only)."""
    import sqlite3

    from btse_tui.journal import default_path

    path = default_path(state_dir)
    if not path.exists():
        return 0
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        row = db.execute("SELECT count(*) FROM entries WHERE kind = 'notification'").fetchone()
    return int(row[0])


def memory(quick: bool = False) -> list[Result]:
    """Benchmark 7: RSS growth while the app reads 1,000,000 order notifications of its account
    (quick: 50,000; counted in its journal) on top of a normal 20 msgs/s market, after a
    warm-up in which the bounded stores fill up (the growth during the warm-up is reported)."""
    target = "≤ 20 MB growth"
    total = 50_000 if quick else 1_000_000
    what = f"RSS growth over {total:,} notifications"
    cap_s = 40.0 if quick else 420.0
    warmup = 10_000 if quick else WARMUP_NOTIFICATIONS
    with tempfile.TemporaryDirectory() as state, SimProcess(markets=31, flow_rate=20) as sim:
        try:
            app = _start_app(external_env(sim, state))
        except Exception as exc:
            return [not_ready("7", what, target, str(exc)[:160])]
        with app:
            app.keep = False
            first_rss = app.rss_mb()
            first = sim.command("sent")["notifications"]
            sim.command("churn", value=CHURN_PER_S)
            t_warm = time.perf_counter()
            while time.perf_counter() - t_warm < 90 and app.proc.poll() is None:
                time.sleep(0.5)
                if journaled_notifications(state) >= warmup:
                    break
            start_rss = app.rss_mb()
            start = sim.command("sent")["notifications"]
            read_at_start = journaled_notifications(state)
            t0 = time.perf_counter()
            peak = start_rss
            sent = 0
            read = 0
            while time.perf_counter() - t0 < cap_s and app.proc.poll() is None:
                time.sleep(1.0)
                peak = max(peak, app.rss_mb())
                read = journaled_notifications(state) - read_at_start
                if read >= total:
                    break
            sim.command("churn", value=0)
            elapsed = time.perf_counter() - t0
            end_rss = app.rss_mb()
            cpu = app.cpu_seconds()
            sent = sim.command("sent")["notifications"] - start
    growth = end_rss - start_rss
    return [
        Result(
            "7",
            what,
            growth,
            "MB",
            target=target,
            passed=growth <= 20 and read >= total,
            higher_is_better=False,
            note=f"{start_rss:.0f} → {end_rss:.0f} MB (peak {peak:.0f}; {first_rss:.0f} before the "
            f"warm-up: {start - first:,} sent, {read_at_start:,} read); {read:,} notifications "
            f"read in {elapsed:.0f} s ({sent:,} sent)"
            + ("" if read >= total else f" (capped at {cap_s:.0f} s)"),
            extra={
                "before_warmup_mb": first_rss,
                "warmup_notifications": start - first,
                "warmup_read": read_at_start,
                "notifications_read": read,
                "start_mb": start_rss,
                "end_mb": end_rss,
                "peak_mb": peak,
                "notifications": sent,
                "app_cpu_s": cpu,
            },
        )
    ]


def run(quick: bool = False, only: set[str] | None = None) -> list[Result]:
    """Benchmarks 4, 6, 7 and 8 (each reports "not ready" if the app cannot be driven yet)."""
    rows: list[Result] = []
    if only is None or "4" in only:
        rows += tick_to_screen(quick)
    if only is None or "6" in only:
        rows += cost(quick)
    if only is None or "7" in only:
        rows += memory(quick)
    if only is None or "8" in only:
        rows += chart_cost(quick)
    return rows


__all__ = ["APP", "POPULATED", "PtyApp", "app_env", "external_env", "run", "strip_ansi"]
