"""Turning the service's outcomes into Telegram messages, edits and chat actions."""

from __future__ import annotations

from telegram import CallbackQuery
from telegram import Message as TgMessage
from telegram.constants import ChatAction
from telegram.ext import ExtBot

from bot.engine import Message
from bot.interviews import Outcome
from bot.telegram.keyboards import CHECK, question_keyboard
from bot.telegram.texts import Texts

PROGRESS_EVERY = 5  # a progress line on the first and every fifth question: present, not nagging
MAX_TEXT = 4096


def message_text(message: Message, texts: Texts, lang: str) -> str:
    """The text of an engine message, with a progress line where it helps."""
    text = message.text
    if message.progress is not None and not message.probe:
        n, total = message.progress
        if n == 1 or n % PROGRESS_EVERY == 0:
            # At the end, so a re-ask still opens with what went wrong.
            text = f"{text}\n\n({texts.get('progress', lang, n=n, total=total)})"
    return text[:MAX_TEXT]


async def send_outcome(bot: ExtBot[None], chat_id: int, outcome: Outcome, texts: Texts) -> None:
    """Send an outcome's notes, then its messages, in order."""
    if outcome.duplicate:
        return
    if len(outcome.messages) > 1:
        # Several messages arrive one by one: show that more is coming.
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
    for note in outcome.notes:
        await bot.send_message(chat_id, texts.get(note.key, outcome.language, **note.values))
    for message in outcome.messages:
        await bot.send_message(
            chat_id,
            message_text(message, texts, outcome.language),
            reply_markup=question_keyboard(message),
        )


async def mark_tapped(query: CallbackQuery, outcome: Outcome, texts: Texts) -> None:
    """Show the tap's effect on the question message: toggled marks, or the chosen answer."""
    asked = query.message
    if not isinstance(asked, TgMessage):
        return  # too old to edit (Telegram leaves it inaccessible)
    if outcome.keyboard is not None:
        await query.edit_message_reply_markup(question_keyboard(outcome.keyboard))
    elif outcome.chosen is not None:
        await query.edit_message_text(f"{asked.text or ''}\n\n{CHECK} {outcome.chosen}"[:MAX_TEXT],
                                      reply_markup=None)
