"""BtseAuth signs exactly the bytes sent and reproduces BTSE's published signature vectors."""

from __future__ import annotations

import httpx
import pytest

from btse_tui.client.auth import BtseAuth, build_auth
from btse_tui.config import Secret, load_settings
from btse_tui.protocol import signing

SECRET = "848db84ac252b6726e5f6e7a711d9c96d9fd77d020151b45839a5b59c37203bx"
KEY = "4e9536c79f0fdd72bf04f2430982d3f61d9d76c996f0175bbba470d69d59816x"
BODY = (
    b'{"postOnly":false,"price":8500.0,"side":"BUY","size":0.002,"stopPrice":0.0,'
    b'"symbol":"BTC-USD","time_in_force":"GTC","trailValue":0.0,"triggerPrice":0.0,'
    b'"txType":"LIMIT","type":"LIMIT"}'
)
# btse-api.md §2.3 #5 says "after postOnly"; the published digest has it in key order, after price.
BODY_REDUCE_ONLY = BODY.replace(b'"price":8500.0,', b'"price":8500.0,"reduceOnly":false,')


class FixedNonces:
    """Hands out the given nonces in order."""

    def __init__(self, *nonces: str) -> None:
        self._nonces = list(nonces)

    def next(self) -> str:
        return self._nonces.pop(0)


async def send(auth: BtseAuth, method: str, url: str, content: bytes | None = None):
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        await http.request(method, url, content=content, auth=auth)
    assert len(seen) == 1
    return seen[0]


@pytest.mark.parametrize(
    ("method", "url", "body", "nonce", "expected"),
    [
        pytest.param(
            "POST",
            "https://api.btse.com/spot/api/v3.2/order",
            BODY,
            "1624985375123",
            "e9cd0babdf497b536d1e48bc9cf1fadad3426b36406b5747d77ae4e3cdc9ab55"
            "6863f2d0cf78e0228c39a064ad43afb7",
            id="published v3.2 order",
        ),
        pytest.param(
            "POST",
            "https://api.btse.com/spot/api/v3.2/order",
            BODY_REDUCE_ONLY,
            "1624985375123",
            "134c4a41c5451b88fb2955ec2b35814e4a5d432b85723edc90d6c1161118eb3b"
            "b6ffa730f2ac415c00a9f072c770a85f",
            id="published v3.2 order with reduceOnly",
        ),
        pytest.param(
            "POST",
            "https://api.btse.com/spot/api/v3.3/order",
            BODY,
            "1624985375123",
            "8523d528bc9a6d3509849c6bfaec7c54535387d438362de790f49b809b0267dd"
            "3738258ea11bc6c36028c4632813fe03",
            id="v3.3 order (corrected)",
        ),
        pytest.param(
            "GET",
            "https://api.btse.com/spot/api/v3.2/user/wallet?currency=BTC",
            None,
            "1624984297330",
            "14b986706a4368221e0af14a6725377161805e7a57d568220478cb3590ce532d"
            "4fad4ac68e6c02a14afced6a0619bfd3",
            id="published wallet, query not signed",
        ),
        pytest.param(
            "GET",
            "https://testapi.btse.io/spot/api/v3.3/user/open_orders?symbol=BTC-USDT",
            None,
            "1624985375123",
            "ef67f000642466f96a2924129c056880dbf107b6d76bec58a9f544b0eccfae4e"
            "13870a84d8ec73852d9862ec69382c5b",
            id="open_orders",
        ),
        pytest.param(
            "DELETE",
            "https://testapi.btse.io/spot/api/v3.3/order?symbol=BTC-USDT&orderID=abc",
            None,
            "1624985375123",
            "6b7a6208bcc7748d2702c3a86fa4b055b389a649dfd4afe538f0767d67ff061b"
            "9deb7be0f35fb68c0259a38a91302a9a",
            id="cancel, query not signed, empty body",
        ),
    ],
)
async def test_published_vectors(
    method: str, url: str, body: bytes | None, nonce: str, expected: str
) -> None:
    auth = BtseAuth(KEY, Secret(SECRET), FixedNonces(nonce))
    request = await send(auth, method, url, body)
    assert request.headers["request-api"] == KEY
    assert request.headers["request-nonce"] == nonce
    assert request.headers["request-sign"] == expected
    assert request.content == (body or b"")


async def test_signs_exactly_the_bytes_sent() -> None:
    auth = BtseAuth(KEY, Secret(SECRET), signing.NonceSource())
    body = b'{"symbol":"ETH-USDT","price":2500.10,"size":0.00001}'
    request = await send(auth, "POST", "http://127.0.0.1:1/spot/api/v3.3/order", body)
    nonce = request.headers["request-nonce"]
    expected = signing.sign(SECRET, "/api/v3.3/order" + nonce + request.content.decode())
    assert request.content == body
    assert request.headers["request-sign"] == expected


async def test_root_path_of_a_proxied_rest_url_is_not_signed() -> None:
    auth = BtseAuth(KEY, Secret(SECRET), FixedNonces("1624985375123"), root_path="/btse/")
    request = await send(auth, "GET", "https://proxy.example/btse/spot/api/v3.3/user/open_orders")
    assert request.headers["request-sign"].startswith("ef67f000")


async def test_nonces_increase_and_secret_never_leaves() -> None:
    auth = BtseAuth(KEY, Secret(SECRET), signing.NonceSource(clock=lambda: 1000.0))
    first = await send(auth, "GET", "https://api.btse.com/spot/api/v3.3/user/fees")
    second = await send(auth, "GET", "https://api.btse.com/spot/api/v3.3/user/fees")
    assert int(second.headers["request-nonce"]) > int(first.headers["request-nonce"])
    for request in (first, second):
        assert all(SECRET not in value for value in request.headers.values())
        assert SECRET not in str(request.url)
    assert SECRET not in repr(auth)


def test_build_auth_needs_credentials() -> None:
    nonces = signing.NonceSource()
    assert build_auth(load_settings({}, None), nonces, "https://x.example") is None
    settings = load_settings({"BTSE_API_KEY": KEY, "BTSE_API_SECRET": SECRET}, None)
    auth = build_auth(settings, nonces, "https://proxy.example/btse")
    assert auth is not None and auth.api_key == KEY and auth.nonces is nonces
