"""`perceptions run` as a child process while Telegram fails one sendMessage in ten.

Half the failures are the front proxy's 502 page, half are timeouts (some of which took effect:
the message arrived but the answer was lost). Respondents read the chat like people do
(`tests.intake.fuzz_screen`) and answer the question they see, by button or by typing. Before the
bot retried more than flood waits, each such failure sent an apology and lost the next question
(27 apologies for 27 faults in a chaos run); what the person typed next was stored as the answer
to a question they never saw.
"""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import pytest

from bot.script import load_script
from bot.telegram.texts import bot_texts
from bot.testing.fake_faults import BAD_GATEWAY, TIMEOUT
from storage import create_repository, pseudonymise, upgrade
from tests.intake.fuzz_actions import EVERYDAY
from tests.intake.fuzz_people import Respondent, Tally
from tests.intake.fuzz_screen import ScreenReader
from tests.intake.test_intake_fuzz import compare, stored_answers
from tests.telegram.crashing import BotProcess, RecordingFakeBotApi, free_port
from tests.telegram.harness import DIALOGS, KEY

FAULT_RATE = 0.10
SEED = 20_261_130
FIRST_ID = 630_000_001
# Answers only: every failure must meet a question (other actions are the fuzz test's job).
ANSWERING = {name: EVERYDAY[name] for name in ("button", "type")}
APOLOGIES = {bot_texts().get(key, lang) for key in ("error", "outage")
             for lang in bot_texts().languages}


@pytest.mark.parametrize(("mode", "respondents"), [("polling", 10), ("webhook", 5)])
async def test_one_send_in_ten_failing_delays_questions_and_loses_none(
    tmp_path: Path, mode: str, respondents: int
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await upgrade(database_url)
    reader = ScreenReader(load_script(DIALOGS / "cycling-to-work.yaml"))
    # A timeout costs the bot its 5 s read timeout per attempt: people wait longer than usual.
    tally = Tally(patience=90.0)
    async with RecordingFakeBotApi(seed=SEED) as fake:
        people = [Respondent(fake, reader, FIRST_ID + n, f"{SEED}:{n}", tally, ANSWERING)
                  for n in range(respondents)]
        fake.set_flakiness("sendMessage", FAULT_RATE, (BAD_GATEWAY, TIMEOUT))
        bot = BotProcess(fake, tmp_path, database_url,
                         webhook_port=free_port() if mode == "webhook" else None)
        await bot.start()
        try:
            await asyncio.wait_for(asyncio.gather(*(p.take_part() for p in people)), 600)
            await fake.wait_for(lambda: not fake.pending_updates, 60)
        finally:
            exit_code = await bot.stop()
        sends = len(fake.calls("sendMessage"))
        faults = fake.faults.count("sendMessage")
        timeouts = fake.faults.count("sendMessage", TIMEOUT)
        apologies = [chat for chat in fake.world.messages for text in fake.texts(chat)
                     if text in APOLOGIES]
        # A timeout that took effect, then its retry: the same message twice in a row.
        shown_twice = sum(1 for chat in fake.world.messages
                          for before, after in itertools.pairwise(fake.texts(chat))
                          if before == after)
    repository = create_repository(database_url)
    try:
        wrong = compare(people, await stored_answers(repository),
                        lambda user_id: pseudonymise(user_id, KEY))
    finally:
        await repository.close()
    log = bot.log.read_text()
    answers = sum(len(p.meant) for p in people)
    print(f"\n{mode}: {sends} sendMessage calls, {faults} failed ({timeouts} timeouts); "
          f"{len(apologies)} apologies, {len(tally.unanswered)} updates unanswered, "
          f"{len(tally.unfinished)} interviews unfinished, {len(wrong)} wrong of {answers} "
          f"answers; {log.count('trying again in')} retries logged, {shown_twice} messages "
          "shown twice")

    assert exit_code == 0, log[-3000:]
    assert faults >= 2 * respondents  # the faults really were met
    assert apologies == []
    assert tally.unanswered == []  # every update got its reply: no question lost
    assert tally.unfinished == []
    assert wrong == []  # every answer stored under the question the person saw
    assert answers >= respondents * 10  # some are screened out after a few questions
    assert "Traceback" not in log
