"""Never lose the thread: a reply Telegram would not take delays a question, never skips it.

The production bot (the at-least-once poller) against the fake Telegram, with failures that
outlast the bot's retries: the answer is kept, the question that could not be shown is shown
again (by the next message, or by the resend job), and nothing typed before it was seen counts
as its answer. Storage going down costs each person one apology, then the conversation goes on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from bot.telegram.sending import RetryPolicy
from bot.telegram.texts import bot_texts
from bot.testing.fake_bot_api import FakeBotApi
from storage import Repository, StorageUnavailable
from tests.intake.production import Production, production_bot

QUICK = RetryPolicy(attempts=3, first=0.05, most=0.1)
PERSON = 620_000_001
APOLOGY = bot_texts().get("error", "en")
OUTAGE = bot_texts().get("outage", "en")
RESENT = bot_texts().get("resent", "en")
WHERE = "Where do you work"


async def stored(bot: Production, person: int = PERSON) -> dict[tuple[str, int], Any]:
    """What storage holds for the person: (question, probe) → value."""
    pseudonym = bot.pseudonym(person)
    return {(a.question_id, a.probe): a.value
            async for a in bot.service.repository.stream_answers(study_id="cycling_to_work")
            if a.pseudonym == pseudonym}


async def says(fake: FakeBotApi, text: str, person: int = PERSON) -> str:
    """Type a message; the bot's next message in the chat."""
    before = len(fake.sent_messages(person))
    fake.user_sends_text(person, text)
    await fake.wait_for(lambda: len(fake.sent_messages(person)) > before, 15)
    return fake.sent_messages(person)[-1].text or ""


async def at_age(fake: FakeBotApi) -> None:
    """/start and consent: the bot asks the person's age."""
    fake.add_user(PERSON, "Ana", language_code="en")
    await says(fake, "/start")
    assert "How old" in await says(fake, "yes")


async def test_a_reply_lost_beyond_the_retries_is_shown_again_before_an_answer_counts(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with production_bot(fake_bot_api, database_url, retry=QUICK,
                              resend_every=3600) as bot:
        await at_age(fake_bot_api)
        fake_bot_api.fail_with_server_error("sendMessage", times=QUICK.attempts, status=502)
        fake_bot_api.user_sends_text(PERSON, "34")
        await fake_bot_api.wait_for(lambda: fake_bot_api.faults.count("sendMessage") == 3, 10)
        await fake_bot_api.wait_for(lambda: not fake_bot_api.pending_updates, 10)
        assert await stored(bot) == {("age", 0): 34}  # kept, though its reply was lost

        # "1" would pick a workplace away from home: but the person never saw that question.
        shown_again = await says(fake_bot_api, "1")
        after_reshow = await stored(bot)
        answered = await says(fake_bot_api, "1")
        texts = fake_bot_api.texts(PERSON)

    assert shown_again.startswith(RESENT)
    assert WHERE in shown_again
    assert after_reshow == {("age", 0): 34}
    assert "About how far" in answered
    assert exactly(texts, APOLOGY) == 0  # Telegram's failure is not the person's problem


def exactly(texts: list[str | None], text: str) -> int:
    """How many of the chat's messages are exactly `text`."""
    return sum(1 for t in texts if t == text)


async def test_the_resend_job_delivers_the_question_without_waiting_for_the_person(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with production_bot(fake_bot_api, database_url, retry=QUICK, resend_every=1.0) as bot:
        await at_age(fake_bot_api)
        fake_bot_api.fail_with_server_error("sendMessage", times=QUICK.attempts)
        before = len(fake_bot_api.sent_messages(PERSON))
        fake_bot_api.user_sends_text(PERSON, "34")
        await fake_bot_api.wait_for(
            lambda: len(fake_bot_api.sent_messages(PERSON)) > before, 40)
        resent = fake_bot_api.sent_messages(PERSON)[-1].text or ""
        for _ in range(100):  # the note is cleared just after the message went out
            interview = await bot.service.repository.active_interview(
                pseudonym=bot.pseudonym(PERSON), study_id="cycling_to_work")
            if interview is None or not interview.question_unseen:
                break
            await asyncio.sleep(0.05)
        answered = await says(fake_bot_api, "1")  # seen now: it counts

    assert resent.startswith(RESENT)
    assert WHERE in resent
    assert interview is not None
    assert not interview.question_unseen
    assert "About how far" in answered


class Outage:
    """The real repository, except that every call fails as an unreachable database would."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self.down = True
        self.refused = 0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.repository, name)
        if not callable(method):
            return method

        def call(*args: Any, **kwargs: Any) -> Any:
            if self.down:
                self.refused += 1
                raise StorageUnavailable("the database is unavailable (ConnectionRefusedError)")
            return method(*args, **kwargs)

        return call


async def test_an_outage_costs_one_apology_then_the_interview_goes_on(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with production_bot(fake_bot_api, database_url) as bot:
        await at_age(fake_bot_api)
        outage = Outage(bot.service.repository)
        bot.service.repository = outage  # type: ignore[assignment]
        apologised = await says(fake_bot_api, "34")
        fake_bot_api.user_sends_text(PERSON, "hello?")
        await until(lambda: outage.refused >= 6)  # the updates were tried again and again
        during = list(fake_bot_api.texts(PERSON))
        before = len(fake_bot_api.sent_messages(PERSON))
        outage.down = False
        await fake_bot_api.wait_for(lambda: len(fake_bot_api.sent_messages(PERSON)) >= before + 2,
                                    15)
        after = fake_bot_api.texts(PERSON)[before:]
        bot.service.repository = outage.repository  # type: ignore[assignment]
        kept = await stored(bot)

    assert apologised == OUTAGE
    assert during.count(OUTAGE) == 1  # one apology, though each update failed several times
    assert WHERE in (after[0] or "")  # "34" answered once storage was back
    assert kept == {("age", 0): 34}  # "hello?" is no workplace: asked again
    assert exactly(during, APOLOGY) == 0


async def until(predicate: Callable[[], bool], timeout: float = 15.0) -> None:  # noqa: ASYNC109
    """Wait until `predicate` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition still false"
        await asyncio.sleep(0.05)


async def test_a_question_owed_before_a_restart_arrives_after_it(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    async with production_bot(fake_bot_api, database_url, retry=QUICK, resend_every=3600):
        await at_age(fake_bot_api)
        fake_bot_api.fail_with_server_error("sendMessage", times=QUICK.attempts)
        fake_bot_api.user_sends_text(PERSON, "34")
        await fake_bot_api.wait_for(lambda: fake_bot_api.faults.count("sendMessage") == 3, 10)
        await fake_bot_api.wait_for(lambda: not fake_bot_api.pending_updates, 10)
    before = len(fake_bot_api.sent_messages(PERSON))

    # A new process: it never saw the person, but their chat was sealed in storage at consent.
    async with production_bot(fake_bot_api, database_url, resend_every=1.0):
        await fake_bot_api.wait_for(lambda: len(fake_bot_api.sent_messages(PERSON)) > before, 10)
        resent = fake_bot_api.sent_messages(PERSON)[-1].text or ""

    assert resent.startswith(RESENT)
    assert WHERE in resent
