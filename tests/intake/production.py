"""The bot exactly as `perceptions run` wires it (minus signal handling), in this test's event loop.

Polling goes through `serve_polling` (the at-least-once Poller) and webhook mode through
`serve_webhook` (our aiohttp app, the fake Telegram posting to it) — the intake paths under test.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr

from bot.compose import open_service
from bot.interviews import InterviewService
from bot.settings import Settings
from bot.telegram.app import build_application, prepare, serve_polling
from bot.telegram.context import InterviewApplication
from bot.telegram.resend import RESEND_SECONDS
from bot.telegram.sending import RetryPolicy
from bot.telegram.webhook import serve_webhook
from bot.testing.fake_bot_api import FakeBotApi
from storage import pseudonymise

ROOT = Path(__file__).resolve().parents[2]
DIALOGS = ROOT / "dialogs"
STUDY = "cycling_to_work"
KEY = "intake-test-pseudonym-key"
SECRET = "intake_webhook-secret"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def settings_for(fake: FakeBotApi, database_url: str, *, webhook_port: int | None = None,
                 dialogs: Path = DIALOGS) -> Settings:
    """What a deployment's .env would say, pointing at the fake Telegram."""
    hook = {} if webhook_port is None else {
        "webhook_url": f"http://127.0.0.1:{webhook_port}/telegram",
        "webhook_secret": SecretStr(SECRET), "webhook_port": webhook_port}
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=SecretStr("123:ABC"),
        telegram_api_url=fake.base_url,
        database_url=database_url,
        pseudonym_key=SecretStr(KEY),
        dialogs_dir=dialogs,
        default_study=STUDY,
        **hook,
    )


@dataclass
class Production:
    """A running production bot: its service (for storage checks) and how it was served."""

    service: InterviewService
    application: InterviewApplication
    webhook: bool
    task: asyncio.Task[object]
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    def pseudonym(self, user_id: int) -> str:
        """The respondent's pseudonym in storage."""
        return pseudonymise(user_id, KEY)


@contextlib.asynccontextmanager
async def production_bot(fake: FakeBotApi, database_url: str, *, webhook: bool = False,
                         overall_max_rate: float = 30.0, retry: RetryPolicy | None = None,
                         resend_every: float = RESEND_SECONDS) -> AsyncIterator[Production]:
    """Start the bot, wait until it listens, and stop it cleanly after the block.

    `overall_max_rate=0` lifts the bot's own 30 messages a second limit (Telegram's), which
    the fake does not enforce: thousands of replies would otherwise take minutes. `retry` and
    `resend_every` shorten the patience with Telegram's failures (production's by default).
    """
    port = free_port() if webhook else None
    settings = settings_for(fake, database_url, webhook_port=port)
    service = await open_service(settings)
    application = build_application(settings, service, webhook=webhook, updater=False,
                                    overall_max_rate=overall_max_rate, retry=retry,
                                    resend_every=resend_every)
    stop = asyncio.Event()
    if webhook:
        assert settings.webhook_url is not None
        assert port is not None
        serving: asyncio.Task[object] = asyncio.create_task(serve_webhook(
            application, url=settings.webhook_url, secret=SECRET, host="127.0.0.1", port=port,
            stop=stop, prepare=prepare))
        ready = lambda: fake.world.webhook is not None  # noqa: E731
    else:
        serving = asyncio.create_task(serve_polling(application, stop))
        ready = lambda: fake.get_updates_count > 0  # noqa: E731
    bot = Production(service, application, webhook, serving, stop)
    try:
        await fake.wait_for(lambda: ready() or serving.done(), timeout=30)
        if serving.done():
            serving.result()  # raises what stopped it
        yield bot
    finally:
        stop.set()
        await asyncio.wait_for(serving, 30)
        await service.repository.close()


@dataclass
class Captured:
    """Every log record of a run, formatted as a log file would show it (with tracebacks)."""

    records: list[logging.LogRecord] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def containing(self, text: str) -> list[str]:
        """The formatted records that contain `text`."""
        return [line for line in self.lines if text in line]


class _Collect(logging.Handler):
    def __init__(self, captured: Captured) -> None:
        super().__init__(logging.DEBUG)
        self.captured = captured
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.captured.records.append(record)
        self.captured.lines.append(self.format(record))


@contextlib.contextmanager
def captured_logs(level: int = logging.INFO) -> Iterator[Captured]:
    """Collect what every logger emits at `level` and above (the production level is INFO)."""
    captured = Captured()
    handler = _Collect(captured)
    root, httpx = logging.getLogger(), logging.getLogger("httpx")
    old_levels = root.level, httpx.level
    root.addHandler(handler)
    root.setLevel(level)
    httpx.setLevel(logging.WARNING)  # as `perceptions` sets it: its INFO lines hold the token
    try:
        yield captured
    finally:
        root.removeHandler(handler)
        root.setLevel(old_levels[0])
        httpx.setLevel(old_levels[1])
