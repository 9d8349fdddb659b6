"""Desktop notification bytes: OSC 9, OSC 777, tmux passthrough, text sanitised."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from btse_tui.protocol.osc import (
    clean_text,
    desktop_notification,
    osc9,
    osc777,
    tmux_passthrough,
)


def test_osc9_and_osc777_exact_bytes() -> None:
    assert osc9("btse-tui: BTC up") == "\x1b]9;btse-tui: BTC up\x1b\\"
    assert osc777("btse-tui", "BTC up") == "\x1b]777;notify;btse-tui;BTC up\x1b\\"


def test_control_characters_from_a_market_name_or_message_are_taken_out() -> None:
    hostile = "EVIL\x1b]0;pwned\x07-USDT\x9b2J\r\nfilled\u202e"
    assert clean_text(hostile) == "EVIL ]0;pwned -USDT 2J filled"
    sequence = osc777(hostile, hostile)
    inner = sequence[len("\x1b]777;") : -2]
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in inner)


def test_osc777_fields_keep_their_count() -> None:
    assert osc777("a;b", "c;d") == "\x1b]777;notify;a,b;c,d\x1b\\"


def test_osc9_text_never_starts_with_a_digit() -> None:
    assert osc9("4;3;ring") == "\x1b]9;· 4;3;ring\x1b\\"


def test_long_text_is_cut() -> None:
    assert len(clean_text("x" * 500)) == 200


def test_tmux_passthrough_doubles_every_inner_escape() -> None:
    assert tmux_passthrough("\x1b]9;hi\x1b\\") == "\x1bPtmux;\x1b\x1b]9;hi\x1b\x1b\\\x1b\\"


def test_desktop_notification_with_and_without_tmux() -> None:
    plain = desktop_notification("T", "B", tmux=False)
    assert plain == "\x1b]9;T: B\x1b\\\x1b]777;notify;T;B\x1b\\"
    wrapped = desktop_notification("T", "B", tmux=True)
    assert wrapped == tmux_passthrough("\x1b]9;T: B\x1b\\") + tmux_passthrough(
        "\x1b]777;notify;T;B\x1b\\"
    )
    assert desktop_notification("T", "B", tmux=False, sequences=("osc777",)) == osc777("T", "B")
    assert desktop_notification("T", "B", tmux=False, sequences=()) == ""


@given(st.text(), st.text())
def test_no_text_can_end_the_sequence_early(title: str, body: str) -> None:
    for sequence in (osc9(f"{title}{body}"), osc777(title, body)):
        assert sequence.count("\x1b") == 2  # the introducer and the terminator's
        assert "\x07" not in sequence and "\x9c" not in sequence
        assert sequence.endswith("\x1b\\")
    assert osc777(title, body).count(";") == 3
