"""At-least-once polling: getUpdates confirms an update only after its processing finished.

PTB's Updater moves the offset past updates as soon as they are queued, so a crash loses them.
Here the offset sent to Telegram is the lowest update id still in flight (or the last one + 1):
a killed bot gets every unfinished update again, and the idempotent service makes that harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError

from bot.telegram.delivery import AnyApplication, Result, handle, in_order

log = logging.getLogger(__name__)


@dataclass
class InFlight:
    """Which fetched updates are still processing, and so how far Telegram may forget."""

    running: set[int] = field(default_factory=set)
    # Finished, but above the offset Telegram knows: a refetch returns them, and they are skipped.
    finished: set[int] = field(default_factory=set)
    last: int | None = None

    def begin(self, update_id: int) -> bool:
        """Take a fetched update; False if it is running or finished already (a refetch)."""
        if update_id in self.running or update_id in self.finished:
            return False
        self.running.add(update_id)
        self.last = update_id if self.last is None else max(self.last, update_id)
        return True

    def end(self, update_id: int) -> None:
        """Processing of the update finished (done or failed as a logged bug)."""
        self.running.discard(update_id)
        self.finished.add(update_id)
        offset = self.offset
        if offset is not None:
            self.finished = {u for u in self.finished if u >= offset}

    @property
    def offset(self) -> int | None:
        """The getUpdates offset that confirms only finished updates (None: nothing seen yet)."""
        if self.running:
            return min(self.running)
        return None if self.last is None else self.last + 1

    @property
    def busy(self) -> bool:
        """Whether any update is still processing."""
        return bool(self.running)


@dataclass
class Backoff:
    """Waits between failed getUpdates calls: doubling from `first` up to `most` seconds."""

    first: float = 0.5
    most: float = 30.0
    current: float = 0.0

    def next(self) -> float:
        """How long to wait after one more failure."""
        self.current = self.first if self.current == 0 else min(self.most, self.current * 2)
        return self.current

    def reset(self) -> None:
        """A call succeeded."""
        self.current = 0.0


@dataclass
class Poller:
    """Fetches updates and processes them concurrently (per-chat order kept by the processor)."""

    application: AnyApplication
    limit: int = 100
    timeout: int = 10  # long-poll seconds while nothing is in flight
    busy_interval: float = 0.1  # re-poll pause while updates are in flight (see `_pause`)
    drain_seconds: float = 10.0  # on shutdown, how long in-flight updates may still finish
    outage_retry: float = 1.0  # pause before processing an update again after a storage outage
    tracker: InFlight = field(default_factory=InFlight)
    refetched: int = 0  # returned again while running or finished but not yet confirmed
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _progress: asyncio.Event = field(default_factory=asyncio.Event)
    _stopping: bool = False

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set, then let in-flight updates finish (bounded) and confirm."""
        backoff = Backoff()
        stopped: asyncio.Future[Any] = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                try:
                    fresh = await self._poll_unless(stopped)
                except InvalidToken:
                    raise  # retrying cannot help; initialize() reports it before we get here
                except RetryAfter as error:
                    await self._sleep(stopped, _seconds(error.retry_after))
                    continue
                except TelegramError as error:
                    # Only the class is logged: request URLs hold the bot token.
                    wait = backoff.next()
                    log.warning("getUpdates failed (%s); retrying in %.1f s",
                                error.__class__.__name__, wait)
                    await self._sleep(stopped, wait)
                    continue
                if fresh is None:  # stopped while polling
                    break
                backoff.reset()
                if not fresh and self.tracker.busy:
                    await self._pause(stopped)
        finally:
            stopped.cancel()
            await self._drain()

    async def _poll(self) -> int:
        """One getUpdates call; start every new update; how many were new."""
        busy = self.tracker.busy
        # While updates are in flight the offset points at them, so Telegram answers at once
        # with them: a long poll is impossible, and `_pause` spaces the calls instead.
        updates = await self.application.bot.get_updates(
            offset=self.tracker.offset, limit=self.limit, timeout=0 if busy else self.timeout,
            allowed_updates=Update.ALL_TYPES,
        )
        fresh = 0
        for update in updates:
            if self.tracker.begin(update.update_id):
                fresh += 1
                task = asyncio.create_task(self._process(update))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            else:
                self.refetched += 1
        return fresh

    async def _process(self, update: Update) -> None:
        """Process one update in its chat's turn; mark it finished unless shutdown cut it off."""
        try:
            result = await in_order(self.application, update, lambda: self._attempts(update))
        except asyncio.CancelledError:
            return  # not finished: stays unconfirmed and comes again after a restart
        except Exception:  # a bug in our own plumbing; PTB's handlers never raise here
            log.exception("update %s could not be processed", update.update_id)
            result = Result.FAILED
        if result is Result.OUTAGE:
            return  # storage still down at shutdown: the next process gets it again
        offset = self.tracker.offset
        self.tracker.end(update.update_id)
        if self.tracker.offset != offset:
            self._progress.set()

    async def _attempts(self, update: Update) -> Result:
        """Handle the update; while storage is down, try again (holding the chat's turn)."""
        while True:
            result = await handle(self.application, update)
            if result is not Result.OUTAGE or self._stopping:
                return result
            log.warning("storage unavailable for update %s; retrying in %.1f s",
                        update.update_id, self.outage_retry)
            await asyncio.sleep(self.outage_retry)

    async def _pause(self, stopped: asyncio.Future[Any]) -> None:
        """Wait until the offset moves (the oldest update finished) or a short while passes."""
        self._progress.clear()
        progress: asyncio.Future[Any] = asyncio.ensure_future(self._progress.wait())
        try:
            await asyncio.wait({progress, stopped}, timeout=self.busy_interval,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            progress.cancel()

    async def _drain(self) -> None:
        """Let in-flight updates finish for a while, cancel the rest, confirm what finished."""
        self._stopping = True
        if self._tasks:
            log.info("waiting for %d update(s) in flight", len(self._tasks))
            _, late = await asyncio.wait(set(self._tasks), timeout=self.drain_seconds)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
                log.warning("%d update(s) unfinished at shutdown; Telegram will resend them",
                            len(late))
        offset = self.tracker.offset
        if offset is not None:
            # Tell Telegram what finished, so the next start does not fetch it again.
            with contextlib.suppress(TelegramError, OSError):
                await self.application.bot.get_updates(offset=offset, limit=1, timeout=0)

    async def _poll_unless(self, stopped: asyncio.Future[Any]) -> int | None:
        """Poll once unless stop comes first (then cancel the call and return None)."""
        task: asyncio.Future[Any] = asyncio.ensure_future(self._poll())
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await task
            return None
        fresh: int = task.result()
        return fresh

    async def _sleep(self, stopped: asyncio.Future[Any], seconds: float) -> None:
        await asyncio.wait({stopped}, timeout=seconds)


def _seconds(retry_after: object) -> float:
    """RetryAfter.retry_after is an int or a timedelta depending on PTB settings."""
    total = getattr(retry_after, "total_seconds", None)
    return float(total()) if callable(total) else float(retry_after)  # type: ignore[arg-type]

