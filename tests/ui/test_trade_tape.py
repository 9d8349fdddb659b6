"""The trade tape as a trader sees it: newest first, buys green and sells red, sizes, own fills
marked, only what fits; empty on a market switch until that market's trades come; greyed
while the spot socket is stale."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.color import Color
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot

from btse_tui.protocol.events import StreamState, StreamStateChanged
from btse_tui.protocol.models import Market, Side, Trade
from btse_tui.protocol.tape import TapePrint
from btse_tui.ui.app import BtseApp
from btse_tui.ui.widgets.format import fmt_price, fmt_time_ms
from btse_tui.ui.widgets.trade_tape import TradeTapeView
from tests.ui.static_session import NOW_MS, StaticSession

D = Decimal
BTC = Market(
    "BTC-USDT", "BTC", "USDT", True, D("0.1"), D("0.1"), D("0.00001"), D(2000), D("0.00001")
)


def prints(count: int) -> list[TapePrint]:
    """`count` prints, newest first: odd ones buys, the third one the trader's own."""
    return [
        TapePrint(
            Trade(
                "BTC-USDT",
                str(n),
                D("97000.0") + n,
                D("0.001") * (n + 1),
                Side.BUY if n % 2 else Side.SELL,
                NOW_MS - (count - n) * 1000,
            ),
            own=n == count - 3,
        )
        for n in reversed(range(count))
    ]


class TapeApp(App[None]):
    def __init__(self, shown: list[TapePrint]) -> None:
        super().__init__()
        self.shown = shown

    def compose(self) -> ComposeResult:
        yield TradeTapeView()

    def on_mount(self) -> None:
        tape = self.query_one(TradeTapeView)
        tape.set_market(BTC)
        tape.update(self.shown)


def price_colour(tape: TradeTapeView, y: int) -> Color | None:
    """The colour of the price cells on line `y`."""
    strip = tape.render_line(y)
    for segment in strip:
        if segment.text.strip().replace(",", "").replace(".", "").isdigit():
            return segment.style.color if segment.style else None
    return None


async def test_newest_on_top_with_side_colours_sizes_and_own_mark() -> None:
    app = TapeApp(prints(6))
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        tape = app.query_one(TradeTapeView)
        lines = tape.lines_text
        assert lines[0].split() == ["BTC-USDT", "Price", "Size"]  # the market's name on top
        rows = [line.replace("●", " ").split() for line in lines[1:]]
        assert [r[1] for r in rows] == ["97,005.0", "97,004.0", "97,003.0", "97,002.0",
                                        "97,001.0", "97,000.0"]  # fmt: skip
        assert [r[2] for r in rows] == ["0.00600", "0.00500", "0.00400", "0.00300",
                                        "0.00200", "0.00100"]  # fmt: skip
        assert rows[0][0] == fmt_time_ms(NOW_MS - 1000)
        assert [line.startswith("●") for line in lines[1:]] == [
            False, False, True, False, False, False,
        ]  # fmt: skip
        variables = app.get_css_variables()
        green = Color.parse(variables["success"])
        red = Color.parse(variables["error"])
        colours = [price_colour(tape, y) for y in range(1, 7)]
        # 5 is a buy (green), 4 a sell (red) …
        assert [c.triplet if c else None for c in colours] == [
            (green if n % 2 else red).triplet for n in (5, 4, 3, 2, 1, 0)
        ]


async def test_only_what_fits_is_painted() -> None:
    app = TapeApp(prints(200))
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        tape = app.query_one(TradeTapeView)
        assert len(tape.prints) == 200
        assert len(tape.lines_text) == 8  # the header and 7 trades
        assert "97,199.0" in tape.lines_text[1]


async def settle(pilot: Pilot, app: BtseApp) -> TradeTapeView:
    tape = app.desk.tape_view
    for _ in range(100):
        if len(tape.lines_text) > 2 and not tape.stale_text:
            break
        await pilot.pause(0.02)
    return tape


def shown_prices(tape: TradeTapeView) -> list[str]:
    return [line.replace("●", " ").split()[1] for line in tape.lines_text[1:] if ":" in line]


