"""/ws/oss/spot: order book snapshot + deltas (`update:SYMBOL_GROUPING`) and `snapshotL1:SYMBOL`."""

from __future__ import annotations

from starlette.websockets import WebSocket

from btse_tui.sim import wire
from btse_tui.sim.context import SimContext
from btse_tui.sim.hub import Conn
from btse_tui.sim.ws.connection import run_socket, subscription_ack

#: groupings BTSE serves; a larger one is acknowledged but never delivers (as observed live).
MAX_GROUPING = 8


def classify(ctx: SimContext, topic: object) -> tuple[str, str, int] | int:
    """Return ("update"|"l1"|"silent", symbol, grouping) for a valid topic, else an error code."""
    if not isinstance(topic, str):
        return 1002
    kind, sep, rest = topic.partition(":")
    if not sep or kind not in ("update", "snapshotL1"):
        return 1005
    if kind == "snapshotL1":
        return ("l1", rest, 0) if rest in ctx.engine.markets else 1000
    symbol, under, group = rest.rpartition("_")
    if not under:
        symbol, group = rest, "0"  # `update:BTC-USD` (the delta example's spelling)
    if not (group.isascii() and group.isdigit()):  # "²".isdigit() is true; int("²") fails
        return 1005
    if symbol not in ctx.engine.markets:
        return 1000
    grouping = int(group)
    return ("update" if grouping <= MAX_GROUPING else "silent", symbol, grouping)


def handle_op(ctx: SimContext, conn: Conn, op: str, args: list) -> None:
    """Answer one JSON frame on /ws/oss/spot (errors per btse-api.md §6.3)."""
    hub = ctx.hub
    if op not in ("subscribe", "unsubscribe"):
        conn.send(wire.error_frame(1001))
        return
    valid: list[tuple[str, tuple[str, str, int]]] = []
    for topic in dict.fromkeys(a if isinstance(a, str) else repr(a) for a in args):
        result = classify(ctx, topic)
        if isinstance(result, int):
            conn.send(wire.error_frame(result, topic))
        else:
            valid.append((topic, result))
    if op == "unsubscribe":
        for topic, _ in valid:
            hub.unsubscribe(conn, topic)
        conn.send(subscription_ack("unsubscribe", [t for t, _ in valid]))
        return
    conn.send(subscription_ack("subscribe", [t for t, _ in valid]))
    for topic, (kind, symbol, grouping) in valid:
        if kind == "update":
            hub.subscribe_book(conn, topic, symbol, grouping)
        elif kind == "l1":
            hub.subscribe_l1(conn, symbol)
        else:
            conn.subscribe(topic)


async def ws_oss(ws: WebSocket) -> None:
    """Starlette endpoint for /ws/oss/spot."""
    await run_socket(ws, ws.app.state.sim, "oss", handle_op)
