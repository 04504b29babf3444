"""A simulated respondent for the fuzz test: a persona, a seeded whim, and a memory of what they meant.

Each respondent reads the chat (`fuzz_screen`), picks an action at random — answer by button or by
typing, in every form people use, or do something else: a sticker, an edit, a command, a stale or
double tap, /back, /skip, /stop, /language, /delete… — sends it as one or more real updates, and
waits until the bot has confirmed each update and reacted to it in this chat. An answer the bot
moves on from is what the respondent *meant* for that question; the test compares storage with it.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.engine import DONE
from bot.script import CompiledQuestion, QuestionType
from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.fake_objects import JSON
from tests.intake.fuzz_answers import intended, typings
from tests.intake.fuzz_screen import Screen, ScreenReader, Seen

REPLY_SECONDS = 30.0  # how long a respondent waits for the bot before noting "no reply"
QUIET_SECONDS = 0.05  # a reply is complete once the chat has been quiet this long
UNMEANT = "<an answer the respondent did not mean>"  # stored for an invalid input = wrong
Key = tuple[str, int]  # (question id, probe number)
# An action: what the respondent does on a screen (its question key and the question).
Action = Callable[["Respondent", Screen, Key, CompiledQuestion], Awaitable[None]]
# Actions that need the question's buttons on screen; those a follow-up question allows.
NEEDS_BUTTONS = frozenset({"button", "double_tap", "inaccessible_tap", "foreign_tap"})
ON_FOLLOW_UPS = frozenset({"type", "skip", "noise", "command", "edit"})


@dataclass
class Tally:
    """What all respondents did and met, for the test's figures and assertions."""

    kinds: Counter[str] = field(default_factory=Counter)  # updates sent, by kind
    unanswered: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # clear answers the bot did not take
    unfinished: list[int] = field(default_factory=list)  # ran out of their update budget
    patience: float = REPLY_SECONDS  # how long anyone waits for the bot's reaction

    @property
    def updates(self) -> int:
        """Updates sent in all."""
        return sum(self.kinds.values())


