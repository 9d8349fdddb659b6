"""A lean HTTP/1.1 keep-alive transport for httpx: the app's REST calls without httpcore's cost.

httpx stays the API (requests, timeouts, errors, content decoding); this replaces only the
layer below it. httpcore + h11 cost about 0.5 ms per call on a 2-core box, half of a loopback
round trip; this transport costs about 0.05 ms. It speaks the subset of HTTP/1.1 a JSON API
needs: one request per connection at a time, Content-Length, chunked and read-to-close bodies,
Connection: close, interim 1xx answers, TLS with the given context. Bodies are read whole
(no streaming); HTTP/2, proxies and upgrades are not supported (`make_http_client` falls back
to httpx's own transport when a proxy is configured).

Only a GET/HEAD whose reused keep-alive connection turns out closed before a single byte of the
answer arrived is retried, once, on a fresh connection. Anything else (a POST that got no
answer above all) surfaces as an httpx error: the order's outcome is unknown and the session
checks it instead of resending.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

MAX_HEAD_BYTES = 64 * 1024
MAX_BODY_BYTES = 64 * 1024 * 1024
#: an idle connection is reused only this long: under the 5 s idle timeout of uvicorn (the demo)
#: and other common servers, so an order is not written to a socket the server is closing
KEEPALIVE_EXPIRY_S = 4.0
_HEAD_END = b"\r\n\r\n"
_CRLF = b"\r\n"
_RETRYABLE = frozenset({"GET", "HEAD"})
_DEFAULT_PORT = {b"http": 80, b"https": 443}

T = TypeVar("T")
Origin = tuple[bytes, str, int]


class _NoAnswer(Exception):
    """The connection closed before the first byte of an answer: maybe stale, maybe not sent."""


class _Connection:
    """One socket to an origin, used by one request at a time."""

    __slots__ = ("idle_since", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.idle_since = 0.0

    def reusable(self, now: float, expiry: float) -> bool:
        """Still open, not at EOF, no pending error, and not idle too long."""
        return (
            now - self.idle_since < expiry
            and not self.reader.at_eof()
            and self.reader.exception() is None
            and not self.writer.is_closing()
        )

    def close(self) -> None:
        """Close without waiting (the peer learns it from the FIN)."""
        if not self.writer.is_closing():
            self.writer.close()


async def _within(seconds: float | None, step: Awaitable[T]) -> T:
    """Await `step`, raising TimeoutError after `seconds` (None = no limit)."""
    if seconds is None:
        return await step
    async with asyncio.timeout(seconds):
        return await step


class Http11Transport(httpx.AsyncBaseTransport):
    """Keep-alive pool of plain asyncio streams; honours httpx's per-request timeouts.

    `max_connections` bounds requests in flight (the pool timeout applies to waiting for one);
    idle connections older than `keepalive_expiry` seconds are closed instead of reused.
    """

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext | None = None,
        max_connections: int = 10,
        keepalive_expiry: float = KEEPALIVE_EXPIRY_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ssl_context = ssl_context
        self._max = max_connections
        self._expiry = keepalive_expiry
        self._monotonic = monotonic
        self._slots = asyncio.Semaphore(max_connections)
        self._idle: dict[Origin, list[_Connection]] = {}
        self._closed = False
        self.connections_opened = 0

    # ------------------------------------------------------------------ httpx interface

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` and return its answer with the whole body read."""
        if self._closed:
            raise RuntimeError("the HTTP transport is closed")
        timeouts = request.extensions.get("timeout", {})
        try:
            await _within(timeouts.get("pool"), self._slots.acquire())
        except TimeoutError:
            raise httpx.PoolTimeout("no free connection in time", request=request) from None
        try:
            return await self._exchange(request, timeouts)
        finally:
            self._slots.release()

    async def aclose(self) -> None:
        """Close every idle connection; later requests raise."""
        self._closed = True
        for pool in self._idle.values():
            for conn in pool:
                conn.close()
        self._idle.clear()

    # ------------------------------------------------------------------ one exchange

    async def _exchange(self, request: httpx.Request, timeouts: dict) -> httpx.Response:
        url = request.url
        port = url.port or _DEFAULT_PORT.get(url.raw_scheme)
        if port is None:
            raise httpx.UnsupportedProtocol(f"unsupported scheme {url.scheme!r}", request=request)
        origin: Origin = (url.raw_scheme, url.host, port)
        payload = _request_bytes(request, await request.aread())
        retry = request.method in _RETRYABLE
        while True:
            conn, reused = self._checkout(origin)
            if conn is None:
                conn = await self._connect(origin, timeouts, request)
            try:
                response, keep = await self._send_and_read(conn, payload, request, timeouts)
            except _NoAnswer:
                conn.close()
                if reused and retry:
                    retry = False
                    continue
                raise httpx.RemoteProtocolError(
                    "the server closed the connection without answering", request=request
                ) from None
            except BaseException:
                conn.close()  # mid-answer (error, timeout or cancel): the stream is unusable
                raise
            if keep and not self._closed:
                self._checkin(origin, conn)
            else:
                conn.close()
            return response

    def _checkout(self, origin: Origin) -> tuple[_Connection | None, bool]:
        pool = self._idle.get(origin)
        now = self._monotonic()
        while pool:
            conn = pool.pop()
            if conn.reusable(now, self._expiry):
                return conn, True
            conn.close()
        return None, False

    def _checkin(self, origin: Origin, conn: _Connection) -> None:
        pool = self._idle.setdefault(origin, [])
        if len(pool) >= self._max:
            conn.close()
            return
        conn.idle_since = self._monotonic()
        pool.append(conn)

    async def _connect(self, origin: Origin, timeouts: dict, request: httpx.Request) -> _Connection:
        scheme, host, port = origin
        context = None
        if scheme == b"https":
            context = self._ssl_context or httpx.create_ssl_context()
            self._ssl_context = context
        try:
            reader, writer = await _within(
                timeouts.get("connect"),
                asyncio.open_connection(
                    host,
                    port,
                    ssl=context,
                    server_hostname=host if context is not None else None,
                    limit=MAX_HEAD_BYTES,
                ),
            )
        except TimeoutError:
            raise httpx.ConnectTimeout(
                f"connecting to {host}:{port} timed out", request=request
            ) from None
        except OSError as exc:  # refused, unreachable, DNS, TLS verification
            raise httpx.ConnectError(f"{host}:{port}: {exc}", request=request) from None
        self.connections_opened += 1
        return _Connection(reader, writer)

    async def _send_and_read(
        self, conn: _Connection, payload: bytes, request: httpx.Request, timeouts: dict
    ) -> tuple[httpx.Response, bool]:
        try:
            conn.writer.write(payload)
            await _within(timeouts.get("write"), conn.writer.drain())
        except TimeoutError:
            raise httpx.WriteTimeout("sending the request timed out", request=request) from None
        except OSError:
            raise _NoAnswer from None
        reader = _Reader(conn.reader, timeouts.get("read"), request)
        status, reason, headers, version = await reader.head()
        while 100 <= status < 200 and status != 101:  # interim answers (100 Continue, 103)
            status, reason, headers, version = await reader.head(first=False)
        body, keep = await reader.body(request.method, status, headers, version)
        response = httpx.Response(
            status,
            headers=headers,
            stream=httpx.ByteStream(body),
            extensions={"http_version": version, "reason_phrase": reason},
        )
        return response, keep


