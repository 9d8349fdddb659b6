"""Http11Transport against real sockets: scripted raw servers and the embedded exchange."""

from __future__ import annotations

import asyncio
import gzip
import shutil
import ssl
import subprocess
from collections.abc import Awaitable, Callable, Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from btse_tui.client.auth import BtseAuth
from btse_tui.client.http11 import Http11Transport
from btse_tui.client.rest import RestClient, make_http_client
from btse_tui.config import Secret
from btse_tui.protocol.endpoints import BaseUrls
from btse_tui.protocol.errors import RequestTimeout, TransportError
from btse_tui.protocol.models import OrderRequest, OrderType, Side
from btse_tui.protocol.signing import NonceSource
from btse_tui.sim.context import SimConfig
from btse_tui.sim.runner import SimServer

Reply = Callable[[bytes, asyncio.StreamWriter], Awaitable[bool]]


def answer(body: bytes, *, status: str = "200 OK", headers: str = "") -> bytes:
    """A whole HTTP/1.1 answer with Content-Length."""
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{headers}"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


class RawServer:
    """A loopback server that records each raw request and lets the test script the answer.

    `reply(request_bytes, writer)` writes the answer and returns False to close the connection.
    """

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.requests: list[bytes] = []
        self.received = asyncio.Event()  # set at each request
        self.connections = 0
        self.url = ""
        self._server: asyncio.Server | None = None
        self._handlers: list[asyncio.Task] = []

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        host, port = self._server.sockets[0].getsockname()[:2]
        self.url = f"http://{host}:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in self._handlers:
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._handlers.append(asyncio.current_task())  # type: ignore[arg-type]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                request = head + await reader.readexactly(length)
                self.requests.append(request)
                self.received.set()
                if not await self.reply(request, writer):
                    break
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def client(transport: Http11Transport, timeout: float = 2.0) -> httpx.AsyncClient:
    return make_http_client(timeout, transport=transport)


