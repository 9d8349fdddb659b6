"""JSON primitives of the codec: orjson load/dump, exact Decimal conversion, field coercions."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from btse_tui.protocol.errors import ApiError, ProtocolError
from btse_tui.protocol.models import Side, TxType

__all__ = [
    "code_or_none",
    "dec",
    "dec_or_none",
    "dumps_body",
    "first",
    "format_decimal",
    "loads",
    "need",
    "parse_side",
    "parse_tx_type",
    "parsed",
    "rows",
    "split_symbol",
    "step_decimals",
    "to_bool",
    "to_int",
    "to_str_or_none",
    "unwrap",
]

_str = str
_int = int
_float = float
_Decimal = Decimal


def loads(raw: str | bytes) -> Any:
    """Parse JSON with orjson; raise ProtocolError (with a short excerpt) when it is not JSON."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        excerpt = raw[:80] if raw else raw
        raise ProtocolError(f"not JSON: {excerpt!r} ({exc})") from None


def format_decimal(value: Decimal) -> str:
    """Write a Decimal as a plain number without exponent: `1E-5` -> `0.00001`, `2500.00` -> `2500`.

    Trailing zeros after the decimal point are dropped (the value is unchanged); NaN and
    infinities raise ValueError because they are not JSON numbers.
    """
    if not value.is_finite():
        raise ValueError(f"{value} is not a finite number")
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text


def _default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return orjson.Fragment(format_decimal(obj))
    raise TypeError(f"cannot serialise {type(obj).__name__} in a request body")


def dumps_body(body: dict) -> bytes:
    """Serialise a request body to the exact compact bytes that are signed and sent.

    Keys keep their insertion order; Decimals become plain JSON numbers (`0.00001`, never
    `1E-5`); enums that are str subclasses are written as their value.
    """
    try:
        return orjson.dumps(body, default=_default)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"request body cannot be serialised: {exc}") from None


def dec(value: Any, field: str = "number") -> Decimal:
    """Convert a wire number (string, int or float) to an exact Decimal via its string form."""
    kind = type(value)
    try:
        if kind is _str:
            result = _Decimal(value)
        elif kind is _int:
            return _Decimal(value)
        elif kind is _float:
            result = _Decimal(repr(value))
        elif kind is _Decimal:
            result = value
        else:
            raise ProtocolError(f"{field}: expected a number, got {value!r}")
    except InvalidOperation:
        raise ProtocolError(f"{field}: expected a number, got {value!r}") from None
    if not result.is_finite():
        raise ProtocolError(f"{field}: expected a finite number, got {value!r}")
    return result


def dec_or_none(value: Any, field: str = "number") -> Decimal | None:
    """Like `dec`, but None and "" (the wire's "absent") give None."""
    if value is None or value == "":
        return None
    return dec(value, field)


def to_int(value: Any, default: int = 0) -> int:
    """An integer field that may arrive as int, numeric string or float; None gives `default`."""
    kind = type(value)
    if kind is _int:
        return value
    if value is None or value == "":
        return default
    try:
        if kind is _str:
            return _int(value) if value.lstrip("-").isdigit() else _int(_Decimal(value))
        if kind is _float:
            return _int(value)
        if kind is bool:
            return _int(value)
    except (ValueError, InvalidOperation):
        pass
    raise ProtocolError(f"expected an integer, got {value!r}")


def to_bool(value: Any, default: bool = False) -> bool:
    """A boolean field that may arrive as bool, 0/1 or "true"/"false"."""
    if value is None:
        return default
    if type(value) is bool:
        return value
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def to_str_or_none(value: Any) -> str | None:
    """Optional id field: None and "" give None, numbers become their decimal string."""
    if value is None or value == "":
        return None
    return value if type(value) is _str else str(value)


_SIDES: dict[Any, Side] = {
    "BUY": Side.BUY,
    "SELL": Side.SELL,
    "MODE_BUY": Side.BUY,
    "MODE_SELL": Side.SELL,
    "buy": Side.BUY,
    "sell": Side.SELL,
    "Buy": Side.BUY,
    "Sell": Side.SELL,
    66: Side.BUY,
    83: Side.SELL,
}


