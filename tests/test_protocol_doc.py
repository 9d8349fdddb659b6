"""docs/protocol.md stays complete, and README points at it instead of paths outside the repo."""

from __future__ import annotations

import re
from pathlib import Path

from btse_tui.sim.server import SimState

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "protocol.md").read_text()
PREFIXES = ("/public-api/market/v1", "/spot/api/v3.3", "/spot/api/v3.2")


def _named(path: str) -> bool:
    """The full path, or `…/rest` after one of the long prefixes, appears in the doc."""
    if f"`{path}" in DOC or f" {path}" in DOC:
        return True
    for prefix in PREFIXES:
        if path.startswith(prefix + "/"):
            return f"…/{path[len(prefix) + 1 :]}" in DOC
    return False


def test_every_route_and_socket_of_the_demo_exchange_is_documented() -> None:
    state = SimState.__new__(SimState)  # only its route table: no engine, no sockets
    paths = {route.path for route in SimState._routes(state)}
    assert len(paths) > 20
    missing = sorted(p for p in paths if not _named(p))
    assert missing == []


def test_every_websocket_topic_is_documented() -> None:
    for topic in ("notificationApiV3", "fills", "tradeHistoryApi:", "update:", "snapshotL1:"):
        assert f"`{topic}" in DOC, topic


def test_readme_links_the_protocol_doc_and_no_path_outside_the_repo() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "](docs/protocol.md)" in readme
    assert "../" not in readme
    for target in re.findall(r"\]\(([^)#]+)\)", readme):
        if "://" not in target:
            assert (ROOT / target).exists(), target
