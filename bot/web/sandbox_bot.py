"""Running a python-telegram-bot Application against the sandbox's fake Telegram by polling."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from telegram.ext import Application

from bot.settings import Settings
from bot.testing.fake_bot_api import FakeBotApi

# Any well-formed token works against the fake; it never leaves this machine.
SANDBOX_TOKEN = "123456:sandbox-offline-token"


@contextlib.asynccontextmanager
async def polling(application: Application) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Initialise, poll and process updates while the context is open; then shut down cleanly."""
    updater = application.updater
    if updater is None:
        raise RuntimeError("the sandbox needs an Application built with an Updater")
    async with application:
        # A short long-poll timeout: stopping the updater waits for the poll in flight.
        await updater.start_polling(poll_interval=0.0, timeout=1)
        await application.start()
        try:
            yield application
        finally:
            await updater.stop()
            await application.stop()


@contextlib.asynccontextmanager
async def polling_real_bot(settings: Settings, fake: FakeBotApi) -> AsyncIterator[None]:
    """The production bot, built by the Telegram adapter, polling the fake."""
    from bot.telegram.app import build_application  # type: ignore[import-not-found]

    offline = settings.model_copy(update={"telegram_bot_token": None})
    application = build_application(offline, token=SANDBOX_TOKEN, base_url=fake.base_url)
    async with polling(application):
        yield
