"""Building and running the PTB application around the interview service."""

from __future__ import annotations

import asyncio
import logging

from telegram import BotCommand, Update
from telegram.error import Forbidden
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.interviews import InterviewService, Outcome, Person
from bot.outreach.waves import WaveInviter
from bot.settings import Settings
from bot.telegram import handlers, redact, research
from bot.telegram.broadcast import telegram_send
from bot.telegram.context import BotData, InterviewApplication, InterviewContext
from bot.telegram.delivery import note_failure
from bot.telegram.errors import on_error
from bot.telegram.polling import Poller
from bot.telegram.processor import PerChatUpdateProcessor
from bot.telegram.replies import send_outcome
from bot.telegram.resend import RESEND_SECONDS, resend_undelivered
from bot.telegram.sending import RetryingRateLimiter, RetryPolicy, transient
from bot.telegram.texts import MENU, Texts

log = logging.getLogger(__name__)

MAX_RETRIES = 3  # 429s waited out by PTB's limiter at once; then, like 5xx and timeouts, ours

_COMMANDS = {
    "start": handlers.start, "back": handlers.back, "skip": handlers.skip,
    "restart": handlers.restart, "stop": handlers.stop, "language": handlers.language,
    "privacy": handlers.privacy, "updates": handlers.updates, "delete": handlers.delete,
    "help": handlers.help_command,
}


def api_base_url(url: str) -> str:
    """PTB's base_url (ending in /bot) for a Bot API server address such as http://host:8081."""
    url = url.rstrip("/")
    return url if url.endswith("/bot") else f"{url}/bot"


def build_application(
    settings: Settings,
    service: InterviewService,
    *,
    base_url: str | None = None,
    webhook: bool = False,
    overall_max_rate: float = 30.0,
    processor: PerChatUpdateProcessor | None = None,
    updater: bool = True,
    retry: RetryPolicy | None = None,
    resend_every: float = RESEND_SECONDS,
) -> InterviewApplication:
    """The bot: handlers, error handler, rate limiter, per-chat processor, reminder job.

    `updater=False` (or `webhook`) builds no PTB Updater: `serve_polling` polls at least once.
    """
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    context_types = ContextTypes(context=InterviewContext, bot_data=BotData)
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .context_types(context_types)
        .concurrent_updates(processor or PerChatUpdateProcessor(256))
        # overall_max_rate 0 switches the global 30 msg/s limit off (local Bot API servers).
        .rate_limiter(RetryingRateLimiter(overall_max_rate=overall_max_rate,
                                          max_retries=MAX_RETRIES, policy=retry))
    )
    api = base_url or settings.telegram_api_url
    if api:
        builder = builder.base_url(api_base_url(api))
    if webhook or not updater:
        builder = builder.updater(None)
    application: InterviewApplication = builder.build()  # type: ignore[assignment]
    application.bot_data.service = service
    application.bot_data.researcher_ids = frozenset(settings.researcher_ids)
    application.bot_data.invitations = WaveInviter(
        service.repository, service.catalog, settings.pseudonym_key.get_secret_value(),
        policy=service.reminders,
    )
    _add_handlers(application, application.bot_data.researcher_ids)
    # note_failure first: it tells polling and the webhook whether an update failed and why.
    application.add_error_handler(note_failure)
    application.add_error_handler(on_error)
    if application.job_queue is not None:
        # Every worker runs the job; claims in storage make each reminder go out once.
        every = settings.reminder_check_seconds
        application.job_queue.run_repeating(send_reminders, interval=every, first=every)
        # Soon after a start too: a question undelivered before a restart is still owed.
        application.job_queue.run_repeating(resend_undelivered, interval=resend_every,
                                            first=resend_every / 6)
        # Follow-up waves: claimed broadcast rows make each invitation go out once.
        application.job_queue.run_repeating(send_invitations, interval=every, first=every)
    return application


def _add_handlers(application: InterviewApplication, researchers: frozenset[int]) -> None:
    application.add_handler(TypeHandler(Update, redact.withhold_personal_values), group=-2)
    application.add_handler(TypeHandler(Update, handlers.private_only), group=-1)
    add = application.add_handler
    add(MessageHandler(filters.UpdateType.EDITED, handlers.edited))
    if researchers:
        only = filters.User(user_id=researchers)
        add(CommandHandler("stats", research.stats, filters=only))
        add(CommandHandler("export", research.export, filters=only))
    for name, callback in _COMMANDS.items():
        add(CommandHandler(name, callback))
    add(MessageHandler(filters.COMMAND, handlers.unknown_command))
    add(MessageHandler(filters.TEXT, handlers.text))
    add(CallbackQueryHandler(handlers.button))
    add(MessageHandler(filters.ALL, handlers.unreadable))


async def prepare(application: InterviewApplication) -> None:
    """Once on start (the application initialized): the command menu in every language."""
    texts = application.bot_data.texts
    for lang in texts.languages:
        commands = [BotCommand(name, _menu_entry(texts.get("help", lang), name, texts, lang))
                    for name in MENU]
        await application.bot.set_my_commands(commands, language_code=lang)
    fallback = texts.languages[0]
    await application.bot.set_my_commands(
        [BotCommand(name, _menu_entry(texts.get("help", fallback), name, texts, fallback))
         for name in MENU]
    )


def _menu_entry(help_text: str, name: str, texts: Texts, lang: str) -> str:
    """A command's description, taken from its `/name — description` line of the help text."""
    for line in help_text.splitlines():
        if line.startswith(f"/{name} "):
            return line.split("—", 1)[-1].strip()[:256]
    return texts.get(f"menu_{name}", lang)


async def send_reminders(context: InterviewContext) -> None:
    """Repeating job: one gentle reminder per idle interview, outside quiet hours."""
    await context.service.forget_old_replies()
    for reminder in await context.service.due_reminders():
        try:
            await context.bot.send_message(
                reminder.chat_id, context.texts.get("reminder", reminder.language)
            )
            outcome = Outcome(reminder.language, messages=reminder.messages)
            await send_outcome(context.bot, reminder.chat_id, outcome, context.texts)
        except Forbidden:
            await context.service.blocked(Person(reminder.chat_id))
        except Exception as error:  # one failed reminder must not stop the others
            if transient(error):  # Telegram failing beyond the retries: not a bug of ours
                log.warning("a reminder could not be sent (%s)", error.__class__.__name__)
            else:
                log.exception("a reminder could not be sent")


async def send_invitations(context: InterviewContext) -> None:
    """Repeating job: invite those due to a follow-up wave (claimed rows: never twice)."""
    inviter = context.bot_data.invitations
    if inviter is None:
        return
    username = context.bot.username

    def link(payload: str) -> str:
        return f"https://t.me/{username}?start={payload}"

    try:
        for summary in await inviter.tick(telegram_send(context.bot), link):
            if summary.sent_now:
                log.info("invited %d respondents to %s", summary.sent_now, summary.name)
    except Exception:  # the next run tries again; interviews go on meanwhile
        log.exception("follow-up invitations failed")


async def serve_polling(application: InterviewApplication, stop: asyncio.Event) -> Poller:
    """Poll Telegram until `stop` is set, confirming each update only once it was processed."""
    async with application:
        await prepare(application)
        await application.start()
        # getUpdates is refused while a webhook is set (e.g. left by an earlier --webhook run).
        await application.bot.delete_webhook()
        poller = Poller(application)
        log.info("polling for updates")
        try:
            await poller.run(stop)
        finally:
            await application.stop()
        log.info("stopped polling (%d refetches of updates in flight)",
                 poller.refetched)
        return poller
