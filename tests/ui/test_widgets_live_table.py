"""LiveTable: sorting, filtering, pinning, cursor, cell-level repaint and flashes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from textual.app import App, ComposeResult
from textual.geometry import Region

from btse_tui.ui.widgets.live_table import Column, LiveTable


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_columns() -> list[Column]:
    return [
        Column("name", "Name", 8, priority=100),
        Column("price", "Price", 10, "right", flash=True, priority=100),
        Column("qty", "Qty", 6, "right", priority=50),
        Column("note", "Note", 30, priority=10),
    ]


class TableApp(App[None]):
    def __init__(self, rows: int = 1300, **table_args: Any) -> None:
        super().__init__()
        self.rows = rows
        self.table_args = table_args
        self.messages: list[Any] = []

    def compose(self) -> ComposeResult:
        yield LiveTable(make_columns(), **self.table_args)

    def on_mount(self) -> None:
        table = self.query_one(LiveTable)
        table.set_rows(
            (
                f"R{i:04d}",
                {"name": f"R{i:04d}", "price": Decimal(i % 97), "qty": i % 5, "note": ""},
            )
            for i in range(self.rows)
        )
        table.focus()

    def on_live_table_selected(self, message: LiveTable.Selected) -> None:
        self.messages.append(message)


def record_refreshes(table: LiveTable) -> list[tuple[Region, ...]]:
    calls: list[tuple[Region, ...]] = []
    original = table.refresh

    def spy(*regions: Region, **kwargs: Any) -> LiveTable:
        calls.append(regions)
        return original(*regions, **kwargs)

    table.refresh = spy  # type: ignore[method-assign]
    return calls


async def test_updating_one_cell_refreshes_only_that_cells_region() -> None:
    app = TableApp()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(LiveTable)
        await pilot.pause()
        shown = table.displayed_keys[:20]
        strips_before = {key: table._row_strips[key][1] for key in shown}
        calls = record_refreshes(table)

        changed = table.update_cell("R0003", "price", Decimal("55.5"))

        assert changed
        # Row R0003 is display row 3 → screen line 4 (after the header); price column x=10.
        assert calls == [(Region(10, 4, 10, 1),)]
        # Only that row's cached strip is redrawn; every other row is served from the cache.
        for y, key in enumerate(shown, start=1):
            table.render_line(y)
            if key == "R0003":
                assert table._row_strips[key][1] is not strips_before[key]
            else:
                assert table._row_strips[key][1] is strips_before[key]
        await pilot.pause()
        assert "55.5" in table.render_line(4).text


async def test_unchanged_and_offscreen_updates_do_not_repaint() -> None:
    app = TableApp()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(LiveTable)
        await pilot.pause()
        calls = record_refreshes(table)
        assert not table.update_cell("R0003", "price", Decimal(3))  # same value
        table.update_cell("R1200", "price", Decimal("1.5"))  # far below the viewport
        assert calls == []
        assert table.cell_text("R1200", "price") == "1.5"


async def test_sort_is_numeric_stable_and_shows_an_arrow() -> None:
    app = TableApp(rows=12)
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(LiveTable)
        table.update_cell("R0005", "price", None)
        table.sort_by("qty", reverse=True)
        await pilot.pause()
        keys = table.displayed_keys
        # qty = i % 5 descending; ties keep insertion order.
        assert keys[:3] == ("R0004", "R0009", "R0003")
        assert "▼Qty" in table.render_line(0).text
        table.sort_by("price")
        keys = table.displayed_keys
        assert keys[0] == "R0000" and keys[-1] == "R0005"  # None sorts last
        prices = [table.get_row(k)["price"] for k in keys[:-1]]  # type: ignore[index]
        assert prices == sorted(prices)


async def test_filter_pin_and_cursor_keys() -> None:
    app = TableApp(rows=300)
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(LiveTable)
        table.set_filter("r001")
        assert table.displayed_keys == tuple(f"R001{i}" for i in range(10))
        table.set_filter("")
        table.set_predicate(lambda row: row["qty"] == 0)
        assert all(table.get_row(k)["qty"] == 0 for k in table.displayed_keys)  # type: ignore[index]
        table.set_predicate(None)

        table.set_pinned({"R0250"})
        await pilot.pause()
        assert table.displayed_keys[0] == "R0250"
        assert table.render_line(1).text.startswith("★R0250")

        await pilot.press("home", "down", "down")
        assert table.cursor_key == "R0001"
        await pilot.press("pagedown")
        assert table.cursor_key == table.displayed_keys[2 + 19]  # one page = 20 lines - header
        await pilot.press("end")
        assert table.cursor_key == table.displayed_keys[-1]
        await pilot.press("enter")
        await pilot.pause()
        assert [m.key for m in app.messages] == [table.displayed_keys[-1]]


async def test_flash_appears_then_fades_and_only_flashing_cells_repaint() -> None:
    clock = FakeClock()
    app = TableApp(rows=50, clock=clock, flash_duration=0.8)
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(LiveTable)
        await pilot.pause()
        table.update_cell("R0002", "price", Decimal(10))  # up from 2
        table.update_cell("R0004", "price", Decimal(1))  # down from 4
        assert table.flashing_cells == {
            ("R0002", "price"): "flash-up",
            ("R0004", "price"): "flash-down",
        }
        styles = table._style_map()
        price_segment = next(s for s in table.render_line(3) if s.text.strip() == "10")
        assert price_segment.style.bgcolor == styles["flash-up"].bgcolor

        calls = record_refreshes(table)
        clock.now += 0.4
        table.advance_flashes()
        assert table.flashing_cells == {
            ("R0002", "price"): "fade-up",
            ("R0004", "price"): "fade-down",
        }
        assert sorted(calls) == [(Region(10, 3, 10, 1),), (Region(10, 5, 10, 1),)]

        clock.now += 0.5
        table.advance_flashes()
        assert table.flashing_cells == {}
        price_segment = next(s for s in table.render_line(3) if s.text.strip() == "10")
        assert price_segment.style.bgcolor == styles["base"].bgcolor

        table.low_bandwidth = True
        table.update_cell("R0002", "price", Decimal(20))
        assert table.flashing_cells == {}


async def test_narrow_terminal_hides_low_priority_columns() -> None:
    app = TableApp(rows=30)
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(LiveTable)
        await pilot.pause()
        assert [c.key for c in table.visible_columns] == ["name", "price", "qty"]
        assert "Note" not in table.render_line(0).text
        await pilot.resize_terminal(80, 12)
        await pilot.pause()
        assert [c.key for c in table.visible_columns] == ["name", "price", "qty", "note"]


def on_screen(app: App[None]) -> str:
    """The text the terminal shows, as the compositor last composed it."""
    return "\n".join(line.text for line in app.screen._compositor.render_strips())


async def test_rows_added_one_by_one_past_the_height_scroll_to_the_last_and_back() -> None:
    """Rows that come one at a time (as orders do) give the table a scroll bar once they
    overflow it, End shows the newest, and the bar goes when they fit again."""
    app = TableApp(rows=0)
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(LiveTable)
        for i in range(40):
            table.add_row(f"N{i:02d}", {"name": f"N{i:02d}", "price": Decimal(i), "qty": 1})
        await pilot.pause()
        assert table.show_vertical_scrollbar
        await pilot.press("end")
        await pilot.pause()
        assert "N39" in on_screen(app) and "N00" not in on_screen(app)
        for i in range(35):
            table.remove_row(f"N{i:02d}")
        await pilot.pause()
        assert not table.show_vertical_scrollbar
        assert all(f"N{i:02d}" in on_screen(app) for i in range(35, 40))


async def test_newest_rows_on_top_stay_in_view_while_the_trader_is_elsewhere() -> None:
    """Orders listed newest first in a pane the trader is not using: each new one shows at the
    top, not scrolled away to keep the first order's cursor row in view; focusing the pane
    brings the cursor row back."""
    app = TableApp(rows=0)
    async with app.run_test(size=(60, 8)) as pilot:
        table = app.query_one(LiveTable)
        table.sort_by("price", reverse=True)  # the newest (highest) first
        app.set_focus(None)
        for i in range(12):
            table.add_row(f"N{i:02d}", {"name": f"N{i:02d}", "price": Decimal(i), "qty": 1})
            await pilot.pause()
        assert "N11" in on_screen(app) and "N10" in on_screen(app)
        assert "N00" not in on_screen(app)  # the first row, the cursor's, is below the fold
        table.focus()
        await pilot.pause()
        assert "N00" in on_screen(app)
