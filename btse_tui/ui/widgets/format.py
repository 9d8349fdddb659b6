"""Number, percent, age and clock formatting for the dashboard widgets (Decimal in, str out)."""

from __future__ import annotations

import time
from datetime import datetime
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext

from btse_tui.protocol.models import Market

#: What a cell shows when a value is unknown.
MISSING = "—"

_COMPACT_UNITS: tuple[tuple[Decimal, str], ...] = (
    (Decimal("1e12"), "T"),
    (Decimal("1e9"), "B"),
    (Decimal("1e6"), "M"),
    (Decimal("1e3"), "K"),
)


def decimals_of(step: Decimal | None) -> int:
    """Decimal places of a tick or lot step: 0.001 → 3, 0.5 → 1, 1 → 0, 10 → 0."""
    if step is None or not step.is_finite() or step == 0:
        return 0
    exponent = step.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def price_decimals(market: Market | None) -> int | None:
    """Decimal places prices of `market` are shown with (from its tick), or None if unknown."""
    if market is None:
        return None
    if market.tick and market.tick > 0:
        return decimals_of(market.tick)
    return market.price_precision


def size_decimals(market: Market | None) -> int | None:
    """Decimal places sizes of `market` are shown with (from its lot), or None if unknown."""
    if market is None:
        return None
    if market.lot and market.lot > 0:
        return decimals_of(market.lot)
    return market.size_precision


def fmt_decimal(value: Decimal | None, decimals: int | None = None, *, sep: bool = True) -> str:
    """`value` with thousands separators and exactly `decimals` places (None: as many as it has).

    Rounds half-even for display only; never goes through float. `-0.00` is shown as `0.00`.
    """
    if value is None:
        return MISSING
    if not value.is_finite():
        return str(value)
    if decimals is not None:
        try:
            value = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
        except InvalidOperation:  # more digits than the context holds: round in the format
            text = format(value, f"{',' if sep else ''}.{max(0, decimals)}f")
            return text[1:] if text.startswith("-") and not text.strip("-0.,") else text
    if value == 0:
        value = abs(value)
    spec = ",f" if sep else "f"
    return format(value, spec)


def fmt_price(value: Decimal | None, market: Market | None = None) -> str:
    """A price with the market's tick decimals and thousands separators."""
    return fmt_decimal(value, price_decimals(market))


def fmt_size(value: Decimal | None, market: Market | None = None) -> str:
    """A size with the market's lot decimals and thousands separators."""
    return fmt_decimal(value, size_decimals(market))


_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def fmt_zeros(value: Decimal, decimals: int | None = None) -> str | None:
    """A number under 1 with its run of leading zeros counted in subscript, every significant
    digit kept: 0.00000010566 → `0.0₆10566` (six zeros after the point); None if it has fewer
    than three leading zeros (nothing to gain) or is not a finite number under 1."""
    if not value.is_finite() or value == 0 or abs(value) >= 1:
        return None
    plain = fmt_decimal(abs(value), decimals, sep=False)
    fraction = plain.partition(".")[2]
    digits = fraction.lstrip("0")
    zeros = len(fraction) - len(digits)
    if zeros < 3 or not digits:
        return None
    sign = "-" if value < 0 else ""
    return f"{sign}0.0{str(zeros).translate(_SUBSCRIPT_DIGITS)}{digits}"


def fit_price(value: Decimal | None, decimals: int | None, width: int) -> str:
    """A price in at most `width` cells without losing a significant digit.

    The market's decimals with thousands separators when that fits; a tiny price counts its
    leading zeros (`0.0₆10566`); then the separators are dropped. A price that still does not
    fit is returned whole (the table cuts it visibly with `…`): a price is never rounded here.
    """
    text = fmt_decimal(value, decimals)
    if value is None or not value.is_finite() or len(text) <= width:
        return text
    for candidate in (fmt_zeros(value, decimals), fmt_decimal(value, decimals, sep=False)):
        if candidate is not None and len(candidate) <= width:
            return candidate
    return text


def _truncated(value: Decimal, places: int, *, sep: bool = True) -> str:
    """`value` cut toward zero to `places` decimals."""
    cut = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
    return format(abs(cut) if cut == 0 else cut, ",f" if sep else "f")


