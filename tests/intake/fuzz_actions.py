"""Everything a fuzz respondent may do on a question besides answering it plainly.

Each action sends one or more real updates and waits for the bot's reaction to each; the ones that
change what was meant (/restart, /delete, /skip, taps) update the respondent's memory as a person
would understand the bot's reply.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.script import CompiledQuestion, QuestionType
from tests.intake.fuzz_answers import invalid_typings, typings
from tests.intake.fuzz_people import UNMEANT, Action, Key, Respondent
from tests.intake.fuzz_screen import Screen

_SINGLE = (QuestionType.single_choice, QuestionType.yes_no, QuestionType.scale)


async def invalid(person: Respondent, screen: Screen, key: Key, question: CompiledQuestion) -> None:
    """An answer the question must refuse; if the bot moves on anyway, it stored a wrong value."""
    texts = invalid_typings(question)
    if not texts:
        await person.by_typing(screen, key, question)
        return
    text = person.rng.choice(texts)
    await person.answer(screen, key, UNMEANT, lambda: person.say(text, "invalid_answer"))


async def circled(person: Respondent, screen: Screen, key: Key, question: CompiledQuestion) -> None:
    """A choice typed as ⓵, ⓶…: a digit to `isdigit()`, not a decimal one."""
    value = person.value_for(key)
    if question.type not in (QuestionType.single_choice, QuestionType.yes_no):
        await person.by_typing(screen, key, question)
        return
    [typed] = typings(person.script, question, value, screen.lang or "en", circled=True)
    await person.answer(screen, key, typed.value, lambda: person.say(typed.text, typed.kind),
                        certain=False)


async def media(person: Respondent, screen: Screen, key: Key, question: CompiledQuestion) -> None:
    """A sticker, a photo, a voice note, a location, a dice or a contact: the bot asks again."""
    fake, chat = person.fake, person.user_id
    kind = person.rng.choice(["sticker", "photo", "voice", "location", "dice", "contact"])
    makers = {
        "sticker": lambda: fake.user_sends_sticker(chat, person.rng.choice("👍🚲🙂🤷")),
        "photo": lambda: fake.user_sends_photo(chat, person.rng.choice([None, "my bike", "🚲"])),
        "voice": lambda: fake.user_sends_voice(chat, person.rng.randint(1, 60)),
        "location": lambda: fake.user_sends_location(chat, 48.85, 2.35),
        "dice": lambda: fake.user_sends(chat, {"dice": {"emoji": "🎲", "value": 4}}),
        "contact": lambda: fake.user_sends(chat, {"contact": {
            "phone_number": "+33600000000", "first_name": "Someone"}}),
    }
    await person.send(kind, makers[kind])


async def edit(person: Respondent, screen: Screen, key: Key, question: CompiledQuestion) -> None:
    """Edit a message sent earlier: the first version counts, the bot says so."""
    if not person.own_texts:
        await media(person, screen, key, question)
        return
    message_id = person.rng.choice(person.own_texts)
    text = person.rng.choice(["Actually, 5", "sorry, I meant yes", "édité ✏️"])
    await person.send("edited_message",
                      lambda: person.fake.user_edits_message(person.user_id, message_id, text))


async def command(person: Respondent, screen: Screen, key: Key, question: CompiledQuestion) -> None:
    """/help, /privacy, /start again (resumes), or a command the bot does not know."""
    text, kind = person.rng.choice([("/help", "help"), ("/privacy", "privacy"),
                                    ("/start", "start_again"), ("/frobnicate", "unknown_command"),
                                    ("/start@perceptions_test_bot", "start_again")])
    await person.say(text, kind)


async def stop(person: Respondent, screen: Screen, key: Key, question: CompiledQuestion) -> None:
    """/stop: paused; the next message resumes instead of answering."""
    await person.say("/stop", "stop")
    person.paused = True


async def back(person: Respondent, screen: Screen, key: Key, question: CompiledQuestion) -> None:
    """/back: the previous question again (answering it replaces the earlier answer)."""
    await person.say("/back", "back")


async def skip(person: Respondent, screen: Screen, key: Key, question: CompiledQuestion) -> None:
    """/skip: a follow-up is left, an optional question stored as skipped, a required one kept."""
    if key[1]:
        await person.say("/skip", "skip")
        person.look()
        return
    value = None if not question.spec.required else UNMEANT
    await person.answer(screen, key, value, lambda: person.say("/skip", "skip"), certain=False)


async def language(person: Respondent, screen: Screen, key: Key,
                   question: CompiledQuestion) -> None:
    """/language, then a tap on one of the languages offered."""
    await person.say("/language", "language")
    picker = person.fake.sent_messages(person.user_id)[-1]
    codes = [d for d in picker.button_data if d.startswith("l|")]
    if codes:
        data = person.rng.choice(codes)
        await person.send("language_tap", lambda: person.fake.user_presses_button(
            person.user_id, picker.message_id, data))


async def delete(person: Respondent, screen: Screen, key: Key, question: CompiledQuestion) -> None:
    """/delete, then "no, keep it" — or, now and then, "yes": everything is erased."""
    await person.say("/delete", "delete")
    confirm = person.fake.sent_messages(person.user_id)[-1]
    erase = person.rng.random() < 0.15
    data = "d|yes" if erase else "d|no"
    if data not in confirm.button_data:
        return
    await person.send("delete_tap", lambda: person.fake.user_presses_button(
        person.user_id, confirm.message_id, data))
    if erase:
        person.meant.clear()
        person.position = None
        person.erased = True


async def restart(person: Respondent, screen: Screen, key: Key,
                  question: CompiledQuestion) -> None:
    """/restart: the interview starts over and the earlier answers are gone."""
    await person.say("/restart", "restart")
    person.meant.clear()


async def stale_tap(person: Respondent, screen: Screen, key: Key,
                    question: CompiledQuestion) -> None:
    """A tap on an answer button left on an earlier question's message: changes nothing."""
    old = [(m.message_id, d) for m in person.fake.sent_messages(person.user_id)
           if screen.message is not None and m.message_id < screen.message.message_id
           for d in m.button_data if d.startswith("a|") and d.split("|")[1] != key[0]]
    if not old:
        await media(person, screen, key, question)
        return
    message_id, data = person.rng.choice(old)
    await person.send("stale_tap", lambda: person.fake.user_presses_button(
        person.user_id, message_id, data))


