"""`perceptions run`: wire settings, storage, scripts and the bot, then serve until a signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

from bot.compose import open_service
from bot.settings import Settings
from bot.telegram.app import build_application, prepare, serve_polling
from bot.telegram.context import InterviewApplication
from bot.telegram.sending import quiet_proxy_pages

log = logging.getLogger(__name__)


async def run_bot(settings: Settings, *, webhook: bool) -> None:
    """Run the bot by polling or behind our own webhook server until SIGINT/SIGTERM.

    SIGTERM drains: updates in flight finish (their answers committed and replied to) before
    the process exits; what could not finish is redelivered by Telegram to another worker.
    """
    service = await open_service(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)
    application = build_application(settings, service, webhook=webhook, updater=False,
                                    overall_max_rate=settings.send_rate)
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
                database=service.repository.healthy,
            )
        elif settings.health_port is not None:
            await _poll_with_probes(application, service.repository.healthy, settings, stop)
        else:
            await serve_polling(application, stop)
    finally:
        await service.repository.close()


async def _poll_with_probes(application: InterviewApplication,
                            database: Callable[[], Awaitable[bool]], settings: Settings,
                            stop: asyncio.Event) -> None:
    """Polling, with /health and /ready on HEALTH_PORT (not ready once draining)."""
    from bot.telegram.health import Health, serve_health

    assert settings.health_port is not None
    health = Health(lambda: application.running, database)
    runner = await serve_health(health, settings.health_host, settings.health_port)

    async def drain_on_stop() -> None:
        await stop.wait()
        health.draining = True

    draining = asyncio.create_task(drain_on_stop())
    try:
        await serve_polling(application, stop)
    finally:
        draining.cancel()
        await runner.cleanup()
