"""Liveness and readiness for load balancers and uptime checks, in polling and webhook mode.

GET /health: is the bot running, and does its database answer? (200 or 503, with which part failed)
GET /ready: should a load balancer send this worker updates now? Not while it starts, not once it
drains for a shutdown, not while its database is unreachable.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web


@dataclass
class Health:
    """What the probes ask: the bot's own state and its database's."""

    running: Callable[[], bool]
    database: Callable[[], Awaitable[bool]]
    draining: bool = False  # set on shutdown: finish what is in flight, take nothing new

    async def report(self) -> dict[str, bool]:
        """Each part's state."""
        return {"running": self.running(), "database": await self.database(),
                "draining": self.draining}


HEALTH = web.AppKey("health", Health)


def add_health_routes(app: web.Application, health: Health) -> None:
    """Serve GET /health and GET /ready on `app`."""
    app[HEALTH] = health
    app.router.add_get("/health", health_probe)
    app.router.add_get("/ready", readiness_probe)


async def health_probe(request: web.Request) -> web.Response:
    """200 if the bot runs and its database answers; else 503 naming what failed."""
    parts = await request.app[HEALTH].report()
    ok = parts["running"] and parts["database"]
    return web.json_response({"ok": ok, **parts}, status=200 if ok else 503)


async def readiness_probe(request: web.Request) -> web.Response:
    """200 if this worker should get updates now; 503 while starting, draining or cut off."""
    parts = await request.app[HEALTH].report()
    ready = parts["running"] and parts["database"] and not parts["draining"]
    return web.json_response({"ready": ready, **parts}, status=200 if ready else 503)


async def serve_health(health: Health, host: str, port: int) -> web.AppRunner:
    """The probes on a port of their own (polling mode has no web server otherwise)."""
    app = web.Application()
    add_health_routes(app, health)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
