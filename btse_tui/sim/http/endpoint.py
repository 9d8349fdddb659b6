"""The REST endpoint wrapper every route shares: fault switches, auth, rate limit, error bodies."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from btse_tui.sim import wire
from btse_tui.sim.access.auth import AuthError, require, verify_rest
from btse_tui.sim.context import SimContext
from btse_tui.sim.engine.records import Account, RequestRejected

log = logging.getLogger(__name__)

MARKETS_BAD_PARAM = 10010004


class MarketsParamError(Exception):
    """A Markets API parameter error → 400 envelope with code 10010004."""


class LegacyParamError(Exception):
    """A legacy spot market-data parameter error → 400 `{"status","errorCode","message"}`."""

    def __init__(self, message: str, code: int = -2) -> None:
        super().__init__(message)
        self.code = code


class NotFound(Exception):
    """An order that does not exist (or closed > 30 min ago) → 404."""


@dataclass
class Call:
    """What a route handler gets: the context, the request, its raw body and the signer."""

    ctx: SimContext
    request: Request
    body: bytes
    account: Account | None

    @property
    def query(self) -> Any:
        return self.request.query_params

    @property
    def api_key(self) -> str:
        assert self.account is not None
        return self.account.api_key


Handler = Callable[[Call], Awaitable[Any]]


def json_response(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Serialise with BTSE number rules (exact Decimals, no exponents)."""
    return Response(wire.dumps(obj), status, headers, media_type="application/json")


def error_body(status: int, code: int, message: str) -> dict[str, Any]:
    """The D-error-codes shape `{"status","error","code","message"}` (btse-api.md §7.2)."""
    reason = {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        408: "Request Timeout",
        429: "Too Many Requests",
        500: "Internal Server Error",
    }.get(status, "Error")
    return {"status": status, "error": reason, "code": code, "message": message}


def markets_envelope(ctx: SimContext, data: Any) -> dict[str, Any]:
    """`{"success":true,"code":1,"msg":"Success","time":ms,"data":…}`."""
    return {"success": True, "code": 1, "msg": "Success", "time": ctx.now_ms(), "data": data}


def too_many(retry_after: int) -> Response:
    return json_response(
        error_body(429, 303, "Rate limit exceeded"),
        429,
        {"Retry-After": str(int(retry_after))},
    )


def endpoint(handler: Handler, bucket: str, permission: str | None) -> Callable:
    """Wrap a handler with the fault switches, auth, permission check, rate limit and errors."""

    async def asgi_endpoint(request: Request) -> Response:
        ctx: SimContext = request.app.state.sim
        faults = ctx.faults
        if faults.http_500:
            return json_response(error_body(500, 17, "Internal server error"), 500)
        if faults.http_429:
            return too_many(faults.retry_after_s)
        body = await request.body()
        try:
            account = None
            if permission is not None:
                account = verify_rest(
                    ctx.engine.account_for_key,
                    request.headers,
                    request.url.path,
                    body,
                    ctx.now_ms(),
                    int(ctx.config.nonce_window_s * 1000),
                    ctx.used_nonces,
                )
                require(account, permission)
            identity = account.api_key if account is not None else _client_ip(request)
            retry = ctx.limiter.check(bucket, identity, ctx.clock())
            if retry is not None:
                return too_many(retry)
            result = await handler(Call(ctx, request, body, account))
            response = result if isinstance(result, Response) else json_response(result)
        except AuthError as exc:
            response = json_response(exc.body(), exc.status)
        except RequestRejected as exc:
            response = json_response(
                error_body(exc.http_status, exc.code, exc.message), exc.http_status
            )
        except MarketsParamError as exc:
            response = json_response(
                {
                    "success": False,
                    "code": MARKETS_BAD_PARAM,
                    "msg": f"Request parameter is invalid: {exc}",
                    "time": ctx.now_ms(),
                    "data": [],
                },
                400,
            )
        except LegacyParamError as exc:
            response = json_response(
                {"status": 400, "errorCode": exc.code, "message": str(exc), "extraData": None},
                400,
            )
        except NotFound as exc:
            response = json_response(error_body(404, 16, str(exc) or "Order not found"), 404)
        except Exception:
            log.exception("simulator handler failed: %s %s", request.method, request.url.path)
            response = json_response(error_body(500, 17, "Internal server error"), 500)
        delay = faults.delay_s
        if delay > 0:
            await asyncio.sleep(delay)
        return response

    return asgi_endpoint


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "?"
