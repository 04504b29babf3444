"""Telegram's flood limits, enforced: about 30 messages a second per bot and 1 per chat."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

# Methods that put a message in a chat; edits, answers to button presses and chat actions do not
# count against the broadcast limits.
SENDING = frozenset({"sendmessage", "senddocument", "sendphoto", "copymessage",
                     "forwardmessage"})


@dataclass
class FloodLimits:
    """Sliding windows of accepted sends: one for the bot, one per chat."""

    per_bot: int = 30
    per_chat: int = 1
    window: float = 1.0
    refused: int = 0  # how many sends were answered 429
    accepted: int = 0
    # perf_counter times of every send let through, for a benchmark's pace
    accepted_at: list[float] = field(default_factory=list)
    _bot: deque[float] = field(default_factory=deque)
    _chats: dict[object, deque[float]] = field(default_factory=dict)

    def refuse(self, method: str, chat_id: object, now: float) -> int | None:
        """None if the send may go ahead (and count it); else the retry_after to answer."""
        if method.lower() not in SENDING:
            return None
        chat = self._chats.setdefault(chat_id, deque())
        waits = [self._wait(times, limit, now)
                 for times, limit in ((self._bot, self.per_bot), (chat, self.per_chat))]
        wait = max(waits)
        if wait > 0:
            self.refused += 1
            return max(1, math.ceil(wait))
        self._bot.append(now)
        chat.append(now)
        self.accepted += 1
        self.accepted_at.append(now)
        return None

    def _wait(self, times: deque[float], limit: int, now: float) -> float:
        while times and times[0] <= now - self.window:
            times.popleft()
        return 0.0 if len(times) < limit else times[0] + self.window - now
