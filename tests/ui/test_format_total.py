"""Formatting never raises on a number the codec lets through (nor on products of two)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from btse_tui.protocol.models import Market
from btse_tui.ui.ticket.review import _money, format_quote
from btse_tui.ui.widgets.format import fmt_bps, fmt_compact, fmt_decimal, fmt_pct, fmt_price

#: Anything the codec accepts (|x| ≤ 1e18, no finer than 1e-30) and products of two such.
BELIEVABLE = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: d == 0 or -60 <= d.adjusted() <= 36
)
MARKET = Market("BTC-USDT", "BTC", "USDT", True, Decimal("0.1"), Decimal("0.1"),
                Decimal("0.00001"), Decimal(2000), Decimal("0.00001"))  # fmt: skip


@given(value=BELIEVABLE, places=st.integers(min_value=0, max_value=18))
def test_money_and_decimals_never_raise(value: Decimal, places: int) -> None:
    text = _money(value, places)
    assert text.replace(",", "").replace(".", "").lstrip("-").isdigit()
    assert (len(text.rpartition(".")[2]) == places) if places else "." not in text
    assert fmt_decimal(value, places) and fmt_decimal(value) and fmt_pct(value)
    assert fmt_compact(value) and fmt_price(value, MARKET) and format_quote(value, MARKET)


@given(spread=BELIEVABLE, mid=BELIEVABLE)
def test_bps_never_raises(spread: Decimal, mid: Decimal) -> None:
    assert fmt_bps(spread, mid)


def test_the_wallet_total_that_ended_the_session_is_shown() -> None:
    """`total: 1e30` made `_money` raise decimal.InvalidOperation after the next fill."""
    assert _money(Decimal("1e30"), 2) == "1,000,000,000,000,000,000,000,000,000,000.00"
    assert _money(Decimal("-0.001"), 2) == "0.00"
    assert fmt_decimal(Decimal("1e18"), 12).endswith(".000000000000")
