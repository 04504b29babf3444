"""Webhook mode: our own aiohttp app receives Telegram's POSTs and queues them for PTB."""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any
from urllib.parse import urlparse

from aiohttp import web
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_PATH = "/telegram"
_APPLICATION = web.AppKey("application", Application)
_SECRET = web.AppKey("secret", str)


def webhook_path(url: str | None) -> str:
    """The route to serve: the path of WEBHOOK_URL, or /telegram."""
    path = urlparse(url).path if url else ""
    return path if path not in ("", "/") else DEFAULT_PATH


def webhook_app(application: Application[Any, Any, Any, Any, Any, Any], secret: str,
                path: str = DEFAULT_PATH) -> web.Application:
    """POST `path` takes updates (secret checked, else 403); GET /health says the bot is up."""
    app = web.Application()
    app[_APPLICATION] = application
    app[_SECRET] = secret
    app.router.add_post(path, receive_update)
    app.router.add_get("/health", health)
    return app


async def receive_update(request: web.Request) -> web.Response:
    """Check the secret token, then queue the update; processing happens after we answer."""
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), request.app[_SECRET].encode()):
        return web.Response(status=403, text="forbidden")
    try:
        data = await request.json()
    except ValueError:
        return web.Response(status=400, text="not JSON")
    application = request.app[_APPLICATION]
    update = Update.de_json(data, application.bot)
    await application.update_queue.put(update)
    return web.Response(text="ok")


async def health(request: web.Request) -> web.Response:
    """Liveness probe for load balancers and uptime checks."""
    running = request.app[_APPLICATION].running
    return web.json_response({"ok": running}, status=200 if running else 503)


async def serve_webhook(
    application: Application[Any, Any, Any, Any, Any, Any],
    *,
    url: str,
    secret: str,
    host: str,
    port: int,
    stop: asyncio.Event,
    prepare: Any = None,
) -> None:
    """Start PTB without an updater, register the webhook with its secret, serve until `stop`."""
    async with application:
        if prepare is not None:
            await prepare(application)
        await application.start()
        runner = await listen(application, secret, webhook_path(url), host, port)
        await application.bot.set_webhook(url, secret_token=secret,
                                          allowed_updates=Update.ALL_TYPES)
        log.info("webhook listening on %s:%d", host, port)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
            await application.stop()


async def listen(application: Application[Any, Any, Any, Any, Any, Any], secret: str, path: str,
                 host: str, port: int) -> web.AppRunner:
    """Serve the webhook routes on host:port (port 0: any free one, see runner.addresses)."""
    # access_log=None: request lines would be noise; updates are never logged raw.
    runner = web.AppRunner(webhook_app(application, secret, path), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
