"""Update processor: many updates at once, but each chat's updates strictly in arrival order."""

from __future__ import annotations

import contextlib
import inspect
from asyncio import Lock
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


@dataclass
class _ChatLock:
    lock: Lock = field(default_factory=Lock)
    holders: int = 0  # updates holding or awaiting the lock; the entry goes when this hits 0


def chat_key(update: object) -> int | None:
    """The chat whose updates must not overlap: the chat, else the user, else none."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        # A private chat's id equals its user's id, so chat-less updates of a user
        # (inline-message button presses) queue behind that user's private chat.
        return update.effective_user.id
    return None


def _close_if_never_started(coroutine: Awaitable[Any]) -> None:
    # Cancelled while queued behind its chat: close it so Python does not warn "never awaited".
    if inspect.iscoroutine(coroutine) and inspect.getcoroutinestate(coroutine) == "CORO_CREATED":
        coroutine.close()


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Processes up to `max_concurrent_updates` updates at once, one at a time per chat."""

    __slots__ = ("_locks",)

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, _ChatLock] = {}

    @property
    def active_chats(self) -> int:
        """How many chats have an update running or waiting (the size of the lock map)."""
        return len(self._locks)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the handlers once earlier updates of the same chat are done."""
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        try:
            async with self.turn(key):
                await coroutine
        except BaseException:
            _close_if_never_started(coroutine)
            raise

    @contextlib.asynccontextmanager
    async def turn(self, key: int) -> AsyncIterator[None]:
        """The chat's turn: after the updates (or jobs) of the chat that came first."""
        entry = self._locks.get(key)
        if entry is None:
            entry = self._locks[key] = _ChatLock()
        entry.holders += 1
        try:
            # asyncio.Lock wakes waiters first-in first-out, and PTB calls do_process_update in
            # arrival order (its semaphore is FIFO too), so a chat's updates keep their order.
            async with entry.lock:
                yield
        finally:
            entry.holders -= 1
            if entry.holders == 0:
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free: the lock map empties itself."""
