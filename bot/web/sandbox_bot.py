"""Running the production bot against the sandbox's fake Telegram, by polling."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from pydantic import SecretStr
from telegram import Update

from bot.compose import open_service
from bot.settings import Settings
from bot.telegram.app import build_application, prepare
from bot.testing.fake_bot_api import FakeBotApi
from storage import Repository

log = logging.getLogger(__name__)

# Any well-formed token works against the fake; it never leaves this machine.
SANDBOX_TOKEN = "123456:sandbox-offline-token"


@contextlib.asynccontextmanager
async def polling_real_bot(settings: Settings, fake: FakeBotApi,
                           repository: Repository) -> AsyncIterator[None]:
    """The bot `perceptions run` builds, storing into `repository` and polling the fake."""
    service = await open_service(settings, repository)
    offline = settings.model_copy(update={"telegram_bot_token": SecretStr(SANDBOX_TOKEN)})
    # No global send limit: the fake is local and one researcher types slowly anyway.
    application = build_application(offline, service, base_url=fake.base_url,
                                    overall_max_rate=0)
    updater = application.updater
    assert updater is not None  # built for polling, not for a webhook
    async with application:
        try:
            await prepare(application)  # the command menu, as on Telegram
        except Exception:  # a menu bug must not keep researchers from trying their scripts
            log.exception("the bot could not register its command menu; the page shows its own")
        await application.start()
        # A short long-poll timeout: stopping the updater waits for the poll in flight.
        await updater.start_polling(poll_interval=0.0, timeout=1,
                                    allowed_updates=Update.ALL_TYPES)
        try:
            yield
        finally:
            await updater.stop()
            await application.stop()
