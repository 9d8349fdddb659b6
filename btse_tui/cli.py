"""Command line: `btse-tui` (the dashboard), `btse-tui sim` (the embedded exchange), `journal`."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence

from btse_tui.config import SETTINGS_TABLE, SettingSpec


def build_parser() -> argparse.ArgumentParser:
    """The dashboard's argument parser; subcommands are dispatched before it is used.

    Every flag but --env-file is a setting's (`btse_tui.config.Settings`): its help is the
    setting's description, what it accepts, its key and default; its value is checked by
    `load_settings` like the key's.
    """
    parser = argparse.ArgumentParser(
        prog="btse-tui",
        description=(
            "A full-screen terminal trading desk for BTSE spot. With no API key configured it "
            "starts the embedded exchange and trades a funded DEMO account."
        ),
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--env-file",
        default=None,
        metavar="PATH",
        help="settings file; it must exist (default: .env in the current directory, if any)",
    )
    for spec in SETTINGS_TABLE:
        if spec.flag is not None:
            _add_flag(parser, spec)
    return parser


def _add_flag(parser: argparse.ArgumentParser, spec: SettingSpec) -> None:
    assert spec.flag is not None
    flag = spec.flag
    where = f"{spec.key}={spec.default}" if spec.default else spec.key
    if flag.switch:
        text = f"{spec.description} ({where})"
        parser.add_argument(
            flag.name, action="store_const", const="true", default=None, help=_escape(text)
        )
    elif flag.negatable:
        text = f"{spec.description} ({where})"
        parser.add_argument(
            flag.name, action=argparse.BooleanOptionalAction, default=None, help=_escape(text)
        )
    else:
        parser.add_argument(
            flag.name,
            metavar=flag.metavar,
            choices=spec.kind.choices or None,
            default=None,
            help=_escape(f"{spec.description}; {spec.kind.rule} ({where})"),
        )


def _escape(help_text: str) -> str:
    return help_text.replace("%", "%%")  # argparse formats help with %


def _epilog() -> str:
    lines = [
        "subcommands:",
        "  btse-tui sim [--help]      run the embedded BTSE exchange on its own",
        "  btse-tui journal [--help]  list the local journal, export fills",
        "",
        "keys: rebind any action in keymap.toml in the config directory (--config-dir, default",
        f"  {_default_config_dir()}); ? in the app lists the keys in force and names the file.",
        "",
        "settings come from the environment and .env (see .env.example); flags win over both.",
        "settings without a flag:",
    ]
    for spec in SETTINGS_TABLE:
        if spec.flag is None:
            lines += textwrap.wrap(
                spec.description,
                width=79,
                initial_indent=f"  {spec.key:<25} ",
                subsequent_indent=" " * 28,
            )
    return "\n".join(lines)


def _default_config_dir() -> str:
    from platformdirs import user_config_dir

    from btse_tui.config import APP_NAME

    return user_config_dir(APP_NAME)


def setting_overrides(options: argparse.Namespace) -> dict[str, str | None]:
    """The settings given as flags, as text keyed by setting key (None: flag not given)."""
    overrides: dict[str, str | None] = {}
    for spec in SETTINGS_TABLE:
        if spec.flag is not None:
            value: object = getattr(options, spec.flag.dest)
            if isinstance(value, bool):
                value = "true" if value else "false"
            overrides[spec.key] = None if value is None else str(value)
    return overrides


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
    from btse_tui.startup import run_dashboard

    return run_dashboard(setting_overrides(options), env_file=options.env_file)
