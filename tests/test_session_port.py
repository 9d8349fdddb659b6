"""The desk's port: TradingSession and the StaticSession picture both satisfy SessionPort,
as the type checker sees them (a missing call or a wrong signature fails this test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from btse_tui.client.session import TradingSession
from btse_tui.port import SessionPort
from tests.ui.static_session import StaticSession


def trading_session_as_port(session: TradingSession) -> SessionPort:
    """What the launcher hands the desk: the real session."""
    return session


def static_session_as_port(session: StaticSession) -> SessionPort:
    """What the screen tests hand the desk: a fixed picture."""
    return session


def test_both_sessions_satisfy_the_port_under_the_type_checker() -> None:
    mypy = pytest.importorskip("mypy.api")
    root = Path(__file__).resolve().parent.parent
    out, err, status = mypy.run(
        [
            "--strict",
            "--follow-imports=silent",
            "--no-incremental",
            str(root / "btse_tui" / "port.py"),
            str(Path(__file__).resolve()),
        ]
    )
    assert status == 0, out + err