def _digit_count(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _with_unit(value: Decimal, width: int) -> str | None:
    """`value` scaled to K / M / B / T, the unit that keeps the most digits in `width`."""
    best: str | None = None
    for threshold, unit in _COMPACT_UNITS:
        if abs(value) < threshold:
            continue
        for places in range(6, -1, -1):
            candidate = _truncated(value / threshold, places) + unit
            if len(candidate) <= width:
                if best is None or _digit_count(candidate) > _digit_count(best):
                    best = candidate
                break
    return best


def fit_amount(value: Decimal | None, decimals: int | None, width: int) -> str:
    """A size or balance in at most `width` cells, its magnitude always right.

    Full decimals when they fit; then without trailing zeros; a tiny amount counts its
    leading zeros (`0.0₅123`); then fewer decimals; then a K / M / B / T unit with as many
    digits as fit (`385.4925M`). Digits dropped are cut toward zero, so an amount is never
    shown larger than it is, and a non-zero amount never shows as zero.
    """
    text = fmt_decimal(value, decimals)
    if value is None or not value.is_finite() or len(text) <= width:
        return text
    shown = Decimal(text.replace(",", ""))  # the amount at its own decimals
    exact = fmt_decimal(shown, max(0, -int(shown.normalize().as_tuple().exponent)))
    if len(exact) <= width:
        return exact
    zeros = fmt_zeros(shown)
    if zeros is not None and len(zeros) <= width:
        return zeros
    for places in range(len(exact.partition(".")[2]) - 1, -1, -1):
        candidate = _truncated(shown, places)
        if len(candidate) <= width and (shown == 0 or Decimal(candidate.replace(",", "")) != 0):
            return candidate
    with_unit = _with_unit(shown, width)
    if with_unit is not None:
        return with_unit
    if zeros is not None:  # tiny and narrow: keep the magnitude, lose the last digits
        head, digits = zeros[: zeros.index("0.0") + 3], zeros[zeros.index("0.0") + 3 :]
        while digits and len(head) + len(digits) > width:
            digits = digits[:-1]
        if digits.strip("0"):
            return head + digits
    return text


def fmt_compact(value: Decimal | None) -> str:
    """A compact magnitude for volumes: 950, 12.3K, 1.2M, 4.56B (three significant digits)."""
    if value is None:
        return MISSING
    if not value.is_finite():
        return str(value)
    with localcontext() as context:  # room for any magnitude: quantize never overflows
        context.prec = max(context.prec, value.adjusted() + 8)
        return _compact(value)


def _compact(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    for threshold, unit in _COMPACT_UNITS:
        if magnitude >= threshold:
            scaled = magnitude / threshold
            places = 2 if scaled < 10 else 1 if scaled < 100 else 0
            text = format(scaled.quantize(Decimal(1).scaleb(-places)), "f")
            if text == "1000" and unit != "T":
                # 999.96K rounds to 1000K; promote to the next unit instead.
                return sign + _compact(magnitude.quantize(threshold))
            return f"{sign}{text}{unit}"
    if magnitude >= 100:
        return sign + format(magnitude.quantize(Decimal(1)), "f")
    if magnitude >= 1:
        return sign + format(magnitude.quantize(Decimal("0.01")), "f")
    if magnitude == 0:
        return "0"
    return sign + format(magnitude.quantize(Decimal("0.0001")), "f")


def fmt_pct(value: Decimal | None, decimals: int = 2) -> str:
    """A percentage (already in percent units, 1.5 = 1.5 %) with an explicit sign: `+1.50%`."""
    if value is None:
        return MISSING
    text = fmt_decimal(value, decimals, sep=False)
    if not text.startswith("-"):
        text = "+" + text
    return text + "%"


def fmt_bps(spread: Decimal, mid: Decimal) -> str:
    """A spread in basis points of `mid`: `1.03 bps` (two decimals; `—` if mid is not positive)."""
    if not (mid.is_finite() and spread.is_finite()) or mid <= 0:
        return MISSING
    bps = spread / mid * Decimal(10000)
    return f"{fmt_decimal(bps, 2, sep=False)} bps"


def fmt_age(seconds: float | None) -> str:
    """A short age: `0s` … `59s`, `1m` … `59m`, `1h` … `23h`, `1d` …; `—` when unknown."""
    if seconds is None:
        return MISSING
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h"
    return f"{s // 86400}d"


#: Ages (seconds) at which a staleness display changes; below the first one data counts as fresh.
AGE_STEPS: tuple[int, ...] = (10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400)


def age_step(seconds: float | None) -> int | None:
    """`seconds` rounded down to a step of `AGE_STEPS` (0 while fresh, whole days past a day).

    A display built on it changes a dozen times a day at most, instead of every second.
    """
    if seconds is None:
        return None
    s = int(seconds)
    if s >= 86400:
        return s - s % 86400
    step = 0
    for threshold in AGE_STEPS:
        if s < threshold:
            break
        step = threshold
    return step


def fmt_staleness(seconds: float | None) -> str:
    """A coarse age for live data: `""` while fresh (under 10 s), then `10s`, `30s`, `1m`, `2m`,
    `5m`, `10m`, `30m`, `1h`, `2h`, `6h`, `1d`, `2d` …; `—` when unknown."""
    step = age_step(seconds)
    if step is None:
        return MISSING
    return fmt_age(step) if step else ""


def fmt_ms(ms: float | None) -> str:
    """Milliseconds as a short integer string: `42ms`; `—` when unknown."""
    if ms is None:
        return MISSING
    return f"{round(ms)}ms"


def fmt_clock(at: datetime | float | None = None, *, seconds: bool = True) -> str:
    """Local wall-clock time `HH:MM:SS` (or `HH:MM`) of a datetime or epoch seconds (None: now)."""
    if at is None:
        at = time.time()
    pattern = "%H:%M:%S" if seconds else "%H:%M"
    if isinstance(at, datetime):
        return at.strftime(pattern)
    return time.strftime(pattern, time.localtime(at))


def fmt_time_ms(timestamp_ms: int) -> str:
    """Local `HH:MM:SS` of an epoch-milliseconds timestamp; `—` for 0 (unknown)."""
    if not timestamp_ms:
        return MISSING
    return fmt_clock(timestamp_ms / 1000)


def fit(text: str, width: int, align: str = "left") -> str:
    """Pad or cut `text` to exactly `width` cells (ASCII-width assumed), cutting with `…`."""
    if width <= 0:
        return ""
    length = len(text)
    if length > width:
        return text[: width - 1] + "…" if width > 1 else text[:1]
    if length == width:
        return text
    if align == "right":
        return text.rjust(width)
    if align == "center":
        return text.center(width)
    return text.ljust(width)
