"""WebSocket codec: outgoing frames and the hot-path decoder of /ws/spot and /ws/oss/spot frames."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from btse_tui.protocol.codec_json import (
    MAX_MAGNITUDE,
    MIN_ADJUSTED_EXPONENT,
    amount,
    loads,
    to_bool,
    to_int,
    to_time_ms,
)
from btse_tui.protocol.codec_orders import fill_from_row, order_from_row
from btse_tui.protocol.codec_rest import trade_from_row
from btse_tui.protocol.endpoints import split_topic
from btse_tui.protocol.errors import BadValue, ProtocolError
from btse_tui.protocol.events import (
    AuthResult,
    BookDelta,
    BookSnapshot,
    BookTop,
    FillsReceived,
    FrameDropped,
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


_ZERO = Decimal(0)
_MAX = MAX_MAGNITUDE
_MIN_EXP = MIN_ADJUSTED_EXPONENT
#: How much of a dropped frame is kept with its FrameDropped event.
_RAW_KEPT = 200
#: What an odd frame can raise in the handlers (ArithmeticError: InvalidOperation, Overflow).
_ODD = (ProtocolError, KeyError, IndexError, TypeError, ValueError, AttributeError, ArithmeticError)


def _level(entry: Any) -> tuple[Decimal, Decimal]:
    """One `[price, size]` with its own error: price above zero, size zero or more."""
    if not isinstance(entry, list | tuple) or len(entry) < 2:
        raise BadValue("level", entry, "is not a [price, size] pair")
    price, size = amount(entry[0], "price"), amount(entry[1], "size")
    if not price:
        raise BadValue("price", entry[0], "of a book level must be above zero")
    return price, size


def _levels(entries: Any) -> tuple[tuple[Decimal, Decimal], ...]:
    if not entries:
        return ()
    if type(entries) is not list:
        raise BadValue("levels", entries, "is not a list")
    D = _Decimal
    s = _str
    out: list[tuple[Decimal, Decimal]] = []
    for entry in entries:
        try:  # the hot path: strings of plain numbers, checked by comparisons only
            price, size = entry[0], entry[1]
            good = type(price) is s and type(size) is s
            if good:
                p, q = D(price), D(size)
                good = (
                    _ZERO < p <= _MAX
                    and _ZERO <= q <= _MAX
                    and p.adjusted() >= _MIN_EXP
                    and (not q or q.adjusted() >= _MIN_EXP)
                )
        except (InvalidOperation, TypeError, KeyError, IndexError):
            good = False
        if not good:
            p, q = _level(entry)  # numbers, or the error that names the field
        out.append((p, q))
    return tuple(out)


def _symbol(data: dict[str, Any], topic: str) -> str:
    symbol = data.get("symbol") or split_topic(topic)[1]
    if type(symbol) is not str:
        raise BadValue("symbol", symbol, "is not a name")
    return symbol


def _book(topic: str, frame: dict[str, Any]) -> list[StreamEvent]:
    data = frame["data"]
    symbol = _symbol(data, topic)
    kind = data.get("type")
    bids = _levels(data.get("bids"))
    asks = _levels(data.get("asks"))
    seq = to_int(data.get("seqNum"), 0, "seqNum")
    ts = to_time_ms(data.get("timestamp"))
    if kind == "snapshot":
        return [BookSnapshot(symbol, topic, bids, asks, seq, ts)]
    if kind == "delta":
        prev = to_int(data.get("prevSeqNum"), -1, "prevSeqNum")
        return [BookDelta(symbol, topic, bids, asks, seq, prev, ts)]
    return [UnknownFrame(orjson.dumps(frame).decode())]


def _top(topic: str, frame: dict[str, Any]) -> list[StreamEvent]:
    data = frame["data"]
    bids = _levels(data.get("bids"))
    asks = _levels(data.get("asks"))
    bid = max(bids, key=lambda lv: lv[0]) if bids else (None, None)
    ask = min(asks, key=lambda lv: lv[0]) if asks else (None, None)
    if bid[0] is not None and ask[0] is not None and bid[0] >= ask[0]:
        raise BadValue("bid", bid[0], f"is not below the ask {format(ask[0], 'f')}")
    return [
        BookTop(
            symbol=_symbol(data, topic),
            bid=bid[0],
            bid_size=bid[1],
            ask=ask[0],
            ask_size=ask[1],
            timestamp_ms=to_time_ms(data.get("timestamp")),
        )
    ]


def _notification(topic: str, frame: dict[str, Any]) -> list[StreamEvent]:
    data = frame["data"]
    if isinstance(data, list):  # legacy (pre-2023-08) array form: all or nothing
        return [OrderUpdated(order) for order in [order_from_row(row) for row in data]]
    return [OrderUpdated(order_from_row(data))]


def _fills(topic: str, frame: dict[str, Any]) -> list[StreamEvent]:
    data = frame["data"]
    rows = data if isinstance(data, list) else [data]
    return [FillsReceived(tuple(fill_from_row(row) for row in rows))]


def _trades(topic: str, frame: dict[str, Any]) -> list[StreamEvent]:
    symbol = split_topic(topic)[1]
    if not symbol:
        raise BadValue("topic", topic, "names no market")
    data = frame["data"]
    rows = data if isinstance(data, list) else [data]
    printed = sorted((trade_from_row(row, symbol) for row in rows), key=lambda t: t.timestamp_ms)
    return [TradesPrinted(symbol, tuple(printed))]


_TOPIC_HANDLERS: dict[str, Callable[[str, dict[str, Any]], list[StreamEvent]]] = {
    "update": _book,
    "snapshotL1": _top,
    "notificationApiV3": _notification,
    "fills": _fills,
    "tradeHistoryApi": _trades,
}


def _event(frame: dict[str, Any]) -> list[StreamEvent] | None:
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


def _errors(frame: dict[str, Any]) -> list[StreamEvent]:
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
    OrderUpdated / FillsReceived / TradesPrinted / BookSnapshot / BookDelta / BookTop, or
    FrameDropped (the field and value) when such a frame holds a value that cannot be true;
    `{"severity":"ERROR","errors":[…]}` → one StreamError each; anything else (including a
    known topic whose payload does not decode) → UnknownFrame with the raw text.
    """
    if raw in _PONGS:
        return [Pong()]
    try:
        frame = orjson.loads(raw)
    except orjson.JSONDecodeError:
        text = _raw_text(raw).strip()
        if text == "pong":
            return [Pong()]
        try:  # NaN / Infinity / 1e400 inside: read leniently, the handlers refuse the field
            frame = loads(raw)
        except ProtocolError:
            return [UnknownFrame(text)]
    if type(frame) is not dict:
        return [UnknownFrame(_raw_text(raw))]
    topic = frame.get("topic")
    try:
        if type(topic) is _str and "data" in frame:
            handler = _TOPIC_HANDLERS.get(topic.partition(":")[0])
            if handler is not None:
                try:
                    return handler(topic, frame)
                except BadValue as exc:
                    return [FrameDropped(topic, str(exc), _raw_text(raw)[:_RAW_KEPT])]
                except _ODD as exc:
                    reason = f"payload does not decode ({type(exc).__name__})"
                    return [FrameDropped(topic, reason, _raw_text(raw)[:_RAW_KEPT])]
        elif "event" in frame:
            events = _event(frame)
            if events is not None:
                return events
        elif frame.get("severity") == "ERROR" or "errors" in frame:
            return _errors(frame) or [UnknownFrame(_raw_text(raw))]
    except _ODD:
        pass
    return [UnknownFrame(_raw_text(raw))]


__all__ = [
    "PING",
    "auth_frame",
    "decode_frame",
    "subscribe_frame",
    "unsubscribe_frame",
]
