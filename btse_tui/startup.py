"""Start-up of the desk: settings → (embedded exchange in demo) → journal → session → the app.

The one place that wires client, simulator and UI together (the UI never imports the other two).
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import random
import secrets
import signal
import socket
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from btse_tui.config import Secret, Settings, load_settings
from btse_tui.protocol.endpoints import BaseUrls, Environment
from btse_tui.protocol.errors import ConfigError
from btse_tui.ui import gc_tuning

if TYPE_CHECKING:
    from btse_tui.journal import Journal
    from btse_tui.protocol.alert_rule import PriceAlert
    from btse_tui.sim.runner import SimServer
    from btse_tui.ui.app import BtseApp
    from btse_tui.ui.desk_alerts import AlertHooks


class RunningExchange(Protocol):
    """The embedded exchange while it serves: in this process or in a forked child."""

    def stop(self, timeout: float = ...) -> None:
        """Stop serving and release its sockets (and its process)."""


def start_demo_exchange(settings: Settings) -> tuple[SimServer, BaseUrls, Settings]:
    """Start the embedded exchange on a free loopback port; returns it, its URLs and settings
    carrying its funded demo account."""
    from btse_tui.sim.context import SimConfig
    from btse_tui.sim.runner import SimServer

    seed = settings.demo_seed if settings.demo_seed is not None else random.randrange(1 << 30)
    server = SimServer(
        SimConfig(markets=settings.demo_markets, seed=seed, flow_rate=settings.demo_rate)
    )
    urls = server.start()
    key, secret = server.demo_account
    demo = dataclasses.replace(settings, api_key=key, api_secret=Secret(secret))
    return server, settings.base_urls(BaseUrls(urls.rest, urls.ws_spot, urls.ws_oss)), demo


class ForkedExchange:
    """The embedded exchange in a forked child process: it builds its markets on the second
    core while this process imports Textual and paints, and its flow never takes our GIL."""

    def __init__(self, pid: int, lifeline: int) -> None:
        self.pid = pid
        self._lifeline = lifeline  # the child exits when this pipe closes (even if we crash)

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the child to stop (close the lifeline) and reap it; kill it if it hangs."""
        if self._lifeline < 0:
            return
        os.close(self._lifeline)
        self._lifeline = -1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return
            time.sleep(0.02)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)


def _serve_forked(exchange: Mapping[str, Any], sock: socket.socket, lifeline: int) -> NoReturn:
    """In the child: serve the exchange told by `exchange` (SimConfig's fields) on `sock`
    until `lifeline` closes, then exit."""
    try:
        quiet = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(quiet, fd)  # never write to the trader's terminal
        from btse_tui.sim.context import SimConfig
        from btse_tui.sim.runner import SimServer

        server = SimServer(SimConfig(**exchange))
        server.start(sock=sock)
        with contextlib.suppress(OSError, KeyboardInterrupt):
            os.read(lifeline, 1)  # EOF: the app quit or died
        server.stop()
    finally:
        os._exit(0)


def start_demo_exchange_process(settings: Settings) -> tuple[ForkedExchange, BaseUrls, Settings]:
    """Like `start_demo_exchange`, but the exchange runs in a forked child process.

    The listening socket is bound here before the fork, so the URLs are known at once and the
    app's first requests simply wait in the socket's backlog until the child serves them. The
    simulator's own modules (its engine, hub and web stack: about 0.1 s) are imported only in
    the child, which builds its markets while the app imports and draws its screen.
    """
    from btse_tui.sim.listen import listening_socket

    seed = settings.demo_seed if settings.demo_seed is not None else random.randrange(1 << 30)
    key, secret = secrets.token_hex(32), secrets.token_hex(32)
    exchange = {
        "markets": settings.demo_markets,
        "seed": seed,
        "flow_rate": settings.demo_rate,
        "api_key": key,
        "api_secret": secret,
    }
    sock = listening_socket()  # loopback, any free port: the simulator's own defaults
    host, port = sock.getsockname()[:2]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(write_end)
        _serve_forked(exchange, sock, read_end)
    os.close(read_end)
    sock.close()
    base = f"{host}:{port}"
    urls = BaseUrls(f"http://{base}", f"ws://{base}/ws/spot", f"ws://{base}/ws/oss/spot")
    demo = dataclasses.replace(settings, api_key=key, api_secret=Secret(secret))
    return ForkedExchange(pid, write_end), settings.base_urls(urls), demo


