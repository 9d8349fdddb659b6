"""Number formatting helpers: Decimal in, aligned text out, never through float."""

from __future__ import annotations

from decimal import Decimal

from btse_tui.ui.widgets.format import (
    age_step,
    decimals_of,
    fit,
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