def always(data: bytes, keep: bool = True) -> Reply:
    async def reply(request: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(data)
        return keep

    return reply


async def test_keep_alive_serves_many_requests_on_one_connection() -> None:
    async with RawServer(always(answer(b'{"n": 1}'))) as server:
        transport = Http11Transport()
        async with client(transport) as http:
            replies = [(await http.get(server.url + f"/a?i={i}")).json() for i in range(20)]
    assert replies == [{"n": 1}] * 20
    assert server.connections == 1 and transport.connections_opened == 1
    first = server.requests[0].decode()
    assert first.startswith("GET /a?i=0 HTTP/1.1\r\n")
    assert f"host: {server.url.removeprefix('http://')}" in first.lower()
    assert "user-agent: btse-tui" in first.lower()


async def test_post_body_arrives_byte_for_byte() -> None:
    body = b'{"symbol":"BTC-USDT","size":"0.001"}'
    async with RawServer(always(answer(b"[]"))) as server, client(Http11Transport()) as http:
        response = await http.post(
            server.url + "/spot/api/v3.3/order",
            content=body,
            headers={"Content-Type": "application/json", "request-nonce": "1"},
        )
    assert response.status_code == 200
    head, _, sent = server.requests[0].partition(b"\r\n\r\n")
    assert sent == body
    assert b"content-length: 36" in head.lower() and b"request-nonce: 1" in head


async def test_chunked_body_with_extension_and_trailer() -> None:
    data = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;ext=1\r\n[1, 2\r\n"
        b"3\r\n, 3\r\n"
        b"1\r\n]\r\n"
        b"0\r\nX-Trailer: yes\r\n\r\n"
    )
    async with RawServer(always(data)) as server:
        transport = Http11Transport()
        async with client(transport) as http:
            first = await http.get(server.url + "/x")
            second = await http.get(server.url + "/x")
    assert first.json() == [1, 2, 3] and second.json() == [1, 2, 3]
    assert transport.connections_opened == 1  # the chunked end was found exactly


async def test_gzip_answer_is_decoded_by_httpx() -> None:
    packed = gzip.compress(b'{"price": "42000.5"}')
    gzipped = always(answer(packed, headers="Content-Encoding: gzip\r\n"))
    async with RawServer(gzipped) as server, client(Http11Transport()) as http:
        response = await http.get(server.url + "/x")
    assert response.json() == {"price": "42000.5"}


async def test_connection_close_and_read_to_end_open_a_new_connection_next_time() -> None:
    closing = answer(b"1", headers="Connection: close\r\n")
    no_length = b"HTTP/1.1 200 OK\r\n\r\n[1, 2]"
    replies = iter([(closing, False), (no_length, False), (answer(b"3"), True)])

    async def reply(request: bytes, writer: asyncio.StreamWriter) -> bool:
        data, keep = next(replies)
        writer.write(data)
        return keep

    async with RawServer(reply) as server:
        transport = Http11Transport()
        async with client(transport) as http:
            texts = [(await http.get(server.url + "/x")).text for _ in range(3)]
    assert texts == ["1", "[1, 2]", "3"]
    assert server.connections == 3


async def test_interim_100_continue_is_skipped_and_204_has_no_body() -> None:
    replies = iter(
        [
            b"HTTP/1.1 100 Continue\r\n\r\n" + answer(b'{"ok": true}'),
            b"HTTP/1.1 204 No Content\r\n\r\n",
            answer(b"after"),
        ]
    )
    async with RawServer(lambda request, writer: _write(writer, next(replies))) as server:
        transport = Http11Transport()
        async with client(transport) as http:
            first = await http.get(server.url + "/x")
            empty = await http.delete(server.url + "/x")
            last = await http.get(server.url + "/x")
    assert first.json() == {"ok": True}
    assert (empty.status_code, empty.content) == (204, b"")
    assert last.text == "after" and transport.connections_opened == 1


async def _write(writer: asyncio.StreamWriter, data: bytes) -> bool:
    writer.write(data)
    return True


async def test_get_on_a_connection_the_server_closed_while_idle_is_retried_once() -> None:
    """The server drops an idle keep-alive connection; the next GET still gets its answer."""
    async with RawServer(always(answer(b"fine"), keep=False)) as server:
        # The answer claims keep-alive but the server closes right after: a stale pool entry.
        transport = Http11Transport()
        async with client(transport) as http:
            assert (await http.get(server.url + "/x")).text == "fine"
            # Race the FIN: reuse the connection before the loop sees it closed.
            conn = transport._idle[next(iter(transport._idle))][0]
            conn.reader.at_eof = lambda: False  # type: ignore[method-assign]
            assert (await http.get(server.url + "/x")).text == "fine"
    assert server.connections == 2 and len(server.requests) == 2


async def test_post_without_an_answer_is_not_resent_and_reads_as_unknown() -> None:
    """A POST whose connection dies before any answer is never sent again by the transport."""

    async def hang_up(request: bytes, writer: asyncio.StreamWriter) -> bool:
        return False  # read the order, close without answering

    async with RawServer(hang_up) as server:
        urls = BaseUrls(server.url, "ws://unused", "ws://unused")
        auth = BtseAuth("key", Secret("secret"), NonceSource())
        async with client(Http11Transport()) as http:
            rest = RestClient(http, urls, auth)
            request = OrderRequest(
                "BTC-USDT", Side.BUY, OrderType.LIMIT, Decimal("0.001"), Decimal("20000")
            )
            with pytest.raises(TransportError) as raised:
                await rest.place_order(request)
    assert "without answering" in str(raised.value)
    assert len(server.requests) == 1  # the order went out once, never twice


async def test_silent_server_times_out_as_unknown_and_the_connection_is_dropped() -> None:
    calls = 0

    async def silent_then_fine(request: bytes, writer: asyncio.StreamWriter) -> bool:
        nonlocal calls
        calls += 1
        if calls == 1:
            return True  # swallow the first request, keep the socket open
        writer.write(answer(b"[]"))
        return True

    async with RawServer(silent_then_fine) as server:
        urls = BaseUrls(server.url, "ws://unused", "ws://unused")
        transport = Http11Transport()
        async with client(transport, timeout=0.3) as http:
            rest = RestClient(http, urls)
            with pytest.raises(RequestTimeout, match="outcome is unknown"):
                await rest.markets()
            assert await rest.markets() == []  # a late answer can never be read as this one
    assert server.connections == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"SPDY/3 200 OK\r\n\r\n", "not an HTTP/1.x status line"),
        (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "malformed header line"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n", "bad Content-Length"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "middle of the body"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size"),
        (b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n", "over 65536 bytes"),
    ],
)
async def test_malformed_answers_raise_a_protocol_error_naming_the_fault(
    data: bytes, message: str
) -> None:
    async with RawServer(always(data, keep=False)) as server, client(Http11Transport()) as http:
        with pytest.raises(httpx.RemoteProtocolError, match=message):
            await http.get(server.url + "/x")