async def test_desk_tape_follows_the_selected_market() -> None:
    session = StaticSession()
    app = BtseApp(session, clock=lambda: NOW_MS / 1000)
    async with app.run_test(size=(160, 48)) as pilot:
        tape = await settle(pilot, app)
        btc = session.trades("BTC-USDT")
        assert app.desk.selected == "BTC-USDT"
        assert len(shown_prices(tape)) == len(btc)
        own = [line for line in tape.lines_text if line.startswith("●")]
        assert len(own) == 1 and fmt_time_ms(btc[5].timestamp_ms) in own[0]

        # a live print comes on top
        newest = Trade("BTC-USDT", "live-1", D("97777.0"), D("0.12345"), Side.BUY, NOW_MS)
        session.push_trades([newest])
        for _ in range(50):
            if shown_prices(tape)[:1] == ["97,777.0"]:
                break
            await pilot.pause(0.02)
        assert shown_prices(tape)[0] == "97,777.0" and "0.12345" in tape.lines_text[1]

        # switching market: the tape empties and says so until the new market's trades come
        session.backfill = False
        app.desk.select_market("ETH-USDT")
        await pilot.pause(0.05)
        assert shown_prices(tape) == []
        assert "waiting for ETH-USDT trades" in " ".join(tape.lines_text)
        session.push_trades([newest])  # a BTC print still in flight is not shown
        await pilot.pause(0.2)
        assert shown_prices(tape) == []
        eth = session.trades("ETH-USDT")
        session.push_trades(eth)
        for _ in range(50):
            if shown_prices(tape):
                break
            await pilot.pause(0.02)
        market = session.markets["ETH-USDT"]
        assert shown_prices(tape) == [fmt_price(t.price, market) for t in reversed(eth)]
        assert not any(line.startswith("●") for line in tape.lines_text)


async def test_desk_tape_greys_out_while_the_spot_socket_is_stale() -> None:
    session = StaticSession()
    app = BtseApp(session, clock=lambda: NOW_MS / 1000)
    async with app.run_test(size=(160, 48)) as pilot:
        tape = await settle(pilot, app)
        assert tape.stale_text == ""
        app.desk.events.receive(StreamStateChanged("spot", StreamState.STALE, "silent 9 s"))
        await pilot.pause()
        assert tape.lines_text[0].split()[:2] == ["BTC-USDT", "STALE"]
        assert "no data" in tape.lines_text[0]
        assert shown_prices(tape)  # the last trades stay, greyed
        app.desk.events.receive(StreamStateChanged("spot", StreamState.LIVE, "3 topics"))
        await pilot.pause()
        assert tape.lines_text[0].split() == ["BTC-USDT", "Price", "Size"]


async def test_the_trade_tab_holds_the_tape_at_80x24() -> None:
    session = StaticSession()
    app = BtseApp(session, clock=lambda: NOW_MS / 1000)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        tape = await settle(pilot, app)
        assert tape.size.height >= 4
        assert len(shown_prices(tape)) >= 3


async def test_prints_that_could_not_be_fetched_show_as_a_gap() -> None:
    shown = prints(6)
    shown[3] = TapePrint(shown[3].trade, shown[3].own, gap_after=True)  # lost after it
    app = TapeApp(shown)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        lines = app.query_one(TradeTapeView).lines_text
        gap = next(i for i, line in enumerate(lines) if "prints missed here" in line)
        # between the print of 97,002.0 and the newer one of 97,003.0, nowhere else
        assert "97,002.0" in lines[gap + 1] and "97,003.0" in lines[gap - 1]
        assert sum("prints missed" in line for line in lines) == 1


async def test_a_new_print_repaints_only_the_cells_that_differ() -> None:
    def same_second(n: int, price: str, side: Side) -> TapePrint:
        return TapePrint(Trade("BTC-USDT", str(n), D(price), D("0.001") * n, side, NOW_MS))

    old = [same_second(n, "97000.0", Side.BUY) for n in (5, 4, 3, 2, 1)]
    app = TapeApp(old)
    async with app.run_test(size=(40, 6)) as pilot:  # the header and 5 prints
        tape = app.query_one(TradeTapeView)
        await pilot.pause()
        calls: list[Region] = []
        original = tape.refresh

        def spy(*regions: Region, **kwargs: Any) -> TradeTapeView:
            calls.extend(regions)
            return original(*regions, **kwargs)

        tape.refresh = spy  # type: ignore[method-assign]
        tape.update([same_second(6, "97000.0", Side.BUY), *old])
        # every line shows the one that was above it: same time, price and side, so only
        # its size cells change
        size_x = tape.lines_text[1].index("0.00600")
        assert {r.y for r in calls} == set(range(1, 6))
        assert all(r.x >= size_x and r.height == 1 for r in calls)
        assert "0.00600" in tape.lines_text[1] and "0.00200" in tape.lines_text[5]
        calls.clear()
        tape.update(
            [same_second(7, "97000.0", Side.SELL), same_second(6, "97000.0", Side.BUY), *old]
        )
        # the side changed on the top lines: their price repaints too (its colour), not the time
        time_end = 1 + len(fmt_time_ms(NOW_MS))
        assert all(r.x > time_end for r in calls if r.y in (1, 2))
        assert any(r.x < size_x - 2 for r in calls if r.y in (1, 2))
