"""The async I/O layer: signed REST client and reconnecting WebSocket streams."""

from __future__ import annotations

import sys
import types


def _import_httpx_without_its_command_line() -> None:
    """Import httpx without the command-line tool it loads whenever `click` is installed.

    `httpx/__init__` imports `httpx._main` (click, pygments and rich's syntax highlighter) only
    to offer `httpx.main`, the `httpx` shell command. uvicorn, which the embedded exchange
    runs on, always installs click, so every start of the desk paid about 35-40 ms for a tool
    it never calls. A stand-in `httpx._main` is in place for that one import and removed
    straight after, so a later `import httpx._main` still gets the real module; `httpx.main`
    says what happened if anything calls it.
    """
    if "httpx" in sys.modules or "httpx._main" in sys.modules:
        return
    stand_in = types.ModuleType("httpx._main")

    def main(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("httpx's command line is not loaded inside btse-tui")

    stand_in.main = main  # type: ignore[attr-defined]
    sys.modules["httpx._main"] = stand_in
    try:
        import httpx  # noqa: F401
    finally:
        if sys.modules.get("httpx._main") is stand_in:
            del sys.modules["httpx._main"]


_import_httpx_without_its_command_line()