async def test_pool_waits_for_a_free_connection_and_times_out() -> None:
    release = asyncio.Event()

    async def slow(request: bytes, writer: asyncio.StreamWriter) -> bool:
        await release.wait()
        writer.write(answer(b"late"))
        return True

    one = Http11Transport(max_connections=1)
    async with RawServer(slow) as server, make_http_client(5.0, transport=one) as http:
        first = asyncio.create_task(http.get(server.url + "/x"))
        await server.received.wait()
        with pytest.raises(httpx.PoolTimeout):
            await http.get(server.url + "/y", timeout=httpx.Timeout(5.0, pool=0.05))
        release.set()
        assert (await first).text == "late"


async def test_cancelled_request_never_leaves_its_answer_for_the_next_one() -> None:
    gate = asyncio.Event()
    served = 0

    async def answers(request: bytes, writer: asyncio.StreamWriter) -> bool:
        nonlocal served
        served += 1
        if served == 1:
            await gate.wait()
            writer.write(answer(b'"first"'))
        else:
            writer.write(answer(b'"second"'))
        return True

    async with RawServer(answers) as server, client(Http11Transport()) as http:
        task = asyncio.create_task(http.get(server.url + "/x"))
        await server.received.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        gate.set()
        assert (await http.get(server.url + "/x")).json() == "second"


async def test_refused_connection_is_a_transport_error() -> None:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    async with client(Http11Transport()) as http:
        with pytest.raises(httpx.ConnectError, match=f"127.0.0.1:{port}"):
            await http.get(f"http://127.0.0.1:{port}/x")


def test_proxy_in_the_environment_falls_back_to_httpx_transport(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert isinstance(make_http_client(tls=False)._transport, Http11Transport)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    assert not isinstance(make_http_client(tls=False)._transport, Http11Transport)


# ---------------------------------------------------------------------------- TLS


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    yield cert, key


async def test_tls_verifies_the_certificate(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(cert, key)

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(answer(b'"secure"'))
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=server_side)
    port = server.sockets[0].getsockname()[1]
    url = f"https://localhost:{port}/x"
    try:
        trusting = ssl.create_default_context(cafile=str(cert))
        async with client(Http11Transport(ssl_context=trusting)) as http:
            assert (await http.get(url)).json() == "secure"
        untrusting = ssl.create_default_context()  # system CAs: the self-signed cert fails
        async with client(Http11Transport(ssl_context=untrusting)) as http:
            with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                await http.get(url)
    finally:
        server.close()


# ---------------------------------------------------------------------------- the exchange


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    with SimServer(SimConfig(flow_rate=0)) as server:
        yield server


async def test_rest_client_trades_on_the_exchange_over_one_connection(sim: SimServer) -> None:
    key, secret = sim.demo_account
    urls = BaseUrls(sim.urls.rest, sim.urls.ws_spot, sim.urls.ws_oss)
    transport = Http11Transport()
    async with make_http_client(5.0, transport=transport) as http:
        rest = RestClient(http, urls, BtseAuth(key, Secret(secret), NonceSource()))
        markets = {m.symbol: m for m in await rest.markets()}
        btc = markets["BTC-USDT"]
        [ticker] = await rest.tickers(["BTC-USDT"])
        price = (ticker.bid * Decimal("0.5")).quantize(btc.tick)
        request = OrderRequest("BTC-USDT", Side.BUY, OrderType.LIMIT, btc.min_size, price)
        [ack] = await rest.place_order(request)
        assert [o.order_id for o in await rest.open_orders("BTC-USDT")] == [ack.order_id]
        await rest.cancel_order("BTC-USDT", order_id=ack.order_id)
        assert await rest.open_orders("BTC-USDT") == []
    assert transport.connections_opened == 1


async def test_a_connection_idle_past_the_keepalive_expiry_is_replaced_not_reused() -> None:
    now = [100.0]
    async with RawServer(always(answer(b"ok"))) as server:
        transport = Http11Transport(keepalive_expiry=4.0, monotonic=lambda: now[0])
        async with client(transport) as http:
            await http.get(server.url + "/x")
            now[0] += 3.9
            await http.get(server.url + "/x")
            assert transport.connections_opened == 1  # still warm: reused
            now[0] += 4.0
            await http.post(server.url + "/order", content=b"{}")
    assert transport.connections_opened == 2 and server.connections == 2
