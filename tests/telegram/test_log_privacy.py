"""What the bot's log holds after real traffic, a bug and a failing database: no SQL
parameters, no raw Telegram ids, no names, usernames or words of the people it talked to.

The production bot (`serve_polling`) polls the fake Telegram with logging as `perceptions`
sets it up (redaction installed) and every logger at DEBUG, as `perceptions --debug` runs:
then python-telegram-bot itself prints every request and every update it reads.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot import redaction
from bot.interviews import Incoming, InterviewService
from bot.testing.fake_bot_api import FakeBotApi
from storage import pseudonymise
from tests.intake.production import KEY, captured_logs, production_bot
from tests.intake.test_intake_polling import PEOPLE, THEIR_WORDS, meet_everyone, send_poison
from tests.telegram.crashing import BotProcess, RecordingFakeBotApi
from tests.telegram.harness import KEY as BOT_PROCESS_KEY

CALM, BUGGY, REFUSED = PEOPLE  # three people; the second meets a bug, the third a failing DB
# What the buggy one types: their own and a neighbour's name, and a street.
CONFIDED = "Bartholomew here: Mrs Quatremère's hill on Wexcombe Lane is too steep"
CALM_WORDS = "the bakery on Wexcombe Lane has no bike rack"


class Bug(Exception):
    """A bug that, like many, quotes the input it choked on."""


@pytest.fixture
def redacted() -> Iterator[None]:
    """Logging as `perceptions` sets it up: every record redacted."""
    undo = redaction.install()
    try:
        yield
    finally:
        undo()


@pytest.fixture
def buggy_answers(monkeypatch: pytest.MonkeyPatch) -> list[Bug]:
    """InterviewService.handle fails, quoting its arguments, for the BUGGY person's text."""
    raised: list[Bug] = []
    handle = InterviewService.handle

    async def failing(self: InterviewService, incoming: Incoming) -> Any:
        if incoming.person.user_id == BUGGY and "hill" in repr(incoming.input):
            raised.append(Bug(f"cannot place {incoming.input!r} for {incoming.person!r}"))
            raise raised[-1]
        return await handle(self, incoming)

    monkeypatch.setattr(InterviewService, "handle", failing)
    return raised


def refuse_interviews_of(database_url: str, user_id: int) -> None:
    """The database refuses to store this person's interview (as a broken constraint would)."""
    path = database_url.split("///", 1)[1]
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TRIGGER refuse_one BEFORE INSERT ON interview "
            f"WHEN NEW.pseudonym = '{pseudonymise(user_id, KEY)}' "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )


def secrets() -> list[str]:
    """Everything about the people that must never be in a log line."""
    found = [str(user_id) for user_id in PEOPLE]
    found += [part for person in PEOPLE.values() for part in person]
    found += [pseudonymise(user_id, KEY) for user_id in PEOPLE]
    found += [*THEIR_WORDS, CONFIDED, "Wexcombe", "too steep", "bike rack"]
    return found


@pytest.mark.usefixtures("redacted")
@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_the_log_of_traffic_a_bug_and_a_failing_database_names_nobody(
    fake_bot_api: FakeBotApi, database_url: str, buggy_answers: list[Bug], mode: str
) -> None:
    fake = fake_bot_api
    meet_everyone(fake)
    send_poison(fake)
    with captured_logs(level=10) as logs:  # DEBUG
        async with production_bot(fake, database_url, webhook=mode == "webhook"):
            refuse_interviews_of(database_url, REFUSED)
            for user_id in PEOPLE:
                fake.user_sends_text(user_id, "/start")
            await fake.wait_for(lambda: all(fake.sent_messages(u) for u in PEOPLE), 30)
            for user_id in (CALM, BUGGY):
                consent = next(m for m in reversed(fake.sent_messages(user_id))
                               if m.button_data)
                fake.user_presses_button(user_id, consent.message_id, "a|_consent|yes")
            await fake.wait_for(lambda: all(any("How old" in (t or "") for t in fake.texts(u))
                                            for u in (CALM, BUGGY)), 30)
            fake.user_sends_text(BUGGY, CONFIDED)
            fake.user_sends_text(CALM, "34")
            typed = fake.user_sends_text(CALM, CALM_WORDS)  # not a place of work: asked again
            fake.user_edits_message(CALM, typed["message"]["message_id"], f"{CALM_WORDS}!")
            await fake.wait_for(lambda: not fake.pending_updates, 30)
            before = len(fake.sent_messages(CALM))
            fake.user_sends_text(CALM, "/delete")
            await fake.wait_for(lambda: len(fake.sent_messages(CALM)) > before, 30)
            await fake.wait_for(lambda: not fake.pending_updates, 30)

    # The bug and the refusal happened, and were logged with their tracebacks…
    [bug] = buggy_answers
    assert CONFIDED in str(bug)
    failures = logs.containing("error while handling update")
    assert len(failures) == 2, "\n".join(logs.lines)
    assert any("Bug: cannot place" in line and "Traceback" in line for line in failures)
    assert any("IntegrityError" in line and "INSERT INTO interview" in line for line in failures)
    assert logs.containing("Calling Bot API endpoint")  # the library's dumps were there too
    # …and no line of the whole log holds a parameter, an id, a name or a word of theirs.
    assert [line for line in logs.lines if "[parameters:" in line] == []
    leaked = {s: [line for line in logs.lines if s in line] for s in secrets()}
    assert {s: lines for s, lines in leaked.items() if lines} == {}


class DebugBotProcess(BotProcess):
    """`perceptions run` with LOG_LEVEL=DEBUG and a bot token shaped like a real one."""

    def environment(self) -> dict[str, str]:
        return super().environment() | {"LOG_LEVEL": "DEBUG", "TELEGRAM_BOT_TOKEN": TOKEN}


TOKEN = "7123456789:AAHk3x-Q9v_ZpLmNoPqRsTuVwXyZ0123456"


async def test_perceptions_run_at_debug_level_logs_no_token_and_nobody(tmp_path: Path) -> None:
    """The command itself, as deployed: redaction is installed by `perceptions`, not a test."""
    async with RecordingFakeBotApi() as fake:
        meet_everyone(fake)
        for user_id in PEOPLE:
            fake.user_sends_text(user_id, "/start")
        bot = DebugBotProcess(fake, tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
        await bot.start(timeout=60)
        try:
            await fake.wait_for(lambda: all(fake.sent_messages(u) for u in PEOPLE), 60)
            consent = next(m for m in reversed(fake.sent_messages(CALM)) if m.button_data)
            fake.user_presses_button(CALM, consent.message_id, "a|_consent|yes")
            await fake.wait_for(lambda: any("How old" in (t or "") for t in fake.texts(CALM)),
                                60)
            fake.user_sends_text(CALM, CALM_WORDS)  # not an age: asked again
            await fake.wait_for(lambda: not fake.pending_updates, 60)
            await fake.wait_for(lambda: len(fake.sent_messages(CALM)) >= 3, 60)
        finally:
            exit_code = await bot.stop()

    log = bot.log.read_text()
    assert exit_code == 0, log
    assert "Calling Bot API endpoint `sendMessage` with parameters `[withheld]`" in log
    assert "Set Bot API URL" in log  # the line that would print the token
    theirs = [*secrets(), *(pseudonymise(u, BOT_PROCESS_KEY) for u in PEOPLE)]
    leaked = [s for s in [*theirs, TOKEN, TOKEN.split(":")[1]] if s in log]
    assert leaked == []
