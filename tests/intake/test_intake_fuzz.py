"""The seeded fuzz test: thousands of updates of every kind through the real bot.

Real python-telegram-bot, real HTTP to the fake Telegram, real SQLite, the production polling and
webhook paths. Simulated respondents take the cycling study in every way people do (see
`fuzz_people` and `fuzz_actions`), while groups chatter and odd updates arrive. Afterwards:
  - crashes: error logs and apologies ("Sorry, something went wrong") — 0;
  - unanswered: an update of a person that got no reaction from the bot — 0;
  - wrong values: storage differs from what each respondent meant for a question — 0;
  - refused: a clear, valid answer the bot did not take — 0;
  - leaks: a log line with anyone's raw id or name — 0.
FUZZ_SEED=n reruns another seed; a failure prints the seed and what went wrong.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.script import load_script
from bot.telegram.texts import bot_texts
from bot.testing.fake_bot_api import FakeBotApi
from tests.intake.fuzz_actions import EVERYDAY
from tests.intake.fuzz_noise import group_chatter, odd_updates
from tests.intake.fuzz_people import Action, Respondent, Tally
from tests.intake.fuzz_screen import ScreenReader
from tests.intake.production import DIALOGS, STUDY, Captured, captured_logs, production_bot

SEED = int(os.environ.get("FUZZ_SEED", "9_2024"))
FIRST_ID = 610_000_001  # respondents' user ids count up from here
APOLOGIES = {bot_texts().get("error", lang) for lang in bot_texts().languages}
# PTB reports a 502's HTML page at error level: that is Telegram failing (as injected), not us.
INJECTED = ("Can not load invalid JSON data",)
IGNORED = re.compile(r"^WARNING bot\.telegram\.intake: update (\d+) ignored: the library cannot read")


@dataclass
class Figures:
    """What one fuzz run did and found."""

    tally: Tally
    crashes: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    unreadable: list[int] = field(default_factory=list)  # update ids sent
    ignored: list[int] = field(default_factory=list)  # update ids logged as unreadable
    faults: Counter[str] = field(default_factory=Counter)  # Telegram's failures met, by method

    def summary(self) -> str:
        """The figures as a few lines for the test output."""
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.tally.kinds.items()))
        return (f"seed {SEED}: {self.tally.updates} updates of {len(self.tally.kinds)} kinds; "
                f"crashes {len(self.crashes)}, unanswered {len(self.tally.unanswered)}, "
                f"wrong values {len(self.wrong)}, refused {len(self.tally.refused)}, "
                f"leaks {len(self.leaks)}, unreadable {len(self.unreadable)} (logged "
                f"{len(self.ignored)}), unfinished {len(self.tally.unfinished)}; faults met "
                f"{dict(self.faults)}\n{kinds}")

    def problems(self) -> dict[str, list[str]]:
        """Everything that must be empty, each with its first few examples."""
        found = {"crashes": self.crashes, "unanswered": self.tally.unanswered,
                 "wrong values": self.wrong, "refused": self.tally.refused, "leaks": self.leaks}
        if sorted(self.ignored) != sorted(self.unreadable):
            found["unreadable updates not logged exactly once each"] = [
                f"sent {sorted(self.unreadable)}", f"logged {sorted(self.ignored)}"]
        return {name: items[:10] for name, items in found.items() if items}


async def fuzz(fake: FakeBotApi, database_url: str, *, respondents: int, group_messages: int,
               odd: int, actions: Mapping[str, tuple[float, Action]],
               webhook: bool = False, patience: float = 30.0) -> Figures:
    """Run the respondents and the noise through the production bot; collect the figures."""
    reader = ScreenReader(load_script(DIALOGS / "cycling-to-work.yaml"))
    tally = Tally(patience=patience)
    rng = random.Random(SEED)
    people = [Respondent(fake, reader, FIRST_ID + n, f"{SEED}:{n}", tally, actions)
              for n in range(respondents)]
    figures = Figures(tally)
    with captured_logs() as logs:
        async with production_bot(fake, database_url, webhook=webhook,
                                  overall_max_rate=0) as bot:
            results = await asyncio.gather(
                *(person.take_part() for person in people),
                group_chatter(fake, random.Random(rng.random()), group_messages,
                              [p.user_id for p in people], tally),
                odd_updates(fake, random.Random(rng.random()), odd, tally))
            figures.unreadable = results[-1]
            await fake.wait_for(lambda: not fake.pending_updates, 30)
            stored = await stored_answers(bot.service.repository)
            figures.wrong = compare(people, stored, bot.pseudonym)
    figures.faults = Counter(method for method, _ in fake.faults.served)
    figures.crashes = crashes(logs, fake)
    figures.leaks = leaks(logs, people)
    figures.ignored = [int(match) for line in logs.lines for match in IGNORED.findall(line)]
    print(figures.summary())
    return figures


async def stored_answers(repository: Any) -> dict[str, dict[tuple[str, int], Any]]:
    """Every stored answer of the study: pseudonym → (question, probe) → value."""
    stored: dict[str, dict[tuple[str, int], Any]] = {}
    async for answer in repository.stream_answers(study_id=STUDY):
        stored.setdefault(answer.pseudonym, {})[(answer.question_id, answer.probe)] = answer.value
    return stored


def compare(people: list[Respondent], stored: dict[str, dict[tuple[str, int], Any]],
            pseudonym: Any) -> list[str]:
    """Where storage differs from what the respondents meant (and answers nobody gave)."""
    wrong = []
    for person in people:
        held = stored.pop(pseudonym(person.user_id), {})
        for key in sorted(set(held) | set(person.meant)):
            meant, kept = person.meant.get(key, "<nothing>"), held.get(key, "<nothing>")
            if meant != kept:
                wrong.append(f"respondent {person.user_id} {key}: meant {meant!r}, "
                             f"stored {kept!r}")
    wrong += [f"answers of someone who never answered: {len(held)}" for held in stored.values()]
    return wrong


def crashes(logs: Captured, fake: FakeBotApi) -> list[str]:
    """Error log lines (bar Telegram's injected failures) and apologies sent to anyone."""
    found = [line.splitlines()[0] for line in logs.lines
             if line.startswith(("ERROR", "CRITICAL")) and not any(i in line for i in INJECTED)]
    for chat in fake.world.messages:
        found += [f"apology in chat {chat}" for text in fake.texts(chat) if text in APOLOGIES]
    return found


def leaks(logs: Captured, people: list[Respondent]) -> list[str]:
    """Log lines with a respondent's raw id, or their name or username."""
    secrets = {str(p.user_id) for p in people} | {f"fuzz_{p.user_id}" for p in people}
    secrets |= {f"Fuzz{p.user_id}" for p in people}
    return [line[:200] for line in logs.lines if any(s in line for s in secrets)]


# The kinds a run must have sent (so a change that silently drops one is caught).
EVERY_KIND = {
    "start", "consent", "button", "toggle", "typed_number", "typed_label", "typed_picks", "text",
    "unicode_text", "unicode_digits", "invalid_answer", "sticker", "photo", "voice", "location",
    "edited_message", "help", "privacy", "unknown_command", "start_again", "stop", "back", "skip",
    "language", "language_tap", "delete", "delete_tap", "restart", "stale_tap", "double_tap",
    "inaccessible_tap", "foreign_tap", "circled_digit", "group_text", "group_command", "group_sticker",
    "group_edit", "unknown_kind", "channel_post", "my_chat_member", "message_reaction",
    "poll_answer", "inline_press", *(f"unparseable:{v}" for v in
                                     ("poll_answer_without_option_ids", "date_as_text")),
}


async def test_thousands_of_updates_of_every_kind_through_the_polling_bot(
    fake_bot_api: FakeBotApi, database_url: str
) -> None:
    # Telegram hiccups: flood waits on replies (the rate limiter waits and retries them), and on
    # getUpdates flood waits, server errors and its proxy's 502 page.
    for method in ("sendMessage", "editMessageText", "answerCallbackQuery"):
        fake_bot_api.set_flakiness(method, 0.02, ("429",))
    fake_bot_api.set_flakiness("getUpdates", 0.03, ("429", "500", "502"))
    figures = await fuzz(fake_bot_api, database_url, respondents=45, group_messages=110,
                         odd=90, actions=EVERYDAY)

    assert figures.problems() == {}, figures.summary()
    assert figures.tally.updates >= 2000
    assert EVERY_KIND - set(figures.tally.kinds) == set()
    assert fake_bot_api.faults.count("getUpdates") > 0
    assert fake_bot_api.faults.count("sendMessage", "429") > 0


async def test_the_same_traffic_through_the_webhook(fake_bot_api: FakeBotApi,
                                                     database_url: str) -> None:
    figures = await fuzz(fake_bot_api, database_url, respondents=6, group_messages=20,
                         odd=20, actions=EVERYDAY, webhook=True)

    assert figures.problems() == {}, figures.summary()
    assert figures.tally.updates >= 300


# ---- Telegram failing, and taps on old buttons ---------------------------------------------------

async def test_transient_server_errors_on_replies(fake_bot_api: FakeBotApi,
                                                  database_url: str) -> None:
    fake_bot_api.set_flakiness("sendMessage", 0.1, ("500", "502"))
    figures = await fuzz(fake_bot_api, database_url, respondents=2, group_messages=0, odd=0,
                         actions=EVERYDAY, patience=5.0)
    assert fake_bot_api.faults.count("sendMessage") > 0
    assert figures.problems() == {}, figures.summary()



async def _reply_to(fake: FakeBotApi, person: int, send: Any) -> None:
    """Send an update and wait for the bot's next message in the chat."""
    before = len(fake.sent_messages(person))
    send()
    await fake.wait_for(lambda: len(fake.sent_messages(person)) > before, 30)


async def _at_work_place(fake: FakeBotApi, person: int) -> None:
    """/start, consent, age 34: the bot asks where the person works (with buttons)."""
    await _reply_to(fake, person, lambda: fake.user_sends_text(person, "/start"))
    consent = fake.sent_messages(person)[-1]
    await _reply_to(fake, person, lambda: fake.user_presses_button(
        person, consent.message_id, "a|_consent|yes"))
    await _reply_to(fake, person, lambda: fake.user_sends_text(person, "34"))


async def test_a_stale_tap_shows_the_current_question(fake_bot_api: FakeBotApi,
                                                      database_url: str) -> None:
    person = FIRST_ID
    fake_bot_api.add_user(person, "Ana")
    async with production_bot(fake_bot_api, database_url) as bot:
        await _at_work_place(fake_bot_api, person)
        asked = fake_bot_api.sent_messages(person)[-1]
        await _reply_to(fake_bot_api, person, lambda: fake_bot_api.user_sends_text(person, "1"))
        shown = len(fake_bot_api.sent_messages(person))
        # The buttons are still on the answered question; the person taps one of them.
        fake_bot_api.user_presses_button(person, asked.message_id, "a|work_place|home")
        with contextlib.suppress(TimeoutError):
            await fake_bot_api.wait_for(
                lambda: len(fake_bot_api.sent_messages(person)) > shown, 10)
        stored = await stored_answers(bot.service.repository)

    assert stored[bot.pseudonym(person)][("work_place", 0)] == "away"  # the tap changed nothing
    assert "About how far" in (fake_bot_api.sent_messages(person)[-1].text or "")
    assert len(fake_bot_api.sent_messages(person)) > shown


async def test_a_tap_on_an_old_question_keeps_its_text(fake_bot_api: FakeBotApi,
                                                       database_url: str) -> None:
    person = FIRST_ID
    fake_bot_api.add_user(person, "Ana")
    async with production_bot(fake_bot_api, database_url):
        await _at_work_place(fake_bot_api, person)
        asked = fake_bot_api.sent_messages(person)[-1]
        await _reply_to(fake_bot_api, person, lambda: fake_bot_api.user_presses_button(
            person, asked.message_id, "a|work_place|away", inaccessible=True))

    assert (fake_bot_api.sent_messages(person)[-1].text or "").startswith("About how far")
    assert (asked.text or "").startswith("Where do you work")  # the question still reads