async def double_tap(person: Respondent, screen: Screen, key: Key,
                     question: CompiledQuestion) -> None:
    """The answer button tapped twice before the first tap was answered."""
    if question.type not in _SINGLE or screen.message is None:
        await person.by_button(screen, key, question)
        return
    value = person.value_for(key)
    data, message_id = f"a|{question.id}|{value}", screen.message.message_id

    def tap() -> dict[str, object]:
        return person.fake.user_presses_button(person.user_id, message_id, data)

    await person.answer(screen, key, value, lambda: person.send("double_tap", tap, tap))


async def inaccessible_tap(person: Respondent, screen: Screen, key: Key,
                           question: CompiledQuestion) -> None:
    """A tap whose message Telegram no longer includes (too old): only its id and chat."""
    if question.type not in _SINGLE:
        await person.by_button(screen, key, question)
        return
    value = person.value_for(key)
    await person.answer(screen, key, value, lambda: person.tap(
        screen, f"a|{question.id}|{value}", "inaccessible_tap", inaccessible=True))


async def foreign_tap(person: Respondent, screen: Screen, key: Key,
                      question: CompiledQuestion) -> None:
    """A button of an older bot version whose callback data the bot no longer reads."""
    data = person.rng.choice([f"answer:{question.id}:1", "v1|next", "🙂", "a|", "a|x|y|z"])
    await person.tap(screen, data, "foreign_tap", check=False)


# name: (weight, action). The weights make a run mostly answers, with everything else in it.
EVERYDAY: Mapping[str, tuple[float, Action]] = {
    "button": (28.0, Respondent.by_button),
    "type": (24.0, Respondent.by_typing),
    "invalid": (5.0, invalid),
    "noise": (6.0, media),
    "edit": (3.0, edit),
    "command": (4.0, command),
    "stop": (1.5, stop),
    "back": (2.5, back),
    "skip": (2.0, skip),
    "language": (1.0, language),
    "delete": (1.0, delete),
    "restart": (0.2, restart),
    "stale_tap": (3.0, stale_tap),
    "double_tap": (2.5, double_tap),
    "inaccessible_tap": (2.0, inaccessible_tap),
    "foreign_tap": (1.0, foreign_tap),
    "circled": (1.5, circled),
}
