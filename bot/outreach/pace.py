"""Pacing sends under Telegram's limits: at most `rate` starts in any window, and flood holds."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

# Requests can arrive at Telegram a little closer together than they left; a few milliseconds
# of slack per window keeps a paced sender under the limit without costing measurable speed.
SLACK = 0.004


class Pace:
    """At most `rate` sends start within any `window` seconds; a 429 holds every send."""

    def __init__(self, rate: float, *, window: float = 1.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        """`rate` per `window`; clock and sleep are injectable for tests on a simulated clock."""
        if rate <= 0:
            raise ValueError("the rate must be positive")
        self._per_window = max(1, int(rate * window))
        self._window = window * self._per_window / (rate * window) + SLACK
        self._clock = clock
        self._sleep = sleep
        # Evenly spread rather than 30 at once then a pause; half the even gap lets a send
        # delayed by a busy event loop catch up without breaking the window.
        self._gap = 0.5 * window / self._per_window
        self._starts: deque[float] = deque()
        self._held_until = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return when one more send may start (and count it as started)."""
        async with self._lock:
            while True:
                now = self._clock()
                while self._starts and self._starts[0] <= now - self._window:
                    self._starts.popleft()
                ready = self._held_until
                if self._starts:
                    ready = max(ready, self._starts[-1] + self._gap)
                if len(self._starts) >= self._per_window:
                    ready = max(ready, self._starts[0] + self._window)
                if ready <= now:
                    self._starts.append(now)
                    return
                await self._sleep(ready - now)

    def hold(self, seconds: float) -> None:
        """Telegram said "retry after": no send starts for `seconds` from now."""
        self._held_until = max(self._held_until, self._clock() + seconds)
