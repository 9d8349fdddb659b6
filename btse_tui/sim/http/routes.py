"""The simulator's REST route table: every handler at the paths BTSE serves it."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from btse_tui.sim.http import market_data, trading, v4, v32
from btse_tui.sim.http.endpoint import Handler, endpoint


def routes() -> list[Route]:
    """Every REST route, at the paths BTSE serves them (host root and `/spot`)."""
    table: list[tuple[str, list[str], Handler, str, str | None]] = [
        *market_data.ROUTES,
        *trading.ROUTES,
        *v4.ROUTES,  # ccxt's spot v4 trade API and wallet v1 assets
        *v32.ROUTES,  # the v3.2 spot routes of BTSE's api-sample scripts
    ]
    by_path: dict[str, dict[str, Callable]] = {}
    for path, methods, handler, bucket, permission in table:
        wrapped = endpoint(handler, bucket, permission)
        for method in methods:
            by_path.setdefault(path, {})[method] = wrapped
    out = []
    for path, handlers in by_path.items():
        out.append(Route(path, _dispatch(handlers), methods=list(handlers)))
    return out


def _dispatch(handlers: dict[str, Callable]) -> Callable:
    if len(handlers) == 1:
        return next(iter(handlers.values()))

    async def by_method(request: Request) -> Response:
        handler = handlers.get(request.method) or handlers["GET"]
        return await handler(request)

    return by_method
