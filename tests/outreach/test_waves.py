"""Follow-up waves on a simulated clock: invitations when due, outside quiet hours, once each."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bench.audience import PastRespondent, plant
from bot.interviews import ScriptCatalog
from bot.interviews.reminders import ReminderPolicy
from bot.outreach import SendResult
from bot.outreach.waves import WaveInviter
from bot.report.waves import Reach, compare_waves
from bot.settings import Settings
from bot.telegram.broadcast import telegram_send
from bot.testing.fake_bot_api import FakeBotApi
from bot.web.research import create_research_app
from storage import RecipientStatus, Repository, create_repository, pseudonymise, upgrade
from tests.telegram import harness

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent / "waves"
KEY = "waves-test-key-long-enough-for-tests"
T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)  # when most of wave 1 was completed
PARIS = ReminderPolicy(quiet_start=21, quiet_end=9, timezone="Europe/Paris")


def two_wave_dialogs(folder: Path) -> Path:
    """The cycling script declaring wave 2 (after 90 days), and wave 2's own script."""
    folder.mkdir()
    base = (ROOT / "dialogs" / "cycling-to-work.yaml").read_text(encoding="utf-8")
    (folder / "cycling-to-work.yaml").write_text(
        base + (HERE / "waves.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copy(HERE / "cycling-wave2.yaml", folder)
    return folder


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Outbox:
    sent: list[tuple[int, str]] = field(default_factory=list)

    async def send(self, chat_id: int, text: str) -> SendResult:
        self.sent.append((chat_id, text))
        return RecipientStatus.SENT

    def take(self) -> dict[int, str]:
        taken, self.sent = dict(self.sent), []
        return taken


@pytest.fixture
async def repository(tmp_path: Path) -> AsyncIterator[Repository]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'waves.db'}"
    await upgrade(url)
    text = "cycling"
    # 1 English and 2 French agreed to be asked again; 3 only wants the results; 4 never chose;
    # 5 agreed too but finished a month later than the others.
    await plant(url, study_id="cycling_to_work", script_text=text, key=KEY, now=T0, people=[
        PastRespondent(1, "en", follow_up=True), PastRespondent(2, "fr", follow_up=True),
        PastRespondent(3, "en", results=True, follow_up=False),
        PastRespondent(4, "en", chose=False)])
    await plant(url, study_id="cycling_to_work", script_text=text, key=KEY,
                now=T0 + timedelta(days=30), people=[PastRespondent(5, "en", follow_up=True)])
    repo = create_repository(url)
    yield repo
    await repo.close()


async def test_invitations_come_when_due_in_each_language_once(
    repository: Repository, tmp_path: Path
) -> None:
    dialogs = two_wave_dialogs(tmp_path / "dialogs")
    catalog = await ScriptCatalog.load(repository, dialogs, default_study="cycling_to_work",
                                       now=T0)
    clock = Clock(T0 + timedelta(days=89, hours=2))
    inviter = WaveInviter(repository, catalog, KEY, policy=PARIS, clock=clock)
    outbox = Outbox()

    async def tick(at: datetime) -> dict[int, str]:
        clock.now = at
        await inviter.tick(outbox.send, lambda payload: f"https://t.me/bot?start={payload}")
        return outbox.take()

    assert await tick(T0 + timedelta(days=89, hours=2)) == {}  # not yet due
    day_90 = T0 + timedelta(days=90)
    assert await tick(day_90.replace(hour=9, minute=59)) == {}  # a minute early
    assert await tick(day_90.replace(hour=19, minute=30)) == {}  # 21:30 in Paris: quiet
    invited = await tick(day_90 + timedelta(days=1, hours=-2, minutes=30))  # 10:30 in Paris
    assert sorted(invited) == [1, 2]
    assert invited[1] == ("Hello again! Three months ago you told us about cycling to work. "
                          "Would you answer two questions? "
                          "https://t.me/bot?start=cycling_wave2__wave2")
    assert invited[2].startswith("Rebonjour !")
    assert await tick(day_90 + timedelta(days=1, hours=2)) == {}  # never twice
    reminded = await tick(day_90 + timedelta(days=8, hours=2))  # a week on: not begun yet
    assert sorted(reminded) == [1, 2]
    assert reminded[1].startswith("A gentle reminder:")
    assert sorted(await tick(T0 + timedelta(days=120, hours=2))) == [5]


async def test_an_invited_respondent_answers_wave_2_and_the_waves_join_by_pseudonym(
    fake_bot_api: FakeBotApi, tmp_path: Path
) -> None:
    dialogs = two_wave_dialogs(tmp_path / "dialogs")
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await upgrade(url)
    await plant(url, study_id="cycling_to_work", script_text="cycling", key=harness.KEY, now=T0,
                people=[PastRespondent(901, "en", follow_up=True),
                        PastRespondent(902, "fr", follow_up=True)])
    async with harness.running_bot(fake_bot_api, url, dialogs=dialogs) as bot:
        english = harness.Respondent(bot, 901, lang="en")
        french = harness.Respondent(bot, 902, lang="fr")
        for person in (english, french):  # they talked to the bot in wave 1
            fake_bot_api.open_private_chat(person.chat_id, person.lang)
        inviter = WaveInviter(bot.repository, bot.service.catalog, harness.KEY,
                              clock=lambda: T0 + timedelta(days=91, hours=2))
        application = bot.application
        await inviter.tick(telegram_send(application.bot),
                           lambda p: f"https://t.me/{application.bot.username}?start={p}")
        [invitation] = english.texts()
        assert invitation.endswith("?start=cycling_wave2__wave2")
        assert french.texts()[0].startswith("Rebonjour !")

        await english.says("/start cycling_wave2__wave2")
        assert "Hello again! Three months ago" in english.texts()[-1]
        await english.taps("a|_consent|yes")
        await english.says("5")
        await english.says("A new bike lane opened on my street")

        pseudonym = pseudonymise(901, harness.KEY)
        wave_2 = await bot.repository.latest_interview(pseudonym=pseudonym,
                                                       study_id="cycling_wave2")
        assert wave_2 is not None
        assert (wave_2.status, wave_2.group, wave_2.source) == ("completed", "doer", "wave2")
        first, _ = bot.service.catalog.current("cycling_to_work")
        second, _ = bot.service.catalog.current("cycling_wave2")
        comparison = await compare_waves(bot.repository, first, [second])
        # The research pages: a line per wave on the studies list, the section in the report.
        settings = Settings(_env_file=None, dialogs_dir=dialogs)
        app = create_research_app(settings, repository=bot.repository)
        async with TestClient(TestServer(app)) as client:
            studies = await (await client.get("/")).text()
            report = await (await client.get("/study/cycling_to_work/report")).text()
    [change] = comparison.changes
    assert change.counts[("non_doer", "doer")] == 1  # planted a non-doer, now cycles 5 days
    assert comparison.later[0].reach == Reach(invited=2, answered=1)
    assert "Wave 2: 2 invited, 1 answered." in studies
    assert ("Of 1 non-doer in wave 1 who answered wave 2, 1 had become a doer (100%).") in report
    assert "Only 1 person answered both waves" in report


def test_check_warns_about_a_wave_without_its_script(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.cli.script_cmds import check

    dialogs = two_wave_dialogs(tmp_path / "dialogs")
    whole = CliRunner().invoke(check, [str(dialogs)])
    assert whole.exit_code == 0
    assert "warning" not in whole.output
    (dialogs / "cycling-wave2.yaml").unlink()
    alone = CliRunner().invoke(check, [str(dialogs)])
    assert "wave `cycling_wave2` has no script among those checked" in alone.output
