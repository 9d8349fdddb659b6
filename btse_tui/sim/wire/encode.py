"""BTSE JSON text: exact decimal numbers (never exponents), compact encoders, volume rounding."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from json.encoder import encode_basestring
from typing import Any

import orjson


def plain(value: Decimal | int | float | None) -> str:
    """Exact decimal text without exponent and without trailing zeros (`2500.50` → `2500.5`)."""
    if value is None:
        return "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        value = Decimal(repr(value))
    if not value:
        return "0"
    text = format(value.normalize(), "f")
    return text


def _encode(obj: Any, out: list[str]) -> None:
    t = type(obj)
    if t is str:
        out.append(encode_basestring(obj))
    elif t is Decimal or t is float:
        out.append(plain(obj))
    elif obj is None:
        out.append("null")
    elif obj is True:
        out.append("true")
    elif obj is False:
        out.append("false")
    elif t is int:
        out.append(str(obj))
    elif t is dict:
        out.append("{")
        first = True
        for key, val in obj.items():
            if not first:
                out.append(",")
            first = False
            out.append(encode_basestring(key))
            out.append(":")
            _encode(val, out)
        out.append("}")
    elif t is list or t is tuple:
        out.append("[")
        first = True
        for val in obj:
            if not first:
                out.append(",")
            first = False
            _encode(val, out)
        out.append("]")
    elif isinstance(obj, str):
        out.append(encode_basestring(str(obj)))
    elif isinstance(obj, int):
        out.append(str(int(obj)))
    else:
        raise TypeError(f"cannot encode {t.__name__} as BTSE JSON")


def dumps(obj: Any) -> str:
    """Compact JSON text; Decimals become exact JSON numbers (never exponent notation)."""
    out: list[str] = []
    _encode(obj, out)
    return "".join(out)


def fast_dumps(obj: Any) -> str:
    """Compact JSON for payloads holding only str/int/bool/None (OSS frames): orjson speed."""
    return orjson.dumps(obj).decode()


#: volumes are reported to 8 decimals (the engine keeps them exact)
VOLUME_QUANT = Decimal("0.00000001")


def volume(value: Decimal) -> Decimal:
    """A 24 h volume rounded down to 8 decimals."""
    return value.quantize(VOLUME_QUANT, rounding=ROUND_DOWN)


def num_or_zero(value: Decimal | None) -> Decimal | int:
    """The number, or 0 where BTSE sends 0 for an absent one."""
    return value if value is not None else 0
