"""Replies that must arrive: one Telegram would not take is noted, and its question shown again.

The answer was committed before the reply was sent, so a reply lost to a hiccup outlasting the
retries (`bot.telegram.sending`) would leave the person facing an old question while the
interview waits at the next one. Instead the interview is marked (in storage, so a restart
keeps it): the person's next message gets the question again rather than counting as its
answer, and a repeating job resends it to every chat it can reach.
"""

from __future__ import annotations

import contextlib
import logging

from telegram.error import Forbidden, TelegramError

from bot.interviews import Outcome, Person
from bot.telegram.context import InterviewContext
from bot.telegram.processor import PerChatUpdateProcessor
from bot.telegram.replies import send_outcome
from bot.telegram.sending import transient

log = logging.getLogger(__name__)

RESEND_SECONDS = 30.0  # how often the job looks for questions whose delivery failed


async def deliver(context: InterviewContext, chat_id: int, outcome: Outcome) -> bool:
    """Send an outcome; False if Telegram still failed (its question is then noted unseen)."""
    try:
        await send_outcome(context.bot, chat_id, outcome, context.texts)
    except TelegramError as error:
        if isinstance(error, Forbidden) or not transient(error):
            raise  # blocked, or a bug of ours (400): the error handler knows what to do
        # The class only: the error's text may quote the request.
        log.warning("a reply could not be delivered (%s)%s", error.__class__.__name__,
                    "; its question will be shown again" if outcome.step is not None else "")
        await context.service.undelivered(outcome)
        return False
    context.bot_data.apologised.discard(chat_id)  # replies arrive again: any outage is over
    if outcome.unseen:
        await context.service.delivered(outcome)
    return True


async def resend_undelivered(context: InterviewContext) -> None:
    """Repeating job: send again each question whose delivery failed, where the chat is known."""
    processor = context.application.update_processor
    for resend in await context.service.to_resend():
        # In the chat's turn, and only if still owed: an update of the person may have shown
        # the question, or moved past it, since the list was read.
        turn = (processor.turn(resend.chat_id) if isinstance(processor, PerChatUpdateProcessor)
                else contextlib.nullcontext())
        try:
            async with turn:
                if await context.service.still_unseen(resend.outcome):
                    await deliver(context, resend.chat_id, resend.outcome)
        except Forbidden:
            await context.service.blocked(Person(resend.chat_id))
        except Exception:  # one failed resend must not stop the others
            log.exception("a question could not be sent again")
