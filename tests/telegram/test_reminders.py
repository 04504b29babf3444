"""Reminders: one per idle spell, never in quiet hours, never after /stop or a decline."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.engine import Pick, TextInput
from bot.interviews import InterviewService, Person, ScriptCatalog
from bot.interviews.reminders import ReminderPolicy
from storage import create_repository, upgrade
from tests.telegram.harness import DIALOGS, STUDY

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOON

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def service(database_url: str) -> AsyncIterator[tuple[InterviewService, Clock]]:
    """The interview service on a fresh database, reminding after 24 h, quiet 21:00-09:00."""
    await upgrade(database_url)
    repository = create_repository(database_url)
    clock = Clock()
    catalog = await ScriptCatalog.load(repository, DIALOGS, default_study=STUDY, now=clock())
    policy = ReminderPolicy(after=timedelta(hours=24), quiet_start=21, quiet_end=9)
    yield InterviewService(repository, catalog, "key", clock=clock, reminders=policy), clock
    await repository.close()


async def _consented(service: InterviewService, person: Person) -> None:
    await service.start(person, None, None)
    await service.answer(person, Pick("_consent", "yes"), None)


async def test_an_idle_interview_gets_one_reminder_with_its_current_question(
    service: tuple[InterviewService, Clock],
) -> None:
    bot, clock = service
    await _consented(bot, Person(42, "en"))
    await bot.answer(Person(42, "en"), TextInput("34"), None)

    clock.now = NOON + timedelta(hours=23)
    assert await bot.due_reminders() == []
    clock.now = NOON + timedelta(hours=25)
    [reminder] = await bot.due_reminders()
    assert reminder.chat_id == 42
    assert reminder.messages[-1].question_id == "work_place"
    assert await bot.due_reminders() == []  # one reminder per idle spell


async def test_no_reminder_in_quiet_hours_after_stop_or_after_declining(
    service: tuple[InterviewService, Clock],
) -> None:
    bot, clock = service
    await _consented(bot, Person(1, "en"))
    await _consented(bot, Person(2, "en"))
    await bot.pause(Person(2, "en"), None)
    await bot.start(Person(3, "en"), None, None)
    await bot.answer(Person(3, "en"), Pick("_consent", "no"), None)

    clock.now = NOON + timedelta(hours=34)  # 22:00, quiet
    assert await bot.due_reminders() == []
    clock.now = NOON + timedelta(hours=45)  # 09:00 next day
    assert [r.chat_id for r in await bot.due_reminders()] == [1]


def test_quiet_hours_follow_the_study_time_zone() -> None:
    policy = ReminderPolicy(quiet_start=21, quiet_end=9, timezone="Europe/Paris")
    assert policy.quiet(datetime(2026, 3, 2, 20, 30, tzinfo=UTC))  # 21:30 in Paris
    assert not policy.quiet(datetime(2026, 3, 2, 19, 30, tzinfo=UTC))  # 20:30 in Paris
