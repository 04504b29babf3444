"""Reminders survive a restart through an encrypted chat reference; the raw id is never stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.engine import TextInput
from bot.interviews import InterviewService, Person, ScriptCatalog
from bot.interviews.reminders import ReminderPolicy
from storage import create_repository, pseudonymise, upgrade
from storage.engine import build_engine
from storage.models import metadata
from tests.interviews.test_service_memory import DIALOGS, KEY, STUDY

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
# Long and unusual, so finding its digits anywhere in the database cannot be a coincidence.
ANA = Person(987_654_321_012, "en")
PSEUDONYM = pseudonymise(ANA.user_id, KEY)
POLICY = ReminderPolicy(after=timedelta(hours=24), quiet_start=21, quiet_end=9)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOON

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def database_url(tmp_path: Path) -> str:
    """A migrated SQLite file that outlives every service built on it."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await upgrade(url)
    return url


@asynccontextmanager
async def bot_process(url: str, clock: Clock, key: str = KEY) -> AsyncIterator[InterviewService]:
    """Everything one bot process builds at start-up, and closes when it stops."""
    repository = create_repository(url)
    try:
        catalog = await ScriptCatalog.load(repository, DIALOGS, default_study=STUDY, now=clock())
        yield InterviewService(repository, catalog, key, clock=clock, reminders=POLICY)
    finally:
        await repository.close()


async def interview(url: str, clock: Clock, *answers: str) -> None:
    """Ana starts and answers in one process, which then stops."""
    async with bot_process(url, clock) as service:
        await service.start(ANA, None, None)
        for text in answers:
            await service.answer(ANA, TextInput(text), None)


async def every_value(url: str) -> list[tuple[str, str, Any]]:
    """(table, column, value) of every non-empty cell of every table."""
    cells = []
    engine = build_engine(url)
    try:
        async with engine.connect() as conn:
            for table in metadata.sorted_tables:
                for row in await conn.execute(select(table)):
                    cells += [(table.name, name, value) for name, value in row._mapping.items()
                              if value is not None]
    finally:
        await engine.dispose()
    return cells


async def test_a_reminder_reaches_the_respondent_after_a_restart(database_url: str) -> None:
    clock = Clock()
    await interview(database_url, clock, "yes", "34")  # consents, gives her age, goes quiet

    async with bot_process(database_url, clock) as restarted:
        clock.now = NOON + timedelta(hours=34)  # idle long enough, but 22:00: quiet hours
        assert await restarted.due_reminders() == []
        clock.now = NOON + timedelta(hours=45)  # 09:00 next morning
        [reminder] = await restarted.due_reminders()
        assert await restarted.due_reminders() == []  # one per idle spell

    assert reminder.chat_id == ANA.user_id
    assert reminder.messages[-1].question_id == "work_place"


async def test_someone_who_declined_leaves_no_chat_reference(database_url: str) -> None:
    clock = Clock()
    await interview(database_url, clock, "no")

    async with bot_process(database_url, clock) as restarted:
        clock.now = NOON + timedelta(days=3)
        assert await restarted.due_reminders() == []
        assert await restarted.repository.respondent_chat_refs(pseudonyms=[PSEUDONYM]) == {}


async def test_the_database_never_holds_the_raw_telegram_id(database_url: str) -> None:
    clock = Clock()
    await interview(database_url, clock, "yes", "34")
    cells = await every_value(database_url)
    assert ("respondent", "chat_ref") in {(table, column) for table, column, _ in cells}

    leaks = [cell for cell in cells if str(ANA.user_id) in str(cell[2])]

    assert leaks == []


async def test_another_key_opens_no_reference(database_url: str) -> None:
    clock = Clock()
    await interview(database_url, clock, "yes", "34")

    # The pseudonym key was replaced: the stored reference can no longer be opened. (Her
    # pseudonym changes too, so this is a different person to the new bot.)
    async with bot_process(database_url, clock, key="another-key") as rekeyed:
        clock.now = NOON + timedelta(hours=45)
        assert await rekeyed.due_reminders() == []


async def test_blocking_the_bot_drops_the_chat_reference(database_url: str) -> None:
    clock = Clock()
    async with bot_process(database_url, clock) as service:
        await service.start(ANA, None, None)
        await service.answer(ANA, TextInput("yes"), None)
        stored = service.repository.respondent_chat_refs
        assert list(await stored(pseudonyms=[PSEUDONYM])) == [PSEUDONYM]

        await service.blocked(ANA)

        assert await stored(pseudonyms=[PSEUDONYM]) == {}
