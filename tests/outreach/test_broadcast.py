"""A broadcast through the real PTB Bot against the fake Bot API enforcing Telegram's limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bench.audience import PastRespondent, plant
from bot.outreach import BroadcastChanged, Broadcaster, BroadcastSummary, Plan
from bot.telegram.broadcast import telegram_send
from bot.testing.fake_bot_api import FakeBotApi
from bot.vocabulary import Group
from storage import RecipientStatus, Repository, create_repository, pseudonymise, upgrade

KEY = "broadcast-test-key-long-enough"
NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
PLAN = Plan("cycling", "you-said-we-did", {"en": "We built bike lanes.",
                                           "fr": "Nous avons construit des pistes."}, "en")


@dataclass
class World:
    fake: FakeBotApi
    repository: Repository
    people: list[PastRespondent]

    def delivered(self, user_id: int) -> list[str | None]:
        return self.fake.texts(user_id)

    async def broadcast(self, plan: Plan = PLAN, rate: float = 100.0) -> BroadcastSummary:
        async with Bot("123:ABC", base_url=self.fake.base_url,
                       request=HTTPXRequest(connection_pool_size=16)) as bot:
            broadcaster = Broadcaster(self.repository, KEY, telegram_send(bot), rate=rate)
            return await broadcaster.run(plan)


# 1-30 opted in (21-30 speak French); 31-35 said no; 36-37 never chose; 38 blocked the bot,
# 39 deleted their account, 40 erased everything with /delete; 41 only wants a later interview.
PEOPLE = [
    *(PastRespondent(i, "fr" if i > 20 else "en", Group.doer if i % 2 else Group.non_doer)
      for i in range(1, 31)),
    *(PastRespondent(i, results=False) for i in range(31, 36)),
    *(PastRespondent(i, chose=False) for i in range(36, 38)),
    PastRespondent(38), PastRespondent(39), PastRespondent(40),
    PastRespondent(41, results=False, follow_up=True),
]


@pytest.fixture
async def world(fake_bot_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[World]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"
    await upgrade(url)
    await plant(url, study_id="cycling", script_text="cycling", key=KEY, people=PEOPLE, now=NOW)
    for person in PEOPLE:
        fake_bot_api.open_private_chat(person.user_id, person.language)
    fake_bot_api.block_chat(38)
    fake_bot_api.deactivate_account(39)
    repository = create_repository(url)
    await repository.erase_respondent(pseudonym=pseudonymise(40, KEY))
    yield World(fake_bot_api, repository, PEOPLE)
    await repository.close()


async def test_each_opted_in_person_gets_it_once_in_their_language(world: World) -> None:
    limits = world.fake.enforce_limits(per_bot=100, per_chat=1)

    summary = await world.broadcast()

    for user_id in range(1, 21):
        assert world.delivered(user_id) == ["We built bike lanes."]
    for user_id in range(21, 31):
        assert world.delivered(user_id) == ["Nous avons construit des pistes."]
    for user_id in range(31, 42):
        assert world.delivered(user_id) == []
    assert not world.fake.calls(chat_id=40)
    assert not world.fake.calls(chat_id=41)
    assert not any(world.fake.calls(chat_id=i) for i in range(31, 38))
    assert summary.tally == {RecipientStatus.SENT: 30, RecipientStatus.BLOCKED: 2}
    assert limits.refused == 0  # paced within the limits
    for user_id in (38, 39):
        blocked = await world.repository.get_respondent(pseudonym=pseudonymise(user_id, KEY))
        assert blocked is not None
        assert blocked.blocked_at is not None


async def test_a_second_run_sends_nothing_and_other_texts_are_refused(world: World) -> None:
    await world.broadcast()
    calls = len(world.fake.calls("sendMessage"))

    again = await world.broadcast()

    assert len(world.fake.calls("sendMessage")) == calls
    assert again.sent_now == 0
    assert again.count(RecipientStatus.SENT) == 30
    changed = Plan(PLAN.study_id, PLAN.name, {"en": "Something else"}, "en")
    with pytest.raises(BroadcastChanged, match="give it a new name"):
        await world.broadcast(changed)


async def test_flood_waits_from_telegram_are_honoured_without_duplicates(world: World) -> None:
    # Sending faster than the fake allows: 429s, waits, and still everyone exactly once.
    limits = world.fake.enforce_limits(per_bot=12, per_chat=1)

    summary = await world.broadcast(rate=200.0)

    assert limits.refused > 0
    assert summary.count(RecipientStatus.SENT) == 30
    for user_id in range(1, 31):
        assert len(world.delivered(user_id)) == 1


async def test_a_segment_narrows_the_audience(world: World) -> None:
    from storage import Segment

    plan = Plan("cycling", "doers-fr", {"fr": "Bravo."}, "fr", segment=Segment(
        group=Group.doer, language="fr"))
    summary = await world.broadcast(plan)
    assert summary.count(RecipientStatus.SENT) == 5  # 21, 23, 25, 27, 29
    assert [i for i in range(1, 42) if world.delivered(i)] == [21, 23, 25, 27, 29]


async def test_resuming_after_the_figures_moved_keeps_the_first_words(world: World) -> None:
    source = {"en": "{respondents} took part."}
    first = Plan("cycling", "figures", {"en": "30 took part."}, "en", source=source)
    await world.broadcast(first)
    sent = len(world.fake.calls("sendMessage"))
    await world.repository.set_contact_consent(pseudonym=pseudonymise(41, KEY), results=True,
                                               follow_up=True, now=NOW)

    later = Plan("cycling", "figures", {"en": "31 took part."}, "en", source=source)
    summary = await world.broadcast(later)

    # Only the newly opted-in person is written to, in the words everyone else got.
    assert summary.enrolled == 1
    assert len(world.fake.calls("sendMessage")) == sent + 1
    assert world.delivered(41) == ["30 took part."]


async def test_a_run_stopped_midway_gives_back_its_unsent_claims(world: World) -> None:
    import asyncio

    world.fake.set_latency("sendMessage", 0.02)
    run = asyncio.create_task(world.broadcast(rate=50.0))
    await world.fake.wait_for(lambda: len(world.fake.calls("sendMessage")) >= 10)
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    stopped = await world.repository.broadcast_tally(broadcast_id=1)
    assert RecipientStatus.CLAIMED not in stopped  # sends under way were settled, the rest freed
    assert stopped[RecipientStatus.PENDING] > 0

    summary = await world.broadcast()

    assert summary.count(RecipientStatus.SENT) == 30
    assert summary.in_doubt == 0
    for user_id in range(1, 31):
        assert len(world.delivered(user_id)) == 1


async def test_resuming_a_stored_broadcast_finishes_its_recipients_in_the_first_words(
    world: World,
) -> None:
    # The first run stops after 8 sends (as if the research server was restarted).
    async with Bot("123:ABC", base_url=world.fake.base_url) as bot:
        broadcaster = Broadcaster(world.repository, KEY, telegram_send(bot), rate=100.0)
        await broadcaster.run(PLAN, max_sends=8)
        # Meanwhile someone opts in: a resume finishes the recipients it has, no one else.
        await world.repository.set_contact_consent(pseudonym=pseudonymise(41, KEY),
                                                   results=True, follow_up=True, now=NOW)
        record = await world.repository.find_broadcast(study_id="cycling", name=PLAN.name)
        assert record is not None
        seen: list[tuple[int, int]] = []

        summary = await broadcaster.resume(record, PLAN.audience,
                                           lambda done, total: seen.append((done, total)))

    assert summary.count(RecipientStatus.SENT) == 30
    assert summary.sent_now == 22
    assert summary.enrolled == 0
    assert seen[-1] == (32, 32)  # 30 sent and the two who blocked the bot
    for user_id in range(1, 21):
        assert world.delivered(user_id) == ["We built bike lanes."]
    assert world.delivered(41) == []
