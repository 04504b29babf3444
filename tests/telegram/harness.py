"""The real bot (PTB Application + service + SQL) against FakeBotApi, and scripted respondents."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.engine import DONE
from bot.interviews import InterviewService, ScriptCatalog
from bot.interviews.reminders import ReminderPolicy
from bot.interviews.service import utc_now
from bot.script import QuestionType, Script
from bot.settings import Settings
from bot.telegram.app import build_application, prepare
from bot.telegram.context import InterviewApplication
from bot.telegram.health import Health
from bot.telegram.webhook import listen
from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.fake_objects import SentMessage
from storage import Repository, create_repository, pseudonymise, upgrade

ROOT = Path(__file__).resolve().parents[2]
DIALOGS = ROOT / "dialogs"
STUDY = "cycling_to_work"
KEY = "test-pseudonym-key-long-enough-for-the-real-bot"
SECRET = "test_webhook-secret"
RESEARCHER = 777


@dataclass
class RunningBot:
    """One running bot: what the tests talk to and look into."""

    fake: FakeBotApi
    repository: Repository
    service: InterviewService
    application: InterviewApplication
    webhook_url: str | None = None

    def replies(self) -> int:
        """How many calls the bot made that a respondent sees (chat actions only announce one)."""
        return sum(1 for c in self.fake.bot_calls if c.method != "sendChatAction")

    async def settle(self, before: int, idle: float = 0.05, wait: float = 10.0) -> None:
        """Wait for the bot to reply (a call after the `before`-th reply), then to fall quiet."""
        await self.fake.wait_for(lambda: self.replies() > before, wait)
        while True:
            seen = self.replies()
            await asyncio.sleep(idle)
            if self.replies() == seen and not self.fake.pending_updates:
                return

    async def drain(self, quiet: float = 0.3) -> None:
        """Wait until every update was taken, then give the bot a moment to (not) react."""
        await self.fake.wait_for(lambda: not self.fake.pending_updates)
        await asyncio.sleep(quiet)

    async def state(self, chat_id: int) -> dict[str, Any] | None:
        """The stored engine state of the chat's open interview."""
        record = await self.repository.active_interview(
            pseudonym=pseudonymise(chat_id, KEY), study_id=STUDY
        )
        return None if record is None else record.state

    async def answers(self, chat_id: int) -> dict[tuple[str, int], Any]:
        """What storage holds for this respondent: (question, probe) → value."""
        pseudonym = pseudonymise(chat_id, KEY)
        return {
            (a.question_id, a.probe): a.value
            async for a in self.repository.stream_answers(study_id=STUDY)
            if a.pseudonym == pseudonym
        }


