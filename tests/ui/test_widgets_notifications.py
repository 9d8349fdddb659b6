"""NotificationLog: bounded memory, colours by status, sticky errors until dismissed."""

from __future__ import annotations

from decimal import Decimal

from textual.app import App, ComposeResult

from btse_tui.protocol.models import Order, Side
from btse_tui.ui.bridge import describe_order
from btse_tui.ui.widgets.notifications import NotificationLog, Severity


class LogApp(App[None]):
    def compose(self) -> ComposeResult:
        yield NotificationLog(cap=200)


async def test_ten_thousand_lines_stay_bounded_and_follow_the_tail() -> None:
    app = LogApp()
    async with app.run_test(size=(80, 10)) as pilot:
        log = app.query_one(NotificationLog)
        flushes = 0
        original = log._flush

        def counting_flush() -> None:
            nonlocal flushes
            flushes += 1
            original()

        log._flush = counting_flush  # type: ignore[method-assign]
        for i in range(10_000):
            log.add(f"line {i}", "info", at=0)
        await pilot.pause()
        assert log.line_count == 200 == log.cap
        assert flushes == 1  # 10,000 adds in one handler → one repaint
        assert log.render_line(9).text.strip().endswith("line 9999")


async def test_sticky_error_stays_on_top_until_x() -> None:
    app = LogApp()
    async with app.run_test(size=(80, 10)) as pilot:
        log = app.query_one(NotificationLog)
        log.add("Rejected: size too small (code 301)", Severity.ERROR, sticky=True, at=0)
        for i in range(50):
            log.add(f"fill {i}", "filled", at=0)
        await pilot.pause()
        top = log.render_line(0).text
        assert "✖" in top and "Rejected" in top and "[x] dismiss" in top
        log.focus()
        await pilot.press("x")
        await pilot.pause()
        assert log.sticky == ()
        assert "✖" not in log.render_line(0).text
        assert log.render_line(9).text.strip().endswith("fill 49")
        assert any(line.text.startswith("Rejected") for line in log.lines)  # still in history


async def test_order_lines_in_plain_words() -> None:
    order = Order(
        "BTC-USDT",
        "1",
        Side.BUY,
        2,
        price=Decimal("20000"),
        original_size=Decimal("0.001"),
    )
    from btse_tui.protocol.models import Market

    btc = Market(
        "BTC-USDT",
        "BTC",
        "USDT",
        True,
        Decimal("0.1"),
        Decimal("0.1"),
        Decimal("0.0001"),
        Decimal(9),
        Decimal("0.0001"),
    )
    assert describe_order(order, btc) == "BUY 0.0010 BTC-USDT @ 20,000.0  inserted"
    app = LogApp()
    async with app.run_test(size=(80, 10)) as pilot:
        log = app.query_one(NotificationLog)
        log.add_order(Order("BTC-USDT", "2", Side.SELL, 15, message="post-only would take"), btc)
        await pilot.pause()
        assert log.lines[-1].severity == Severity.ERROR
        assert log.sticky and "rejected (status 15): post-only would take" in log.sticky[-1].text