def _request_bytes(request: httpx.Request, body: bytes) -> bytes:
    """Request line, headers and body as one buffer (one write, one segment when small)."""
    parts = [request.method.encode("ascii"), b" ", request.url.raw_path, b" HTTP/1.1\r\n"]
    for name, value in request.headers.raw:
        if b"\n" in value or b"\r" in value:
            raise httpx.LocalProtocolError(
                f"header {name.decode('latin-1')!r} contains a line break", request=request
            )
        parts += (name, b": ", value, _CRLF)
    parts.append(_CRLF)
    parts.append(body)
    return b"".join(parts)


class _Reader:
    """Reads one answer from a connection, mapping failures to httpx's errors."""

    __slots__ = ("_request", "_stream", "_timeout")

    def __init__(
        self, stream: asyncio.StreamReader, timeout: float | None, request: httpx.Request
    ) -> None:
        self._stream = stream
        self._timeout = timeout
        self._request = request

    def _broken(self, what: str) -> httpx.RemoteProtocolError:
        return httpx.RemoteProtocolError(what, request=self._request)

    async def _read(self, step: Awaitable[bytes], what: str, *, first: bool = False) -> bytes:
        """Await one read; `first` marks the answer's first read (nothing received yet)."""
        try:
            return await _within(self._timeout, step)
        except TimeoutError:
            raise httpx.ReadTimeout(f"no {what} in time", request=self._request) from None
        except asyncio.IncompleteReadError as exc:
            if first and not exc.partial:
                raise _NoAnswer from None
            raise self._broken(f"the connection closed in the middle of the {what}") from None
        except asyncio.LimitOverrunError:
            raise self._broken(f"the {what} is over {MAX_HEAD_BYTES} bytes") from None
        except ConnectionResetError:
            if first:
                raise _NoAnswer from None
            raise httpx.ReadError(
                f"the connection reset while reading the {what}", request=self._request
            ) from None
        except OSError as exc:
            raise httpx.ReadError(f"reading the {what}: {exc}", request=self._request) from None

    async def head(
        self, *, first: bool = True
    ) -> tuple[int, bytes, list[tuple[bytes, bytes]], bytes]:
        """Status, reason, headers and version of the next answer."""
        raw = await self._read(self._stream.readuntil(_HEAD_END), "answer head", first=first)
        return self._parse_head(raw)

    def _parse_head(self, raw: bytes) -> tuple[int, bytes, list[tuple[bytes, bytes]], bytes]:
        lines = raw[: -len(_HEAD_END)].split(_CRLF)
        version, _, rest = lines[0].partition(b" ")
        code, _, reason = rest.partition(b" ")
        if version not in (b"HTTP/1.1", b"HTTP/1.0") or len(code) != 3 or not code.isdigit():
            raise self._broken(f"not an HTTP/1.x status line: {lines[0][:80]!r}")
        headers = []
        for line in lines[1:]:
            name, colon, value = line.partition(b":")
            if not colon or not name or name != name.strip():
                raise self._broken(f"malformed header line: {line[:80]!r}")
            headers.append((name, value.strip()))
        return int(code), reason, headers, version

    async def body(
        self, method: str, status: int, headers: list[tuple[bytes, bytes]], version: bytes
    ) -> tuple[bytes, bool]:
        """The whole body and whether the connection can serve another request."""
        length: int | None = None
        chunked = False
        keep = version == b"HTTP/1.1"
        for name, value in headers:
            key = name.lower()
            if key == b"content-length":
                if not value.isdigit() or (length is not None and int(value) != length):
                    raise self._broken(f"bad Content-Length {value[:40]!r}")
                length = int(value)
            elif key == b"transfer-encoding":
                chunked = value.lower().rsplit(b",", 1)[-1].strip() == b"chunked"
            elif key == b"connection" and b"close" in value.lower():
                keep = False
        if method == "HEAD" or status in (204, 304):
            return b"", keep
        if chunked:
            return await self._chunked(), keep
        if length is not None:
            if length > MAX_BODY_BYTES:
                raise self._broken(f"the body of {length} bytes is over {MAX_BODY_BYTES}")
            return await self._read(self._stream.readexactly(length), "body"), keep
        body = await self._read(self._stream.read(), "body")  # no length: up to the close
        if len(body) > MAX_BODY_BYTES:
            raise self._broken(f"the body is over {MAX_BODY_BYTES} bytes")
        return body, False

    async def _chunked(self) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            line = await self._read(self._stream.readuntil(_CRLF), "chunk size")
            size_text = line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise self._broken(f"bad chunk size {size_text[:20]!r}") from None
            if size == 0:
                while await self._read(self._stream.readuntil(_CRLF), "trailer") != _CRLF:
                    pass
                return b"".join(parts)
            total += size
            if total > MAX_BODY_BYTES:
                raise self._broken(f"the chunked body is over {MAX_BODY_BYTES} bytes")
            parts.append(await self._read(self._stream.readexactly(size), "chunk"))
            if await self._read(self._stream.readexactly(2), "chunk end") != _CRLF:
                raise self._broken("a chunk does not end with CRLF")
