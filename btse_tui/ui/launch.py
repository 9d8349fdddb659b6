"""Start-up: settings → (embedded exchange in demo) → journal → session → the dashboard."""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import sys

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
    )
    try:
        app.run()
    finally:
        journal.close()
        if server is not None:
            server.stop()  # type: ignore[attr-defined]
    return 0
