"""The terminal shows what the app means: real process, real pty, bytes fed to a VT emulator.

A seeded random walk of scrolls, sorts, filters, tab switches and resizes runs while the demo
market ticks. After each move the harness compares three pictures at the same point of the
byte stream: the emulated terminal (pyte, fed every byte the app wrote), the compositor's idea
of the screen, and each table, book and log rendered afresh from its own model. It also checks
every visible markets row on its own terms: one row per market, bid ≤ ask, last near its quote.
"""

from __future__ import annotations

import random
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from tests.screen.terminal import Probe, TerminalApp

MOVES = ("down", "up", "pagedown", "pageup", "home", "end")
SIZES = ((80, 24), (100, 30), (120, 36), (160, 48))
ROW = re.compile(
    r"^.(?P<name>[A-Z0-9]+-[A-Z0-9]+)\s+(?P<last>[\d,.]+)\s+[+-]?[\d.]+%\s+"
    r"(?P<bid>[\d,.]+)\s+(?P<ask>[\d,.]+)"
)


def number(text: str) -> Decimal | None:
    """A displayed number (thousands separators dropped), or None if it is not one."""
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def mismatches(probe: Probe) -> list[str]:
    """Every way the terminal differs from the app's own picture of it."""
    problems: list[str] = [
        f"{name}: lines {lines} refreshed but never painted"
        for name, lines in probe.app["unpainted"].items()
    ]
    terminal = [line.rstrip() for line in probe.terminal]
    for y, (seen, meant) in enumerate(zip(terminal, probe.screen, strict=False)):
        if seen != meant.rstrip():
            problems.append(f"line {y}: terminal {seen!r}\n        app      {meant.rstrip()!r}")
    for widget in probe.app["widgets"]:
        x0, y0, _, _ = widget["region"]
        for dy, cells in enumerate(widget["cells"]):
            row = probe.terminal[y0 + dy] if y0 + dy < len(probe.terminal) else ""
            wrong = [
                dx
                for dx, char in enumerate(cells)
                if char is not None and x0 + dx < len(row) and row[x0 + dx] != char
            ]
            if wrong:
                fresh = "".join(c or "·" for c in cells)
                problems.append(
                    f"{widget['id']} line {dy}: terminal {row[x0 : x0 + len(cells)]!r}\n"
                    f"        model    {fresh!r}"
                )
    return problems


def market_rows(probe: Probe) -> list[str]:
    """Problems with the markets rows the terminal shows, each row judged on its own."""
    table = probe.widget("MarketsTable")
    if table is None:
        return []
    x0, y0, width, height = table["region"]
    problems: list[str] = []
    names: dict[str, int] = {}
    for y in range(y0, y0 + height):
        line = probe.terminal[y][x0 : x0 + width]
        match = ROW.match(line)
        if not match:
            continue
        name = match["name"]
        if name in names:
            problems.append(f"{name} shown twice (lines {names[name]} and {y})")
        names[name] = y
        last, bid, ask = (number(match[k]) for k in ("last", "bid", "ask"))
        if bid is None or ask is None or last is None:
            continue
        if bid > ask:
            problems.append(f"{name}: bid {bid} above ask {ask}: {line.strip()!r}")
        mid = (bid + ask) / 2
        if mid and abs(last - mid) / mid > Decimal("0.05"):
            problems.append(f"{name}: last {last} far from its quote {bid}/{ask}: {line!r}")
    return problems


def walk(app: TerminalApp, rng: random.Random, steps: int) -> list[str]:
    """Random moves while the market ticks; returns what went wrong (empty when true)."""
    failures: list[str] = []
    for step in range(steps):
        roll = rng.random()
        if roll < 0.55:
            app.press(*(rng.choice(MOVES) for _ in range(rng.randint(1, 6))))
        elif roll < 0.65:
            app.press(rng.choice(("s", "S")))
        elif roll < 0.75:
            app.press(rng.choice(("f1", "f2", "f3", "f4")), "tab")
        elif roll < 0.82:
            app.press("/", rng.choice(("usd", "btc", "e", "sol")), "enter")
        elif roll < 0.86:
            app.press("/", "escape")
        elif roll < 0.93:
            app.resize(*rng.choice(SIZES))
        app.pump(rng.choice((0.05, 0.2, 0.5)))  # let ticks land between moves
        probe = app.probe()
        problems = mismatches(probe) + market_rows(probe)
        if problems:
            failures.append(
                f"after step {step} at {probe.app['size']}:\n  "
                + "\n  ".join(problems[:8])
                + "\n--- terminal ---\n"
                + "\n".join(line.rstrip() for line in probe.terminal)
            )
            break
    return failures


@pytest.mark.parametrize(
    ("seed", "size", "markets"),
    [(1, (80, 24), 30), (2, (120, 36), 30), (3, (160, 48), 300)],
)
def test_terminal_shows_what_the_app_means(
    tmp_path: Path, seed: int, size: tuple[int, int], markets: int
) -> None:
    app = TerminalApp(
        *size,
        args=("--seed", str(seed), "--markets", str(markets), "--rate", "60"),
        workdir=tmp_path,
    )
    app.start()
    try:
        app.wait_for("BTC-USDT")
        app.wait_for("USDT", timeout=20)
        failures = walk(app, random.Random(seed), steps=45)
    finally:
        app.kill()
    assert not failures, failures[0]


def test_scrolling_the_markets_keeps_each_row_its_own(tmp_path: Path) -> None:
    """The trader's report: End, Home, PageDown, PageUp, 25× Down/Up at 80×24."""
    app = TerminalApp(80, 24, args=("--seed", "7", "--rate", "60"), workdir=tmp_path)
    app.start()
    try:
        app.wait_for("BTC-USDT")
        app.pump(1.0)
        for keys in (("end",), ("home",), ("pagedown",), ("pageup",), ("down",) * 25, ("up",) * 25):
            app.press(*keys)
            app.pump(0.3)
        probe = app.probe()
    finally:
        app.kill()
    problems = mismatches(probe) + market_rows(probe)
    assert not problems, "\n".join(problems) + "\n" + "\n".join(probe.terminal)


def test_a_filter_typed_in_one_burst_filters_by_all_of_it(tmp_path: Path) -> None:
    """'/eth' arriving in one read (a lagging SSH link) filters by 'eth', not by ''."""
    app = TerminalApp(80, 24, args=("--seed", "5"), workdir=tmp_path)
    app.start()
    try:
        app.wait_for("BTC-USDT")
        app.pump(0.5)
        app.press("/eth")  # one write: the app reads all four bytes at once
        app.wait_for("ETH-USDT")
        app.pump(0.5)
        probe = app.probe()
    finally:
        app.kill()
    table = probe.widget("MarketsTable")
    assert table is not None
    x0, y0, width, height = table["region"]
    names = [
        match["name"]
        for line in probe.terminal[y0 : y0 + height]
        if (match := ROW.match(line[x0 : x0 + width]))
    ]
    assert names and all("ETH" in name for name in names), names
