"""Reading and checking a keymap: every form of entry, every problem as one line, never a raise."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding, BindingsMap

from btse_tui.ui.app import BtseApp
from btse_tui.ui.keys.keymap import binding_scopes, key_problem, resolve_keymap
from btse_tui.ui.keys.keymap_file import KEYMAP_FILE, parse_keymap, read_keymap
from btse_tui.ui.widgets.live_table import LiveTable
from tests.ui.static_session import StaticSession

SCOPES = [
    (
        "the app",
        BindingsMap(
            [
                Binding("b", "buy", "Buy", id="app.buy"),
                Binding("c", "cancel", "Cancel", id="app.cancel"),
                Binding("1,f1", "tab", "Tab", id="app.tab"),
            ]
        ),
    ),
    (
        "LiveTable",
        BindingsMap(
            [
                Binding("down", "down", id="table.cursor_down"),
                Binding("home", "home", id="table.home"),
                Binding("g", "group", id="table.group"),
            ]
        ),
    ),
]


def test_every_way_of_writing_an_entry_reads_the_same() -> None:
    keymap = parse_keymap(
        'preset = "vim"\n"app.buy" = "B"\napp.sell = "V,ctrl+v"\n[table]\nhome = ["home", "g  g"]\n'
    )
    assert keymap.problems == ()
    assert keymap.preset == "vim"
    assert dict(keymap.entries) == {
        "app.buy": ("B",),
        "app.sell": ("V", "ctrl+v"),
        "table.home": ("home", "g g"),
    }


def test_a_missing_file_is_an_empty_keymap_and_a_broken_one_names_its_line(
    tmp_path: Path,
) -> None:
    missing = read_keymap(tmp_path / KEYMAP_FILE)
    assert not missing.found and missing.entries == {} and missing.problems == ()
    (tmp_path / KEYMAP_FILE).write_text('"app.buy" = "B"\n\n[table\n')
    broken = read_keymap(tmp_path / KEYMAP_FILE)
    assert broken.found and broken.entries == {}
    (line,) = broken.problems
    assert line.startswith(f"keymap {tmp_path / KEYMAP_FILE} line 3: not valid TOML (")
    assert line.endswith("); the built-in keys are used")


def test_values_that_are_not_keys_and_unknown_presets_are_one_line_each() -> None:
    keymap = parse_keymap('preset = "emacs"\n"app.buy" = 3\n"app.sell" = ""\n"app.x" = "y"\n')
    assert keymap.preset is None and dict(keymap.entries) == {"app.x": ("y",)}
    assert keymap.problems == (
        """keymap: preset 'emacs' is not one of "vim"; no preset used""",
        'keymap: app.buy = 3 is not keys (write "x", "ctrl+x", "a,b" or ["a", "g g"])',
        """keymap: app.sell = '' is not keys (write "x", "ctrl+x", "a,b" or ["a", "g g"])""",
    )


def test_key_names_are_textuals() -> None:
    for good in ("j", "G", "/", "slash", "question_mark", "ctrl+d", "f5", "pagedown", "enter"):
        assert key_problem(good) is None, good
    assert (
        key_problem("ctlr+x") == "'ctlr' is not a modifier (ctrl, shift, alt, meta, super, hyper)"
    )
    assert key_problem("pgdown") == "'pgdown' is not a key name"
    assert (
        key_problem("gg")
        == """'gg' is not a key name (a key sequence is written with spaces: "g g")"""
    )


def test_a_rebinding_replaces_the_keys_and_a_preset_adds_to_them() -> None:
    setup = resolve_keymap(
        parse_keymap('preset = "vim"\n"app.buy" = "B"\n"app.tab" = "1,f1,m"\n'), SCOPES
    )
    assert dict(setup.keymap) == {
        "app.buy": "B",
        "app.tab": "1,f1,m",
        "table.cursor_down": "down,j",
        "table.home": "home",  # keeps its own key beside the sequence
    }
    assert dict(setup.sequences) == {("g", "g"): "table.home"}
    # the preset's keys for bindings these scopes lack (book.*, app.command_line) are skipped;
    # gg starts with g, which this table already binds: a conflict
    assert setup.notices == (
        "keymap: conflict: g g (table.home) starts with g, already table.group in LiveTable",
    )


def test_conflicts_unknown_ids_and_bad_keys_are_one_line_each() -> None:
    setup = resolve_keymap(
        parse_keymap('"app.buy" = "c"\n"app.byu" = "x"\n"table.home" = ["pgup", "end"]\n'),
        SCOPES,
    )
    assert setup.notices == (
        "keymap: no action has the id app.byu (did you mean app.buy?); the entry is left out",
        "keymap: table.home: 'pgup' is not a key name; that key is left out",
        "keymap: conflict: c is both app.buy and app.cancel in the app",
    )
    assert dict(setup.keymap) == {"app.buy": "c", "table.home": "end"}


def test_two_rebound_actions_on_one_key_conflict() -> None:
    setup = resolve_keymap(parse_keymap('"app.buy" = "x"\n"app.cancel" = "x"\n'), SCOPES)
    assert setup.notices == ("keymap: conflict: x is both app.buy and app.cancel in the app",)


def test_the_scopes_hold_every_binding_of_the_desk_with_an_id() -> None:
    """A binding any part of the UI declares (with an id) can be rebound, without a list."""
    app = BtseApp(StaticSession())
    scopes = dict(binding_scopes(app))
    ids = {binding.id for bindings in scopes.values() for _key, binding in bindings}
    assert {"app.buy", "table.home", "book.pick", "order_form.fraction_25", "help.close"} <= ids
    assert "LiveTable" in scopes and "the app" in scopes
    assert LiveTable.__name__ in scopes


def test_an_app_key_moved_onto_a_widget_key_conflicts_there() -> None:
    """The app's priority keys run first in every pane: moving Buy onto the table's g would
    make g do nothing there, and a sequence starting with an app key would swallow it."""
    scopes = [
        ("the app", BindingsMap([Binding("b", "buy", "Buy", priority=True, id="app.buy")])),
        SCOPES[1],
    ]
    setup = resolve_keymap(parse_keymap('"app.buy" = "g"\n'), scopes)
    assert setup.notices == (
        "keymap: conflict: g is both app.buy and table.group in LiveTable and the app",
    )
    setup = resolve_keymap(parse_keymap('"table.home" = "b b"\n'), scopes)
    assert setup.notices == (
        "keymap: conflict: b b (table.home) starts with b, already app.buy in LiveTable",
    )


def test_the_vim_preset_over_the_whole_desk_has_no_conflict() -> None:
    app = BtseApp(StaticSession(), keymap=parse_keymap('preset = "vim"\n'))
    assert app.keys.notices == ()
    assert app.keys.sequences == {("g", "g"): "table.home"}