class Respondent:
    """One person in a private chat (chat id = user id), driven by their own seeded random."""

    def __init__(self, fake: FakeBotApi, reader: ScreenReader, user_id: int, seed: str,
                 tally: Tally, actions: Mapping[str, tuple[float, Action]],
                 budget: int = 200) -> None:
        self.fake, self.reader, self.script = fake, reader, reader.script
        self.user_id, self.tally, self.budget = user_id, tally, budget
        self.rng = random.Random(seed)
        self.actions = actions
        self.language_code = self.rng.choice(["en", "en", "en", "fr", "fr", "de", None])
        self.doer = self.rng.random() < 0.4
        # Some people do not fit the study and are screened out on one of these questions.
        self.misfit = self.rng.choice([None] * 9 + ["age", "work_place", "distance"])
        self.meant: dict[Key, Any] = {}
        self.position: Key | None = None
        self.paused = False
        self.erased = False
        self.sent = 0
        self.own_texts: list[int] = []
        fake.add_user(user_id, self.rng.choice(["Ana", "Jörg", "Siobhán", "李", "Zoë", "Ngozi"]),
                      last_name=f"Fuzz{user_id}", username=f"fuzz_{user_id}",
                      language_code=self.language_code)

    # ---- the conversation ----------------------------------------------------------------------

    async def take_part(self) -> None:
        """Start, then act until the interview ends (or the budget runs out)."""
        await self.say(self.rng.choice(["/start", "/start", "hi"]), "start")
        while self.sent < self.budget:
            screen = self.look()
            if screen.seen == Seen.ENDED and not self.erased:
                return
            if self.erased or screen.seen == Seen.NOTHING:
                self.erased = False
                await self.say("/start", "start")
            elif screen.seen == Seen.CONSENT:
                await self.consent(screen)
            else:
                await self.turn(screen)
        self.tally.unfinished.append(self.user_id)

    def look(self) -> Screen:
        """The question on screen; a main question sets where the respondent is."""
        screen = self.reader.read(self.fake, self.user_id)
        if screen.seen == Seen.QUESTION and screen.question_id is not None:
            self.position = (screen.question_id, 0)
        return screen

    def key(self, screen: Screen) -> Key | None:
        """What an answer on this screen answers."""
        if screen.seen == Seen.QUESTION and screen.question_id is not None:
            return (screen.question_id, 0)
        return self.position if screen.seen == Seen.PROBE else None

    async def consent(self, screen: Screen) -> None:
        """Agree (mostly by button), rarely decline; now and then something else first."""
        roll = self.rng.random()
        if roll < 0.08 and "noise" in self.actions:
            await self.actions["noise"][1](self, screen, ("", 0), self.script.questions[0])
        elif roll < 0.1 and "a|_consent|no" in screen.buttons:
            await self.tap(screen, "a|_consent|no", "consent")
        elif roll < 0.7 and "a|_consent|yes" in screen.buttons:
            await self.tap(screen, "a|_consent|yes", "consent")
        else:
            lang = screen.lang or "en"
            words = ["1", self.script.message("consent_yes", lang), "yes" if lang == "en" else "oui"]
            await self.say(self.rng.choice(words), "consent")

    async def turn(self, screen: Screen) -> None:
        """One action on a question or probe, chosen by the weights."""
        key = self.key(screen)
        if key is None:
            await self.say("/start", "start")
            return
        question = self.script.by_id[key[0]]
        choices = {name: weight for name, (weight, _) in self.actions.items()
                   if (not key[1] or name in ON_FOLLOW_UPS)
                   and (screen.buttons or name not in NEEDS_BUTTONS)}
        name = self.rng.choices(list(choices), weights=list(choices.values()))[0]
        await self.actions[name][1](self, screen, key, question)

    # ---- sending and waiting -------------------------------------------------------------------

    async def send(self, kind: str, *makers: Callable[[], JSON], chat: int | None = None) -> bool:
        """Send updates at once; wait until each is confirmed and got a reaction. False: none."""
        chat = self.user_id if chat is None else chat
        reactions = self.fake.world.reactions
        before = reactions.get(chat, 0)
        updates = [make() for make in makers]
        self.sent += len(updates)
        self.tally.kinds[kind] += len(updates)

        def done() -> bool:
            world = self.fake.world  # `pending` is replaced by a new list on each confirmation
            confirmed = all(all(u is not p for p in world.pending) for u in updates)
            return confirmed and reactions.get(chat, 0) >= before + len(updates)

        try:
            await self.fake.wait_for(done, self.tally.patience)
        except TimeoutError:
            ids = [u["update_id"] for u in updates]
            self.tally.unanswered.append(f"respondent {self.user_id}: {kind} {ids}")
            return False
        while True:  # the rest of the reply (a second message, an edit) may still be on its way
            seen = reactions.get(chat, 0)
            await asyncio.sleep(QUIET_SECONDS)
            if reactions.get(chat, 0) == seen:
                return True

    async def say(self, text: str, kind: str) -> None:
        """Type a message."""
        def make() -> JSON:
            update = self.fake.user_sends_text(self.user_id, text)
            self.own_texts.append(update["message"]["message_id"])
            return update

        await self.send(kind, make)
        if text.startswith("/start") or not text.startswith("/"):
            self.paused = False

    async def tap(self, screen: Screen, data: str, kind: str, *, inaccessible: bool = False,
                  check: bool = True) -> None:
        """Tap a button of the screen's message."""
        assert screen.message is not None
        message_id = screen.message.message_id
        await self.send(kind, lambda: self.fake.user_presses_button(
            self.user_id, message_id, data, check_button=check, inaccessible=inaccessible))

    # ---- answers -------------------------------------------------------------------------------

    async def answer(self, screen: Screen, key: Key, value: Any, send: Callable[[], Any], *,
                     certain: bool = True) -> None:
        """Give an answer; if the bot moves on from the question, that is what was meant."""
        certain = certain and not self.paused  # a paused interview resumes instead
        shown = len(self.fake.sent_messages(self.user_id))
        await send()
        # Every answer is followed by a new message (the next question, a follow-up or the same
        # question again): a tap's answerCallbackQuery alone does not mean the reply is complete.
        try:
            await self.fake.wait_for(
                lambda: len(self.fake.sent_messages(self.user_id)) > shown, self.tally.patience)
        except TimeoutError:
            self.tally.unanswered.append(f"respondent {self.user_id}: no message after {key}")
            return
        after = self.look()
        question = self.script.by_id[key[0]]
        most = question.probe.columns if question.probe is not None else 0
        if after.seen == Seen.PROBE and screen.seen == Seen.QUESTION:
            moved = True  # a follow-up to this answer
        elif after.seen == Seen.PROBE:
            moved = key[1] < most  # the next follow-up, or this one asked again
        else:
            moved = after.seen != screen.seen or after.question_id != screen.question_id
        if moved:
            self._accept(key, value)
            if after.seen == Seen.PROBE:
                self.position = (key[0], key[1] + 1)
        elif certain and value != UNMEANT:
            self.tally.refused.append(f"respondent {self.user_id}: {key} {value!r}")

    def _accept(self, key: Key, value: Any) -> None:
        if key[1] == 0:  # a new main answer replaces the follow-ups of the old one
            for old in [k for k in self.meant if k[0] == key[0] and k[1] > 0]:
                del self.meant[old]
        self.meant[key] = value

    def value_for(self, key: Key) -> Any:
        """What this person would answer to the question (or follow-up)."""
        if key[1]:
            return self.rng.choice(["Because of the traffic near my office in the morning",
                                    "Parce que la circulation est dense le matin près du bureau",
                                    "mostly the weather and the hills on the way"])
        return intended(self.rng, self.script.by_id[key[0]], doer=self.doer,
                        misfit=self.misfit == key[0])

    async def by_button(self, screen: Screen, key: Key, question: CompiledQuestion) -> None:
        """Answer with the buttons (toggling picks of a multiple choice, then "Done")."""
        value = self.value_for(key)
        qid = question.id
        if question.type == QuestionType.multiple_choice:
            wanted = {f"a|{qid}|{v}" for v in value}
            for data in sorted(wanted ^ screen.marked()):  # toggle to the wanted picks
                await self.tap(screen, data, "toggle")
                screen = self.look()
            await self.answer(screen, key, value, lambda: self.tap(screen, f"a|{qid}|{DONE}",
                                                                   "button"))
            return
        data = f"a|{qid}|{value}"
        await self.answer(screen, key, value, lambda: self.tap(screen, data, "button"))

    async def by_typing(self, screen: Screen, key: Key, question: CompiledQuestion) -> None:
        """Answer by typing, in one of the forms people use for this kind of question."""
        value = self.value_for(key)
        if key[1]:
            options = typings(self.script, None, value, screen.lang or "en")
        else:
            options = typings(self.script, question, value, screen.lang or "en")
        typed = self.rng.choice(options)
        await self.answer(screen, key, typed.value, lambda: self.say(typed.text, typed.kind),
                          certain=typed.certain)
