"""The candle chart as a trader reads it: a candle's O/H/L/C and volume on the top line, the
cursor's readout, own orders as lines at their price that come and go with the order, fills
marked, the interval keys, and a grey chart that says STALE while the trades feed is silent."""

from __future__ import annotations

from decimal import Decimal

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from btse_tui.config import Settings
from btse_tui.protocol import session_events as se
from btse_tui.protocol.candles import CandleSeries
from btse_tui.protocol.events import StreamState, StreamStateChanged
from btse_tui.protocol.models import Candle, Fill, Market, Order, Side, Trade
from btse_tui.ui.app import BtseApp
from btse_tui.ui.widgets.chart import CandleChart
from tests.ui.static_session import NOW_MS, StaticSession
from tests.ui.test_app_live import until

D = Decimal
BTC = Market(
    "BTC-USDT", "BTC", "USDT", True, D("0.1"), D("0.1"), D("0.00001"), D(2000), D("0.00001")
)
T0 = NOW_MS // 1000 // 60 * 60 - 60 * 9  # ten one-minute candles up to NOW_MS


def trade(minute: int, second: int, price: str, size: str) -> Trade:
    at = (T0 + minute * 60 + second) * 1000
    return Trade("BTC-USDT", f"{minute}-{second}", D(price), D(size), Side.BUY, at)


def ten_candles() -> tuple[Candle, ...]:
    """Ten minutes of trades; the last minute: 100.0 → 104.0 → 97.0 → 101.0."""
    series = CandleSeries("BTC-USDT", "1m")
    for minute in range(9):
        series.add(trade(minute, 10, str(98 + minute % 4), "1"))
    for second, price, size in (
        (1, "100", "2"),
        (20, "104", "1"),
        (30, "97", "1"),
        (59, "101", "3"),
    ):
        series.add(trade(9, second, price, size))
    return series.view()


class ChartApp(App[None]):
    def compose(self) -> ComposeResult:
        yield CandleChart()

    def on_mount(self) -> None:
        chart = self.query_one(CandleChart)
        chart.set_market(BTC)
        chart.show_interval("1m")
        chart.set_candles(ten_candles())
        chart.focus()


def cells_of(chart: CandleChart, code: str) -> list[tuple[int, str]]:
    """(row, text) of every line holding a cell of style `code`, with just those cells."""
    found = []
    for y, (text, codes) in enumerate(chart.lines):
        picked = "".join(t for t, c in zip(text, codes, strict=True) if c == code)
        if picked:
            found.append((y, picked))
    return found


async def test_the_top_line_reads_the_newest_candle_and_the_cursor_reads_an_older_one() -> None:
    app = ChartApp()
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        chart = app.query_one(CandleChart)
        top = chart.lines_text[0]
        assert "BTC-USDT 1m" in top
        assert "O 100.0  H 104.0  L 97.0  C 101.0  V 704" in top  # 200 + 104 + 97 + 303
        await pilot.press("left", "left")  # two candles back: minute 8, one trade at 98 + 0
        top = chart.lines_text[0]
        assert "O 98.0  H 98.0  L 98.0  C 98.0  V 98" in top
        assert chart.lines_text[-1].count("▲") == 1  # the cursor's column on the time axis
        await pilot.press("escape")
        assert "C 101.0" in chart.lines_text[0] and "▲" not in chart.lines_text[-1]


async def test_a_click_on_a_candle_puts_the_cursor_on_it() -> None:
    app = ChartApp()
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        chart = app.query_one(CandleChart)
        oldest_x = min(
            codes.find(c) for _, codes in chart.lines for c in "ud" if c in codes
        )  # the leftmost candle painted
        row = next(y for y, (_, codes) in enumerate(chart.lines) if codes[oldest_x] in "ud")
        await pilot.click(CandleChart, offset=(oldest_x, row))
        assert "O 98.0  H 98.0  L 98.0  C 98.0" in chart.lines_text[0]
        assert chart.cursor == 9


async def test_an_order_line_appears_and_leaves_with_the_order_and_fills_are_marked() -> None:
    app = ChartApp()
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        chart = app.query_one(CandleChart)
        assert cells_of(chart, "b") == [] and cells_of(chart, "s") == []
        buy = Order(
            "BTC-USDT", "o-1", Side.BUY, 2, price=D("99.0"), original_size=D("0.01"),
            remaining_size=D("0.01"),
        )  # fmt: skip
        stop = Order(
            "BTC-USDT", "o-2", Side.SELL, 9, price=D("97.5"), trigger_price=D("102.0"),
            is_trigger=True, original_size=D("0.01"),
        )  # fmt: skip
        chart.set_orders([buy, stop])
        ((_, buy_cells),) = cells_of(chart, "b")
        ((_, sell_cells),) = cells_of(chart, "s")
        assert "─" in buy_cells and buy_cells.endswith("99.0")  # a line, its price on the axis
        assert "╌" in sell_cells and sell_cells.endswith("102.0")  # a stop waits at its trigger
        chart.set_orders([stop])  # the buy was cancelled
        assert cells_of(chart, "b") == []
        chart.add_fills(
            [
                Fill(
                    "BTC-USDT",
                    "o-3",
                    "t-1",
                    Side.SELL,
                    D("104"),
                    D("1"),
                    timestamp_ms=(T0 + 560) * 1000,
                )
            ]
        )
        assert cells_of(chart, "f") == [(1, "▼")]  # on the last candle, at its high (top row)


