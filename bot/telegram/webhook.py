"""Webhook mode: our own aiohttp app receives Telegram's POSTs and answers once they are processed.

Telegram forgets an update when we answer 2xx, so the answer waits for the handlers (which commit
before they reply). Only a storage outage answers 503, so that Telegram delivers it again later; a
bug answers 200 (it is logged; a poison update must not come back forever), and so does an update
the library can't parse (logged with its id only, see `bot.telegram.intake`). Processing that takes
longer than ACK_SECONDS is answered 200 while it carries on: Telegram would otherwise give up on the
call and resend, and the idempotent service makes such a resend harmless anyway.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlparse

from aiohttp import web
from telegram.ext import Application

from bot.telegram.delivery import Result, in_order
from bot.telegram.health import HEALTH, Health, add_health_routes
from bot.telegram.intake import ALLOWED_UPDATES, Unreadable, log_failure, read_update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_PATH = "/telegram"
_APPLICATION = web.AppKey("application", Application)
_SECRET = web.AppKey("secret", str)
_IN_FLIGHT = web.AppKey("in_flight", set[asyncio.Task[Result]])
_ACK_SECONDS = web.AppKey("ack_seconds", float)
ACK_SECONDS = 25.0  # below Telegram's own wait for a webhook answer (about a minute)
DRAIN_SECONDS = 10.0  # on shutdown, how long updates being processed may still finish


def webhook_path(url: str | None) -> str:
    """The route to serve: the path of WEBHOOK_URL, or /telegram."""
    path = urlparse(url).path if url else ""
    return path if path not in ("", "/") else DEFAULT_PATH


async def _no_database_check() -> bool:
    return True


def webhook_app(application: Application[Any, Any, Any, Any, Any, Any], secret: str,
                path: str = DEFAULT_PATH, *, ack_seconds: float = ACK_SECONDS,
                health: Health | None = None) -> web.Application:
    """POST `path` takes updates (secret checked, else 403); GET /health and /ready probe."""
    app = web.Application()
    app[_APPLICATION] = application
    app[_SECRET] = secret
    app[_IN_FLIGHT] = set()
    app[_ACK_SECONDS] = ack_seconds
    app.on_shutdown.append(_drain)
    app.router.add_post(path, receive_update)
    add_health_routes(app, health or Health(lambda: application.running, _no_database_check))
    return app


async def receive_update(request: web.Request) -> web.Response:
    """Check the secret token, process the update, then answer 200 (or 503: storage is down)."""
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), request.app[_SECRET].encode()):
        return web.Response(status=403, text="forbidden")
    if request.app[HEALTH].draining:
        # Shutting down: another worker takes it (the load balancer or Telegram retries a 503).
        return web.Response(status=503, text="shutting down, try another worker")
    application = request.app[_APPLICATION]
    try:
        data = await request.json()
    except ValueError:
        data = None  # read as an update without even an id, below
    update = read_update(data, application.bot)
    if isinstance(update, Unreadable):
        # Answered 200: Telegram would resend anything else, and it will never read better.
        update.log()
        return web.Response(text="ok")
    # A task of its own: neither our timeout nor a dropped connection may cut processing short.
    task = asyncio.create_task(in_order(application, update))
    in_flight = request.app[_IN_FLIGHT]
    in_flight.add(task)
    task.add_done_callback(in_flight.discard)
    try:
        result = await asyncio.wait_for(asyncio.shield(task), request.app[_ACK_SECONDS])
    except TimeoutError:
        log.warning("update %s is still processing; acknowledged anyway", update.update_id)
        return web.Response(text="ok")
    except Exception as error:  # a bug in our plumbing (handlers' errors go to the error handler)
        log_failure(log, error, "update %s could not be processed", update.update_id)
        return web.Response(text="ok")
    if result is Result.OUTAGE:
        log.warning("storage unavailable; update %s refused for redelivery", update.update_id)
        return web.Response(status=503, text="storage unavailable, try again later")
    return web.Response(text="ok")


async def _drain(app: web.Application) -> None:
    """On shutdown, let updates being processed finish (bounded); take no new ones meanwhile."""
    app[HEALTH].draining = True
    in_flight = app[_IN_FLIGHT]
    if in_flight:
        log.info("waiting for %d update(s) in flight", len(in_flight))
        _, late = await asyncio.wait(set(in_flight), timeout=DRAIN_SECONDS)
        for task in late:
            task.cancel()
        if late:
            log.warning("%d update(s) unfinished at shutdown; Telegram will resend them",
                        len(late))


async def serve_webhook(
    application: Application[Any, Any, Any, Any, Any, Any],
    *,
    url: str,
    secret: str,
    host: str,
    port: int,
    stop: asyncio.Event,
    prepare: Any = None,
    database: Callable[[], Awaitable[bool]] | None = None,
) -> None:
    """Start PTB without an updater, register the webhook with its secret, serve until `stop`.

    On `stop` the worker drains: /ready turns 503 and new updates are refused with 503 (another
    worker takes them), updates in flight finish (up to DRAIN_SECONDS), then it closes.
    """
    health = Health(lambda: application.running, database or _no_database_check)
    async with application:
        if prepare is not None:
            await prepare(application)
        await application.start()
        runner = await listen(application, secret, webhook_path(url), host, port, health=health)
        await application.bot.set_webhook(url, secret_token=secret,
                                          allowed_updates=ALLOWED_UPDATES)
        log.info("webhook listening on %s:%d", host, port)
        try:
            await stop.wait()
        finally:
            # Drain while still listening: a request in flight gets its answer, not a reset.
            for app in _apps(runner):
                await _drain(app)
            await runner.cleanup()
            await application.stop()


def _apps(runner: web.AppRunner) -> list[web.Application]:
    app = runner.app
    return [app] if isinstance(app, web.Application) else []


async def listen(application: Application[Any, Any, Any, Any, Any, Any], secret: str, path: str,
                 host: str, port: int, *, health: Health | None = None) -> web.AppRunner:
    """Serve the webhook routes on host:port (port 0: any free one, see runner.addresses)."""
    # access_log=None: request lines would be noise; updates are never logged raw.
    runner = web.AppRunner(webhook_app(application, secret, path, health=health),
                           access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
