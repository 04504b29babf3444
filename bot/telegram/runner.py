"""`perceptions run`: wire settings, storage, scripts and the bot, then serve until a signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from datetime import timedelta

from bot.interviews import InterviewService, ScriptCatalog
from bot.interviews.reminders import ReminderPolicy
from bot.interviews.service import utc_now
from bot.settings import Settings
from bot.telegram.app import build_application, prepare, serve_polling
from storage import create_repository, upgrade
from storage.engine import is_sqlite, normalise_url

log = logging.getLogger(__name__)


async def open_service(settings: Settings) -> InterviewService:
    """Storage (SQLite upgraded in place), every script registered, and the service over them."""
    if is_sqlite(normalise_url(settings.database_url)):
        # A PostgreSQL schema is upgraded deliberately (`perceptions db upgrade`); a local
        # SQLite file belongs to this bot alone, so it keeps itself current.
        await upgrade(settings.database_url)
    repository = create_repository(settings.database_url)
    catalog = await ScriptCatalog.load(repository, settings.dialogs_dir,
                                       default_study=settings.default_study, now=utc_now())
    policy = ReminderPolicy(
        after=timedelta(hours=settings.reminder_after_hours),
        quiet_start=settings.quiet_hours_start,
        quiet_end=settings.quiet_hours_end,
        timezone=settings.timezone,
    )
    return InterviewService(repository, catalog, settings.pseudonym_key.get_secret_value(),
                            reminders=policy)


async def run_bot(settings: Settings, *, webhook: bool) -> None:
    """Run the bot by polling or behind our own webhook server until SIGINT/SIGTERM."""
    service = await open_service(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)
    application = build_application(settings, service, webhook=webhook, updater=False)
    try:
        if webhook:
            from bot.telegram.webhook import serve_webhook

            assert settings.webhook_url is not None
            assert settings.webhook_secret is not None
            await serve_webhook(
                application, url=settings.webhook_url,
                secret=settings.webhook_secret.get_secret_value(), host=settings.webhook_host,
                port=settings.webhook_port, stop=stop, prepare=prepare,
            )
        else:
            await serve_polling(application, stop)
    finally:
        await service.repository.close()
