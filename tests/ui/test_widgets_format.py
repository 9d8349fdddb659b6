"""Number formatting helpers: Decimal in, aligned text out, never through float."""

from __future__ import annotations

from decimal import Decimal

from btse_tui.ui.widgets.format import (
    age_step,
    decimals_of,
    fit,
    fit_amount,
    fit_price,
    fmt_age,
    fmt_bps,
    fmt_compact,
    fmt_decimal,
    fmt_pct,
    fmt_staleness,
)

D = Decimal


def test_decimals_and_thousands() -> None:
    assert decimals_of(D("0.001")) == 3
    assert decimals_of(D("0.5")) == 1
    assert decimals_of(D("10")) == 0
    assert fmt_decimal(D("97250"), 1) == "97,250.0"
    assert fmt_decimal(D("0.000012345678"), 8) == "0.00001235"
    assert fmt_decimal(D("-0.0001"), 2) == "0.00"
    assert fmt_decimal(D("1234567.891")) == "1,234,567.891"
    assert fmt_decimal(None) == "—"


def test_compact_percent_bps_age() -> None:
    assert fmt_compact(D("950")) == "950"
    assert fmt_compact(D("12345")) == "12.3K"
    assert fmt_compact(D("1234567")) == "1.23M"
    assert fmt_compact(D("999999")) == "1.00M"
    assert fmt_compact(D("4560000000")) == "4.56B"
    assert fmt_pct(D("1.5")) == "+1.50%"
    assert fmt_pct(D("-0.25")) == "-0.25%"
    assert fmt_pct(D("0")) == "+0.00%"
    assert fmt_bps(D("0.1"), D("20000")) == "0.05 bps"
    assert [fmt_age(s) for s in (0, 59, 60, 3599, 3600, 86400)] == [
        "0s",
        "59s",
        "1m",
        "59m",
        "1h",
        "1d",
    ]


def test_staleness_changes_in_coarse_steps() -> None:
    shown = [fmt_staleness(s) for s in (0, 9.9, 10, 29, 30, 59, 60, 119, 300, 3600, 90000, None)]
    assert shown == ["", "", "10s", "10s", "30s", "30s", "1m", "1m", "5m", "1h", "1d", "—"]
    assert age_step(4000) == 3600 and age_step(2 * 86400 + 5) == 2 * 86400


def test_fit_pads_and_cuts() -> None:
    assert fit("12.5", 6, "right") == "  12.5"
    assert fit("BTC", 5) == "BTC  "
    assert fit("ABCDEFG", 5) == "ABCD…"


def test_a_tiny_price_keeps_every_significant_digit() -> None:
    # 13 characters at the market's 11 decimals; a 12-cell column used to show `0.000000105…`
    assert fit_price(D("0.00000010566"), 11, 12) == "0.0₆10566"
    assert fit_price(D("0.00000010566"), 11, 13) == "0.00000010566"  # fits: unchanged
    assert fit_price(D("0.000000200123"), 12, 12) == "0.0₆200123"
    assert fit_price(D("97038.8"), 1, 12) == "97,038.8"
    # too wide even so: separators go, a digit never does (the table then cuts visibly)
    assert fit_price(D("12345678.5"), 1, 10) == "12345678.5"
    assert fit_price(D("123456789012.5"), 1, 8) == "123,456,789,012.5"


def test_a_large_balance_fits_its_column_with_its_magnitude_right() -> None:
    big = D("153647593.87812345")
    assert fit_amount(big, 8, 20) == "153,647,593.87812345"
    assert fit_amount(big, 8, 16) == "153,647,593.8781"  # fewer decimals, cut toward zero
    assert fit_amount(big, 8, 11) == "153,647,593"
    assert fit_amount(big, 8, 9) == "153.6475M"  # a unit once the whole part does not fit
    assert fit_amount(D("385492527.19412345"), 8, 8) == "385.492M"
    assert fit_amount(D("-1234567.5"), 2, 6) == "-1.23M"
    assert fit_amount(D("4560000000"), 0, 5) == "4.56B"


def test_an_amount_is_never_shown_larger_than_it_is_nor_zero_when_it_is_not() -> None:
    assert fit_amount(D("0.99999999"), 8, 4) == "0.99"  # not 1.00
    assert fit_amount(D("1999.999"), 3, 7) == "1,999.9"
    assert fit_amount(D("0.00000123"), 8, 7) == "0.0₅123"  # not 0.00000
    assert fit_amount(D("0.00000123"), 8, 6) == "0.0₅12"
    assert fit_amount(D("0.52000000"), 8, 8) == "0.52"  # trailing zeros go first
    assert fit_amount(D("0"), 8, 4) == "0"
    for text in ("153647593.87812345", "0.0000456789", "999999.999", "12.5"):
        for width in range(4, 20):
            shown = fit_amount(D(text), 8, width)
            assert len(shown) <= width or shown == fit_amount(D(text), 8, 99)
