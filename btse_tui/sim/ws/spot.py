"""/ws/spot: login (authKeyExpires), notificationApiV3, fills and tradeHistoryApi:SYMBOL."""

from __future__ import annotations

from starlette.websockets import WebSocket

from btse_tui.sim import wire
from btse_tui.sim.access.auth import verify_ws
from btse_tui.sim.context import SimContext
from btse_tui.sim.hub import Conn
from btse_tui.sim.ws.connection import run_socket, subscription_ack

PRIVATE_TOPICS = ("notificationApiV3", "fills")
TRADES_PREFIX = "tradeHistoryApi:"


def _valid(ctx: SimContext, topic: object) -> bool:
    if not isinstance(topic, str):
        return False
    if topic in PRIVATE_TOPICS:
        return True
    return topic.startswith(TRADES_PREFIX) and topic[len(TRADES_PREFIX) :] in ctx.engine.markets


def handle_op(ctx: SimContext, conn: Conn, op: str, args: list) -> None:
    """Answer one JSON frame on /ws/spot; invalid topics are silently left out of the ack."""
    hub = ctx.hub
    if op == "subscribe":
        valid = [t for t in dict.fromkeys(a for a in args if isinstance(a, str)) if _valid(ctx, t)]
        conn.send(subscription_ack("subscribe", valid))
        for topic in valid:
            if topic.startswith(TRADES_PREFIX):
                hub.subscribe_trades(conn, topic[len(TRADES_PREFIX) :])
            else:
                conn.subscribe(topic)
    elif op == "unsubscribe":
        valid = [t for t in dict.fromkeys(a for a in args if isinstance(a, str)) if _valid(ctx, t)]
        for topic in valid:
            hub.unsubscribe(conn, topic)
        conn.send(subscription_ack("unsubscribe", valid))
    elif op == "authKeyExpires":
        account = None
        if not ctx.faults.reject_auth:
            window_ms = int(ctx.config.nonce_window_s * 1000)
            account = verify_ws(ctx.engine.account_for_key, args, ctx.now_ms(), window_ms)
        if account is not None:
            hub.login(conn, account.api_key)
            ok = True
        else:
            hub.logout(conn)
            ok = False
        conn.send(wire.fast_dumps({"event": "login", "success": ok}))
    else:
        conn.send(wire.error_frame(1001))


async def ws_spot(ws: WebSocket) -> None:
    """Starlette endpoint for /ws/spot."""
    await run_socket(ws, ws.app.state.sim, "spot", handle_op)
