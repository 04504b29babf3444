"""Follow-up waves on a simulated clock: invitations when due, outside quiet hours, once each."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.interviews import ScriptCatalog
from bot.interviews.reminders import ReminderPolicy
from bot.outreach import SendResult
from bot.outreach.waves import WaveInviter
from bot.testing.fake_audience import PastRespondent, plant
from storage import RecipientStatus, Repository, create_repository, upgrade

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
    assert sorted(await tick(T0 + timedelta(days=120, hours=2))) == [5]
