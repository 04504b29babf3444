"""Pacing on a simulated clock: never more than the rate in any window, and a 429 holds all."""

from __future__ import annotations

import asyncio

from bot.outreach import Pace


class Clock:
    """A clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def most_in_any_window(starts: list[float], window: float) -> int:
    """The largest number of starts within any `window` seconds."""
    return max(sum(1 for t in starts if s <= t < s + window) for s in starts)


async def test_thirty_a_second_is_kept_in_every_window_and_reached() -> None:
    clock = Clock()
    pace = Pace(30, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(300):
        await pace.wait()
        starts.append(clock.now)

    assert most_in_any_window(starts, 1.0) <= 30
    # The limits let the 300th send start after 9 s at the earliest (30 at once, then 30 a
    # second); spreading the first second's 30 evenly costs half a second, the rest under 1 %.
    assert 9.0 <= starts[-1] <= 9.0 * 1.01 + 0.5


async def test_a_flood_wait_holds_every_send() -> None:
    clock = Clock()
    pace = Pace(30, clock=clock, sleep=clock.sleep)
    await pace.wait()
    pace.hold(5)
    await pace.wait()
    assert clock.now >= 5.0


async def test_a_place_is_kept_until_telegram_answered_and_a_window_after() -> None:
    clock = Clock()
    pace = Pace(2, clock=clock, sleep=clock.sleep)
    first = await pace.acquire()
    second = await pace.acquire()
    third = asyncio.ensure_future(pace.acquire())
    await clock.sleep(5.0)  # long after our sends left, but Telegram has not answered the first
    assert not third.done()
    pace.release(first)
    pace.release(second)
    await third
    assert clock.now >= 5.0 + 1.0  # a window after the answer, not after the send
