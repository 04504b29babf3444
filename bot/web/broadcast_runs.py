"""Broadcasts the research pages started, running as background tasks of the server process.

One run at a time per study and broadcast name: a second click or a second tab finds the run
under way instead of starting another. (Runs in other processes cannot double-send either: every
recipient is claimed in the database before their message goes out.) The database stays the
truth about who got what; a run here only holds its progress for the page to poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from bot.outreach import BroadcastChanged, Broadcaster, BroadcastSummary, Plan
from bot.settings import Settings
from storage import Audience, BroadcastRecord, Repository

log = logging.getLogger(__name__)

Work = Callable[[Broadcaster, Callable[[int, int], None]], Awaitable[BroadcastSummary]]


@dataclass
class Run:
    """One broadcast being sent (or sent) by this process."""

    study_id: str
    name: str
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.monotonic)
    summary: BroadcastSummary | None = None
    stopped: bool = False  # stopped from the page (or the server stopping)
    error: str | None = None
    task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """Whether it is still sending."""
        return self.task is not None and not self.task.done()

    def progress(self, done: int, total: int) -> None:
        """The broadcaster's progress callback."""
        self.done, self.total = done, total


class BroadcastRuns:
    """The broadcasts this server process is sending, by study and name."""

    def __init__(self, settings: Settings, repository: Repository) -> None:
        """Sends go through the bot of TELEGRAM_BOT_TOKEN (at TELEGRAM_API_URL, if set)."""
        self._settings = settings
        self._repository = repository
        self._runs: dict[tuple[str, str], Run] = {}

    def get(self, study_id: str, name: str) -> Run | None:
        """The latest run of this broadcast in this process, if any."""
        return self._runs.get((study_id, name))

    def running(self, study_id: str) -> list[Run]:
        """The study's broadcasts being sent now."""
        return [run for (study, _), run in self._runs.items()
                if study == study_id and run.running]

    def send(self, plan: Plan) -> tuple[Run, bool]:
        """Start sending `plan`; (the run, False) if it is already being sent."""
        return self._start(plan.study_id, plan.name,
                           lambda broadcaster, progress: broadcaster.run(plan, progress))

    def resume(self, record: BroadcastRecord, audience: Audience) -> tuple[Run, bool]:
        """Go on with a stored broadcast's pending recipients (see `Broadcaster.resume`)."""
        return self._start(record.study_id, record.name,
                           lambda broadcaster, progress: broadcaster.resume(record, audience,
                                                                            progress))

    def stop(self, study_id: str, name: str) -> bool:
        """Stop a run: sends under way finish, unsent claims go back to pending."""
        run = self.get(study_id, name)
        if run is None or not run.running or run.task is None:
            return False
        run.stopped = True
        run.task.cancel()
        return True

    async def close(self) -> None:
        """Stop every run and wait until its claims are given back (the server is stopping)."""
        tasks = [run.task for run in self._runs.values() if run.running and run.task]
        for run in self._runs.values():
            if run.running:
                self.stop(run.study_id, run.name)
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _start(self, study_id: str, name: str, work: Work) -> tuple[Run, bool]:
        # No await between the look-up and the registration: two requests cannot both start.
        current = self.get(study_id, name)
        if current is not None and current.running:
            return current, False
        run = Run(study_id, name)
        self._runs[(study_id, name)] = run
        run.task = asyncio.create_task(self._go(run, work))
        return run, True

    async def _go(self, run: Run, work: Work) -> None:
        from bot.telegram.broadcast import broadcast_bot, telegram_send

        token = self._settings.telegram_bot_token
        if token is None:
            run.error = "TELEGRAM_BOT_TOKEN is not set, so nothing was sent."
            return
        log.info("Broadcast %r of study %s: sending from the research pages", run.name,
                 run.study_id)
        try:
            async with broadcast_bot(token.get_secret_value(),
                                     self._settings.telegram_api_url) as bot:
                broadcaster = Broadcaster(self._repository,
                                          self._settings.pseudonym_key.get_secret_value(),
                                          telegram_send(bot))
                run.summary = await work(broadcaster, run.progress)
            log.info("Broadcast %r of study %s: %d sent by this run", run.name, run.study_id,
                     run.summary.sent_now)
        except BroadcastChanged as error:  # another process began the name with other texts
            run.error = str(error)
        except asyncio.CancelledError:
            run.stopped = True
            log.info("Broadcast %r of study %s stopped from the research pages", run.name,
                     run.study_id)
        except Exception:
            # Whatever it was, no recipient was sent anything twice: claims settle or go back.
            log.exception("Broadcast %r of study %s stopped on an error", run.name, run.study_id)
            run.error = ("The broadcast stopped on an unexpected error (the research server's "
                         "log has the details). Resume goes on where it stopped; nobody gets "
                         "it twice.")


RUNS: web.AppKey[BroadcastRuns] = web.AppKey("broadcast_runs", BroadcastRuns)


def runs_lifecycle(settings: Settings, repository_key: web.AppKey[Repository]
                   ) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup context: the runs live as long as the app, and stop before storage closes."""
    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        runs = app[RUNS] = BroadcastRuns(settings, app[repository_key])
        try:
            yield
        finally:
            await runs.close()

    return lifecycle
