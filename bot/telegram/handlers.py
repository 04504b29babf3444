"""One small callback per kind of update; each hands the input to the interview service."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.engine import Command, Input, Pick, TextInput, Unsupported
from bot.interviews import (
    Begin,
    ChooseLanguage,
    ContactChoice,
    Erase,
    Outcome,
    Pause,
    ShowCurrent,
)
from bot.telegram.context import InterviewContext, incoming, person_of
from bot.telegram.keyboards import ANSWER, CONTACT, DELETE, LANGUAGE, decode, delete_keyboard
from bot.telegram.keyboards import language_keyboard as picker
from bot.telegram.replies import (
    MAX_TEXT,
    contact_question,
    cosmetic,
    mark_tapped,
    typing_if_slow,
)
from bot.telegram.resend import deliver

# Message contents the engine cannot read, named for logs and the re-ask.
_CONTENT_KINDS = ("sticker", "photo", "voice", "video", "video_note", "audio", "document",
                  "location", "contact", "poll", "animation", "venue", "dice")


async def _reply(update: Update, context: InterviewContext, outcome: Outcome) -> None:
    """Send an outcome to the chat the update came from (noted if Telegram won't take it).

    Then note that the reply went out, so a copy of the update delivered later gets none.
    The closing of an interview asks whether we may write again (see `replies.bundle`).
    """
    if update.effective_chat is not None:
        await deliver(context, update.effective_chat.id, outcome)
        if not outcome.duplicate:
            await context.service.replied(update.update_id)


async def _contact_question(
    update: Update, context: InterviewContext, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    """"May we write to you again?", the current choice said first and ticked."""
    current = await context.service.contact_choice(person_of(update))
    return contact_question(context.texts, lang, current.value if current else None)


async def _engine_input(update: Update, context: InterviewContext, event: Input) -> None:
    """Run one engine input and send what it produced."""
    async with typing_if_slow(context.bot, _chat_id(update)):
        outcome = await context.service.handle(incoming(update, event))
    await _reply(update, context, outcome)


def _chat_id(update: Update) -> int | None:
    """The chat to show "typing…" in."""
    return update.effective_chat.id if update.effective_chat else None


async def private_only(update: Update, context: InterviewContext) -> None:
    """Groups get a polite pointer to a private chat, and nothing is stored."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    elif update.message is not None:
        lang = update.effective_user.language_code if update.effective_user else None
        await update.message.reply_text(context.texts.get("group_chat", lang))
    raise ApplicationHandlerStop


async def start(update: Update, context: InterviewContext) -> None:
    """/start [study__source]: begin the study the link names, or continue where they were."""
    payload = context.args[0] if context.args else None
    async with typing_if_slow(context.bot, _chat_id(update)):
        outcome = await context.service.handle(incoming(update, Begin(payload)))
    await _reply(update, context, outcome)


async def back(update: Update, context: InterviewContext) -> None:
    """/back: the previous question."""
    await _engine_input(update, context, Command("back"))


async def skip(update: Update, context: InterviewContext) -> None:
    """/skip: leave an optional question unanswered."""
    await _engine_input(update, context, Command("skip"))


async def restart(update: Update, context: InterviewContext) -> None:
    """/restart: start the interview again."""
    await _engine_input(update, context, Command("restart"))


async def text(update: Update, context: InterviewContext) -> None:
    """A typed answer."""
    assert update.message is not None
    assert update.message.text is not None
    await _engine_input(update, context, TextInput(update.message.text))


async def unreadable(update: Update, context: InterviewContext) -> None:
    """Stickers, photos, voice notes, locations, documents…: a friendly re-ask."""
    message = update.effective_message
    kind = next((k for k in _CONTENT_KINDS if message and getattr(message, k, None)), "other")
    await _engine_input(update, context, Unsupported(kind))


async def edited(update: Update, context: InterviewContext) -> None:
    """An edited message: the first version counts; say so and re-ask."""
    outcome = await context.service.handle(incoming(update, ShowCurrent("edited")))
    await _reply(update, context, outcome)


async def unknown_command(update: Update, context: InterviewContext) -> None:
    """Any other /command (including researcher commands from anyone else)."""
    outcome = await context.service.handle(incoming(update, ShowCurrent("unknown_command")))
    await _reply(update, context, outcome)


async def stop(update: Update, context: InterviewContext) -> None:
    """/stop: pause; any later message continues."""
    await _reply(update, context, await context.service.handle(incoming(update, Pause())))


async def language(update: Update, context: InterviewContext) -> None:
    """/language: a picker among the study's languages."""
    assert update.message is not None
    current, codes = await context.service.languages(person_of(update))
    choices = [(code, context.texts.language_name(code)) for code in codes]
    await update.message.reply_text(context.texts.get("language_pick", current),
                                    reply_markup=picker(choices))


async def privacy(update: Update, context: InterviewContext) -> None:
    """/privacy: what is stored, by whom and why, and whether we may write to them again."""
    assert update.message is not None
    outcome = await context.service.privacy(person_of(update))
    about = "\n\n".join(context.texts.get(n.key, outcome.language, **n.values)
                         for n in outcome.notes)
    ask, markup = await _contact_question(update, context, outcome.language)
    await update.message.reply_text(f"{about}\n\n{ask}"[:MAX_TEXT], reply_markup=markup)


async def updates(update: Update, context: InterviewContext) -> None:
    """/updates: whether we may write to them again (results, a later interview); change it."""
    assert update.message is not None
    person = person_of(update)
    lang = await context.service.language_of(person)
    text, markup = await _contact_question(update, context, lang)
    await update.message.reply_text(text, reply_markup=markup)


async def delete(update: Update, context: InterviewContext) -> None:
    """/delete: ask for confirmation before erasing everything."""
    assert update.message is not None
    lang = await context.service.language_of(person_of(update))
    texts = context.texts
    await update.message.reply_text(
        texts.get("delete_confirm", lang),
        reply_markup=delete_keyboard(texts.get("delete_yes", lang), texts.get("delete_no", lang)),
    )


async def help_command(update: Update, context: InterviewContext) -> None:
    """/help: what the commands do."""
    assert update.message is not None
    lang = await context.service.language_of(person_of(update))
    await update.message.reply_text(context.texts.get("help", lang))


async def button(update: Update, context: InterviewContext) -> None:
    """A tapped inline button; always acknowledged, even when stale or doubled."""
    query = update.callback_query
    assert query is not None
    try:
        tap = decode(query.data)
        person = person_of(update)
        outcome: Outcome | None = None
        if tap.kind == ANSWER and len(tap.parts) == 2:
            pick = Pick(tap.parts[0], tap.parts[1])
            outcome = await context.service.handle(incoming(update, pick))
        elif tap.kind == LANGUAGE and tap.parts:
            outcome = await context.service.handle(incoming(update, ChooseLanguage(tap.parts[0])))
        elif tap.kind == CONTACT and tap.parts and tap.parts[0] in set(ContactChoice):
            outcome = await context.service.choose_contact(person, ContactChoice(tap.parts[0]))
        elif tap.kind == DELETE and tap.parts == ("yes",):
            outcome = await context.service.handle(incoming(update, Erase()))
        elif tap.kind == DELETE:
            lang = await context.service.language_of(person)
            await query.edit_message_text(context.texts.get("delete_kept", lang))
    finally:
        # Stops the spinner on the respondent's button whatever happened above.
        await cosmetic(query.answer(), "answerCallbackQuery")
    if outcome is None or outcome.duplicate:
        return
    if tap.kind in (LANGUAGE, DELETE, CONTACT):
        await cosmetic(query.edit_message_reply_markup(None), "removing a keyboard")
    else:
        await cosmetic(mark_tapped(query, outcome, context.texts), "marking a tap")
    await _reply(update, context, outcome)
