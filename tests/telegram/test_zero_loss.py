"""No answer lost when the bot dies: SIGKILL mid-stream, restart, and every answer is stored once.

The bot runs as a child process (`python -m bot run`) against the fake Telegram in this process;
the fake keeps every update the bot has not confirmed, as Telegram does.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.script import QuestionType, Script
from bot.telegram.delivery import is_outage
from bot.telegram.polling import InFlight
from storage import (
    Repository,
    StorageUnavailable,
    create_repository,
    pseudonymise,
    upgrade,
)
from tests.telegram.crashing import BotProcess, RecordingFakeBotApi, free_port
from tests.telegram.harness import CHOSEN, DETAIL, KEY, PROBE, STUDY

RESPONDENTS = 24
TURNS = 8  # answers each respondent gives (after /start and consent)
REPLY_SECONDS = 30.0  # generous: a respondent may wait through the bot's restart


# ---- the offset logic -------------------------------------------------------------------------

def test_the_offset_stays_at_the_oldest_update_still_processing() -> None:
    flight = InFlight()
    assert flight.offset is None  # nothing fetched: confirm nothing
    for update_id in (10, 11, 12):
        assert flight.begin(update_id)

    flight.end(11)  # a later chat finished first
    assert flight.offset == 10  # 10 is still running: Telegram must keep 10, 11 and 12

    flight.end(10)
    assert flight.offset == 12

    flight.end(12)
    assert flight.offset == 13  # everything finished: confirm up to the last one
    assert not flight.busy


def test_a_refetched_update_is_not_started_twice() -> None:
    flight = InFlight()
    assert flight.begin(5)
    assert flight.begin(6)
    flight.end(6)

    # The offset is still 5, so Telegram returns 5 and 6 again with the new 7.
    started = [u for u in (5, 6, 7) if flight.begin(u)]

    assert started == [7]
    assert flight.offset == 5


def test_an_answer_sent_before_the_offset_moved_starts_nothing_twice() -> None:
    flight = InFlight()
    for update_id in (5, 6):
        flight.begin(update_id)
    # getUpdates(offset=5) is on its way; meanwhile both finish and are forgotten.
    flight.end(5)
    flight.end(6)
    assert flight.finished == set()

    # Telegram answers the call made with offset 5: 5 and 6 again, and the new 7.
    started = [u for u in (5, 6, 7) if flight.begin(u)]

    assert started == [7]


def test_finished_updates_below_the_offset_are_forgotten() -> None:
    flight = InFlight()
    for update_id in range(1, 101):
        flight.begin(update_id)
        flight.end(update_id)
    assert flight.offset == 101
    assert flight.finished == set()  # Telegram returns nothing below 101: nothing to skip


# ---- the crash --------------------------------------------------------------------------------

@dataclass
class Respondent:
    """A person answering by typing, whatever question the stored interview is at."""

    fake: RecordingFakeBotApi
    repository: Repository
    script: Script
    chat_id: int
    given: dict[tuple[str, int], Any] = field(default_factory=dict)

    async def says(self, text: str) -> None:
        """Send a message; it must be stored, then replied to (else fail)."""
        step = await self._step()
        before = len(self.fake.sent_messages(self.chat_id))
        self.fake.user_sends_text(self.chat_id, text)
        await self.stored_after(step, text)
        # Stored, then killed before replying? The restarted bot gets the update again and,
        # finding it already stored, asks the current question: the person is never left waiting.
        await self.fake.wait_for_messages(self.chat_id, before + 1, REPLY_SECONDS)

    async def stored_after(self, step: int | None, text: str) -> None:
        """Wait until the interview moved past `step` (storage is read by polling it)."""
        deadline = asyncio.get_running_loop().time() + REPLY_SECONDS
        while await self._step() == step:  # another process writes it: poll
            assert asyncio.get_running_loop().time() < deadline, f"{self.chat_id}: {text!r} lost"
            await asyncio.sleep(0.02)

    async def _step(self) -> int | None:
        record = await self.repository.active_interview(
            pseudonym=pseudonymise(self.chat_id, KEY), study_id=STUDY)
        return None if record is None else record.step

    async def interview(self) -> None:
        """/start, consent, then TURNS answers."""
        self.fake.add_user(self.chat_id, f"Person{self.chat_id}", language_code="en")
        await self.says("/start")
        await self.says("yes")
        for _ in range(TURNS):
            record = await self.repository.active_interview(
                pseudonym=pseudonymise(self.chat_id, KEY), study_id=STUDY)
            if record is None:
                return
            question = self.script.by_id[record.state["current"]]
            if record.state["probes"]:
                await self.says(PROBE["en"])
                self.given[(question.id, record.state["probes"])] = PROBE["en"]
            else:
                await self.answer(question.id, question.type, [o.value for o in question.options])

    async def answer(self, qid: str, kind: QuestionType, options: Sequence[str]) -> None:
        """Type an answer of the right kind (numbers pick choices)."""
        if kind == QuestionType.text:
            await self.says(DETAIL["en"])
            self.given[(qid, 0)] = DETAIL["en"]
        elif kind == QuestionType.number:
            number = {"age": 34, "days_cycled": 0}.get(qid, 2)
            await self.says(str(number))
            self.given[(qid, 0)] = number
        elif kind == QuestionType.multiple_choice:
            await self.says("1, 2")
            self.given[(qid, 0)] = list(options[:2])
        else:
            value = {**CHOSEN, "most_weeks": "no"}.get(qid, options[0])
            scale = kind == QuestionType.scale
            await self.says(value if scale else str(list(options).index(value) + 1))
            self.given[(qid, 0)] = int(value) if scale else value


async def stored_answers(repository: Repository) -> dict[str, list[tuple[tuple[str, int], Any]]]:
    """Every stored answer by pseudonym, duplicates kept."""
    stored: dict[str, list[tuple[tuple[str, int], Any]]] = {}
    async for answer in repository.stream_answers(study_id=STUDY):
        stored.setdefault(answer.pseudonym, []).append(
            ((answer.question_id, answer.probe), answer.value))
    return stored


@pytest.mark.parametrize("webhook", [False, True], ids=["polling", "webhook"])
async def test_a_killed_bot_loses_no_answer_and_stores_none_twice(
    tmp_path: Path, cycling: Script, webhook: bool
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await upgrade(database_url)
    repository = create_repository(database_url)
    # Telegram keeps retrying a webhook that refuses connections; so does this fake.
    async with RecordingFakeBotApi(webhook_retry_delay=0.05, webhook_max_attempts=100_000) as fake:
        fake.set_latency("sendMessage", 0.02, jitter=0.02)  # widen the commit-to-reply window
        bot = BotProcess(fake, tmp_path, database_url, free_port() if webhook else None)
        await bot.start()
        people = [Respondent(fake, repository, cycling, 9000 + n) for n in range(RESPONDENTS)]
        answering = asyncio.gather(*(p.interview() for p in people))
        try:
            expected_turns = RESPONDENTS * (TURNS + 2)
            await fake.wait_for(lambda: len(fake.calls("sendMessage")) > expected_turns // 3, 60)
            bot.kill()
            assert await bot.wait() == -9
            killed_at = len(fake.calls("sendMessage"))
            await asyncio.sleep(0.5)  # respondents keep typing into the void
            await bot.start()
            await asyncio.wait_for(answering, 120)
            assert await bot.stop() == 0  # SIGTERM: a clean shutdown
        except BaseException:
            answering.cancel()
            bot.kill()
            print(f"--- the bot's log ---\n{bot.log.read_text()[-5000:]}")
            raise
        stored = await stored_answers(repository)
        await repository.close()

    assert killed_at < expected_turns  # the kill really was mid-stream
    for person in people:
        answers = stored[pseudonymise(person.chat_id, KEY)]
        counts = Counter(key for key, _ in answers)
        assert [k for k, n in counts.items() if n > 1] == [], f"{person.chat_id}: stored twice"
        assert dict(answers) == person.given  # every answer there, with the value typed
    again = fake.handed[0] & fake.handed[1]
    print(f"\n{'webhook' if webhook else 'polling'}: {len(again)} update(s) delivered again "
          f"after the kill; 0 lost of {sum(len(p.given) for p in people)} answers, "
          "every one answered")


async def test_an_answer_stored_just_before_the_kill_still_gets_its_next_question(
    tmp_path: Path, cycling: Script
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await upgrade(database_url)
    repository = create_repository(database_url)
    async with RecordingFakeBotApi() as fake:
        bot = BotProcess(fake, tmp_path, database_url)
        await bot.start()
        person = Respondent(fake, repository, cycling, 9500)
        try:
            fake.add_user(person.chat_id, "Person", language_code="en")
            await person.says("/start")
            await person.says("yes")
            await person.says("34")
            fake.set_latency("sendMessage", 60.0)  # the reply to the next answer hangs…
            step = await person._step()
            # "1" picks a workplace away from home, and would be a valid distance too: the
            # redelivery is not merely re-prompted as an invalid answer.
            fake.user_sends_text(person.chat_id, "1")
            await person.stored_after(step, "1")  # …after the answer was committed
            before = len(fake.sent_messages(person.chat_id))
            bot.kill()
            await bot.wait()
            fake.set_latency("sendMessage", 0.0)
            await bot.start()

            await fake.wait_for_messages(person.chat_id, before + 1, 10)
        finally:
            bot.kill()
            await repository.close()


def test_a_database_outage_is_told_apart_from_a_bug() -> None:
    down = StorageUnavailable("the database is unavailable (ConnectionRefusedError)")
    wrapped = RuntimeError("could not store the answer")
    wrapped.__cause__ = down

    assert is_outage(down)  # the webhook answers 503: Telegram delivers it again later
    assert is_outage(wrapped)
    assert not is_outage(KeyError("current"))  # a bug: logged, answered 200, never retried
