"""Decoding of BTSE error replies (all three body shapes of §7.2) into the ApiError tree."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import orjson

from btse_tui.protocol.errors import (
    ApiError,
    AuthenticationError,
    NotFound,
    OrderRejected,
    PermissionDenied,
    RateLimited,
    ServerError,
    parse_retry_after,
)

#: Codes in a 400 body that mean "this order was refused" rather than "malformed request".
ORDER_REJECTION_CODES = frozenset(
    {
        1,  # market unavailable
        8,  # insufficient balance
        15,  # order rejected
        16,  # order not found
        17,  # request failed
        300,  # max order size exceeded
        301,  # invalid order size
        302,  # invalid order price
        304,  # max open orders exceeded
        305,  # price outside the protection range
        4003,  # size out of bounds
        4005,  # price out of bounds
        51523,  # insufficient wallet balance
        33001001,  # trigger price band
        33001003,  # price band
        33199101,  # insufficient available balance
    }
)

_MAX_TEXT = 200


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _parse_body(body: bytes) -> tuple[int | None, str]:
    """(code, message) from any of the error shapes, an empty body or plain text."""
    text = body.strip() if body else b""
    if not text:
        return None, ""
    try:
        obj = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None, text.decode("utf-8", "replace")[:_MAX_TEXT]
    if isinstance(obj, list) and obj and isinstance(obj[0], Mapping):
        obj = obj[0]
    if not isinstance(obj, Mapping):
        return None, str(obj)[:_MAX_TEXT]
    code = _int_or_none(obj.get("errorCode"))
    if code is None:
        code = _int_or_none(obj.get("code"))
    message = obj.get("message") or obj.get("msg") or obj.get("error") or ""
    if not isinstance(message, str):
        message = str(message)
    return code, message[:_MAX_TEXT]


def api_error(
    status: int, body: bytes | str, retry_after: str | None = None, now_s: float = 0.0
) -> ApiError:
    """The ApiError subclass for an HTTP error reply.

    401 → AuthenticationError, 403 → PermissionDenied, 404 → NotFound, 429 → RateLimited
    (seconds from `Retry-After` in seconds, epoch s or epoch ms, relative to `now_s`),
    5xx → ServerError, 400 with an order code → OrderRejected, anything else → ApiError.
    A message-less reply gets the HTTP reason phrase.
    """
    if isinstance(body, str):
        body = body.encode()
    code, message = _parse_body(body)
    if not message:
        try:
            message = HTTPStatus(status).phrase
        except ValueError:
            message = "error"
    if status == 401:
        return AuthenticationError(status, code, message)
    if status == 403:
        return PermissionDenied(status, code, message)
    if status == 404:
        return NotFound(status, code, message)
    if status == 429:
        return RateLimited(status, code, message, parse_retry_after(retry_after, now_s))
    if status >= 500:
        return ServerError(status, code, message)
    if status == 400 and code in ORDER_REJECTION_CODES:
        return OrderRejected(status, code, message)
    return ApiError(status, code, message)
