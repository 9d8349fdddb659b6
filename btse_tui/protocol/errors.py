"""The BtseError tree: every failure the protocol and client layers can raise.

BtseError
 ├── ConfigError            a setting is missing or invalid (names the key)
 ├── ProtocolError          the exchange sent something we cannot decode
 │    └── BadValue             one field held a value that cannot be true (field, value, rule)
 ├── ValidationError        pre-trade check failed; nothing was sent (field, value, rule)
 ├── ApiError               the exchange answered with an error (HTTP status, code, message)
 │    ├── AuthenticationError   401: bad key, signature or nonce
 │    ├── PermissionDenied      403: the key lacks a permission
 │    ├── NotFound              404
 │    ├── RateLimited           429: `retry_after_s` says how long to wait
 │    ├── OrderRejected         400 with an order code, or a failure status inside a 200
 │    └── ServerError           5xx
 └── TransportError         the request may not have arrived (connect/read failure)
      └── RequestTimeout    no answer in time: the outcome is UNKNOWN (never resend blindly)
"""

from __future__ import annotations

from decimal import Decimal

#: Meanings of the API enum codes that appear in error bodies (§7.3).
CODE_MEANINGS: dict[int, str] = {
    -1: "timeout — check order status",
    -2: "invalid request",
    -7: "authentication failed",
    -7006: "unsupported symbol",
    1: "market unavailable",
    8: "insufficient balance",
    15: "order rejected",
    16: "order not found",
    17: "request failed",
    300: "maximum order size exceeded",
    301: "invalid order size",
    302: "invalid order price",
    303: "rate limit exceeded",
    304: "maximum open orders exceeded",
    305: "price outside the protection range",
    4003: "order size out of bounds",
    4005: "order price out of bounds",
    10002: "unauthorized",
    10010004: "request parameter is invalid",
    51523: "insufficient wallet balance",
    33199101: "insufficient available balance",
}


def code_meaning(code: int | None) -> str:
    """Plain words for an exchange code, or '' when unknown."""
    if code is None:
        return ""
    return CODE_MEANINGS.get(code, "")


class BtseError(Exception):
    """Base of every error raised by btse-tui's protocol and client layers."""


class ConfigError(BtseError):
    """A setting is missing or invalid; the message names the key and what is allowed."""


class ProtocolError(BtseError):
    """A reply or frame did not have the shape the reference describes."""


class BadValue(ProtocolError):
    """One field of a reply or frame held a value that cannot be true: non-finite, absurdly
    large, negative where it cannot be, or of the wrong type. `where` names the row kind.

    Reads as one sentence: `closeTime 'Infinity' is not a time`.
    """

    def __init__(self, field: str, value: object, rule: str, where: str = "") -> None:
        self.field = field
        self.value = value
        self.rule = rule
        self.where = where
        #: the order id, currency or symbol of the row it was found in, when readable
        self.subject = ""
        shown = f" {_excerpt(value)}" if value is not None else ""
        super().__init__(f"{field}{shown} {rule}")

    @property
    def reason(self) -> str:
        """The sentence without the row kind: `closeTime 'Infinity' is not a time`."""
        return str(self)


def _excerpt(value: object, limit: int = 40) -> str:
    """A short repr of a wire value (a multi-megabyte string must not end up on screen)."""
    text = str(value) if isinstance(value, Decimal) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ValidationError(BtseError):
    """A pre-trade check failed; nothing was sent.

    The message reads as one sentence: `size 0.000001 is below the minimum 0.00001 for
    BTC-USDT` (field, value, rule); with no value: `size is required`. Decimals are written
    without exponent.
    """

    def __init__(self, field: str, value: object, rule: str) -> None:
        self.field = field
        self.value = value
        self.rule = rule
        if value is None or value == "":
            text = f"{field} {rule}"
        else:
            shown = format(value, "f") if isinstance(value, Decimal) else value
            text = f"{field} {shown} {rule}"
        super().__init__(text)


class ApiError(BtseError):
    """The exchange answered with an error."""

    def __init__(self, status: int, code: int | None, message: str) -> None:
        self.status = status
        self.code = code
        self.message = message
        super().__init__(self.describe())

    @property
    def meaning(self) -> str:
        """Plain words for the code, when we know them."""
        return code_meaning(self.code)

    def describe(self) -> str:
        """One line a trader can read: message, code and meaning."""
        parts = [self.message or "error"]
        if self.code is not None:
            meaning = self.meaning
            parts.append(f"(code {self.code}{': ' + meaning if meaning else ''})")
        return f"HTTP {self.status}: " + " ".join(parts)


class AuthenticationError(ApiError):
    """401: the key, signature or nonce was refused."""


class PermissionDenied(ApiError):
    """403: the key lacks the permission this call needs."""


class NotFound(ApiError):
    """404: no such path or resource."""


class ServerError(ApiError):
    """5xx: the exchange failed."""


class RateLimited(ApiError):
    """429: too many requests; wait `retry_after_s` seconds before the next one."""

    def __init__(self, status: int, code: int | None, message: str, retry_after_s: float) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(status, code, message)


class OrderRejected(ApiError):
    """The order was refused: a 400 with an order code, or a failure status in a 200 reply."""

    @classmethod
    def from_status(cls, status_code: int, message: str) -> OrderRejected:
        """Build from an order-level failure status (8/15/16/17) inside an HTTP 200 reply."""
        return cls(200, status_code, message or _status_words(status_code))

    @property
    def meaning(self) -> str:
        """Plain words for the code (order statuses included)."""
        if self.status == 200 and self.code is not None:
            return _status_words(self.code)
        return code_meaning(self.code)


class TransportError(BtseError):
    """The request failed in transit; it may or may not have reached the exchange."""


class RequestTimeout(TransportError):
    """No answer in time: the outcome is unknown, so an order must be checked, not resent."""


def parse_retry_after(value: str | None, now_s: float) -> float:
    """Seconds to wait from a `Retry-After` value in any of BTSE's units (§7.4).

    >= 1e12 is an epoch in milliseconds, >= 1e9 an epoch in seconds, otherwise seconds to wait.
    A missing or unreadable value means 1 second (the first step of BTSE's block ladder).
    """
    if value is None:
        return 1.0
    try:
        number = float(value.strip())
    except ValueError:
        return 1.0
    if number >= 1e12:
        return max(0.0, number / 1000 - now_s)
    if number >= 1e9:
        return max(0.0, number - now_s)
    return max(0.0, number)


def _status_words(code: int) -> str:
    """An order status code in words. models is imported here, not at the top: config (and so
    `btse-tui --help`) imports this module, and models' dataclasses take ~18 ms to build."""
    from btse_tui.protocol.models import OrderStatus

    return OrderStatus.describe(code)
