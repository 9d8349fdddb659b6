"""NotificationLog: bounded memory, colours by status, sticky errors until dismissed."""

from __future__ import annotations

from decimal import Decimal

from textual.app import App, ComposeResult

from btse_tui.protocol.models import Order, Side
from btse_tui.ui.bridge import describe_order
from btse_tui.ui.widgets.notifications import NotificationLog, Severity


def buy_btc(order_id: str, status: int, price: str, size: str, **fields: object) -> Order:
    """A BTC-USDT buy order in `status`."""
    return Order(
        "BTC-USDT",
        order_id,
        Side.BUY,
        status,
        price=Decimal(price),
        original_size=Decimal(size),
        **fields,  # type: ignore[arg-type]
    )


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
    order = buy_btc("1", 2, "20000", "0.001")
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


class NarrowLogApp(App[None]):
    """A 40-column log with a clock the test moves."""

    def __init__(self) -> None:
        super().__init__()
        self.now = 1_764_072_000.0

    def compose(self) -> ComposeResult:
        yield NotificationLog(cap=50, clock=lambda: self.now)


def _joined(rows: list[str]) -> str:
    return " ".join(" ".join(rows).split())


async def test_a_line_wider_than_the_pane_wraps_and_is_readable_in_full() -> None:
    fill = "FILL BUY 0.00103 BTC-USDT @ 97,038.8  taker, fee 0.00000206 BTC"
    error = "Stream error on snapshotL1:XLM-USDT: subscription not acknowledged by the server"
    app = NarrowLogApp()
    async with app.run_test(size=(40, 12)) as pilot:
        log = app.query_one(NotificationLog)
        log.add(fill, "filled")
        log.add(error, "connection")
        await pilot.pause()
        rows = log.visible_text
        assert all(len(row) <= 39 for row in rows)  # the scrollbar's column stays free
        assert " ".join(fill.split()) in _joined(rows)
        assert " ".join(error.split()) in _joined(rows)
        # continuation rows sit under the words, not under the time
        second = rows[1]
        assert second.startswith(" " * 11) and second.strip()


async def test_lines_read_in_arrival_order_stamped_when_they_arrived() -> None:
    from btse_tui.ui.widgets.format import fmt_clock

    app = NarrowLogApp()
    async with app.run_test(size=(100, 12)) as pilot:
        log = app.query_one(NotificationLog)
        log.add("spot socket live: logged in, 3 topics", "connection")
        app.now += 10
        # the exchange dates this order 60 s ago (its creation time); it reaches us now
        old = buy_btc("9", 6, "20000", "0.001", timestamp_ms=int((app.now - 60) * 1000))
        log.add_order(old)
        log.add("FILL BUY 0.001 BTC-USDT @ 20,000", "filled", happened=app.now - 30)
        await pilot.pause()
        stamps = [line.stamp for line in log.lines]
        assert stamps == sorted(stamps)
        assert stamps[1] == fmt_clock(app.now)
        assert log.lines[2].text.endswith(f"(at {fmt_clock(app.now - 30)})")


async def test_sticky_errors_read_oldest_first_and_x_dismisses_the_newest() -> None:
    app = NarrowLogApp()
    async with app.run_test(size=(100, 12)) as pilot:
        log = app.query_one(NotificationLog)
        log.add("Rejected first", Severity.ERROR, sticky=True)
        app.now += 10
        log.add("Rejected second", Severity.ERROR, sticky=True)
        await pilot.pause()
        rows = log.visible_text
        assert "Rejected first" in rows[0] and "Rejected second" in rows[1]
        assert "[x] dismiss" in rows[1]
        log.focus()
        await pilot.press("x")
        await pilot.pause()
        assert [line.text for line in log.sticky] == ["Rejected first"]


async def test_long_sticky_errors_leave_half_the_pane_to_the_log() -> None:
    app = NarrowLogApp()
    async with app.run_test(size=(60, 10)) as pilot:
        log = app.query_one(NotificationLog)
        for n in range(3):
            log.add(f"Rejected {n}: " + "the exchange refused it " * 3, Severity.ERROR, sticky=True)
        log.add("BUY 0.001 BTC-USDT @ 20,000.0  inserted")
        await pilot.pause()
        rows = log.visible_text
        pinned = rows[: log._sticky_rows]
        assert 0 < len(pinned) <= 5  # half of the 10 rows at most
        assert "Rejected 2" in " ".join(pinned)  # the newest
        assert "(+" in pinned[0] and "[x] dismiss" in " ".join(pinned)
        assert any(row.endswith("inserted") for row in rows[len(pinned) :])


def test_a_stop_orders_line_says_its_trigger_even_from_the_create_reply() -> None:
    # the create reply (§4.1) has `trigger` and `triggerPrice` but no txType: three stops at
    # one limit price must still read apart
    order = buy_btc("7", 9, "98100", "0.001", trigger_price=Decimal("98500"), is_trigger=True)
    assert describe_order(order) == "BUY 0.001 BTC-USDT @ 98,100 (trigger 98,500)  trigger inserted"


def test_wrapping_breaks_at_spaces_keeps_inner_spaces_and_splits_long_words() -> None:
    from btse_tui.ui.widgets.notifications import wrap_line, wrap_words

    assert wrap_words("BUY 0.001 BTC-USDT  inserted ", 12) == ["BUY 0.001", "BTC-USDT", "inserted"]
    assert wrap_words("a  b", 10) == ["a  b"]
    assert wrap_words("snapshotL1:XLM-USDT", 8) == ["snapshot", "L1:XLM-U", "SDT"]
    prefix = " 12:00:00  "
    rows = wrap_line(prefix, "FILL BUY 0.00103 BTC-USDT @ 97,038.8  taker, fee 0.00000206 BTC", 40)
    assert rows == [
        " 12:00:00  FILL BUY 0.00103 BTC-USDT @",
        "           97,038.8  taker, fee",
        "           0.00000206 BTC",
    ]
