"""Several `perceptions run --webhook` workers on one PostgreSQL database, as a team would run them.

The fake Bot API plays Telegram and a round-robin load balancer: each chat's updates go to one
worker after another, one at a time (Telegram sends a chat's next update once the last was
answered), several chats at once. Every interview must end exactly as with a single bot: nothing
corrupted, no answer lost or stored twice, each respondent's messages handled in order — also
when a worker is SIGKILLed mid-load and started again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.engine import TextInput
from bot.interviews import Begin, Incoming, InterviewService, Person, ScriptCatalog
from bot.interviews.service import utc_now
from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.fleet import PSEUDONYM_KEY, Fleet
from storage import create_repository, pseudonymise, upgrade
from storage.engine import build_engine
from tests.storage.conftest import ScratchDatabase, postgres_or_skip

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

DIALOGS = Path(__file__).resolve().parents[2] / "dialogs"
STUDY = "cycling_to_work"
# Consent, an age that reads as no age at all (it writes nothing: the message that used to
# slip past a stale worker unnoticed), the age, then answers through the first questions.
TURNS = ["/start", "yes", "thirty-four", "34", "1", "2", "0", "no", "1",
         "Safe separate bike lanes along the main road would really help me",
         "The heavy traffic near the school in the morning makes it hard"]
CHATS = 12
REMINDER_TEXT = "Hello again!"


@pytest.fixture
def database() -> Iterator[str]:
    """A migrated PostgreSQL database of this test's own."""
    postgres_or_skip()
    with ScratchDatabase() as url:
        asyncio.run(upgrade(url))
        yield url


async def reference_answers(tmp_path: Path) -> list[tuple[str, int, object]]:
    """What one respondent's interview stores with a single bot (SQLite, in this process)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'reference.db'}"
    await upgrade(url)
    repository = create_repository(url)
    try:
        catalog = await ScriptCatalog.load(repository, DIALOGS, default_study=STUDY, now=utc_now())
        service = InterviewService(repository, catalog, PSEUDONYM_KEY)
        person = Person(1, "en")
        for update_id, turn in enumerate(TURNS, start=1):
            request = Begin() if turn == "/start" else TextInput(turn)
            await service.handle(Incoming(person, request, update_id))
        return [(a.question_id, a.probe, a.value)
                async for a in repository.stream_answers(study_id=STUDY)]
    finally:
        await repository.close()


async def stored_by_chat(url: str) -> dict[int, list[tuple[int | None, str, int, object]]]:
    """Each chat's stored answers as (update id, question, probe, value), in recording order."""
    engine = build_engine(url)
    try:
        async with engine.connect() as conn:
            interviews = (await conn.execute(text(
                "SELECT pseudonym, count(*) FROM interview GROUP BY pseudonym"))).all()
            answers = (await conn.execute(text(
                "SELECT i.pseudonym, a.update_id, a.question_id, a.probe, a.value FROM answer a "
                "JOIN interview i ON i.id = a.interview_id ORDER BY a.id"))).all()
    finally:
        await engine.dispose()
    chats = {pseudonymise(chat, PSEUDONYM_KEY): chat for chat in range(1, CHATS + 1)}
    assert {p for p, _ in interviews} <= set(chats), "an interview of someone who never wrote"
    assert all(n == 1 for _, n in interviews), f"interviews per person: {interviews}"
    by_chat: dict[int, list[tuple[int | None, str, int, object]]] = {}
    for pseudonym, update_id, question, probe, value in answers:
        by_chat.setdefault(chats[pseudonym], []).append((update_id, question, probe, value))
    return by_chat


async def run_load(fake: FakeBotApi, fleet: Fleet, *, kill_midway: bool) -> None:
    """Every chat sends its turns; optionally one worker is SIGKILLed midway and restarted."""
    spread = fake.spread_webhook(fleet.targets, connections=6)
    for turn in TURNS:
        for chat in range(1, CHATS + 1):
            fake.user_sends_text(chat, turn)
    total = len(TURNS) * CHATS
    if kill_midway:
        await fake.wait_for(lambda: len(fake.pending_updates) <= total * 2 // 3, timeout=120)
        await fleet.kill(fleet.workers[0])
        await fake.wait_for(lambda: len(fake.pending_updates) <= total // 3, timeout=120)
        await fleet.restart(fleet.workers[0])
    await fake.wait_for(lambda: not fake.pending_updates, timeout=180)
    assert spread.report()["deliveries"] >= total
    per_target = spread.report()["per_target"]
    assert all(per_target.get(target, 0) > 0 for target in fleet.targets), per_target


@pytest.mark.parametrize(("workers", "kill_midway"), [(2, False), (3, True)],
                         ids=["2 workers", "3 workers, one killed and restarted"])
async def test_interviews_spread_over_workers_end_as_with_one_bot(
    database: str, tmp_path: Path, workers: int, kill_midway: bool
) -> None:
    expected = await reference_answers(tmp_path)
    async with (
        FakeBotApi(webhook_retry_delay=0.05) as fake,
        Fleet(workers, database, fake.base_url, DIALOGS, tmp_path / "fleet") as fleet,
    ):
        await run_load(fake, fleet, kill_midway=kill_midway)
        codes = [await fleet.stop(w) for w in fleet.workers]
        conversations = {chat: fake.texts(chat) for chat in range(1, CHATS + 1)}

    assert codes == [0] * workers, "a worker did not shut down cleanly"
    stored = await stored_by_chat(database)
    assert sorted(stored) == list(range(1, CHATS + 1))
    for chat, answers in stored.items():
        # Not corrupted, nothing lost, nothing twice: exactly what a single bot stores.
        assert [(q, p, v) for _, q, p, v in answers] == expected, f"chat {chat}"
        # In order: each answer came from a later update than the one before.
        update_ids = [u for u, *_ in answers]
        assert update_ids == sorted(update_ids), f"chat {chat}: {update_ids}"
    reference = conversations[1]
    assert len(reference) >= len(TURNS)  # a reply to every message
    for chat, texts in conversations.items():
        if kill_midway:
            # A worker killed between its commit and its reply leaves the copy to another,
            # which shows the current question: the same question, maybe once more.
            assert list(dict.fromkeys(texts)) == list(dict.fromkeys(reference)), f"chat {chat}"
        else:
            assert texts == reference, f"chat {chat}"


async def test_reminders_go_out_once_across_workers(database: str, tmp_path: Path) -> None:
    env = {"REMINDER_AFTER_HOURS": str(1.5 / 3600), "REMINDER_CHECK_SECONDS": "0.5",
           "QUIET_HOURS_START": "0", "QUIET_HOURS_END": "0"}
    chats = range(1, 7)
    async with (
        FakeBotApi() as fake,
        Fleet(3, database, fake.base_url, DIALOGS, tmp_path / "fleet", extra_env=env) as fleet,
    ):
        fake.spread_webhook(fleet.targets, connections=6)
        for turn in ("/start", "yes", "34"):  # consent: only then may a reminder be sent
            for chat in chats:
                fake.user_sends_text(chat, turn)
        await fake.wait_for(lambda: not fake.pending_updates, timeout=60)

        def reminded() -> list[int]:
            return [sum(1 for t in fake.texts(c) if t and t.startswith(REMINDER_TEXT))
                    for c in chats]

        await fake.wait_for(lambda: all(reminded()), timeout=30)
        # Every worker checks twice a second: give them several rounds to send a second one.
        await asyncio.sleep(3)
        counts = reminded()

    assert counts == [1] * len(chats)

