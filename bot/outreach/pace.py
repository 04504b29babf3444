"""Pacing sends under Telegram's limits: at most `rate` in any window, and flood holds.

A send's place in the window ends one window after Telegram *answered* it, not after we sent
it: Telegram counted the message somewhere between the two, so anchoring on the answer keeps
the limit however late a request left this process or however long it was on the way.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

SLACK = 0.002  # seconds added to each window, for clocks that tick coarsely


@dataclass
class Slot:
    """One send's place in the window: open until `release`, then for one more window."""

    answered: float | None = None


class Pace:
    """At most `rate` sends within any `window` seconds of Telegram's clock; a 429 holds all."""

    def __init__(self, rate: float, *, window: float = 1.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        """`rate` per `window`; clock and sleep are injectable for tests on a simulated clock."""
        if rate <= 0:
            raise ValueError("the rate must be positive")
        self._per_window = max(1, int(rate * window))
        self._window = self._per_window / rate + SLACK
        # Evenly spread rather than all at once then a pause; half the even gap lets a send
        # delayed by a busy event loop catch up without breaking the window.
        self._gap = 0.5 * self._window / self._per_window
        self._clock = clock
        self._sleep = sleep
        self._slots: deque[Slot] = deque()
        self._last_start = float("-inf")
        self._held_until = 0.0
        self._lock = asyncio.Lock()
        self._released = asyncio.Event()

    async def acquire(self) -> Slot:
        """Return when one more send may start; `release` the slot once Telegram answered."""
        async with self._lock:
            while True:
                now = self._clock()
                while (self._slots and self._slots[0].answered is not None
                       and self._slots[0].answered <= now - self._window):
                    self._slots.popleft()
                ready = max(self._held_until, self._last_start + self._gap)
                if len(self._slots) >= self._per_window:
                    oldest = self._slots[0].answered
                    if oldest is None:  # the oldest send is still on its way: wait for it
                        self._released.clear()
                        await self._released.wait()
                        continue
                    ready = max(ready, oldest + self._window)
                if ready <= now:
                    slot = Slot()
                    self._slots.append(slot)
                    self._last_start = now
                    return slot
                await self._sleep(ready - now)

    def release(self, slot: Slot) -> None:
        """Telegram answered this send (whatever the answer)."""
        slot.answered = self._clock()
        self._released.set()

    async def wait(self) -> None:
        """A slot for a send that is over at once (tests, and callers that do not track them)."""
        self.release(await self.acquire())

    def hold(self, seconds: float) -> None:
        """Telegram said "retry after": no send starts for `seconds` from now."""
        self._held_until = max(self._held_until, self._clock() + seconds)