async def test_interval_keys_ask_for_the_next_interval() -> None:
    app = ChartApp()
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        chart = app.query_one(CandleChart)
        await pilot.press("right_square_bracket")
        assert chart.interval == "5m" and "waiting for BTC-USDT 5m candles" in " ".join(
            chart.lines_text
        )
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert chart.interval == "1m"


async def settle(pilot: Pilot, app: BtseApp) -> CandleChart:
    chart = app.desk.chart_view
    for _ in range(100):
        if chart.candles and cells_of(chart, "L"):
            break
        await pilot.pause(0.02)
    return chart


async def test_desk_chart_shows_the_selected_markets_candles_orders_and_staleness() -> None:
    session = StaticSession()
    app = BtseApp(session, clock=lambda: NOW_MS / 1000)
    async with app.run_test(size=(160, 48)) as pilot:
        chart = await settle(pilot, app)
        klines = session.klines("BTC-USDT", chart.interval)
        assert chart.candles == tuple(klines)
        last = klines[-1]
        readout = " ".join(chart.lines_text[:2])  # two lines when the pane is narrow
        assert f"C {last.close:,}" in readout and f"H {last.high:,}" in readout
        # an order placed in the chart's range draws its line; its cancel takes it away
        top = max(k.high for k in klines)  # the top row, away from the last price's label
        order = Order(
            "BTC-USDT", "ord-9", Side.SELL, 2, price=top, original_size=D("0.01"),
            remaining_size=D("0.01"), timestamp_ms=NOW_MS,
        )  # fmt: skip
        session.ledger.apply_order(order)
        app.desk.events.receive(se.OrderChanged(order, new_state=True))
        await until(pilot, lambda: cells_of(chart, "s") != [])  # with the chart's next frame
        ((_, cells),) = cells_of(chart, "s")
        assert "─" in cells and cells.endswith(f"{top:,}")
        done = Order("BTC-USDT", "ord-9", Side.SELL, 6, price=top, timestamp_ms=NOW_MS)
        session.ledger.apply_order(done)
        app.desk.events.receive(se.OrderChanged(done, new_state=True))
        await until(pilot, lambda: cells_of(chart, "s") == [])
        # the trades feed goes silent: the chart greys and says so
        app.desk.events.receive(StreamStateChanged("spot", StreamState.STALE, "silent 9 s"))
        await pilot.pause()
        assert chart.stale and "STALE" in chart.lines_text[0] and "no data" in chart.lines_text[0]


async def test_the_chart_tab_at_80x24() -> None:
    session = StaticSession()
    app = BtseApp(session, clock=lambda: NOW_MS / 1000)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("5")
        chart = await settle(pilot, app)
        assert app.desk.tab == "chart" and chart.region.width == 80
        assert chart.lines_text[0].startswith(" BTC-USDT 15m")
        assert app.desk.focused is chart


async def test_with_the_chart_off_no_klines_are_asked_for_until_its_tab_is_shown() -> None:
    session = StaticSession()
    app = BtseApp(session, settings=Settings(chart=False), clock=lambda: NOW_MS / 1000)
    async with app.run_test(size=(160, 48)) as pilot:
        for _ in range(50):
            if session.tape.prints and app.desk.tape_view.lines_text[1:]:
                break
            await pilot.pause(0.02)
        await pilot.pause(0.1)
        assert not app.desk.chart_view.display or app.desk.chart_view.region.height == 0
        assert session.candle_book.get("BTC-USDT", "15m") is None  # nothing fetched
        await pilot.resize_terminal(80, 24)
        await pilot.press("5")
        chart = await settle(pilot, app)
        assert chart.candles and app.desk.tab == "chart"


async def test_low_bandwidth_repaints_the_chart_at_most_once_a_second() -> None:
    session = StaticSession()
    now = [1000.0]
    app = BtseApp(
        session,
        settings=Settings(low_bandwidth=True),
        clock=lambda: NOW_MS / 1000,
        monotonic=lambda: now[0],
    )
    async with app.run_test(size=(160, 48)) as pilot:
        chart = await settle(pilot, app)
        shown = chart.candles
        price = shown[-1].high + 50
        now[0] += 0.5  # past the tape's frame, not the chart's second
        session.push_trades([Trade("BTC-USDT", "lb-1", price, D("0.001"), Side.BUY, NOW_MS)])
        tape = app.desk.tape_view
        for _ in range(100):  # the tape's frame came (the chart is painted in the same pass)
            if tape.prints and tape.prints[0].trade.trade_id == "lb-1":
                break
            await pilot.pause(0.02)
        assert tape.prints[0].trade.trade_id == "lb-1"
        assert chart.candles == shown  # painted less than a second ago: not yet
        assert session.candles("BTC-USDT", chart.interval)[-1].high == price
        now[0] += 1.01
        for _ in range(100):
            if chart.candles != shown:
                break
            await pilot.pause(0.02)
        assert chart.candles[-1].high == price
