"""`perceptions run`: wire settings, storage, scripts and the bot, then serve until a signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from bot.compose import open_service
from bot.settings import Settings
from bot.telegram.app import build_application, prepare, serve_polling
from bot.telegram.sending import quiet_proxy_pages

log = logging.getLogger(__name__)


async def run_bot(settings: Settings, *, webhook: bool) -> None:
    """Run the bot by polling or behind our own webhook server until SIGINT/SIGTERM."""
    service = await open_service(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)
    application = build_application(settings, service, webhook=webhook, updater=False)
    quiet_proxy_pages()  # Telegram's 502 pages are retried, not bugs: a warning, no traceback
    try:
        if webhook:
            from bot.telegram.webhook import serve_webhook

            assert settings.webhook_url is not None
            assert settings.webhook_secret is not None
            await serve_webhook(
                application, url=settings.webhook_url,
                secret=settings.webhook_secret.get_secret_value(), host=settings.webhook_host,
                port=settings.webhook_port, stop=stop, prepare=prepare,
            )
        else:
            await serve_polling(application, stop)
    finally:
        await service.repository.close()