def settings_for(database_url: str, *, dialogs: Path = DIALOGS, webhook: bool = False) -> Settings:
    """Settings as a deployment would have them (no .env read)."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=SecretStr("123:ABC"),
        database_url=database_url,
        pseudonym_key=SecretStr(KEY),
        dialogs_dir=dialogs,
        researcher_ids=[RESEARCHER],
        webhook_url="http://127.0.0.1/telegram" if webhook else None,
        webhook_secret=SecretStr(SECRET) if webhook else None,
    )


@contextlib.asynccontextmanager
async def running_bot(fake: FakeBotApi, database_url: str, *, webhook: bool = False,
                      dialogs: Path = DIALOGS, reminders: ReminderPolicy | None = None,
                      check_seconds: float | None = None) -> AsyncIterator[RunningBot]:
    """Start the production bot (polling or behind our webhook server) and stop it after.

    `reminders` and `check_seconds` (how often the reminder and invitation jobs run) stand in
    for the settings of those names.
    """
    await upgrade(database_url)
    settings = settings_for(database_url, dialogs=dialogs, webhook=webhook)
    if check_seconds is not None:
        settings = settings.model_copy(update={"reminder_check_seconds": check_seconds})
    repository = create_repository(database_url)
    catalog = await ScriptCatalog.load(repository, dialogs, default_study=STUDY, now=utc_now())
    service = InterviewService(repository, catalog, KEY, reminders=reminders)
    application = build_application(settings, service, base_url=fake.base_url, webhook=webhook)
    try:
        async with application:
            await prepare(application)
            await application.start()
            bot = RunningBot(fake, repository, service, application)
            if webhook:
                health = Health(lambda: application.running, repository.healthy)
                runner = await listen(application, SECRET, "/telegram", "127.0.0.1", 0,
                                      health=health)
                port = runner.addresses[0][1]
                bot.webhook_url = f"http://127.0.0.1:{port}/telegram"
                await application.bot.set_webhook(bot.webhook_url, secret_token=SECRET)
            else:
                assert application.updater is not None
                await application.updater.start_polling(poll_interval=0, timeout=1)
            try:
                yield bot
            finally:
                if webhook:
                    await runner.cleanup()
                elif application.updater is not None:
                    await application.updater.stop()
                await application.stop()
    finally:
        await repository.close()


# A respondent who answers every question in a plausible way, by buttons or by typing.
DETAIL = {
    "en": "Safe separate bike lanes along the main road would really help me",
    "fr": "Des pistes cyclables séparées sur la grande route m'aideraient vraiment",
}
PROBE = {
    "en": "Because the traffic near my office is heavy in the morning",
    "fr": "Parce que la circulation près du bureau est dense le matin",
}
# Choices that keep the respondent in the study (see eligible_if in the script).
CHOSEN = {"work_place": "away", "distance": "2_to_5"}


@dataclass
class Respondent:
    """A person in a private chat (chat id = user id) talking to the running bot."""

    bot: RunningBot
    chat_id: int
    lang: str = "en"
    by: str = "buttons"  # or "text"
    days: int = 0  # days cycled last week: 0 makes a non-doer, 3+ a doer
    given: dict[tuple[str, int], Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.bot.fake.add_user(self.chat_id, f"Person{self.chat_id}", language_code=self.lang)

    async def says(self, text: str) -> None:
        """Type a message and wait for the bot to answer."""
        before = self.bot.replies()
        self.bot.fake.user_sends_text(self.chat_id, text)
        await self.bot.settle(before)

    async def taps(self, data: str) -> None:
        """Tap the button with this callback data on the newest message that has it."""
        message = self.message_with(data)
        before = self.bot.replies()
        self.bot.fake.user_presses_button(self.chat_id, message.message_id, data)
        await self.bot.settle(before)

    def message_with(self, data: str) -> SentMessage:
        """The newest bot message carrying a button with this callback data."""
        for message in reversed(self.bot.fake.sent_messages(self.chat_id)):
            if data in message.button_data:
                return message
        raise AssertionError(f"no button {data!r} in {self.texts()}")

    def texts(self) -> list[str]:
        """The bot's messages in this chat, as they read now."""
        return [t or "" for t in self.bot.fake.texts(self.chat_id)]

    async def consents(self) -> None:
        """/start, then yes to the consent question."""
        await self.says("/start")
        if self.by == "buttons":
            await self.taps("a|_consent|yes")
        else:
            await self.says({"fr": "oui"}.get(self.lang, "yes"))

    async def completes(self, script: Script) -> None:
        """Answer every question until the interview ends, recording what was given."""
        for _ in range(200):
            state = await self.bot.state(self.chat_id)
            if state is None or state["status"] != "active":
                return
            question = script.by_id[state["current"]]
            if state["probes"]:
                await self.says(PROBE[self.lang])
                self.given[(question.id, state["probes"])] = PROBE[self.lang]
            else:
                await self.answer(question.id, question.type, [o.value for o in question.options])
        raise AssertionError("the interview never ended")

    async def answer(self, qid: str, kind: QuestionType, options: Sequence[str]) -> None:
        """Give one answer of the right kind."""
        if kind == QuestionType.text:
            await self.says(DETAIL[self.lang])
            self.given[(qid, 0)] = DETAIL[self.lang]
        elif kind == QuestionType.number:
            number = {"age": 34, "days_cycled": self.days}.get(qid, 2)
            await self.says(str(number))
            self.given[(qid, 0)] = number
        elif kind == QuestionType.multiple_choice:
            picked = list(options[:2])
            if self.by == "buttons":
                for value in picked:
                    await self.taps(f"a|{qid}|{value}")
                await self.taps(f"a|{qid}|{DONE}")
            else:
                await self.says("1, 2")
            self.given[(qid, 0)] = picked
        else:
            doer = "yes" if self.days >= 3 else "no"
            value = {**CHOSEN, "most_weeks": doer}.get(qid, options[0])
            if self.by == "buttons":
                await self.taps(f"a|{qid}|{value}")
            else:
                await self.says(value if kind == QuestionType.scale else
                                str(list(options).index(value) + 1))
            self.given[(qid, 0)] = int(value) if kind == QuestionType.scale else value
