"""The protocol layer stays pure: importing all of it loads no UI, network or server library."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = ["textual", "httpx", "websockets", "starlette", "uvicorn"]

SCRIPT = """
import importlib, json, pkgutil, sys
import btse_tui.protocol as pkg
names = [m.name for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".")]
for name in names:
    importlib.import_module(name)
loaded = sorted({m.split(".")[0] for m in sys.modules})
layers = sorted(m for m in sys.modules if m.startswith("btse_tui.") and
                not m.startswith("btse_tui.protocol"))
print(json.dumps({"modules": names, "loaded": loaded, "layers": layers}))
"""


def test_protocol_imports_no_io_or_ui_library_and_no_other_layer() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=60
    )
    report = json.loads(result.stdout)
    assert "btse_tui.protocol.codec" in report["modules"]
    assert "btse_tui.protocol.orderbook" in report["modules"]
    assert "btse_tui.protocol.rules" in report["modules"]
    assert [name for name in FORBIDDEN if name in report["loaded"]] == []
    assert report["layers"] == []
