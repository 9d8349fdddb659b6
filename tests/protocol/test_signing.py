"""Known-answer tests for BTSE signing (every vector of btse-api.md §2.3) and the nonce source."""

from __future__ import annotations

import hashlib
import hmac
import itertools

import orjson
import pytest

from btse_tui.protocol import codec
from btse_tui.protocol.signing import (
    NonceSource,
    rest_headers,
    sign,
    signature_message,
    signing_path,
    ws_auth_args,
)

SECRET = "848db84ac252b6726e5f6e7a711d9c96d9fd77d020151b45839a5b59c37203bx"
KEY = "4e9536c79f0fdd72bf04f2430982d3f61d9d76c996f0175bbba470d69d59816x"
NONCE = "1624985375123"
BODY = (
    '{"postOnly":false,"price":8500.0,"side":"BUY","size":0.002,"stopPrice":0.0,'
    '"symbol":"BTC-USD","time_in_force":"GTC","trailValue":0.0,"triggerPrice":0.0,'
    '"txType":"LIMIT","type":"LIMIT"}'
)
# The reference says "after postOnly"; the digest only matches with the keys in alphabetical order,
# i.e. `"reduceOnly":false,` between `price` and `side`.
BODY_REDUCE_ONLY = BODY.replace('"price":8500.0,', '"price":8500.0,"reduceOnly":false,')

# §2.3 table; #1 and #6 carry the corrected digests (the published ones are copies of others).
V33_ORDER = (
    "8523d528bc9a6d3509849c6bfaec7c54535387d438362de790f49b809b0267dd"
    "3738258ea11bc6c36028c4632813fe03"
)
V32_ORDER = (
    "e9cd0babdf497b536d1e48bc9cf1fadad3426b36406b5747d77ae4e3cdc9ab55"
    "6863f2d0cf78e0228c39a064ad43afb7"
)
WS_SPOT = (
    "c410d38c681579adb335885800cff24c66171b7cc8376cfe43da1408c5817481"
    "56b89bcc5a115bb496413bda481139fb"
)
WALLET = (
    "14b986706a4368221e0af14a6725377161805e7a57d568220478cb3590ce532d"
    "4fad4ac68e6c02a14afced6a0619bfd3"
)
REDUCE_ONLY = (
    "134c4a41c5451b88fb2955ec2b35814e4a5d432b85723edc90d6c1161118eb3b"
    "b6ffa730f2ac415c00a9f072c770a85f"
)
WS_OTC = (
    "971798b32585d7e63a1c2cafd261170c56caf17ff1d32a58fc2e9842292fa8ff"
    "2dbcf4fda7b4d6aed4a737c3c2930cf1"
)
OPEN_ORDERS = (
    "ef67f000642466f96a2924129c056880dbf107b6d76bec58a9f544b0eccfae4e"
    "13870a84d8ec73852d9862ec69382c5b"
)
EMPTY_DELETE = (
    "6b7a6208bcc7748d2702c3a86fa4b055b389a649dfd4afe538f0767d67ff061b"
    "9deb7be0f35fb68c0259a38a91302a9a"
)


def test_v33_order_signs_the_corrected_digest_not_the_published_copy() -> None:
    headers = rest_headers(KEY, SECRET, "/spot/api/v3.3/order", NONCE, BODY.encode())
    assert headers == {"request-api": KEY, "request-nonce": NONCE, "request-sign": V33_ORDER}
    assert headers["request-sign"] != V32_ORDER  # G33 reused the v3.2 digest


def test_v32_order_vector() -> None:
    assert rest_headers(KEY, SECRET, "/spot/api/v3.2/order", NONCE, BODY)["request-sign"] == (
        V32_ORDER
    )


def test_reduce_only_body_vector() -> None:
    sig = rest_headers(KEY, SECRET, "/api/v3.2/order", NONCE, BODY_REDUCE_ONLY)["request-sign"]
    assert sig == REDUCE_ONLY


def test_wallet_vector() -> None:
    headers = rest_headers(KEY, SECRET, "/spot/api/v3.2/user/wallet", "1624984297330")
    assert headers["request-sign"] == WALLET


def test_ws_spot_vector_and_auth_frame() -> None:
    args = ws_auth_args(KEY, SECRET, NONCE)
    assert args == [KEY, NONCE, WS_SPOT]
    frame = orjson.loads(codec.auth_frame(*args))
    assert frame == {"op": "authKeyExpires", "args": [KEY, NONCE, WS_SPOT]}


def test_ws_otc_corrected_vector() -> None:
    assert ws_auth_args(KEY, SECRET, NONCE, path="/ws/otc")[2] == WS_OTC
    assert WS_OTC != WS_SPOT


def test_open_orders_get_signs_path_without_query() -> None:
    url = "https://testapi.btse.io/spot/api/v3.3/user/open_orders?symbol=BTC-USDT"
    assert rest_headers(KEY, SECRET, url, NONCE)["request-sign"] == OPEN_ORDERS


def test_delete_signs_empty_body_and_no_query() -> None:
    path = "/spot/api/v3.3/order?symbol=BTC-USDT&orderID=0d1c2b3a"
    assert rest_headers(KEY, SECRET, path, NONCE, b"")["request-sign"] == EMPTY_DELETE


def test_sign_is_hmac_sha384_lowercase_hex() -> None:
    expected = hmac.new(b"k", b"m", hashlib.sha384).hexdigest()
    assert sign("k", "m") == expected
    assert expected == expected.lower() and len(expected) == 96


@pytest.mark.parametrize(
    ("url", "signed"),
    [
        ("/spot/api/v3.3/order", "/api/v3.3/order"),
        ("/spot/api/v3.3/order?symbol=BTC-USDT&orderID=x", "/api/v3.3/order"),
        ("https://api.btse.com/spot/api/v3.2/user/wallet", "/api/v3.2/user/wallet"),
        ("/public-api/wallet/v1/user/assets", "/public-api/wallet/v1/user/assets"),
        ("/api/v3.3/user/open_orders?symbol=X", "/api/v3.3/user/open_orders"),
        ("/spotlight/api", "/spotlight/api"),
    ],
)
def test_signing_path_strips_spot_prefix_and_query(url: str, signed: str) -> None:
    assert signing_path(url) == signed


def test_signature_message_concatenates_without_separators() -> None:
    assert signature_message("/api/v3.3/order", "1", b'{"a":1}') == '/api/v3.3/order1{"a":1}'


def test_nonce_strictly_increases_when_clock_steps_back() -> None:
    times = iter([1000.000, 999.000, 999.000, 1000.0005, 1000.0005, 2000.0])
    source = NonceSource(clock=lambda: next(times))
    nonces = [int(source.next()) for _ in range(6)]
    assert all(b > a for a, b in itertools.pairwise(nonces))
    assert nonces[0] == 1_000_000
    assert nonces[-1] == 2_000_000  # catches up with the clock again


def test_nonce_applies_clock_offset() -> None:
    source = NonceSource(clock=lambda: 1700000000.0)
    source.offset_ms = 1500
    assert source.next() == "1700000001500"
