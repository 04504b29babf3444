"""The one error handler: log bugs with their traceback, tell the respondent kindly, carry on."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden

from bot.redaction import format_exception
from bot.telegram.context import InterviewContext, person_of
from bot.telegram.delivery import is_outage
from bot.telegram.sending import transient

log = logging.getLogger(__name__)


async def on_error(update: object, context: InterviewContext) -> None:
    """Handle an exception raised while processing one update; other updates are unaffected."""
    error = context.error
    if not isinstance(update, Update):
        log.error("error outside an update\n%s", _traceback(error))
        return
    if isinstance(error, Forbidden):
        # The respondent blocked the bot: note it (no retries, no reminders) and say nothing.
        if update.effective_user is not None:
            await context.service.blocked(person_of(update))
        log.info("a respondent blocked the bot (update %s)", update.update_id)
        return
    if error is not None and transient(error):
        # Telegram failing beyond the retries: an apology would fail alike. Replies that matter
        # were noted for resending (bot.telegram.resend).
        log.warning("Telegram unavailable for update %s (%s)", update.update_id,
                    error.__class__.__name__)
        return
    chat = update.effective_chat
    key = "error"
    if error is not None and is_outage(error):
        # The update comes again until storage is back (then it is answered): one apology and
        # one traceback per person and outage, not one a second.
        if chat is not None and chat.id in context.bot_data.apologised:
            log.warning("storage still unavailable (update %s)", update.update_id)
            return
        key = "outage"
    # Only the update id is logged: updates hold raw user ids and names, and exception
    # messages may quote what the person sent (or SQL parameters): those are redacted.
    log.error("error while handling update %s\n%s", update.update_id, _traceback(error))
    if chat is None:
        return
    lang = update.effective_user.language_code if update.effective_user else None
    try:
        await context.bot.send_message(chat.id, context.texts.get(key, lang))
    except Exception:  # the apology itself may fail (network down, blocked); the log has the bug
        log.warning("could not tell the respondent about the error", exc_info=True)
        return
    if key == "outage":
        context.bot_data.apologised.add(chat.id)


def _traceback(error: BaseException | None) -> str:
    """The error's traceback with every message redacted (even where no log redaction is
    installed, as in tests and embedding applications)."""
    return "(no exception)" if error is None else format_exception(error)