def open_journal(state_dir: Path, env: str) -> Journal:
    """The journal in `state_dir`, or ConfigError (one line) when the directory cannot hold it."""
    import sqlite3

    from btse_tui.journal import Journal, default_path

    try:
        return Journal(default_path(state_dir), env=env)
    except (OSError, sqlite3.Error) as exc:
        if state_dir.exists() and not state_dir.is_dir():
            reason = "it is a file, not a directory"
        elif isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
        else:
            reason = str(exc)
        raise ConfigError(
            f"state directory {state_dir} (BTSE_STATE_DIR or --state-dir) cannot hold the "
            f"journal: {reason}"
        ) from None


def write_crash_report(
    error: BaseException | None, text: str, state_dir: Path, secret: str
) -> Path:
    """Write the traceback of a crash (the secret scrubbed) to a file; returns its path.

    The file goes to `state_dir`, or to the temporary directory when that cannot be written.
    """
    import tempfile
    import traceback

    if error is not None:
        text = "".join(traceback.format_exception(error))
    if secret:
        text = text.replace(secret, "****")
    name = time.strftime("crash-%Y%m%d-%H%M%S.txt")
    for folder in (state_dir, Path(tempfile.gettempdir())):
        path = folder / name
        try:
            path.write_text(text or "no traceback was recorded\n")
        except OSError:
            continue
        return path
    return Path(name)  # nowhere writable: the one-line message still names the crash


def _crash_line(error: BaseException | None, report: Path, journal: Path) -> str:
    what = "an unexpected error"
    if error is not None:
        first = (str(error).splitlines() or [""])[0][:200]
        what = f"{type(error).__name__}: {first}" if first else type(error).__name__
    return f"btse-tui: crashed ({what}); traceback written to {report}; journal: {journal}"


def run_dashboard(overrides: Mapping[str, str | None], env_file: str | None = None) -> int:
    """Run the dashboard until the trader quits; returns the process exit code.

    `overrides`: the settings given as flags (None: not given); `env_file`: the settings file
    named on the command line (it must exist), else `.env` if there is one.
    0 after a normal quit, 2 for a bad setting or file (one line on stderr), 1 after a crash
    (one line naming the traceback file and the journal; the terminal is restored).
    """
    try:
        settings = load_settings(
            dotenv_path=env_file or ".env",
            overrides=overrides,
            dotenv_required=env_file is not None,
        )
    except ConfigError as problem:
        print(f"btse-tui: {problem}", file=sys.stderr)
        return 2
    from btse_tui.config import env_file_warning

    notices: list[str] = []
    warning = env_file_warning(env_file or ".env")
    if warning:
        print(f"btse-tui: warning: {warning}", file=sys.stderr)
        notices.append(warning)  # the full screen hides stderr: shown in the app too
    if settings.is_production and overrides.get("BTSE_ENV") != "production":
        print("btse-tui: production needs an explicit --env production", file=sys.stderr)
        return 2
    state_dir = settings.resolved_state_dir()
    secret = settings.api_secret.reveal() if settings.api_secret else ""
    server: RunningExchange | None = None
    journal: Journal | None = None
    try:
        if settings.environment is Environment.DEMO:
            if hasattr(os, "fork"):
                server, urls, settings = start_demo_exchange_process(settings)
            else:
                server, urls, settings = start_demo_exchange(settings)
        else:
            urls = settings.base_urls()
        gc_tuning.pause_for_startup()  # after the fork: the exchange's child collects as usual
        try:  # opened after the fork: an SQLite connection must not cross one
            journal = open_journal(state_dir, settings.environment.value)
        except ConfigError as problem:
            print(f"btse-tui: {problem}", file=sys.stderr)
            return 2
        app = build_app(settings, urls, journal, state_dir, tuple(notices))
        textual_traceback = _capture_exit_traceback(app)
        app.run()
        if not app.return_code:
            return 0
        crash: BaseException | None = getattr(app, "_exception", None)
        text = textual_traceback.getvalue()
    except Exception as exc:
        crash, text = exc, ""
    finally:
        gc_tuning.resume()
        if journal is not None:
            journal.close()
        if server is not None:
            server.stop()
    report = write_crash_report(crash, text, state_dir, secret)
    from btse_tui.journal import default_path

    print(_crash_line(crash, report, default_path(state_dir)), file=sys.stderr)
    return 1


