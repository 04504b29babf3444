"""Webhook delivery over several bot workers: Telegram's parallel connections + a load balancer.

Telegram opens up to `max_connections` webhook connections at once, yet sends a chat's next update
only once the previous one was answered; a round-robin load balancer in front of several workers
then hands each chat's updates to one worker after another. `SpreadDelivery` plays both parts for
the fake Bot API: updates go to the targets in turn, at most `connections` at a time and one per
chat, each retried (on the next target) until a worker answers 2xx — a worker that was killed
only costs a retry. Each delivery's start, end and target are recorded for benchmarks.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.testing.fake_objects import JSON

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class Delivery:
    """One POST of an update to a worker: when, where, and how it was answered."""

    update_id: int
    target: str
    started: float  # time.perf_counter(): CLOCK_MONOTONIC, comparable across processes
    ended: float
    status: int | None  # None: the connection failed (a worker down or killed)


def chat_of(update: JSON) -> int | None:
    """The chat an update belongs to (its updates must not overtake each other)."""
    for kind in ("message", "edited_message"):
        if isinstance(update.get(kind), dict):
            return int(update[kind]["chat"]["id"])
    query = update.get("callback_query")
    if isinstance(query, dict):
        message = query.get("message")
        if isinstance(message, dict):
            return int(message["chat"]["id"])
        return int(query["from"]["id"])
    return None


class SpreadDelivery:
    """Deliver a fake's pending updates to several workers in turn (see the module docstring)."""

    def __init__(self, pending: list[JSON], changed: Callable[[], asyncio.Event],
                 notify: Callable[[], None], webhook: Callable[[], Any],
                 targets: Sequence[str], *, connections: int = 40,
                 retry_delay: float = 0.05, timeout: float = 60.0) -> None:
        """`pending` is the fake's queue; `changed()` the event that fires when it grows."""
        self.targets = list(targets)
        self.connections = connections
        self.deliveries: list[Delivery] = []
        self._pending = pending
        self._changed = changed
        self._notify = notify
        self._webhook = webhook  # the registered webhook (None: nothing is delivered yet)
        self._retry_delay = retry_delay
        self._timeout = timeout
        self._turn = 0
        self._busy_chats: set[int | None] = set()
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._session: aiohttp.ClientSession | None = None

    async def run(self) -> None:
        """Deliver until cancelled."""
        connector = aiohttp.TCPConnector(limit=max(self.connections, 1) * 2)
        self._session = aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=self._timeout))
        try:
            while True:
                event = self._changed()
                self._start_what_may_go()
                await event.wait()
        finally:
            for task in self._in_flight.values():
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*self._in_flight.values(), return_exceptions=True)
            await self._session.close()

    def _start_what_may_go(self) -> None:
        """Start the oldest pending update of every idle chat, up to `connections` at once."""
        if self._webhook() is None:
            return
        for update in list(self._pending):
            if len(self._in_flight) >= self.connections:
                return
            update_id = int(update["update_id"])
            chat = chat_of(update)
            if update_id in self._in_flight or chat in self._busy_chats:
                continue
            self._busy_chats.add(chat)
            self._in_flight[update_id] = asyncio.create_task(self._deliver(update, chat))

    def _next_target(self) -> str:
        target = self.targets[self._turn % len(self.targets)]
        self._turn += 1
        return target

    async def _deliver(self, update: JSON, chat: int | None) -> None:
        """POST until some worker answers 2xx; then the chat's next update may go."""
        assert self._session is not None
        try:
            while True:
                target = self._next_target()
                hook = self._webhook()
                secret = hook.secret_token if hook is not None else None
                headers = {SECRET_HEADER: secret} if secret else {}
                started = time.perf_counter()
                status: int | None = None
                try:
                    async with self._session.post(target, json=update, headers=headers) as reply:
                        status = reply.status
                        await reply.read()
                except (aiohttp.ClientError, TimeoutError):
                    status = None
                self.deliveries.append(Delivery(int(update["update_id"]), target, started,
                                                time.perf_counter(), status))
                if status is not None and 200 <= status < 300:
                    with contextlib.suppress(ValueError):
                        self._pending.remove(update)
                    return
                await asyncio.sleep(self._retry_delay)
        finally:
            self._busy_chats.discard(chat)
            self._in_flight.pop(int(update["update_id"]), None)
            self._notify()

    def report(self) -> dict[str, Any]:
        """Counts for a benchmark: deliveries, failed attempts, per target."""
        per_target: dict[str, int] = {}
        for d in self.deliveries:
            per_target[d.target] = per_target.get(d.target, 0) + 1
        failed = sum(1 for d in self.deliveries if d.status is None or d.status >= 300)
        return {"deliveries": len(self.deliveries), "failed": failed, "per_target": per_target}
