"""JSON primitives of the codec: orjson load/dump, exact Decimal conversion, field coercions."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import orjson

from btse_tui.protocol.errors import ApiError, BadValue, ProtocolError
from btse_tui.protocol.models import Side, TxType

__all__ = [
    "MAX_MAGNITUDE",
    "amount",
    "amount_or_none",
    "code_or_none",
    "dec",
    "dec_or_none",
    "decode_rows",
    "dumps_body",
    "first",
    "format_decimal",
    "loads",
    "mapping",
    "need",
    "need_text",
    "parse_side",
    "parse_tx_type",
    "parsed",
    "rows",
    "split_symbol",
    "step_decimals",
    "text_or_empty",
    "to_bool",
    "to_int",
    "to_str_or_none",
    "to_time_ms",
    "to_time_s",
    "unwrap",
]

T = TypeVar("T")
_str = str
_int = int
_float = float
_Decimal = Decimal


#: Bodies up to this size get a second, lenient parse when orjson refuses them.
_LENIENT_MAX_BYTES = 4 * 1024 * 1024


def loads(raw: str | bytes | bytearray) -> Any:
    """Parse JSON with orjson; raise ProtocolError (with a short excerpt) when it is not JSON.

    A body orjson refuses only for a `NaN`, `Infinity` or out-of-range number (`1e400`) is
    read again by the standard library with such numbers kept as their text, so one bad
    field costs its row (the decoders refuse the text), not the whole reply.
    """
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if raw and len(raw) <= _LENIENT_MAX_BYTES:
            try:
                return json.loads(raw, parse_float=_str, parse_constant=_str)
            except (ValueError, RecursionError):
                pass
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


def dumps_body(body: dict[str, Any]) -> bytes:
    """Serialise a request body to the exact compact bytes that are signed and sent.

    Keys keep their insertion order; Decimals become plain JSON numbers (`0.00001`, never
    `1E-5`); enums that are str subclasses are written as their value.
    """
    try:
        return orjson.dumps(body, default=_default)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"request body cannot be serialised: {exc}") from None


#: Largest magnitude a price, size, balance or volume may have (BTSE's largest are ~1e13).
MAX_MAGNITUDE = Decimal("1e18")
#: Smallest non-zero magnitude a wire number may have (no market has a step below 1e-18).
MIN_ADJUSTED_EXPONENT = -30
#: Times (epoch ms) outside 2000-01-01 … 2100-01-01 UTC are not times.
MIN_TIME_MS = 946_684_800_000
MAX_TIME_MS = 4_102_444_800_000
#: Integers (codes, counts, sequence numbers) beyond a signed 64-bit range are not real.
MAX_INT = 2**63 - 1
_MAX = MAX_MAGNITUDE
_MIN = -MAX_MAGNITUDE
_NOT_A_NUMBER = "is not a number"


def _checked(result: Decimal, value: Any, field: str) -> Decimal:
    """`result` when it is a finite number of a believable magnitude; BadValue otherwise."""
    if not result.is_finite():
        raise BadValue(field, value, "is not a finite number")
    if result > _MAX or result < _MIN:
        raise BadValue(field, value, "is out of range (beyond 1e18)")
    if result and result.adjusted() < MIN_ADJUSTED_EXPONENT:
        raise BadValue(field, value, "is out of range (below 1e-30)")
    return result


def dec(value: Any, field: str = "number") -> Decimal:
    """A wire number (string, int or float) as an exact Decimal via its string form.

    BadValue (a ProtocolError naming the field) for anything else, NaN, ±Infinity and
    magnitudes no market has (beyond 1e18 or below 1e-30).
    """
    kind = type(value)
    if kind is _str:
        try:
            result = _Decimal(value)
        except InvalidOperation:
            raise BadValue(field, value, _NOT_A_NUMBER) from None
    elif kind is _int:
        result = _Decimal(value)
    elif kind is _float:
        result = _Decimal(repr(value))
    elif kind is _Decimal:
        result = value
    else:
        raise BadValue(field, value, _NOT_A_NUMBER)
    return _checked(result, value, field)


def amount(value: Any, field: str = "number") -> Decimal:
    """Like `dec`, for a price, size or balance: a negative value is refused."""
    result = dec(value, field)
    if result < 0:
        raise BadValue(field, value, "cannot be negative")
    return result


def dec_or_none(value: Any, field: str = "number") -> Decimal | None:
    """Like `dec`, but None and "" (the wire's "absent") give None."""
    if value is None or value == "":
        return None
    return dec(value, field)


def amount_or_none(value: Any, field: str = "number") -> Decimal | None:
    """Like `amount`, but None and "" (the wire's "absent") give None."""
    if value is None or value == "":
        return None
    return amount(value, field)


def to_int(value: Any, default: int = 0, field: str = "integer") -> int:
    """An integer field that may arrive as int, numeric string or float; None gives `default`.

    BadValue for anything else, non-finite numbers and values beyond a 64-bit integer.
    """
    kind = type(value)
    result: int
    if kind is _int:
        result = value
    elif value is None or value == "":
        return default
    else:
        try:
            if kind is _str:
                result = _int(value) if value.lstrip("-").isdigit() else _int(_Decimal(value))
            elif kind is _float or kind is bool:
                result = _int(value)
            else:
                raise BadValue(field, value, "is not an integer")
        except (ValueError, InvalidOperation, OverflowError):
            raise BadValue(field, value, "is not an integer") from None
    if not -MAX_INT <= result <= MAX_INT:
        raise BadValue(field, value, "is out of range (beyond a 64-bit integer)")
    return result


def to_time_ms(value: Any, field: str = "timestamp") -> int:
    """An epoch-milliseconds time; absent (None, "" or 0) gives 0 ("unknown").

    BadValue for anything that is not an integer time between the years 2000 and 2100.
    """
    if value is None or value == "" or value == 0:
        return 0
    try:
        result = to_int(value, 0, field)
    except BadValue:
        raise BadValue(field, value, "is not a time") from None
    if not MIN_TIME_MS <= result <= MAX_TIME_MS:
        raise BadValue(field, value, "is not a time (outside the years 2000–2100)")
    return result


def to_time_s(value: Any, field: str = "time") -> int:
    """An epoch time in seconds, or in milliseconds (≥ 1e11, divided down); 2000–2100 only."""
    seconds = to_int(value, 0, field)
    if seconds >= 10**11:
        seconds //= 1000
    if not MIN_TIME_MS // 1000 <= seconds <= MAX_TIME_MS // 1000:
        raise BadValue(field, value, "is not a time (outside the years 2000–2100)")
    return seconds


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
    side = _SIDES.get(value) if type(value) in (_str, _int) else None
    if side is None:
        if isinstance(value, str):
            side = _SIDES.get(value.strip().upper())
        if side is None:
            raise BadValue("side", value, "is missing" if value is None else "is not BUY or SELL")
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
    tx = _TX_TYPES.get(value) if type(value) in (_str, _int) else None
    if tx is None:
        if isinstance(value, str):
            tx = _TX_TYPES.get(value.strip().upper())
        if tx is None:
            raise BadValue("txType", value, "is not a known order kind")
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


def rows(obj: Any, what: str) -> list[Any]:
    """The reply (envelope stripped) as a list of rows; a single object becomes one row.

    ProtocolError when it is neither (a bad reply as a whole, not a bad row).
    """
    data = unwrap(obj)
    if data is None:
        return []
    if isinstance(data, Mapping):
        return [data]
    if not isinstance(data, list):
        raise ProtocolError(f"{what}: expected a list, got {type(data).__name__}")
    return data


def need(row: Mapping[str, Any], *keys: str) -> Any:
    """The first present, non-empty value of `keys`; BadValue naming the field if none."""
    for key in keys:
        value = row.get(key)
        if value is not None and value != "":
            return value
    raise BadValue(keys[0], None, "is missing")


def need_text(row: Mapping[str, Any], *keys: str) -> str:
    """Like `need`, for a name (symbol, currency): it must be a short string."""
    value = need(row, *keys)
    if type(value) is not _str or len(value) > 64:
        raise BadValue(keys[0], value, "is not a name")
    return value


def text_or_empty(value: Any, field: str, limit: int = 200) -> str:
    """An optional free-text field: None → "", numbers → their digits, cut to `limit`."""
    if value is None:
        return ""
    text: str = value
    if type(value) is not _str:
        if type(value) not in (_int, _float, bool):
            raise BadValue(field, value, "is not text")
        text = _str(value)
    return text[:limit]


def decode_rows(
    items: Iterable[Any],
    decode: Callable[[Any], T],
    what: str,
    dropped: list[BadValue] | None,
) -> list[T]:
    """`decode` each row; with a `dropped` list a bad row is left out and recorded there (the
    error's `where` is `what`), without one the first bad row raises."""
    out: list[T] = []
    for item in items:
        try:
            out.append(decode(item))
        except ProtocolError as exc:
            if dropped is None:
                raise
            bad = exc if isinstance(exc, BadValue) else BadValue(what, None, str(exc))
            bad.where = bad.where or what
            bad.subject = _subject(item)
            dropped.append(bad)
    return out


_SUBJECT_KEYS = ("orderID", "orderId", "currency", "asset", "symbol")


def _subject(item: Any) -> str:
    """What a dropped row was about (its order id, currency or symbol), when readable."""
    if isinstance(item, Mapping):
        for key in _SUBJECT_KEYS:
            value = item.get(key)
            if type(value) is _str and 0 < len(value) <= 64:
                return value
    return ""


def mapping(value: Any, what: str) -> Mapping[str, Any]:
    """`value` when it is a JSON object; BadValue otherwise."""
    if not isinstance(value, Mapping):
        raise BadValue(what, value, "is not an object")
    return value


def first(row: Mapping[str, Any], *keys: str) -> Any:
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
