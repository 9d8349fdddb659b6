"""Error replies: the three body shapes of §7.2, empty bodies, status mapping and Retry-After."""

from __future__ import annotations

import pytest

from btse_tui.protocol import codec
from btse_tui.protocol.errors import (
    ApiError,
    AuthenticationError,
    NotFound,
    OrderRejected,
    PermissionDenied,
    RateLimited,
    ServerError,
)

DOCUMENTED = b'{"status":400,"error":"Bad Request","code":301,"message":"Invalid order size"}'
LEGACY = b'{"status":400,"errorCode":-2,"message":"symbol parameter is mandatory","extraData":null}'
PUBLIC_API = (
    b'{"code":10002,"msg":"UNAUTHORIZED: Authentication Failed","time":1700000000000,'
    b'"data":null,"success":false}'
)
NOW = 1_700_000_000.0


def test_documented_shape_with_order_code_is_an_order_rejection() -> None:
    err = codec.api_error(400, DOCUMENTED)
    assert type(err) is OrderRejected
    assert (err.status, err.code, err.message) == (400, 301, "Invalid order size")
    assert "Invalid order size" in str(err) and "301" in str(err)


def test_legacy_shape_reads_error_code_and_message() -> None:
    err = codec.api_error(400, LEGACY)
    assert type(err) is ApiError
    assert (err.code, err.message) == (-2, "symbol parameter is mandatory")


def test_public_api_shape_reads_msg_and_code() -> None:
    err = codec.api_error(401, PUBLIC_API)
    assert isinstance(err, AuthenticationError)
    assert (err.code, err.message) == (10002, "UNAUTHORIZED: Authentication Failed")


@pytest.mark.parametrize("code", [300, 301, 302, 4003, 4005, 8, 51523])
def test_order_codes_in_a_400_reject_the_order(code: int) -> None:
    body = b'{"status":400,"code":%d,"message":"no"}' % code
    assert isinstance(codec.api_error(400, body), OrderRejected)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (401, AuthenticationError),
        (403, PermissionDenied),
        (404, NotFound),
        (500, ServerError),
        (502, ServerError),
        (400, ApiError),
        (405, ApiError),
    ],
)
def test_status_classes_with_empty_bodies(status: int, cls: type[ApiError]) -> None:
    err = codec.api_error(status, b"")
    assert type(err) is cls
    assert err.status == status and err.code is None
    assert err.message  # the HTTP reason phrase, never blank


def test_non_json_body_keeps_its_text() -> None:
    err = codec.api_error(502, b"<html>Bad gateway</html>")
    assert isinstance(err, ServerError) and "Bad gateway" in err.message


def test_markets_api_400_invalid_parameter() -> None:
    body = (
        b'{"success":false,"code":10010004,"msg":"Request parameter is invalid: depth",'
        b'"time":1700000000000,"data":[]}'
    )
    err = codec.api_error(400, body)
    assert type(err) is ApiError and err.code == 10010004 and "depth" in err.message


@pytest.mark.parametrize(
    ("header", "wait"),
    [
        ("60", 60.0),
        ("1", 1.0),
        (str(int(NOW) + 5), 5.0),  # epoch seconds
        (str(int(NOW * 1000) + 2500), 2.5),  # epoch milliseconds
        (str(int(NOW) - 10), 0.0),  # already passed
        (None, 1.0),  # missing: the first step of the block ladder
        ("soon", 1.0),
    ],
)
def test_retry_after_units(header: str | None, wait: float) -> None:
    err = codec.api_error(429, b'{"status":429,"message":"Rate limit exceeded"}', header, NOW)
    assert isinstance(err, RateLimited)
    assert err.retry_after_s == pytest.approx(wait)
    assert err.message == "Rate limit exceeded"


def test_429_order_not_found_body_is_still_rate_limited() -> None:
    body = b'{"status":429,"errorCode":-1,"message":"Order not found","extraData":null}'
    err = codec.api_error(429, body, "1", NOW)
    assert isinstance(err, RateLimited) and err.code == -1
