"""WebSocket codec: outgoing frames and the hot-path decoder of /ws/spot and /ws/oss/spot frames."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from btse_tui.protocol.codec_json import dec, to_bool
from btse_tui.protocol.codec_orders import fill_from_row, order_from_row
from btse_tui.protocol.codec_rest import trade_from_row
from btse_tui.protocol.errors import ProtocolError
from btse_tui.protocol.events import (
    AuthResult,
    BookDelta,
    BookSnapshot,
    BookTop,
    FillsReceived,
    OrderUpdated,
    Pong,
    StreamError,
    StreamEvent,
    SubscribeAck,
    TradesPrinted,
    UnknownFrame,
)

PING = "ping"
_PONGS = frozenset({"pong", b"pong"})
_Decimal = Decimal
_str = str


def subscribe_frame(topics: Iterable[str]) -> str:
    """`{"op":"subscribe","args":[…]}`."""
    return orjson.dumps({"op": "subscribe", "args": list(topics)}).decode()


def unsubscribe_frame(topics: Iterable[str]) -> str:
    """`{"op":"unsubscribe","args":[…]}`."""
    return orjson.dumps({"op": "unsubscribe", "args": list(topics)}).decode()


def auth_frame(api_key: str, nonce: str, signature: str) -> str:
    """`{"op":"authKeyExpires","args":[key, nonce, signature]}` (§2.2)."""
    return orjson.dumps({"op": "authKeyExpires", "args": [api_key, nonce, signature]}).decode()


# ---------------------------------------------------------------------------- topic handlers


def _levels(entries: Any) -> tuple[tuple[Decimal, Decimal], ...]:
    if not entries:
        return ()
    D = _Decimal
    s = _str
    out = []
    for entry in entries:
        price, size = entry[0], entry[1]
        p = D(price) if type(price) is s else dec(price, "price")
        q = D(size) if type(size) is s else dec(size, "size")
        if not (p.is_finite() and q.is_finite()):
            raise ProtocolError(f"non-finite book level {entry!r}")
        out.append((p, q))
    return tuple(out)


def _symbol_from_topic(topic: str) -> str:
    """`update:BTC-USDT_0` → `BTC-USDT`; `update:K_PEIPEI-USDT` keeps its prefix."""
    rest = topic.partition(":")[2]
    head, sep, tail = rest.rpartition("_")
    return head if sep and tail.isdigit() else rest


def _book(topic: str, frame: dict) -> list[StreamEvent]:
    data = frame["data"]
    symbol = data.get("symbol") or _symbol_from_topic(topic)
    kind = data.get("type")
    bids = _levels(data.get("bids"))
    asks = _levels(data.get("asks"))
    seq = int(data.get("seqNum") or 0)
    ts = int(data.get("timestamp") or 0)
    if kind == "snapshot":
        return [BookSnapshot(symbol, topic, bids, asks, seq, ts)]
    if kind == "delta":
        prev = data.get("prevSeqNum")
        return [
            BookDelta(symbol, topic, bids, asks, seq, int(prev) if prev is not None else -1, ts)
        ]
    return [UnknownFrame(orjson.dumps(frame).decode())]


def _top(topic: str, frame: dict) -> list[StreamEvent]:
    data = frame["data"]
    bids = _levels(data.get("bids"))
    asks = _levels(data.get("asks"))
    bid = max(bids, key=lambda lv: lv[0]) if bids else (None, None)
    ask = min(asks, key=lambda lv: lv[0]) if asks else (None, None)
    return [
        BookTop(
            symbol=data.get("symbol") or _symbol_from_topic(topic),
            bid=bid[0],
            bid_size=bid[1],
            ask=ask[0],
            ask_size=ask[1],
            timestamp_ms=int(data.get("timestamp") or 0),
        )
    ]


def _notification(topic: str, frame: dict) -> list[StreamEvent]:
    data = frame["data"]
    if isinstance(data, list):  # legacy (pre-2023-08) array form
        return [OrderUpdated(order_from_row(row)) for row in data]
    return [OrderUpdated(order_from_row(data))]


def _fills(topic: str, frame: dict) -> list[StreamEvent]:
    data = frame["data"]
    rows = data if isinstance(data, list) else [data]
    return [FillsReceived(tuple(fill_from_row(row) for row in rows))]


def _trades(topic: str, frame: dict) -> list[StreamEvent]:
    symbol = topic.partition(":")[2]
    data = frame["data"]
    rows = data if isinstance(data, list) else [data]
    printed = sorted((trade_from_row(row, symbol) for row in rows), key=lambda t: t.timestamp_ms)
    return [TradesPrinted(symbol, tuple(printed))]


_TOPIC_HANDLERS: dict[str, Callable[[str, dict], list[StreamEvent]]] = {
    "update": _book,
    "snapshotL1": _top,
    "notificationApiV3": _notification,
    "fills": _fills,
    "tradeHistoryApi": _trades,
}


def _event(frame: dict) -> list[StreamEvent] | None:
    event = frame.get("event")
    if event in ("login", "authKeyExpires", "auth"):
        message = frame.get("message") or frame.get("msg") or ""
        return [AuthResult(success=to_bool(frame.get("success")), message=str(message))]
    if event in ("subscribe", "unsubscribe"):
        channel = frame.get("channel") or frame.get("args") or ()
        if isinstance(channel, str):
            channel = (channel,)
        return [SubscribeAck(op=event, topics=tuple(str(t) for t in channel))]
    if event == "error":
        code = frame.get("code")
        return [
            StreamError(
                code=int(code) if isinstance(code, int) else 0,
                message=str(frame.get("message") or frame.get("msg") or ""),
            )
        ]
    return None


def _errors(frame: dict) -> list[StreamEvent]:
    out: list[StreamEvent] = []
    for item in frame.get("errors") or ():
        err = item.get("error") or {}
        code = err.get("code")
        out.append(
            StreamError(
                code=int(code) if isinstance(code, int) else 0,
                message=str(err.get("message") or ""),
                arg=str(item.get("arg") or ""),
            )
        )
    return out


def _raw_text(raw: str | bytes) -> str:
    return raw if isinstance(raw, str) else raw.decode("utf-8", "replace")


def decode_frame(raw: str | bytes) -> list[StreamEvent]:
    """Decode one WebSocket frame into zero or more events; never raises for odd frames.

    `pong` → Pong; login/auth events → AuthResult; acks → SubscribeAck; topic frames →
    OrderUpdated / FillsReceived / TradesPrinted / BookSnapshot / BookDelta / BookTop;
    `{"severity":"ERROR","errors":[…]}` → one StreamError each; anything else (including a
    known topic whose payload does not decode) → UnknownFrame with the raw text.
    """
    if raw in _PONGS:
        return [Pong()]
    try:
        frame = orjson.loads(raw)
    except orjson.JSONDecodeError:
        text = _raw_text(raw).strip()
        return [Pong()] if text == "pong" else [UnknownFrame(text)]
    if type(frame) is not dict:
        return [UnknownFrame(_raw_text(raw))]
    topic = frame.get("topic")
    try:
        if topic is not None and "data" in frame:
            handler = _TOPIC_HANDLERS.get(topic.partition(":")[0])
            if handler is not None:
                return handler(topic, frame)
        elif "event" in frame:
            events = _event(frame)
            if events is not None:
                return events
        elif frame.get("severity") == "ERROR" or "errors" in frame:
            return _errors(frame) or [UnknownFrame(_raw_text(raw))]
    except (
        ProtocolError,
        KeyError,
        IndexError,
        TypeError,
        ValueError,
        AttributeError,
        InvalidOperation,
    ):
        pass
    return [UnknownFrame(_raw_text(raw))]


__all__ = [
    "PING",
    "auth_frame",
    "decode_frame",
    "subscribe_frame",
    "unsubscribe_frame",
]
