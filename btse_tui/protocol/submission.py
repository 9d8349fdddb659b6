"""An order on its way to the exchange: its client order id, its body (built once) and what a
failed POST proves."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from btse_tui.protocol.codec_orders import order_body
from btse_tui.protocol.errors import ApiError, ConfigError, OrderRejected, ValidationError
from btse_tui.protocol.models import OrderRequest

__all__ = ["OrderSubmission", "new_cl_order_id", "outcome_unknown"]

_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def new_cl_order_id() -> str:
    """A fresh client order id, e.g. `tui-lq3x9f-1a2b3c`: time-ordered, unique, 20 characters."""
    stamp = _base36(int(time.time() * 1000))[-7:]
    return f"tui-{stamp}-{secrets.token_hex(4)}"


def _base36(number: int) -> str:
    text = ""
    while number:
        number, rest = divmod(number, 36)
        text = _BASE36[rest] + text
    return text or "0"


@dataclass(frozen=True, slots=True)
class OrderSubmission:
    """One new order ready to send: the request (its clOrderID assigned) and the exact JSON
    body built from it once — what the confirm screen shows, the journal records and the
    REST client signs and sends."""

    request: OrderRequest
    body: Mapping[str, Any]

    @classmethod
    def of(cls, request: OrderRequest) -> OrderSubmission:
        """The submission of `request`; a missing clOrderID is assigned (`new_cl_order_id`)."""
        if not request.cl_order_id:
            request = replace(request, cl_order_id=new_cl_order_id())
        return cls(request, order_body(request))

    @property
    def cl_order_id(self) -> str:
        """The client order id the exchange will know this order by."""
        return self.request.cl_order_id or ""


def outcome_unknown(exc: BaseException) -> bool:
    """True unless the answer to an order POST proves the exchange refused it.

    Only BTSE's own refusal proves that: a 4xx (not 408) whose body carries an error code, or
    a refused status in the ack (OrderRejected). A timeout, a reset, a 5xx, a proxy's error
    page, a 4xx without BTSE's error body or an unreadable 200 may hide a placed order.
    """
    if isinstance(exc, OrderRejected | ValidationError | ConfigError):
        return False  # refused by the exchange, or never sent
    if isinstance(exc, ApiError):
        return not (400 <= exc.status < 500 and exc.status != 408 and exc.code is not None)
    return True
