"""An order on its way: one clOrderID format, one body built once, and what a failed POST
proves about it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from btse_tui.protocol import codec
from btse_tui.protocol.errors import (
    ApiError,
    ConfigError,
    OrderRejected,
    RequestTimeout,
    ServerError,
    TransportError,
    ValidationError,
)
from btse_tui.protocol.models import OrderRequest, OrderType, Side
from btse_tui.protocol.submission import OrderSubmission, new_cl_order_id, outcome_unknown
from btse_tui.ui.ticket.form_logic import CL_ORDER_ID_RE, new_client_order_id

BUY = OrderRequest("BTC-USDT", Side.BUY, OrderType.LIMIT, size=D("0.001"), price=D("20000.0"))


def test_a_request_without_a_client_id_gets_one_and_its_body_carries_it() -> None:
    submission = OrderSubmission.of(BUY)
    cl = submission.cl_order_id
    assert CL_ORDER_ID_RE.fullmatch(cl) and len(cl) == 20
    assert submission.request.cl_order_id == cl
    assert submission.body["clOrderID"] == cl
    assert dict(submission.body) == codec.order_body(submission.request)
    assert list(submission.body)[:3] == ["symbol", "side", "type"]  # wire order


def test_a_given_client_id_is_kept() -> None:
    mine = OrderSubmission.of(replace(BUY, cl_order_id="mine-1"))
    assert mine.cl_order_id == "mine-1" and mine.body["clOrderID"] == "mine-1"


def test_the_form_and_the_session_use_one_generator() -> None:
    assert new_client_order_id is new_cl_order_id
    ids = {new_cl_order_id() for _ in range(200)}
    assert len(ids) == 200


def test_only_a_refusal_by_btse_or_by_us_proves_nothing_was_placed() -> None:
    assert not outcome_unknown(OrderRejected(400, 51, "insufficient balance"))
    assert not outcome_unknown(ApiError(400, 8, "bad size"))
    assert not outcome_unknown(ValidationError("size", "0", "must be greater than 0"))
    assert not outcome_unknown(ConfigError("no key"))
    assert outcome_unknown(RequestTimeout("no answer in time"))
    assert outcome_unknown(TransportError("reset"))
    assert outcome_unknown(ServerError(502, None, "bad gateway"))
    assert outcome_unknown(ApiError(408, 1, "request timeout"))
    assert outcome_unknown(ApiError(400, None, "a proxy's page"))
