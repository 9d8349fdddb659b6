"""A hostile exchange: an HTTP + WebSocket proxy in front of the embedded one that lies on demand.

    proxy = HostileProxy(urls_of(sim))
    urls = await proxy.start()              # point a session at these
    proxy.rest = when("/ticker", edit_rows(lambda row: row.update(closeTime=raw("Infinity"))))
    proxy.frames = lambda stream, text: ...  # return new text, a list of texts, or None (drop)
    proxy.lose = lambda request: ...         # True: never forwarded, the connection is cut
    proxy.honest()                          # every reply and frame passes unchanged again
    await proxy.close()

A REST rule gets the upstream `Reply` (after the real exchange answered, so an order POST is
really placed) and returns the `Reply` to send: another status or body, `reset=True` (the
connection is cut without an answer), `drip_s` (the body trickles out a byte at a time) or
`declared_length` (a body shorter than its Content-Length: truncated) or `chunk_size` (the
body sent chunked under a size line that lies, e.g. `-1`). The rules below build the
usual lies: truncated JSON, an HTML error page, wrong types, NaN / Infinity / 1e400 tokens,
negatives, huge numbers, a multi-megabyte body. Runs on the test's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import httpx
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from btse_tui.protocol.endpoints import BaseUrls

_RAW = "\u0000raw:"
_MARKER = re.compile(r'"\\u0000raw:(.*?)\\u0000"')


@dataclasses.dataclass
class Reply:
    """One HTTP answer as the proxy will send it."""

    status: int
    body: bytes
    content_type: str = "application/json"
    reset: bool = False  # cut the connection instead of answering
    drip_s: float = 0.0  # pause between single bytes of the body
    declared_length: int | None = None  # a Content-Length other than the body's (truncation)
    chunk_size: str | None = None  # send the body as one chunk under this size line


@dataclasses.dataclass(frozen=True)
class Request:
    """What the client asked (method, path with query, body)."""

    method: str
    path: str
    body: bytes
    headers: dict[str, str] = dataclasses.field(default_factory=dict)


RestRule = Callable[[Request, Reply], Reply]
FrameRule = Callable[[str, str], "str | list[str] | None"]


# ---------------------------------------------------------------------------- building lies


def raw(token: str) -> str:
    """A JSON token written as is (`NaN`, `Infinity`, `1e400`) where a value goes."""
    return f"{_RAW}{token}\u0000"


def dumps(value: Any) -> bytes:
    """JSON text of `value`, with `raw(...)` markers turned into bare tokens."""
    return _MARKER.sub(r"\1", json.dumps(value)).encode()


def edit_json(edit: Callable[[Any], Any]) -> RestRule:
    """Parse the real body, let `edit` change it (in place, or return a new value), send it."""

    def rule(_request: Request, reply: Reply) -> Reply:
        value = json.loads(reply.body)
        changed = edit(value)
        return dataclasses.replace(reply, body=dumps(value if changed is None else changed))

    return rule


def edit_rows(edit: Callable[[dict], Any], *, first_only: bool = True) -> RestRule:
    """Apply `edit` to the first row (or every row) of a list reply, with or without envelope."""

    def change(value: Any) -> None:
        rows = value.get("data") if isinstance(value, dict) else value
        if isinstance(rows, dict):
            rows = rows.get("symbols", [rows])
        for row in rows[:1] if first_only else rows:
            edit(row)

    return edit_json(change)


def status(code: int, body: bytes | None = None, content_type: str = "text/html") -> RestRule:
    """Answer `code` (after the real exchange handled the request) with `body`."""
    page = body if body is not None else _html(code)
    return lambda _request, reply: Reply(code, page, content_type)


def reset() -> RestRule:
    """Cut the connection without an answer (after the real exchange handled the request)."""
    return lambda _request, reply: dataclasses.replace(reply, reset=True)


def truncated(keep: float = 0.5) -> RestRule:
    """Send only the first part of the body under the full Content-Length, then close."""
    return lambda _request, reply: dataclasses.replace(
        reply, body=reply.body[: int(len(reply.body) * keep)], declared_length=len(reply.body)
    )


def cut_json(keep: float = 0.5) -> RestRule:
    """A complete answer whose JSON text is cut short (`[{"symbol":"BTC-US`)."""
    return lambda _request, reply: dataclasses.replace(
        reply, body=reply.body[: int(len(reply.body) * keep)]
    )


def bad_chunks(size: str = "-1") -> RestRule:
    """The real body, chunked under a malformed size line (`-1`), then the connection closes."""
    return lambda _request, reply: dataclasses.replace(reply, chunk_size=size)


def huge(megabytes: int = 5) -> RestRule:
    """A valid JSON list padded to several megabytes with junk rows."""
    pad = b',{"junk":"' + b"x" * 1000 + b'"}'
    rows = pad * (megabytes * 1024)
    return lambda _request, reply: dataclasses.replace(reply, body=b"[" + rows[1:] + b"]")


def drip(seconds_per_byte: float = 0.01) -> RestRule:
    """The real answer, one byte at a time."""
    return lambda _request, reply: dataclasses.replace(reply, drip_s=seconds_per_byte)


def when(path_part: str, rule: RestRule, method: str | None = None) -> RestRule:
    """`rule` for requests whose path contains `path_part` (and method matches); others pass."""

    def chosen(request: Request, reply: Reply) -> Reply:
        if path_part in request.path and (method is None or request.method == method):
            return rule(request, reply)
        return reply

    return chosen


def _html(code: int) -> bytes:
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = "Error"
    return (
        f"<html><head><title>{code} {phrase}</title></head><body><center><h1>{code} {phrase}"
        "</h1></center><hr><center>nginx</center></body></html>"
    ).encode()


# ---------------------------------------------------------------------------- the proxy


class HostileProxy:
    """HTTP/1.1 keep-alive proxy and WebSocket relay in front of `upstream`."""

    def __init__(self, upstream: BaseUrls) -> None:
        self.upstream = upstream
        self.rest: RestRule | None = None
        self.frames: FrameRule | None = None
        #: requests it matches never reach the exchange: the connection is cut (lost in transit)
        self.lose: Callable[[Request], bool] | None = None
        self.requests: list[Request] = []
        self.frames_changed = 0
        self._http = httpx.AsyncClient(timeout=30)
        self._server: asyncio.Server | None = None
        self._ws: Any = None
        self._connections: set[asyncio.StreamWriter] = set()

    def honest(self) -> None:
        """Pass every reply and frame through unchanged from now on."""
        self.rest = None
        self.frames = None
        self.lose = None

    async def start(self) -> BaseUrls:
        """Listen on two loopback ports; the URLs a client should use."""
        self._server = await asyncio.start_server(self._serve_http, "127.0.0.1", 0)
        http_port = self._server.sockets[0].getsockname()[1]
        self._ws = await serve(self._relay, "127.0.0.1", 0, max_size=None, compression=None)
        ws_port = next(iter(self._ws.sockets)).getsockname()[1]
        return BaseUrls(
            f"http://127.0.0.1:{http_port}",
            f"ws://127.0.0.1:{ws_port}/ws/spot",
            f"ws://127.0.0.1:{ws_port}/ws/oss/spot",
        )

    async def close(self) -> None:
        """Stop listening and drop every connection."""
        for writer in list(self._connections):
            writer.transport.abort()
        if self._server is not None:
            self._server.close()
        if self._ws is not None:
            self._ws.close()
            await self._ws.wait_closed()
        await self._http.aclose()

    # -- HTTP -------------------------------------------------------------------------------

    async def _serve_http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._connections.add(writer)
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    return
                if self.lose is not None and self.lose(request):
                    self.requests.append(request)
                    writer.transport.abort()
                    return
                reply = await self._forward(request)
                rule = self.rest
                if rule is not None:
                    reply = rule(request, reply)
                if not await _write_reply(writer, reply):
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            self._connections.discard(writer)
            writer.close()

    async def _forward(self, request: Request) -> Reply:
        self.requests.append(request)
        upstream = await self._http.request(
            request.method,
            self.upstream.rest.rstrip("/") + request.path,
            content=request.body or None,
            headers=request.headers,
        )
        return Reply(
            upstream.status_code,
            upstream.content,
            upstream.headers.get("content-type", "application/json"),
        )

    # -- WebSocket ---------------------------------------------------------------------------

    async def _relay(self, client: ServerConnection) -> None:
        path = client.request.path if client.request is not None else "/ws/spot"
        name = "oss" if "oss" in path else "spot"
        target = self.upstream.ws_oss if name == "oss" else self.upstream.ws_spot
        async with connect(target, max_size=None, compression=None) as upstream:

            async def up() -> None:
                async for message in client:
                    await upstream.send(message)

            async def down() -> None:
                async for message in upstream:
                    text = message if isinstance(message, str) else message.decode()
                    rule = self.frames
                    out = rule(name, text) if rule is not None else text
                    if out != text:
                        self.frames_changed += 1
                    for item in [] if out is None else [out] if isinstance(out, str) else out:
                        await client.send(item)

            tasks = [asyncio.create_task(up()), asyncio.create_task(down())]
            with contextlib.suppress(ConnectionClosed):
                done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                for task in pending:
                    task.cancel()
                for task in done:
                    task.result()


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    body = await reader.readexactly(length) if length else b""
    # signed calls carry their auth headers: pass the BTSE ones on
    passed = {k: v for k, v in headers.items() if k.startswith("request-") or k == "content-type"}
    return Request(method, target, body, passed)


async def _write_reply(writer: asyncio.StreamWriter, reply: Reply) -> bool:
    """Write `reply`; False when the connection must close after it."""
    if reply.reset:
        writer.transport.abort()
        return False
    length = len(reply.body) if reply.declared_length is None else reply.declared_length
    try:
        phrase = HTTPStatus(reply.status).phrase
    except ValueError:
        phrase = "Unknown"
    framing = f"Content-Length: {length}"
    if reply.chunk_size is not None:
        framing = "Transfer-Encoding: chunked"
    head = (
        f"HTTP/1.1 {reply.status} {phrase}\r\nContent-Type: {reply.content_type}\r\n"
        f"{framing}\r\n\r\n"
    ).encode()
    writer.write(head)
    if reply.chunk_size is not None:
        writer.write(f"{reply.chunk_size}\r\n".encode() + reply.body + b"\r\n0\r\n\r\n")
        await writer.drain()
        writer.transport.abort()
        return False
    if reply.drip_s > 0:
        for i in range(len(reply.body)):
            writer.write(reply.body[i : i + 1])
            await writer.drain()
            await asyncio.sleep(reply.drip_s)
    else:
        writer.write(reply.body)
    await writer.drain()
    if reply.declared_length is not None and reply.declared_length != len(reply.body):
        writer.transport.abort()
        return False
    return True
