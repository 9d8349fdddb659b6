"""The shared WebSocket loop of /ws/spot and /ws/oss/spot: accept, ping/pong, frame dispatch."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

import orjson
from starlette.websockets import WebSocket

from btse_tui.sim import wire
from btse_tui.sim.context import SimContext
from btse_tui.sim.hub import Conn

log = logging.getLogger(__name__)

#: handler(ctx, conn, op, args) for one parsed JSON frame.
OpHandler = Callable[[SimContext, Conn, str, list], None]


def parse_args(msg: Any) -> tuple[str, list] | None:
    """Return (op, args) of a `{"op":…,"args":[…]}` frame, or None if it is malformed."""
    if not isinstance(msg, dict):
        return None
    op = msg.get("op")
    args = msg.get("args", [])
    if not isinstance(op, str) or not isinstance(args, list):
        return None
    return op, args


def subscription_ack(event: str, topics: list[str]) -> str:
    """`{"event":"subscribe"|"unsubscribe","channel":[…valid topics…]}`."""
    return wire.fast_dumps({"event": event, "channel": topics})


async def run_socket(ws: WebSocket, ctx: SimContext, kind: str, on_op: OpHandler) -> None:
    """Serve one socket until either side closes it."""
    await ws.accept()
    hub = ctx.hub
    conn = Conn(ws, hub, kind)
    if ctx.faults.drop_sockets:
        await ws.close(code=1001, reason="dropped")
        return
    hub.add(conn)
    writer = asyncio.create_task(conn.writer())
    try:
        while not conn.closed:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                break
            text = message.get("text")
            if text is None:
                raw = message.get("bytes") or b""
                text = raw.decode(errors="replace")
            if ctx.faults.stall:
                continue
            conn.last_seen = time.monotonic()
            if text == "ping":
                conn.send("pong")
                continue
            try:
                parsed = parse_args(orjson.loads(text))
            except orjson.JSONDecodeError:
                conn.send(wire.error_frame(1002))
                continue
            if parsed is None:
                conn.send(wire.error_frame(1002))
                continue
            try:
                on_op(ctx, conn, parsed[0], parsed[1])
            except Exception:
                # a bug, not the client's fault: logged, and one bad frame never ends the socket
                log.exception("simulator %s frame handler failed: %.200s", kind, text)
                conn.send(wire.error_frame(1002))
    finally:
        hub.remove(conn)
        if not writer.done():
            # let queued frames (e.g. a close) go out, but never hang on a dead peer
            with contextlib.suppress(asyncio.TimeoutError, Exception):
                await asyncio.wait_for(asyncio.shield(writer), 0.05)
            writer.cancel()
