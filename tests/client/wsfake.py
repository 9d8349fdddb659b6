"""A tiny scriptable loopback BTSE WebSocket server for stream tests (not the simulator)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

OnSubscribe = Callable[["FakeConn", list[str]], Awaitable[None]]


class FakeConn:
    """One accepted client connection: what it sent, and ways to talk back or drop it."""

    def __init__(self, ws: ServerConnection) -> None:
        self.ws = ws
        self.received: list[str] = []
        self._inbox: asyncio.Queue[str] = asyncio.Queue()
        self.closed = asyncio.Event()

    def frames(self, op: str | None = None) -> list[dict]:
        """Received JSON frames (optionally only those with this `op`)."""
        out = []
        for text in self.received:
            if text == "ping":
                continue
            frame = json.loads(text)
            if op is None or frame.get("op") == op:
                out.append(frame)
        return out

    async def next_message(self, predicate: Callable[[str], bool], within: float = 5.0) -> str:
        """Wait for the next received message matching `predicate`."""

        async def wait() -> str:
            while True:
                message = await self._inbox.get()
                if predicate(message):
                    return message

        return await asyncio.wait_for(wait(), within)

    async def send(self, frame: str | dict[str, Any]) -> None:
        """Send a text frame (dicts are JSON-encoded)."""
        await self.ws.send(frame if isinstance(frame, str) else json.dumps(frame))

    async def drop(self, code: int = 1011) -> None:
        """Close the socket from the server side."""
        await self.ws.close(code)


class FakeWsServer:
    """Loopback server speaking just enough of BTSE's socket protocol.

    answer_ping: reply `pong` to `ping`. login_reply: True/False → `{"event":"login",...}`,
    None → never answer the login. ack: answer subscribe/unsubscribe; topics in `ack_drop`
    are left out of acks. close_on_accept: finish the handshake, then close at once.
    on_subscribe(conn, topics): called after each acked subscribe (e.g. to send snapshots).
    """

    def __init__(
        self,
        *,
        path: str = "/ws/spot",
        answer_ping: bool = True,
        login_reply: bool | None = True,
        ack: bool = True,
        ack_drop: frozenset[str] = frozenset(),
        close_on_accept: bool = False,
        on_subscribe: OnSubscribe | None = None,
    ) -> None:
        self.path = path
        self.answer_ping = answer_ping
        self.login_reply = login_reply
        self.ack = ack
        self.ack_drop = ack_drop
        self.close_on_accept = close_on_accept
        self.on_subscribe = on_subscribe
        self.connections: list[FakeConn] = []
        self._new: asyncio.Queue[FakeConn] = asyncio.Queue()
        self._server: Server | None = None
        self.url = ""

    async def __aenter__(self) -> FakeWsServer:
        self._server = await serve(self._handler, "127.0.0.1", 0, ping_interval=None)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"ws://127.0.0.1:{port}{self.path}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        await asyncio.wait_for(self._server.wait_closed(), 5)

    async def next_connection(self, within: float = 5.0) -> FakeConn:
        """Wait for the next accepted connection."""
        return await asyncio.wait_for(self._new.get(), within)

    async def _handler(self, ws: ServerConnection) -> None:
        conn = FakeConn(ws)
        self.connections.append(conn)
        self._new.put_nowait(conn)
        if self.close_on_accept:
            conn.closed.set()
            return
        try:
            async for message in ws:
                text = message if isinstance(message, str) else message.decode()
                conn.received.append(text)
                conn._inbox.put_nowait(text)
                await self._answer(conn, text)
        except ConnectionClosed:
            pass
        finally:
            conn.closed.set()

    async def _answer(self, conn: FakeConn, text: str) -> None:
        if text == "ping":
            if self.answer_ping:
                await conn.send("pong")
            return
        frame = json.loads(text)
        op = frame.get("op")
        args = list(frame.get("args") or [])
        if op == "authKeyExpires" and self.login_reply is not None:
            await conn.send({"event": "login", "success": self.login_reply})
        elif op in ("subscribe", "unsubscribe") and self.ack:
            accepted = [t for t in args if t not in self.ack_drop]
            await conn.send({"event": op, "channel": accepted})
            if op == "subscribe" and self.on_subscribe is not None:
                await self.on_subscribe(conn, accepted)
