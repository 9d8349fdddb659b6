"""The storm gate: one alert of a kind every few seconds, the rest summed up in one."""

from __future__ import annotations

from btse_tui.protocol.alerts import Alert, AlertKind, StormGate


def fill(text: str, symbol: str = "BTC-USDT") -> Alert:
    return Alert(AlertKind.FILL, text, symbol)


def test_the_first_alert_goes_out_and_a_burst_after_it_becomes_one_summary() -> None:
    gate = StormGate(5.0)
    assert gate.admit(fill("one"), 0.0) == fill("one")
    assert [gate.admit(fill(t), 0.5 + i) for i, t in enumerate(["two", "three", "four"])] == [
        None
    ] * 3
    assert gate.next_due() == 5.0
    assert gate.due(4.9) == []
    (summary,) = gate.due(5.0)
    assert summary.text == "3 more fills within 5 s — latest: four"
    assert (summary.kind, summary.count, summary.symbol) == (AlertKind.FILL, 3, "BTC-USDT")
    assert gate.next_due() is None


def test_a_single_held_alert_goes_out_as_itself() -> None:
    gate = StormGate(3.0)
    gate.admit(fill("one"), 0.0)
    assert gate.admit(fill("two", "ETH-USDT"), 1.0) is None
    assert gate.due(3.0) == [fill("two", "ETH-USDT")]


def test_kinds_do_not_hold_each_other_back() -> None:
    gate = StormGate(5.0)
    assert gate.admit(fill("a"), 0.0) is not None
    rejected = Alert(AlertKind.REJECTED, "r")
    assert gate.admit(rejected, 0.1) == rejected


def test_after_the_quiet_time_the_next_alert_goes_out_at_once() -> None:
    gate = StormGate(5.0)
    gate.admit(fill("a"), 0.0)
    assert gate.admit(fill("b"), 5.0) == fill("b")


def test_a_summary_starts_a_new_quiet_time() -> None:
    gate = StormGate(5.0)
    gate.admit(fill("a"), 0.0)
    gate.admit(fill("b"), 1.0)
    assert len(gate.due(5.0)) == 1
    assert gate.admit(fill("c"), 6.0) is None  # 1 s after the summary went out
    assert gate.due(10.0) == [fill("c")]


def test_a_summary_of_several_markets_names_none() -> None:
    gate = StormGate(1.0)
    gate.admit(fill("a"), 0.0)
    gate.admit(fill("b", "ETH-USDT"), 0.1)
    gate.admit(fill("c", "SOL-USDT"), 0.2)
    (summary,) = gate.due(1.0)
    assert summary.symbol == "" and summary.count == 2
