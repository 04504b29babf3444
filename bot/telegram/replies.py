"""Turning the service's outcomes into Telegram messages, edits and chat actions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable

from telegram import CallbackQuery, InlineKeyboardMarkup
from telegram import Message as TgMessage
from telegram.constants import ChatAction
from telegram.error import Forbidden, TelegramError
from telegram.ext import ExtBot

from bot.engine import Message
from bot.interviews import ContactChoice, Outcome
from bot.telegram.keyboards import CHECK, contact_keyboard, question_keyboard
from bot.telegram.texts import Texts

log = logging.getLogger(__name__)

PROGRESS_EVERY = 5  # a progress line on the first and every fifth question: present, not nagging
MAX_TEXT = 4096
# A quick reply needs no indicator; a slow one (a busy database) shows the bot is on it.
TYPING_AFTER = 1.0


def message_text(message: Message, texts: Texts, lang: str) -> str:
    """The text of an engine message, with a progress line where it helps."""
    text = message.text
    if message.progress is not None and not message.probe:
        n, total = message.progress
        if n == 1 or n % PROGRESS_EVERY == 0:
            # At the end, so a re-ask still opens with what went wrong.
            text = f"{text}\n\n({texts.get('progress', lang, n=n, total=total)})"
    return text[:MAX_TEXT]


@contextlib.asynccontextmanager
async def typing_if_slow(bot: ExtBot[None], chat_id: int | None) -> AsyncIterator[None]:
    """Show "typing…" only if the reply takes longer than TYPING_AFTER seconds to prepare."""
    if chat_id is None:
        yield
        return
    ready = asyncio.Event()

    async def announce() -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ready.wait(), TYPING_AFTER)
        if not ready.is_set():
            await bot.send_chat_action(chat_id, ChatAction.TYPING)

    # Not cancelled but told: cancelling a request in flight would cut the connection.
    task = asyncio.create_task(announce())
    try:
        yield
    finally:
        ready.set()
        with contextlib.suppress(TelegramError):
            await task


async def send_outcome(bot: ExtBot[None], chat_id: int, outcome: Outcome, texts: Texts) -> None:
    """Send an outcome: notes and info texts ride along with the question that follows them."""
    if outcome.duplicate:
        return
    for text, markup in bundle(outcome, texts):
        await bot.send_message(chat_id, text, reply_markup=markup)


def contact_question(texts: Texts, lang: str, current: str | None, *,
                     at_end: bool = False) -> tuple[str, InlineKeyboardMarkup]:
    """"May we write to you again?" with one button per choice, the current one ticked.

    Asked in full at the end of an interview and of anyone who never chose; otherwise the
    current choice is said first, with an offer to change it.
    """
    if at_end or current is None:
        text = texts.get("contact_ask", lang)
    else:
        text = f"{texts.get(f'contact_state_{current}', lang)}\n\n{texts.get('contact_change', lang)}"
    choices = [(choice.value, texts.get(f"contact_{choice.value}", lang))
               for choice in ContactChoice]
    return text, contact_keyboard(choices, current)


def bundle(outcome: Outcome, texts: Texts) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The outcome as few messages as possible; a keyboard always closes its message."""
    # Telegram allows about one message a second per chat: fewer, fuller messages arrive sooner.
    parts = [texts.get(n.key, outcome.language, **n.values) for n in outcome.notes]
    sent: list[tuple[str, InlineKeyboardMarkup | None]] = []
    for message in outcome.messages:
        text = message_text(message, texts, outcome.language)
        if parts and len("\n\n".join([*parts, text])) > MAX_TEXT:
            sent.append(("\n\n".join(parts), None))
            parts = []
        parts.append(text)
        markup = question_keyboard(message)
        if markup is not None:
            sent.append(("\n\n".join(parts), markup))
            parts = []
    if parts:
        sent.append(("\n\n".join(parts)[:MAX_TEXT], None))
    if outcome.finished:
        ask, markup = contact_question(texts, outcome.language, outcome.contact, at_end=True)
        # The question rides on the closing message: one message more would crowd the chat.
        if sent and sent[-1][1] is None and len(sent[-1][0]) + len(ask) + 2 <= MAX_TEXT:
            sent[-1] = (f"{sent[-1][0]}\n\n{ask}", markup)
        else:
            sent.append((ask, markup))
    return sent


async def mark_tapped(query: CallbackQuery, outcome: Outcome, texts: Texts) -> None:
    """Show the tap's effect on the question message: toggled marks, or the chosen answer."""
    asked = query.message
    if outcome.keyboard is not None:
        await query.edit_message_reply_markup(question_keyboard(outcome.keyboard))
    elif outcome.chosen is not None:
        if isinstance(asked, TgMessage) and asked.is_accessible and asked.text:
            await query.edit_message_text(f"{asked.text}\n\n{CHECK} {outcome.chosen}"[:MAX_TEXT],
                                          reply_markup=None)
        else:
            # Too old for Telegram to include its text: rewriting it would erase the question.
            await query.edit_message_reply_markup(None)


async def cosmetic(call: Awaitable[object], what: str) -> None:
    """A stopped spinner or a marked button: if Telegram refuses it, the interview goes on.

    A query answered too late, a message no longer editable or a hiccup outlasting the retries
    must not keep the next question from being sent. A block still counts (the error handler).
    """
    try:
        await call
    except Forbidden:
        raise
    except TelegramError as error:
        log.info("%s failed (%s)", what, error.__class__.__name__)
