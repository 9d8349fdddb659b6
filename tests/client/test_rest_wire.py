"""RestClient on httpx's own transport against real sockets: every faulty reply is a BtseError."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal

import pytest

from btse_tui.client.auth import BtseAuth
from btse_tui.client.rest import RestClient, make_http_client
from btse_tui.config import Secret
from btse_tui.protocol.endpoints import BaseUrls
from btse_tui.protocol.errors import BtseError, ProtocolError, RequestTimeout, TransportError
from btse_tui.protocol.models import OrderRequest, OrderType, Side
from btse_tui.protocol.signing import NonceSource

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
        self.connections = 0
        self.url = ""
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

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

    def rest(self, *, signed: bool = False, timeout: float = 2.0) -> RestClient:
        urls = BaseUrls(self.url, "ws://unused", "ws://unused")
        auth = BtseAuth("key", Secret("secret"), NonceSource()) if signed else None
        return RestClient(make_http_client(timeout, tls=False), urls, auth)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                request = head + await reader.readexactly(length)
                self.requests.append(request)
                if not await self.reply(request, writer):
                    break
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def always(data: bytes, keep: bool = True) -> Reply:
    async def reply(request: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(data)
        return keep

    return reply


async def test_calls_share_one_kept_alive_connection() -> None:
    async with RawServer(always(answer(b"[]"))) as server:
        rest = server.rest()
        for _ in range(10):
            assert await rest.markets() == []
    assert server.connections == 1 and len(server.requests) == 10
    first = server.requests[0].decode().lower()
    assert first.startswith("get /public-api/market/v1/markets http/1.1\r\n")
    assert "user-agent: btse-tui" in first


@pytest.mark.parametrize(
    "data",
    [
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n[]\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"SPDY/3 200 OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope",
    ],
    ids=["chunk size -1", "chunk size zz", "status line", "header", "length", "short", "gzip"],
)
async def test_a_malformed_reply_is_a_transport_error(data: bytes) -> None:
    async with RawServer(always(data, keep=False)) as server:
        with pytest.raises(TransportError) as raised:
            await server.rest().markets()
    assert not isinstance(raised.value, RequestTimeout)
    assert "GET /public-api/market/v1/markets" in str(raised.value)


async def test_a_reply_that_is_not_json_is_a_protocol_error() -> None:
    async with RawServer(always(answer(b"<html>OK</html>"))) as server:
        with pytest.raises(ProtocolError, match="not JSON"):
            await server.rest().tickers()


async def test_an_order_whose_connection_dies_unanswered_is_sent_once_and_unknown() -> None:
    async def hang_up(request: bytes, writer: asyncio.StreamWriter) -> bool:
        return False  # read the order, close without answering

    async with RawServer(hang_up) as server:
        request = OrderRequest(
            "BTC-USDT", Side.BUY, OrderType.LIMIT, Decimal("0.001"), Decimal("20000")
        )
        with pytest.raises(TransportError):
            await server.rest(signed=True).place_order(request)
    assert len(server.requests) == 1  # the order went out once, never twice


async def test_a_silent_server_times_out_as_unknown_and_a_late_answer_is_never_read() -> None:
    calls = 0

    async def silent_then_fine(request: bytes, writer: asyncio.StreamWriter) -> bool:
        nonlocal calls
        calls += 1
        if calls == 1:
            return True  # swallow the first request, keep the socket open
        writer.write(answer(b"[]"))
        return True

    async with RawServer(silent_then_fine) as server:
        rest = server.rest(timeout=0.3)
        with pytest.raises(RequestTimeout, match="outcome is unknown"):
            await rest.markets()
        assert await rest.markets() == []
    assert server.connections == 2


async def test_a_reply_that_trickles_in_times_out_as_unknown() -> None:
    """httpx's read timeout is per read: the whole call still has a deadline."""
    body = b"[" + b" " * 400 + b"]"

    async def drip(request: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(answer(body)[: -len(body)])
        for i in range(len(body)):
            writer.write(body[i : i + 1])
            await writer.drain()
            await asyncio.sleep(0.01)
        return True

    async with RawServer(drip) as server:
        rest = server.rest(timeout=0.3)  # each byte comes well within 0.3 s
        started = asyncio.get_running_loop().time()
        with pytest.raises(RequestTimeout, match="outcome is unknown"):
            await rest.markets()
        assert asyncio.get_running_loop().time() - started < 2.0  # connect + read: 0.6 s


async def test_a_refused_connection_is_a_transport_error() -> None:
    listener = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    listener.close()
    await listener.wait_closed()
    urls = BaseUrls(f"http://127.0.0.1:{port}", "ws://unused", "ws://unused")
    with pytest.raises(BtseError) as raised:
        await RestClient(make_http_client(2.0, tls=False), urls).markets()
    assert type(raised.value) is TransportError
    assert "ConnectError" in str(raised.value)
