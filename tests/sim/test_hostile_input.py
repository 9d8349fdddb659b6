"""The embedded exchange under the inputs issue #11 named: absurd numbers, NaN timeouts, a
replayed nonce. Each answers a BTSE-shaped 4xx naming the field; nothing is placed twice."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from btse_tui.sim.runner import SimServer
from tests.sim.rawbtse import Spot, auth_headers, nonce_ms

ORDER = "/api/v3.3/order"
OPEN_ORDERS = "/api/v3.3/user/open_orders"
HUGE = ["1E+40", 1e308, "99999999999999999999999999999999", "1e400"]


@pytest.fixture
def crashes(caplog: pytest.LogCaptureFixture) -> Iterator[list[logging.LogRecord]]:
    """The ERROR records the simulator logged during the test (a handler crash is one)."""
    caplog.set_level(logging.ERROR, logger="btse_tui.sim")
    yield caplog.records
    assert not [r.getMessage() for r in caplog.records]


def raw_post(spot: Spot, path: str, body: Any) -> httpx.Response:
    """POST `body` as JSON text exactly as given (Python floats like 1e308 stay numbers)."""
    text = json.dumps(body, separators=(",", ":"))
    headers = auth_headers(spot.key, spot.secret, path, text)
    return spot.http.post("/spot" + path, content=text.encode(), headers=headers)


def assert_bad_request(response: httpx.Response, field: str, value: object) -> dict:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["status"] == 400 and body["error"] == "Bad Request"
    assert isinstance(body["code"], int)
    assert f"Invalid {field} parameter" in body["message"], body
    assert str(value).lower() in body["message"].lower().replace("'", ""), body
    return body


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize("field", ["price", "size"])
def test_an_absurd_price_or_size_is_a_400_naming_the_field(
    spot: Spot, crashes: list, field: str, value: object
) -> None:
    body = {"symbol": "ETH-USDT", "side": "BUY", "type": "LIMIT", "price": "1000", "size": "0.01"}
    body[field] = value
    before = len(spot.request("GET", OPEN_ORDERS).json())
    assert_bad_request(raw_post(spot, ORDER, body), field, value)
    assert len(spot.request("GET", OPEN_ORDERS).json()) == before  # nothing was placed


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize(("kind", "field"), [("PRICE", "value"), ("ALL", "orderSize")])
def test_an_absurd_amend_is_a_400_naming_the_field(
    spot: Spot, crashes: list, kind: str, field: str, value: object
) -> None:
    placed = spot.place(symbol="ETH-USDT", side="BUY", type="LIMIT", price=1000, size=0.01)
    order_id = placed.json()[0]["orderID"]
    body = {"symbol": "ETH-USDT", "orderID": order_id, "type": kind, field: value}
    text = json.dumps(body, separators=(",", ":"))
    response = spot.http.put(
        "/spot" + ORDER,
        content=text.encode(),
        headers=auth_headers(spot.key, spot.secret, ORDER, text),
    )
    assert_bad_request(response, field, value)
    [still] = spot.request("GET", OPEN_ORDERS, params={"orderID": order_id}).json()
    assert still["price"] == 1000 and still["originalOrderBaseSize"] == 0.01  # unchanged
    spot.cancel("ETH-USDT", order_id)


@pytest.mark.parametrize("timeout", ["NaN", "Infinity", "1e400", -1, 1.5, "soon", [60000]])
def test_a_bad_cancel_all_after_timeout_is_a_400_naming_timeout(
    spot: Spot, crashes: list, timeout: object
) -> None:
    response = raw_post(spot, "/api/v3.3/order/cancelAllAfter", {"timeout": timeout})
    body = assert_bad_request(response, "timeout", "")
    assert str(timeout).lower() in body["message"].lower().replace("'", "")


def test_a_good_cancel_all_after_still_arms_and_disarms(spot: Spot, crashes: list) -> None:
    armed = raw_post(spot, "/api/v3.3/order/cancelAllAfter", {"timeout": 60000})
    assert armed.status_code == 200 and armed.json() == {"status": 20, "timeout": 60000}
    off = raw_post(spot, "/api/v3.3/order/cancelAllAfter", {"timeout": 0})
    assert off.status_code == 200 and off.json()["timeout"] == 0


def test_the_same_signed_post_sent_twice_places_one_order(spot: Spot, sim: SimServer) -> None:
    body = {"symbol": "BTC-USDT", "side": "BUY", "type": "LIMIT", "price": 1000, "size": 0.01}
    text = json.dumps(body, separators=(",", ":"))
    headers = auth_headers(spot.key, spot.secret, ORDER, text)  # one nonce, one signature
    first = spot.http.post("/spot" + ORDER, content=text.encode(), headers=headers)
    replay = spot.http.post("/spot" + ORDER, content=text.encode(), headers=headers)
    assert first.status_code == 200 and first.json()[0]["status"] == 2
    assert replay.status_code == 401
    reply = replay.json()
    assert (reply["status"], reply["error"]) == (401, "Unauthorized")
    assert (
        reply["message"].startswith("Invalid nonce")
        and headers["request-nonce"] in reply["message"]
    )
    opened = spot.request("GET", OPEN_ORDERS, params={"symbol": "BTC-USDT"}).json()
    assert [o["orderID"] for o in opened] == [first.json()[0]["orderID"]]
    spot.cancel("BTC-USDT", first.json()[0]["orderID"])


def test_a_nonce_is_refused_on_any_second_request_of_the_key(spot: Spot) -> None:
    nonce = nonce_ms()
    first = spot.http.get(
        "/spot" + OPEN_ORDERS, headers=auth_headers(spot.key, spot.secret, OPEN_ORDERS, nonce=nonce)
    )
    other = spot.http.get(
        "/spot/api/v3.3/user/fees",
        headers=auth_headers(spot.key, spot.secret, "/api/v3.3/user/fees", nonce=nonce),
    )
    assert first.status_code == 200
    assert other.status_code == 401 and other.json()["message"].startswith("Invalid nonce")
    fresh = spot.request("GET", "/api/v3.3/user/fees")  # a new nonce works at once
    assert fresh.status_code == 200