def _capture_exit_traceback(app: BtseApp) -> io.StringIO:
    """Send Textual's exit traceback (a screenful, with locals) to a buffer instead of stderr."""
    from rich.console import Console

    buffer = io.StringIO()
    app.error_console = Console(file=buffer, width=120, markup=False, highlight=False)
    return buffer


def build_app(
    settings: Settings,
    urls: BaseUrls,
    journal: Journal | None,
    state_dir: Path,
    notices: tuple[str, ...] = (),
) -> BtseApp:
    """The session and the dashboard for `settings`, ready to run.

    The session gets `settings` itself (its sockets' heartbeat is BTSE_PING_INTERVAL and
    BTSE_STALE_AFTER); the app gets them with the saved favourites added, the trader's keymap
    (`keymap.toml` in the config directory) and the saved theme and colours.
    """
    if settings.low_bandwidth:
        os.environ.setdefault("TEXTUAL_FPS", "10")

    from btse_tui.client.session import TradingSession
    from btse_tui.prefs import (
        load_alerts,
        load_display,
        load_favourites,
        save_alerts,
        save_display,
        save_favourites,
    )
    from btse_tui.ui import partial_update
    from btse_tui.ui.app import BtseApp
    from btse_tui.ui.keys.keymap_file import KEYMAP_FILE, read_keymap

    partial_update.install()
    favourites = tuple(dict.fromkeys((*settings.favourites, *load_favourites(state_dir))))
    session = TradingSession(settings, urls, journal=journal)
    return BtseApp(
        session,
        settings=dataclasses.replace(settings, favourites=favourites),
        save_favourites=lambda symbols: save_favourites(state_dir, symbols),
        freeze_startup_gc=True,
        startup_notices=notices,
        keymap=read_keymap(settings.resolved_config_dir() / KEYMAP_FILE),
        display_prefs=load_display(state_dir),
        save_display=lambda prefs: save_display(state_dir, prefs),
        alerts=alert_hooks(settings, journal, state_dir, load_alerts(state_dir), save_alerts),
    )


def alert_hooks(
    settings: Settings,
    journal: Journal | None,
    state_dir: Path,
    saved: tuple[PriceAlert, ...],
    save: Callable[[Path, tuple[PriceAlert, ...]], None],
) -> AlertHooks:
    """What the desk's alerts need from outside: the saved price alerts and how to save
    them, the journal (every alert fired is recorded) and the webhook, if one is set."""
    from btse_tui.client.webhook import WebhookSender
    from btse_tui.journal import ALERT
    from btse_tui.ui.desk_alerts import AlertHooks

    webhook = settings.alert_webhook
    return AlertHooks(
        saved=saved,
        save=lambda alerts: save(state_dir, alerts),
        record=None if journal is None else lambda payload: journal.append(ALERT, payload),
        webhook=WebhookSender(webhook.reveal()) if webhook else None,
    )
