"""A Decimal as plain text for messages: every digit kept, no exponent, no trailing zeros."""

from __future__ import annotations

from decimal import Decimal


def plain_decimal(value: Decimal, *, grouped: bool = True) -> str:
    """`value` as it reads in a sentence: `12,500.5` (`12500.5` when not `grouped`).

    No exponent, no trailing zeros after the point, and no rounding: a value with more digits
    than the context precision keeps them all (unlike `Decimal.normalize`).
    """
    text = format(value, ",f" if grouped else "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"
