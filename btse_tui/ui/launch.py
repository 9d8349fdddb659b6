"""Start-up: settings → (embedded exchange in demo) → journal → session → the dashboard."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import random
import secrets
import signal
import socket
import sys
import time
from typing import NoReturn

from btse_tui.config import Secret, Settings, load_settings
from btse_tui.protocol.endpoints import BaseUrls, Environment
from btse_tui.protocol.errors import ConfigError


def _overrides(options: argparse.Namespace) -> dict[str, str | None]:
    """Command-line flags as setting overrides (None = not given)."""

    def text(value: object) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return {
        "BTSE_ENV": options.env,
        "BTSE_STATE_DIR": options.state_dir,
        "BTSE_CANCEL_ALL_AFTER": text(options.cancel_all_after),
        "BTSE_LOW_BANDWIDTH": text(options.low_bandwidth),
        "BTSE_CONFIRM_ALL": "true" if options.confirm_all else None,
        "BTSE_BELL": "true" if options.bell else None,
        "BTSE_DEMO_SEED": text(options.seed),
        "BTSE_DEMO_MARKETS": text(options.markets),
        "BTSE_DEMO_RATE": text(options.rate),
    }


def start_demo_exchange(settings: Settings) -> tuple[object, BaseUrls, Settings]:
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


def _serve_forked(config: object, sock: socket.socket, lifeline: int) -> NoReturn:
    """In the child: serve the exchange on `sock` until `lifeline` closes, then exit."""
    try:
        quiet = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(quiet, fd)  # never write to the trader's terminal
        from btse_tui.sim.runner import SimServer

        server = SimServer(config)  # type: ignore[arg-type]
        server.start(sock=sock)
        with contextlib.suppress(OSError, KeyboardInterrupt):
            os.read(lifeline, 1)  # EOF: the app quit or died
        server.stop()
    finally:
        os._exit(0)


def start_demo_exchange_process(settings: Settings) -> tuple[ForkedExchange, BaseUrls, Settings]:
    """Like `start_demo_exchange`, but the exchange runs in a forked child process.

    The listening socket is bound here before the fork, so the URLs are known at once and the
    app's first requests simply wait in the socket's backlog until the child serves them.
    """
    from btse_tui.sim.context import SimConfig
    from btse_tui.sim.listen import listening_socket

    seed = settings.demo_seed if settings.demo_seed is not None else random.randrange(1 << 30)
    key, secret = secrets.token_hex(32), secrets.token_hex(32)
    config = SimConfig(
        markets=settings.demo_markets,
        seed=seed,
        flow_rate=settings.demo_rate,
        api_key=key,
        api_secret=secret,
    )
    sock = listening_socket(config.host, config.port)
    host, port = sock.getsockname()[:2]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(write_end)
        _serve_forked(config, sock, read_end)
    os.close(read_end)
    sock.close()
    base = f"{host}:{port}"
    urls = BaseUrls(f"http://{base}", f"ws://{base}/ws/spot", f"ws://{base}/ws/oss/spot")
    demo = dataclasses.replace(settings, api_key=key, api_secret=Secret(secret))
    return ForkedExchange(pid, write_end), settings.base_urls(urls), demo


def run_dashboard(options: argparse.Namespace) -> int:
    """Run the dashboard until the trader quits; returns the process exit code."""
    try:
        settings = load_settings(dotenv_path=options.env_file, overrides=_overrides(options))
    except ConfigError as error:
        print(f"btse-tui: {error}", file=sys.stderr)
        return 2
    from btse_tui.config import env_file_warning

    warning = env_file_warning(options.env_file)
    if warning:
        print(f"btse-tui: warning: {warning}", file=sys.stderr)
    if settings.environment is Environment.PRODUCTION and options.env != "production":
        print("btse-tui: production needs an explicit --env production", file=sys.stderr)
        return 2

    server = None
    if settings.environment is Environment.DEMO:
        if hasattr(os, "fork"):
            server, urls, settings = start_demo_exchange_process(settings)
        else:
            server, urls, settings = start_demo_exchange(settings)
    else:
        urls = settings.base_urls()
    if settings.low_bandwidth:
        os.environ.setdefault("TEXTUAL_FPS", "10")

    from btse_tui.client.session import TradingSession
    from btse_tui.journal import Journal, default_path
    from btse_tui.ui import partial_update
    from btse_tui.ui.app import BtseApp

    partial_update.install()

    from btse_tui.prefs import load_favourites, save_favourites

    state_dir = settings.resolved_state_dir()
    journal = Journal(default_path(state_dir), env=settings.environment.value)
    favourites = tuple(dict.fromkeys((*settings.favourites, *load_favourites(state_dir))))
    session = TradingSession(settings, urls, journal=journal)
    app = BtseApp(
        session,
        environment=settings.environment.value,
        low_bandwidth=settings.low_bandwidth,
        confirm_all=settings.confirm_all,
        bell=settings.bell,
        favourites=favourites,
        save_favourites=lambda symbols: save_favourites(state_dir, symbols),
        max_deviation_pct=settings.max_price_deviation_pct,
        notional_cap=settings.notional_cap,
        dead_mans_switch_s=settings.cancel_all_after_s,
        freeze_startup_gc=True,
    )
    try:
        app.run()
    finally:
        journal.close()
        if server is not None:
            server.stop()  # type: ignore[attr-defined]
    return 0
