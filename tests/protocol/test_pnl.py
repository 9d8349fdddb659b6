"""P&L per market from the trader's fills: average cost, realized and unrealized, fees in base
and quote, each trade once — figures computed by hand in each test."""

from __future__ import annotations

from decimal import Decimal

from btse_tui.protocol.models import Fill, Side
from btse_tui.protocol.pnl import PnlBook, positions_of

D = Decimal


def fill(trade: str, side: Side, price: str, size: str, fee: str, fee_ccy: str, at: int) -> Fill:
    return Fill(
        "ETH-USDT", f"o-{trade}", trade, side, D(price), D(size),
        fee_amount=D(fee), fee_currency=fee_ccy, timestamp_ms=at,
    )  # fmt: skip


SCRIPT = [
    # buy 2 @ 3,000, fee 0.002 ETH: 1.998 ETH arrive for 6,000 USDT
    fill("t1", Side.BUY, "3000", "2", "0.002", "ETH", 1_000),
    # buy 1 @ 3,300, fee 3.3 USDT: 1 ETH for 3,303.3 USDT → 2.998 ETH for 9,303.3 USDT
    fill("t2", Side.BUY, "3300", "1", "3.3", "USDT", 2_000),
    # sell half (1.499) @ 3,500, fee 5.2465 USDT: proceeds 5,246.5 − 5.2465 = 5,241.2535;
    # cost out 9,303.3 × 1.499 / 2.998 = 4,651.65; realized 589.6035
    fill("t3", Side.SELL, "3500", "1.499", "5.2465", "USDT", 3_000),
]


def test_a_partial_sell_realizes_against_the_average_cost_with_fees() -> None:
    eth = positions_of(SCRIPT)["ETH-USDT"]
    assert eth.size == D("1.499")
    assert eth.cost == D("4651.65")
    assert eth.realized == D("589.6035")
    assert eth.fees == D("14.5465")  # 0.002 ETH × 3,000 + 3.3 + 5.2465
    assert eth.average is not None
    assert round(eth.average, 2) == D("3103.17")  # 4,651.65 / 1.499
    # marked at 3,600: 1.499 × 3,600 − 4,651.65
    assert eth.unrealized(D("3600")) == D("744.75")
    assert eth.unrealized(None) is None


def test_each_trade_counts_once_and_order_of_arrival_does_not_matter() -> None:
    book = PnlBook()
    assert book.add(SCRIPT[2:]) == 1  # the sell arrives first (e.g. from the journal)
    assert book.add(SCRIPT) == 2  # then the exchange's trade history: t3 again is skipped
    assert book.add(SCRIPT) == 0
    assert book.positions() == positions_of(SCRIPT)


def test_selling_more_than_the_fills_bought_realizes_only_what_they_account_for() -> None:
    # 1 ETH bought @ 3,000 (no fee), 3 ETH sold @ 3,100 (no fee): only 1 has a known cost
    eth = positions_of(
        [
            fill("a", Side.BUY, "3000", "1", "0", "", 1),
            fill("b", Side.SELL, "3100", "3", "0", "", 2),
        ]
    )["ETH-USDT"]
    assert eth.size == 0 and eth.cost == 0
    assert eth.realized == D("100")  # 3,100 − 3,000 on the 1 ETH with a cost
    assert eth.unknown_cost_size == D("2")
    assert eth.unrealized(D("5000")) == 0


def test_a_fee_in_a_third_currency_is_kept_apart_not_priced() -> None:
    eth = positions_of([fill("a", Side.BUY, "3000", "1", "0.5", "BTSE", 1)])["ETH-USDT"]
    assert eth.cost == D("3000") and eth.fees == 0
    assert eth.other_fees == {"BTSE": D("0.5")}


def test_a_sell_fee_in_base_leaves_the_position_too() -> None:
    # 2 ETH @ 3,000; sell 1 @ 3,300 with fee 0.01 ETH: 1.01 ETH leave at cost 3,030
    eth = positions_of(
        [
            fill("a", Side.BUY, "3000", "2", "0", "", 1),
            fill("b", Side.SELL, "3300", "1", "0.01", "ETH", 2),
        ]
    )["ETH-USDT"]
    assert eth.size == D("0.99")
    assert eth.realized == D("270")  # 3,300 − 1.01 × 3,000
    assert eth.fees == D("33")  # 0.01 ETH × 3,300


def test_a_long_run_of_fills_keeps_the_same_pnl_in_bounded_memory() -> None:
    """Past `kept` fills the oldest are folded into settled positions: the P&L is the one
    every fill kept whole gives, a resent old trade still counts once, and only a bounded
    number of fills stays in memory."""
    fills = []
    for n in range(400):
        side = Side.BUY if n % 3 else Side.SELL
        price = str(3000 + (n * 7) % 50)
        fills.append(fill(f"t{n}", side, price, "0.5", "0.1", "USDT", 1_000 + n))
    bounded = PnlBook(kept=20, seen_kept=1_000)
    for start in range(0, 400, 7):
        bounded.add(fills[start : start + 7])
    bounded.add([fills[3], fills[150]])  # resent: already counted
    assert bounded.positions() == positions_of(fills)
    assert len(bounded._fills) <= 20 + 20 // 4
    assert len(bounded) == 400
