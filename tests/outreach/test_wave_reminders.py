"""A two-wave study on a simulated clock, through the real bot: invitations when due, in each
person's language and outside quiet hours (in the study's time zone), then one reminder a week
later to those who have not begun wave 2 and still agree to be asked; never twice, however many
bot processes run the job.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.audience import PastRespondent, plant
from bot.interviews import ScriptCatalog
from bot.interviews.reminders import ReminderPolicy
from bot.outreach import SendResult
from bot.outreach.waves import WaveInviter, WaveProgress
from bot.report.view_waves import reach_sentence
from bot.report.waves import wave_reach
from bot.script.model import Wave
from bot.telegram.app import send_invitations
from bot.telegram.context import InterviewContext
from bot.telegram.research import wave_line
from bot.testing.fake_bot_api import FakeBotApi
from storage import RecipientStatus, WaveTally, create_repository, pseudonymise, upgrade
from tests.outreach.test_waves import two_wave_dialogs
from tests.storage.conftest import ScratchDatabase, postgres_or_skip
from tests.telegram import harness

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)  # when wave 1 was completed (11:00 in Paris)
# Quiet from 21:00 to 09:00 in Paris, whatever the offset from UTC that day.
PARIS = ReminderPolicy(quiet_start=21, quiet_end=9, timezone="Europe/Paris")
NEVER_QUIET = ReminderPolicy(quiet_start=0, quiet_end=0)
LINK = "?start=cycling_wave2__wave2"
INVITED_EN = "Hello again! Three months ago you told us about cycling to work."
INVITED_FR = "Rebonjour ! Il y a trois mois"
REMINDED_EN = "A gentle reminder:"
REMINDED_FR = "Petit rappel :"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database of each backend (PostgreSQL: created for this test)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
        return
    postgres_or_skip()
    with ScratchDatabase() as url:
        yield url


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


async def test_two_waves_invitation_at_day_90_and_one_reminder_a_week_later(
    fake_bot_api: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    dialogs = two_wave_dialogs(tmp_path / "dialogs")
    await upgrade(database_url)
    # Six people agreed to be asked again; 16 finished wave 1 late in the evening, Paris time.
    await plant(database_url, study_id="cycling_to_work", script_text="cycling", key=harness.KEY,
                now=T0, people=[PastRespondent(11, "en", follow_up=True),
                                PastRespondent(12, "fr", follow_up=True),
                                PastRespondent(13, "en", follow_up=True),
                                PastRespondent(14, "en", follow_up=True),
                                PastRespondent(15, "en", follow_up=True),
                                PastRespondent(17, "en", results=True, follow_up=False)])
    await plant(database_url, study_id="cycling_to_work", script_text="cycling", key=harness.KEY,
                now=T0 + timedelta(hours=12), people=[PastRespondent(16, "en", follow_up=True)])
    clock = Clock(T0)
    async with harness.running_bot(fake_bot_api, database_url, dialogs=dialogs,
                                   reminders=PARIS) as bot:
        people = {n: harness.Respondent(bot, n, lang="fr" if n == 12 else "en")
                  for n in range(11, 18)}
        for person in people.values():  # they talked to the bot in wave 1
            fake_bot_api.open_private_chat(person.chat_id, person.lang)
        # The bot's own job, on the simulated clock and the study's quiet hours.
        bot.application.bot_data.invitations = WaveInviter(
            bot.repository, bot.service.catalog, harness.KEY, policy=PARIS, clock=clock)
        seen = {n: 0 for n in people}

        async def tick(at: datetime) -> dict[int, str]:
            """Run the invitation job at `at`; what each person received."""
            clock.now = at
            await send_invitations(InterviewContext(bot.application))
            new: dict[int, str] = {}
            for n, person in people.items():
                texts = person.texts()[seen[n]:]
                seen[n] += len(texts)
                if texts:
                    [new[n]] = texts
            return new

        day_90 = T0 + timedelta(days=90)
        assert await tick(day_90 - timedelta(minutes=1)) == {}  # a minute early
        invited = await tick(day_90 + timedelta(minutes=5))
        assert sorted(invited) == [11, 12, 13, 14, 15]  # 16 is due at 22:00 UTC, 17 said no
        assert invited[11].startswith(INVITED_EN)
        assert invited[11].endswith(LINK)
        assert invited[12].startswith(INVITED_FR)

        # 16's wave came at midnight in Paris (summer time by April): nothing in the quiet
        # hours, and sent as soon as they end.
        assert await tick(day_90 + timedelta(hours=12, minutes=5)) == {}  # 00:05 in Paris
        assert await tick(day_90 + timedelta(hours=20, minutes=55)) == {}  # 08:55 in Paris
        assert list(await tick(day_90 + timedelta(hours=21))) == [16]  # 09:00 in Paris

        # After the invitation: 13 answers wave 2, 14 no longer wants to be asked, 15 erases all.
        await people[13].says(f"/start {LINK.removeprefix('?start=')}")
        await people[13].taps("a|_consent|yes")
        await people[13].says("5")
        await people[13].says("A new bike lane opened on my street")
        await people[14].says("/updates")
        await people[14].taps("c|results")
        await people[15].says("/delete")
        await people[15].taps("d|yes")
        for n in (13, 14, 15):
            seen[n] = len(people[n].texts())

        day_97 = day_90 + timedelta(days=7)
        assert await tick(day_97 - timedelta(minutes=1)) == {}  # not a week yet
        reminded = await tick(day_97 + timedelta(minutes=5))
        assert sorted(reminded) == [11, 12]
        assert reminded[11].startswith(REMINDED_EN)
        assert reminded[11].endswith(f"{LINK} (Send /updates if you'd rather not hear from us "
                                     "again.)")
        assert reminded[12].startswith(REMINDED_FR)
        assert list(await tick(day_97 + timedelta(hours=21))) == [16]  # its own week on
        assert await tick(day_90 + timedelta(days=60)) == {}  # never twice

        wave_2 = await bot.repository.latest_interview(pseudonym=pseudonymise(13, harness.KEY),
                                                       study_id="cycling_wave2")
        assert wave_2 is not None
        assert (wave_2.status, wave_2.source) == ("completed", "wave2")

        researcher = harness.Respondent(bot, harness.RESEARCHER)
        await researcher.says("/stats")
        # 15's rows went with everything else of theirs; 14 was invited before opting out.
        assert ("wave 2 (cycling_wave2, 90 days on): due 5 · invited 5 · reminded 3 · "
                "started 1 · completed 1") in researcher.texts()[-1]
        # The report's line for the wave says the same.
        reach = await wave_reach(bot.repository, "cycling_to_work", "cycling_wave2")
        assert reach_sentence(2, reach) == "Wave 2: 5 invited, 3 of them reminded, 1 answered."


async def test_a_wave_due_while_the_bot_was_down_goes_out_at_its_first_run(
    fake_bot_api: FakeBotApi, tmp_path: Path
) -> None:
    dialogs = two_wave_dialogs(tmp_path / "dialogs")
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await upgrade(url)
    long_ago = datetime.now(UTC) - timedelta(days=95)
    await plant(url, study_id="cycling_to_work", script_text="cycling", key=harness.KEY,
                now=long_ago, people=[PastRespondent(21, "fr", follow_up=True)])
    fake_bot_api.open_private_chat(21, "fr")
    async with harness.running_bot(fake_bot_api, url, dialogs=dialogs, reminders=NEVER_QUIET,
                                   check_seconds=0.2) as bot:
        await fake_bot_api.wait_for(lambda: bool(fake_bot_api.texts(21)), 10)
        [invitation] = fake_bot_api.texts(21)
        assert invitation is not None
        assert invitation.startswith(INVITED_FR)
        inviter = bot.application.bot_data.invitations
        assert inviter is not None
        for _ in range(50):  # the send is settled a moment after it arrived
            [wave] = await inviter.progress()
            if wave.tally.invited:
                break
            await asyncio.sleep(0.1)
        assert (wave.tally.invited, wave.tally.reminded) == (1, 0)  # its week has not begun


@dataclass
class Outbox:
    """What the bot processes sent, as (chat id, text)."""

    sent: list[tuple[int, str]] = field(default_factory=list)

    async def send(self, chat_id: int, text: str) -> SendResult:
        self.sent.append((chat_id, text))
        return RecipientStatus.SENT


async def test_two_bot_processes_invite_and_remind_each_person_once(
    database_url: str, tmp_path: Path
) -> None:
    dialogs = two_wave_dialogs(tmp_path / "dialogs")
    await upgrade(database_url)
    people = range(100, 140)
    await plant(database_url, study_id="cycling_to_work", script_text="cycling", key=harness.KEY,
                now=T0, people=[PastRespondent(n, "en", follow_up=True) for n in people])
    clock = Clock(T0)
    outbox = Outbox()
    workers = [create_repository(database_url) for _ in range(2)]
    try:
        inviters = [
            WaveInviter(repository, await ScriptCatalog.load(repository, dialogs, default_study=None, now=T0),
                        harness.KEY, policy=PARIS, clock=clock, rate=1000.0)
            for repository in workers
        ]
        for at in (T0 + timedelta(days=90), T0 + timedelta(days=97)):
            clock.now = at
            await asyncio.gather(*(inviter.tick(outbox.send, lambda p: f"t.me/b?start={p}")
                                   for inviter in inviters))
    finally:
        for repository in workers:
            await repository.close()

    invitations = sorted(n for n, text in outbox.sent if text.startswith(INVITED_EN))
    reminders = sorted(n for n, text in outbox.sent if text.startswith(REMINDED_EN))
    assert invitations == list(people)
    assert reminders == list(people)
    assert len(outbox.sent) == 2 * len(people)


async def test_a_wave_may_word_its_own_reminder_or_send_none(tmp_path: Path) -> None:
    dialogs = two_wave_dialogs(tmp_path / "dialogs")
    script = dialogs / "cycling-to-work.yaml"
    declared = script.read_text(encoding="utf-8")
    url = f"sqlite+aiosqlite:///{tmp_path / 'waves.db'}"
    await upgrade(url)
    repository = create_repository(url)

    async def sent_on(days: list[int], wave_lines: str, person: PastRespondent
                      ) -> dict[int, list[str]]:
        """Declare the wave with `wave_lines` added, plant `person`, tick on those days."""
        script.write_text(declared + wave_lines, encoding="utf-8")
        await plant(url, study_id="cycling_to_work", script_text="cycling", key=harness.KEY,
                    now=T0, people=[person])
        catalog = await ScriptCatalog.load(repository, dialogs, default_study=None, now=T0)
        clock = Clock(T0)
        inviter = WaveInviter(repository, catalog, harness.KEY, policy=PARIS, clock=clock)
        sent: dict[int, list[str]] = {}
        for day in days:
            outbox = Outbox()
            clock.now = T0 + timedelta(days=day)
            await inviter.tick(outbox.send, lambda p: f"t.me/b?start={p}")
            sent[day] = [text for _, text in outbox.sent]
        return sent

    try:
        own = await sent_on([90, 92, 93, 120], (
            "    remind_after_days: 3\n"
            "    reminder:\n"
            "      en: \"Still time to answer our two questions: {link}\"\n"
            "      fr: \"Encore le temps de répondre à nos deux questions : {link}\"\n"),
            PastRespondent(31, "fr", follow_up=True))
        assert [len(own[day]) for day in (90, 92, 93, 120)] == [1, 0, 1, 0]
        assert own[93] == ["Encore le temps de répondre à nos deux questions : "
                           "t.me/b?start=cycling_wave2__wave2"]

        none = await sent_on([130, 140, 200], "    reminder: false\n",
                             PastRespondent(32, "en", follow_up=True))
        assert none == {130: [none[130][0]], 140: [], 200: []}  # 32's invitation, no reminder
        assert none[130][0].startswith(INVITED_EN)
    finally:
        await repository.close()


async def test_a_reminder_more_than_a_week_overdue_is_dropped(tmp_path: Path) -> None:
    """After a long stop (or invitations sent before reminders existed), no late reminder."""
    dialogs = two_wave_dialogs(tmp_path / "dialogs")
    url = f"sqlite+aiosqlite:///{tmp_path / 'waves.db'}"
    await upgrade(url)
    await plant(url, study_id="cycling_to_work", script_text="cycling", key=harness.KEY, now=T0,
                people=[PastRespondent(41, "en", follow_up=True)])
    repository = create_repository(url)
    try:
        catalog = await ScriptCatalog.load(repository, dialogs, default_study=None, now=T0)
        clock = Clock(T0)
        inviter = WaveInviter(repository, catalog, harness.KEY, policy=PARIS, clock=clock)
        sent: list[int] = []
        for day in (90, 105, 140):  # the reminder was due on day 97; day 105 is past its week
            outbox = Outbox()
            clock.now = T0 + timedelta(days=day)
            await inviter.tick(outbox.send, lambda p: f"t.me/b?start={p}")
            sent += [day for _ in outbox.sent]
        assert sent == [90]
    finally:
        await repository.close()


def test_stats_say_when_a_wave_sends_no_reminder() -> None:
    wave = Wave(study="cycling_wave2", after_days=90, invitation="Again? {link}", reminder=False)
    tally = WaveTally(due=4, invited=3, reminded=0, started=2, completed=1)
    assert wave_line(WaveProgress("cycling_to_work", 2, wave, tally)) == (
        "wave 2 (cycling_wave2, 90 days on): due 4 · invited 3 · no reminder · started 2 · "
        "completed 1")
