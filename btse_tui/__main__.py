"""Allows `python -m btse_tui` to run the command-line interface."""

from btse_tui.cli import main

raise SystemExit(main())
