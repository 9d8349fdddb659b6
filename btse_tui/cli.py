"""Command line: `btse-tui` (the dashboard), `btse-tui sim` (the embedded exchange), `journal`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

ENVIRONMENTS = ("demo", "testnet", "production")


def build_parser() -> argparse.ArgumentParser:
    """The dashboard's argument parser; subcommands are dispatched before it is used."""
    parser = argparse.ArgumentParser(
        prog="btse-tui",
        description=(
            "A full-screen terminal trading desk for BTSE spot. With no API key configured it "
            "starts the embedded exchange and trades a funded DEMO account."
        ),
        epilog=(
            "subcommands:\n"
            "  btse-tui sim [--help]      run the embedded BTSE exchange on its own\n"
            "  btse-tui journal [--help]  list the local journal, export fills\n\n"
            "settings come from the environment and .env: BTSE_API_KEY, BTSE_API_SECRET, "
            "BTSE_ENV, … (see .env.example)"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--env",
        choices=ENVIRONMENTS,
        help="where to trade: demo (embedded exchange), testnet (default with keys), "
        "production (real money; must be asked for explicitly)",
    )
    parser.add_argument(
        "--env-file",
        default=None,
        help="settings file; it must exist (default: .env in the current directory, if any)",
    )
    parser.add_argument(
        "--seed", type=int, default=None, help="demo: market seed (default: random)"
    )
    parser.add_argument(
        "--markets",
        type=int,
        default=None,
        help="demo: number of markets (default: BTSE_DEMO_MARKETS, else 30)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="demo: market messages per second (default: BTSE_DEMO_RATE, else 20)",
    )
    parser.add_argument(
        "--low-bandwidth",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="fewer frames, no flashes (default: on when SSH_CONNECTION is set)",
    )
    parser.add_argument("--bell", action="store_true", help="ring the terminal bell on fills")
    parser.add_argument(
        "--cancel-all-after",
        type=float,
        default=None,
        metavar="SECONDS",
        help="dead man's switch: keep re-arming cancelAllAfter while the app is alive",
    )
    parser.add_argument(
        "--confirm-all",
        action="store_true",
        help="confirm every order (always on in production and for market orders)",
    )
    parser.add_argument("--state-dir", default=None, help="where the journal lives")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `btse-tui` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "sim":
        from btse_tui.sim.cli import run_sim

        return run_sim(args[1:])
    if args and args[0] == "journal":
        from btse_tui.journal_cli import run_journal

        return run_journal(args[1:])
    options = build_parser().parse_args(args)
    from btse_tui.ui.launch import run_dashboard

    return run_dashboard(options)
