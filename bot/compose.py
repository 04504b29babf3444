"""The composition root: settings → storage → scripts → the interview service, built one way.

`perceptions run` (polling or webhook), the sandbox's bot and the research pages all open their
storage and build their service here, so the bot a researcher tries in the sandbox is the bot
respondents meet, and a change to the wiring reaches every entry point at once.
"""

from __future__ import annotations

from datetime import timedelta

from bot.interviews import InterviewService, ScriptCatalog
from bot.interviews.reminders import ReminderPolicy
from bot.interviews.service import utc_now
from bot.settings import Settings
from storage import Repository, create_repository, upgrade
from storage.engine import is_sqlite, normalise_url


async def open_repository(database_url: str, *, migrate: bool | None = None) -> Repository:
    """Storage at `database_url`, migrated first when `migrate` (by default: SQLite only).

    A PostgreSQL schema is upgraded deliberately (`perceptions db upgrade`), since several bots
    and people may share it; a local SQLite file belongs to this installation, so it keeps
    itself current.
    """
    if migrate is None:
        migrate = is_sqlite(normalise_url(database_url))
    if migrate:
        await upgrade(database_url)
    return create_repository(database_url)


def reminder_policy(settings: Settings) -> ReminderPolicy:
    """When idle respondents are reminded, from the settings."""
    return ReminderPolicy(
        after=timedelta(hours=settings.reminder_after_hours),
        quiet_start=settings.quiet_hours_start,
        quiet_end=settings.quiet_hours_end,
        timezone=settings.timezone,
    )


async def open_service(settings: Settings, repository: Repository | None = None
                       ) -> InterviewService:
    """The interview service over `repository` (or DATABASE_URL's), every script registered.

    The caller closes `service.repository` when done.
    """
    opened = repository is None
    if repository is None:
        repository = await open_repository(settings.database_url)
    try:
        catalog = await ScriptCatalog.load(repository, settings.dialogs_dir,
                                           default_study=settings.default_study, now=utc_now())
    except BaseException:  # a bad script or an outage: don't leave the connections open
        if opened:
            await repository.close()
        raise
    return InterviewService(repository, catalog, settings.pseudonym_key.get_secret_value(),
                            reminders=reminder_policy(settings))