def parse_side(value: Any) -> Side:
    """Order side in any of the wire spellings: BUY/SELL, MODE_BUY/MODE_SELL, 66/83."""
    side = _SIDES.get(value)
    if side is None:
        if isinstance(value, str):
            side = _SIDES.get(value.strip().upper())
        if side is None:
            raise ProtocolError(f"unknown side {value!r}")
    return side


_TX_TYPES: dict[Any, TxType] = {
    0: TxType.LIMIT,
    1: TxType.STOP,
    2: TxType.TRIGGER,
    3: TxType.LIMIT,  # OCO: the pair is reported leg by leg; TxType has no OCO member.
    "0": TxType.LIMIT,
    "1": TxType.STOP,
    "2": TxType.TRIGGER,
    "3": TxType.LIMIT,
    "LIMIT": TxType.LIMIT,
    "STOP": TxType.STOP,
    "TRIGGER": TxType.TRIGGER,
    "TAKEPROFIT": TxType.TRIGGER,
    "TAKE_PROFIT": TxType.TRIGGER,
    "OCO": TxType.LIMIT,
}


def parse_tx_type(value: Any) -> TxType:
    """txType as int 0/1/2/3 or string (LIMIT, STOP, TRIGGER, TAKEPROFIT, any case)."""
    if value is None:
        return TxType.LIMIT
    tx = _TX_TYPES.get(value)
    if tx is None:
        if isinstance(value, str):
            tx = _TX_TYPES.get(value.strip().upper())
        if tx is None:
            raise ProtocolError(f"unknown txType {value!r}")
    return tx


# ---------------------------------------------------------------------------- reply shapes


def parsed(obj: Any) -> Any:
    """Parse raw JSON text/bytes; pass already-decoded objects through."""
    return loads(obj) if isinstance(obj, str | bytes | bytearray) else obj


def unwrap(obj: Any) -> Any:
    """Strip the Markets API envelope `{success, code, msg, time, data}` if present."""
    obj = parsed(obj)
    if isinstance(obj, Mapping) and "data" in obj and ("success" in obj or "msg" in obj):
        if obj.get("success") is False:
            raise ApiError(
                200, code_or_none(obj.get("code")), str(obj.get("msg") or "request failed")
            )
        return obj["data"]
    return obj


def rows(obj: Any, what: str) -> list:
    """The reply (envelope stripped) as a list of rows; a single object becomes one row."""
    data = unwrap(obj)
    if data is None:
        return []
    if isinstance(data, Mapping):
        return [data]
    if not isinstance(data, list):
        raise ProtocolError(f"{what}: expected a list, got {type(data).__name__}")
    return data


def need(row: Mapping, *keys: str) -> Any:
    """The first present, non-empty value of `keys`; ProtocolError naming the field if none."""
    for key in keys:
        value = row.get(key)
        if value is not None and value != "":
            return value
    raise ProtocolError(f"missing field {keys[0]!r} in {dict(row)!r:.200}")


def first(row: Mapping, *keys: str) -> Any:
    """The first non-None value of `keys`, else None."""
    for key in keys:
        value = row.get(key)
        if value is not None:
            return value
    return None


def step_decimals(step: Decimal) -> int:
    """Decimals a step implies: 0.01 → 2, 0.5 → 1, 10 → 0."""
    exponent = step.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def split_symbol(symbol: str) -> tuple[str, str]:
    """`BTC-USDT` → (`BTC`, `USDT`); `BTC-PERP-USDT` → (`BTC-PERP`, `USDT`)."""
    base, _, quote = symbol.rpartition("-")
    return (base, quote) if base else (symbol, "")


def code_or_none(value: Any) -> int | None:
    """An exchange error code, or None when absent or not an integer."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return to_int(value)
    except ProtocolError:
        return None
