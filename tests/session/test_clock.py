"""Clock skew against the exchange: measured at start and periodically, warned above 1 s, and
nonces corrected by it and strictly increasing."""

from __future__ import annotations

import asyncio
import itertools
import time

from btse_tui.protocol.events import AuthResult
from btse_tui.protocol.session_events import BalancesRefreshed, ClockSkew, RestHealth
from btse_tui.sim.runner import SimServer
from tests.session.conftest import fast_session, running


async def test_a_clock_in_step_with_the_exchange_gives_no_warning(sim: SimServer) -> None:
    session = fast_session(sim)
    session.refresher.skew_every_s = 0.2
    async with running(session, spot=False, refresh=True) as run:
        first = run.events.of(ClockSkew)[0]
        assert abs(first.ms) < 1000 and not first.warn
        assert first.text.startswith("clock skew ") and "NTP" not in first.text
        again = await run.events.wait_kind(ClockSkew, after=run.events.mark())  # periodic
        assert not again.warn


async def test_a_clock_two_minutes_slow_is_warned_about_and_nonces_are_corrected(
    sim: SimServer,
) -> None:
    """The exchange accepts nonces within 30 s of its clock: signed calls only work because
    the measured skew corrects them."""
    session = fast_session(sim, clock=lambda: time.time() - 120.0)
    async with running(session) as run:
        skew = run.events.of(ClockSkew)[0]
        assert skew.warn and 119_000 < skew.ms < 121_000
        assert "check the system clock" in skew.text
        assert session.nonces.offset_ms == round(skew.ms)
        assert run.events.of(BalancesRefreshed)  # signed calls went through
        assert run.events.of(RestHealth)[-1].ok
        assert session.balances
        login = await run.events.wait_kind(AuthResult)  # the socket login is signed too
        assert login.success


async def test_nonces_stay_strictly_increasing_when_the_offset_shrinks(sim: SimServer) -> None:
    session = fast_session(sim)
    session.nonces.offset_ms = 5_000
    before = [int(session.nonces.next()) for _ in range(3)]
    session.nonces.offset_ms = -5_000  # a new measurement says we were too far ahead
    after = [int(session.nonces.next()) for _ in range(3)]
    sequence = before + after
    assert all(b > a for a, b in itertools.pairwise(sequence))
    await session.close()


async def test_a_burst_of_signed_calls_inside_one_millisecond_is_never_refused(
    sim: SimServer,
) -> None:
    """The exchange refuses a nonce its key already used: a burst of signed calls (and a
    socket login) under a clock frozen on one millisecond must still all be accepted."""
    frozen = time.time()
    session = fast_session(sim, clock=lambda: frozen)
    try:
        replies = await asyncio.gather(
            *(session.rest.open_orders() for _ in range(30)),
            *(session.rest.fees() for _ in range(10)),
            return_exceptions=True,
        )
        assert [r for r in replies if isinstance(r, BaseException)] == []
    finally:
        await session.close()
