"""`btse-tui sim`: run the embedded BTSE exchange standalone until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from btse_tui.sim.access.ratelimit import RateLimitConfig
from btse_tui.sim.context import SimConfig
from btse_tui.sim.faults import Faults
from btse_tui.sim.runner import SimServer
from btse_tui.sim.wire import NOTIFICATION_STYLES

COMMANDS_HELP = """\
commands (type while it runs):
  faults                    list the fault switches and which are on
  fault NAME[=VALUE]        switch a fault: `fault http_429`, `fault delay_s=2`, `fault stall=off`
  reset                     switch every fault off
  rate N                    set the living market's flow to N messages/s (0 = still)
  quit                      stop the simulator
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="btse-tui sim",
        description="Run a wire-compatible BTSE spot exchange on 127.0.0.1.",
        epilog="faults:\n" + Faults.describe() + "\n\n" + COMMANDS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--port", type=int, default=8765, help="TCP port (0 = any free port)")
    parser.add_argument("--markets", type=int, default=31, help="number of markets (e.g. 1300)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the market flow and keys")
    parser.add_argument(
        "--rate", type=float, default=20.0, help="messages/s of the other traders (0 = still)"
    )
    parser.add_argument("--api-key", help="API key of the default demo account")
    parser.add_argument("--api-secret", help="API secret of the default demo account")
    parser.add_argument(
        "--rate-limits", action="store_true", help="enforce BTSE's rate limits (off by default)"
    )
    parser.add_argument("--idle-timeout", type=float, default=60.0, help="WebSocket idle seconds")
    parser.add_argument(
        "--notification-style",
        choices=NOTIFICATION_STYLES,
        default="captured",
        help="notificationApiV3 side/orderCurrency: MODE_BUY+code (captured) or BUY+base (table)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME[=VALUE]",
        help="switch a fault on at start (repeatable)",
    )
    parser.add_argument("--log-level", default="warning", help="uvicorn log level")
    return parser


def _handle(line: str, server: SimServer, out: Callable[[str], None]) -> bool:
    """Apply one console command; False means quit."""
    words = line.strip().split()
    if not words:
        return True
    cmd, args = words[0].lower(), words[1:]
    try:
        if cmd in ("quit", "exit", "q"):
            return False
        if cmd == "faults":
            out(Faults.describe())
            out(f"on: {server.faults.active() or 'none'}")
        elif cmd == "fault" and args:
            server.faults.set(args[0])
            out(f"on: {server.faults.active() or 'none'}")
        elif cmd == "reset":
            server.faults.reset()
            out("all faults off")
        elif cmd == "rate" and args:
            server.flow_rate = float(args[0])
            out(f"flow rate {server.flow_rate:g} msgs/s")
        else:
            out(COMMANDS_HELP)
    except (AttributeError, ValueError) as exc:
        out(f"error: {exc}")
    return True


def run_sim(argv: list[str], stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Entry point of `btse-tui sim`; returns the process exit code."""
    args = build_parser().parse_args(argv)
    out_stream = stdout or sys.stdout

    def out(text: str) -> None:
        print(text, file=out_stream, flush=True)

    if (args.api_key is None) != (args.api_secret is None):
        out("error: --api-key and --api-secret go together")
        return 2
    config = SimConfig(
        port=args.port,
        markets=args.markets,
        seed=args.seed,
        flow_rate=args.rate,
        api_key=args.api_key,
        api_secret=args.api_secret,
        ws_idle_timeout_s=args.idle_timeout,
        rate_limits=RateLimitConfig(enabled=args.rate_limits),
        notification_style=args.notification_style,
        log_level=args.log_level,
    )
    server = SimServer(config)
    try:
        for spec in args.fault:
            server.faults.set(spec)
    except (AttributeError, ValueError) as exc:
        out(f"error: {exc}")
        return 2
    try:
        urls = server.start()
    except OSError as exc:
        out(f"error: cannot listen on 127.0.0.1:{args.port}: {exc}")
        return 1
    key, secret = server.demo_account
    out("BTSE simulator running (Ctrl-C to stop)")
    out(f"  REST (host root)  {urls.rest}")
    out(f"  Spot REST         {urls.spot_rest}")
    out(f"  WebSocket         {urls.ws_spot}")
    out(f"  OSS WebSocket     {urls.ws_oss}")
    out(f"  API key           {key}")
    out(f"  API secret        {secret}")
    out(
        f"  markets {len(server.state.engine.markets)}, flow {args.rate:g} msgs/s, seed {args.seed}"
    )
    if server.faults.active():
        out(f"  faults on: {server.faults.active()}")
    done = threading.Event()
    in_stream = stdin if stdin is not None else sys.stdin

    def console() -> None:
        try:
            for line in in_stream:
                if not _handle(line, server, out):
                    break
            else:
                return  # stdin closed: keep serving until Ctrl-C
        except (OSError, ValueError):
            return
        done.set()

    if in_stream is not None:
        threading.Thread(target=console, name="btse-sim-console", daemon=True).start()
    try:
        while not done.wait(0.5):
            if not server.running:
                out("simulator stopped unexpectedly")
                return 1
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    out("simulator stopped")
    return 0
