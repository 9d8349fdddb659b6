"""TradeRecord and the portfolio's prices: what a fill is measured against, its slippage's
sign, done orders newest first, and prices found directly, inverted, through one currency or
not at all."""

from __future__ import annotations

from decimal import Decimal

from btse_tui.protocol.history import SentOrder, TradeRecord, slippage_bps
from btse_tui.protocol.models import Balance, Fill, Market, Order, Side, Ticker
from btse_tui.protocol.portfolio import PriceFinder, value_balances

D = Decimal


def test_slippage_is_positive_when_worse_for_either_side() -> None:
    assert slippage_bps(Side.BUY, D("101"), D("100")) == D("100")  # paid 1 % more
    assert slippage_bps(Side.SELL, D("99"), D("100")) == D("100")  # got 1 % less
    assert slippage_bps(Side.SELL, D("101"), D("100")) == D("-100")  # better
    assert slippage_bps(Side.BUY, D("101"), None) is None


def test_a_market_fill_is_measured_against_the_mid_recorded_at_send() -> None:
    record = TradeRecord()
    record.note_sent(SentOrder("cl-1", "BTC-USDT", Side.BUY, None, D("50000"), 1))
    market = Order("BTC-USDT", "o-1", Side.BUY, 4, cl_order_id="cl-1", order_type=77)
    record.add_order(market)
    record.add_fills([Fill("BTC-USDT", "o-1", "t-1", Side.BUY, D("50010"), D("1"))])
    [row] = record.fills()
    assert (row.reference, row.reference_kind) == (D("50000"), "mid at send")
    assert row.slippage_bps == D("2")  # 10 / 50,000 × 10,000


def test_done_orders_are_newest_first_and_open_ones_wait() -> None:
    record = TradeRecord()
    resting = Order("BTC-USDT", "a", Side.BUY, 2, price=D("1"), timestamp_ms=1)
    record.add_order(resting)
    assert record.done_orders() == []
    record.add_order(Order("BTC-USDT", "b", Side.BUY, 6, price=D("1"), timestamp_ms=2))
    record.add_order(Order("BTC-USDT", "a", Side.BUY, 4, price=D("1"), timestamp_ms=3))
    assert [o.order_id for o in record.done_orders()] == ["a", "b"]
    # a late open report of a closed order changes nothing
    assert not record.add_order(resting)
    assert record.done_orders()[0].status == 4


def _market(symbol: str) -> Market:
    base, quote = symbol.split("-")
    return Market(symbol, base, quote, True, D("0.01"), D("0.01"), D("0.1"), D("1e6"), D("0.1"))


def test_prices_come_direct_inverted_or_through_one_currency_else_none() -> None:
    markets = [_market("ETH-BTC"), _market("BTC-USDT"), _market("USDT-EUR"), _market("ABC-XYZ")]
    tickers = {
        "ETH-BTC": Ticker("ETH-BTC", D("0.05")),
        "BTC-USDT": Ticker("BTC-USDT", D("100000"), bid=D("99990"), ask=D("100010")),
        "USDT-EUR": Ticker("USDT-EUR", D("0.8")),
        "ABC-XYZ": Ticker("ABC-XYZ", D("3")),
    }
    prices = PriceFinder(markets, tickers)
    assert prices.price("BTC", "USDT") == D("100000")  # the mid of bid and ask
    assert prices.price("ETH", "USDT") == D("5000")  # 0.05 BTC × 100,000
    assert prices.price("EUR", "USDT") == D("1.25")  # 1 / 0.8
    assert prices.price("ABC", "USDT") is None
    rows, equity = value_balances(
        [Balance("ETH", D("2"), D("2")), Balance("ABC", D("9"), D("9"))], "USDT", markets, tickers
    )
    assert [r.value for r in rows] == [D("10000"), None]
    assert (equity.total, equity.unpriced) == (D("10000"), ("ABC",))
