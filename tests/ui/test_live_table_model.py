"""The LiveTable's row model without a widget: which cells an update dirties, order, layout."""

from __future__ import annotations

from decimal import Decimal as D

from btse_tui.ui.widgets.live_table_model import Column, ColumnLayout, RowModel


def model() -> RowModel:
    columns = [
        Column("name", "Name", 8, priority=100),
        Column("price", "Price", 10, "right", lambda v, r: f"{v:.{r.get('pd', 1)}f}", flash=True),
        Column("qty", "Qty", 6, "right", priority=40),
    ]
    rows = RowModel(columns)
    for i in range(5):
        rows.add(f"R{i}", {"name": f"R{i}", "price": D(i), "qty": i})
    return rows


def test_an_update_returns_only_the_cells_whose_text_changed() -> None:
    rows = model()
    before = rows.row("R2").version  # type: ignore[union-attr]
    change = rows.update("R2", {"price": D(7), "qty": 2})  # qty is the same value
    assert change.dirty == ("price",)
    assert change.moved == (("price", D(2), D(7)),)
    assert rows.row("R2").texts["price"] == "7.0"  # type: ignore[union-attr]
    assert rows.row("R2").version > before  # type: ignore[union-attr]
    assert rows.update("R2", {"price": D(7)}).dirty == ()  # nothing changed: nothing dirty


def test_row_data_that_is_no_column_reformats_the_row_without_a_flash() -> None:
    rows = model()
    change = rows.update("R3", {"pd": 3})
    assert change.dirty == ("price",) and change.moved == ()
    assert rows.row("R3").texts["price"] == "3.000"  # type: ignore[union-attr]


def test_the_order_follows_sort_filter_and_pins() -> None:
    rows = model()
    rows.set_sort("price", reverse=True)
    assert list(rows.order) == ["R4", "R3", "R2", "R1", "R0"]
    assert rows.update("R0", {"price": D(9)}).sort_touched
    assert rows.order[0] == "R4"  # re-sorted only when asked
    rows.rebuild_order()
    assert rows.order[0] == "R0"
    rows.set_pinned({"R1"})
    assert list(rows.order)[:2] == ["R1", "R0"]
    rows.set_filter("r1")
    assert list(rows.order) == ["R1"]
    change = rows.update("R2", {"name": "R12"})
    assert change.reordered and list(rows.order) == ["R1", "R2"]
    assert rows.index_of("R3") is None


def test_a_row_re_added_under_the_same_key_never_reuses_an_update_count() -> None:
    rows = model()
    old = rows.row("R1").version  # type: ignore[union-attr]
    rows.remove("R1")
    rows.add("R1", {"name": "R1", "price": D(1), "qty": 1})
    assert rows.row("R1").version != old  # type: ignore[union-attr]


def test_a_narrow_layout_hides_the_lowest_priority_column_first() -> None:
    columns = model().columns
    wide = ColumnLayout.fit(columns, 80)
    assert [c.key for c in wide.visible] == ["name", "price", "qty"]
    assert wide.x == {"name": 1, "price": 10, "qty": 21} and wide.width == 28
    narrow = ColumnLayout.fit(columns, 22)
    assert [c.key for c in narrow.visible] == ["name", "price"]


# -------------------------------------------------------------- incremental order


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ops = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, 30), st.none() | st.integers(-3, 3)),
        st.tuples(st.just("remove"), st.integers(0, 30), st.none()),
        st.tuples(st.just("update"), st.integers(0, 30), st.none() | st.integers(-3, 3)),
        st.tuples(st.just("sort"), st.sampled_from([None, "price", "name"]), st.booleans()),
        st.tuples(st.just("filter"), st.sampled_from(["", "r1", "r2"]), st.none()),
        st.tuples(st.just("pin"), st.integers(0, 30), st.none()),
        st.tuples(st.just("resort"), st.none(), st.none()),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(_ops)
def test_rows_added_and_removed_one_at_a_time_show_in_the_order_a_full_sort_gives(ops) -> None:
    """What a trader sees in a sorted table after rows come and go one by one (as each order
    event adds a history row) is the order a fresh sort of the same rows gives."""
    rows = RowModel([Column("name", "Name", 8), Column("price", "Price", 10, "right")])
    moved = False  # a sort value changed since the last sort: the table re-sorts on a timer
    for op, a, b in ops:
        key = f"r{a}"
        if op == "add" and key not in rows:
            rows.add(key, {"name": key, "price": None if b is None else D(b)})
        elif op == "remove":
            rows.remove(key)
        elif op == "update" and key in rows:
            moved = rows.update(key, {"price": None if b is None else D(b)}).sort_touched or moved
        elif op == "sort":
            rows.set_sort(a, b)
        elif op == "filter":
            rows.set_filter(a)
        elif op == "pin":
            rows.set_pinned({key} | set(rows.pinned) if key not in rows.pinned else set())
        elif op == "resort":
            rows.rebuild_order()
        if op in ("sort", "filter", "pin", "resort") or (op == "add" and moved):
            moved = False  # the order was rebuilt
        if op == "add" or (op == "remove" and not moved):
            shown = list(rows.order)
            assert [rows.index_of(k) for k in shown] == list(range(len(shown)))
            rows.rebuild_order()
            assert list(rows.order) == shown
