"""At-least-once polling: getUpdates confirms an update only after its processing finished.

PTB's Updater moves the offset past updates as soon as they are queued, so a crash loses them.
Here the offset sent to Telegram is the lowest update id still in flight (or the last one + 1):
a killed bot gets every unfinished update again, and the idempotent service makes that harmless.
Updates are read one by one (`bot.telegram.intake`): one the library can't parse is logged and
confirmed at once instead of failing the whole call forever.
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
from bot.telegram.intake import Unreadable, fetch_updates, log_failure, read_update
from bot.telegram.sending import seconds

log = logging.getLogger(__name__)


@dataclass
class InFlight:
    """Which fetched updates are still processing, and so how far Telegram may forget."""

    running: set[int] = field(default_factory=set)
    # Finished, but above the offset Telegram knows: a refetch returns them, and they are skipped.
    finished: set[int] = field(default_factory=set)
    last: int | None = None
    # Every update below this finished and was forgotten. A call sent before the offset moved
    # past them still returns them; without the floor they would be processed a second time.
    floor: int = 0

    def begin(self, update_id: int) -> bool:
        """Take a fetched update; False if it is running or finished already (a refetch)."""
        if update_id < self.floor or update_id in self.running or update_id in self.finished:
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
            self.floor = offset

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

    @property
    def unconfirmed(self) -> int:
        """Fetched updates at or above the offset: getUpdates returns these first, again."""
        return len(self.running) + len(self.finished)


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
    """Fetches updates and processes them concurrently (per-chat order kept by the processor).

    While updates are in flight, getUpdates from the lowest of them answers at once with them
    again, so a long poll is impossible. The poller calls again only when a call can bring
    something new: a full window once `refill` of its places were freed by finished updates
    (or, after a pause, once any was); a partial one (Telegram had nothing more) after a pause
    that doubles from `first_pause` to `longest_pause` while nothing new comes.
    """

    application: AnyApplication
    limit: int = 100  # updates a call returns at most (Telegram allows 1-100)
    timeout: int = 10  # long-poll seconds while nothing is in flight
    read_margin: float = 5.0  # how much longer than the long poll an answer may take
    refill: int = 25  # freed places in a full window that make a call worth it at once
    first_pause: float = 0.05  # while busy, the first wait before asking for new updates
    longest_pause: float = 0.5  # the longest such wait: how late a new update may start
    drain_seconds: float = 10.0  # on shutdown, how long in-flight updates may still finish
    outage_retry: float = 1.0  # pause before processing an update again after a storage outage
    tracker: InFlight = field(default_factory=InFlight)
    calls: int = 0  # getUpdates calls made
    refetched: int = 0  # returned again while running or finished but not yet confirmed
    unreadable: int = 0  # updates the library could not parse (logged once and confirmed)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _finished: asyncio.Event = field(default_factory=asyncio.Event)
    _stopping: bool = False

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set, then let in-flight updates finish (bounded) and confirm."""
        failures = Backoff()
        pause = Backoff(self.first_pause, self.longest_pause)
        stopped: asyncio.Future[Any] = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                try:
                    polled = await self._poll_unless(stopped)
                except InvalidToken:
                    raise  # retrying cannot help; initialize() reports it before we get here
                except RetryAfter as error:
                    await self._sleep(stopped, seconds(error.retry_after))
                    continue
                except TelegramError as error:
                    # Only the class is logged: request URLs hold the bot token.
                    wait = failures.next()
                    log.warning("getUpdates failed (%s); retrying in %.1f s",
                                error.__class__.__name__, wait)
                    await self._sleep(stopped, wait)
                    continue
                except Exception as error:  # a bug of ours: logged, and polling goes on
                    wait = failures.next()
                    log_failure(log, error, "polling failed; retrying in %.1f s", wait)
                    await self._sleep(stopped, wait)
                    continue
                if polled is None:  # stopped while polling
                    break
                failures.reset()
                fresh, full = polled
                if fresh:
                    pause.reset()
                if self.tracker.busy:
                    await self._until_worth_polling(stopped, full=full, seconds=pause.next())
        finally:
            stopped.cancel()
            await self._drain()

    async def _poll(self) -> tuple[int, bool]:
        """One getUpdates call; start every new update; how many were new, and if it was full."""
        busy = self.tracker.busy
        # While updates are in flight the offset points at them and Telegram answers at once:
        # no long poll then (`_until_worth_polling` spaces the calls instead).
        timeout = 0 if busy else self.timeout
        raw = await fetch_updates(self.application.bot, offset=self.tracker.offset,
                                  limit=self.limit, long_poll=timeout,
                                  read_timeout=timeout + self.read_margin)
        self.calls += 1
        fresh = 0
        for data in raw:
            update = read_update(data, self.application.bot)
            update_id = update.update_id
            if update_id is None or not self.tracker.begin(update_id):
                if isinstance(update, Unreadable) and update_id is None:
                    update.log()  # not even an id to confirm it by (Telegram never sends one)
                else:
                    self.refetched += 1
                continue
            fresh += 1
            if isinstance(update, Unreadable):
                update.log()
                self.unreadable += 1
                self._end(update_id)  # confirmed with the next call
                continue
            task = asyncio.create_task(self._process(update))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return fresh, len(raw) >= self.limit

    async def _until_worth_polling(self, stopped: asyncio.Future[Any], *, full: bool,
                                   seconds: float) -> None:
        """Wait until a call can bring new updates, everything finished, or stop."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while self.tracker.busy and not stopped.done():
            late = loop.time() >= deadline
            if full:
                # Telegram returns the unconfirmed updates first: only freed places hold new ones.
                room = self.limit - self.tracker.unconfirmed
                if room >= self.refill or (late and room > 0):
                    return
            elif late:
                return
            self._finished.clear()
            finished: asyncio.Future[Any] = asyncio.ensure_future(self._finished.wait())
            try:
                await asyncio.wait({finished, stopped}, return_when=asyncio.FIRST_COMPLETED,
                                   timeout=None if late else deadline - loop.time())
            finally:
                finished.cancel()

    async def _process(self, update: Update) -> None:
        """Process one update in its chat's turn; mark it finished unless shutdown cut it off."""
        try:
            result = await in_order(self.application, update, lambda: self._attempts(update))
        except asyncio.CancelledError:
            return  # not finished: stays unconfirmed and comes again after a restart
        except Exception as error:  # a bug in our own plumbing; PTB's handlers never raise here
            log_failure(log, error, "update %s could not be processed", update.update_id)
            result = Result.FAILED
        if result is Result.OUTAGE:
            return  # storage still down at shutdown: the next process gets it again
        self._end(update.update_id)

    def _end(self, update_id: int) -> None:
        """The update is done with (handled, failed or unreadable): let the offset pass it."""
        self.tracker.end(update_id)
        self._finished.set()

    async def _attempts(self, update: Update) -> Result:
        """Handle the update; while storage is down, try again (holding the chat's turn)."""
        while True:
            result = await handle(self.application, update)
            if result is not Result.OUTAGE or self._stopping:
                return result
            log.warning("storage unavailable for update %s; retrying in %.1f s",
                        update.update_id, self.outage_retry)
            await asyncio.sleep(self.outage_retry)

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
            # Unparsed: the one update it returns may be one the library can't read.
            with contextlib.suppress(TelegramError, OSError):
                await fetch_updates(self.application.bot, offset=offset, limit=1, long_poll=0,
                                    read_timeout=self.read_margin)

    async def _poll_unless(self, stopped: asyncio.Future[Any]) -> tuple[int, bool] | None:
        """Poll once unless stop comes first (then cancel the call and return None)."""
        task: asyncio.Future[Any] = asyncio.ensure_future(self._poll())
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await task
            return None
        polled: tuple[int, bool] = task.result()
        return polled

    async def _sleep(self, stopped: asyncio.Future[Any], seconds: float) -> None:
        await asyncio.wait({stopped}, timeout=seconds)

