"""`perceptions run` as a child process against the in-test FakeBotApi: start it, kill it, stop it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.fake_objects import JSON
from tests.telegram.harness import DIALOGS, KEY, SECRET, STUDY

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RecordingFakeBotApi(FakeBotApi):
    """The fake Telegram, also noting which update ids each bot process was handed."""

    def __init__(self, **options: float) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.handed: list[set[int]] = [set()]  # one set per bot process, the current one last

    async def _get_updates(self, params: JSON) -> list[JSON]:
        updates = await super()._get_updates(params)
        self.handed[-1].update(u["update_id"] for u in updates)
        return updates

    async def post_to_webhook(self, update: JSON, **options: object) -> int:
        self.handed[-1].add(update["update_id"])  # handed, even if the bot dies before answering
        return await super().post_to_webhook(update, **options)  # type: ignore[arg-type]


@dataclass
class BotProcess:
    """The production entry point (`python -m bot run`) configured through the environment."""

    fake: RecordingFakeBotApi
    workdir: Path
    database_url: str
    webhook_port: int | None = None
    log: Path = field(init=False)
    _process: asyncio.subprocess.Process | None = None
    starts: int = 0

    def __post_init__(self) -> None:
        self.log = self.workdir / "bot.log"

    def environment(self) -> dict[str, str]:
        """What a deployment would put in .env, pointing at the fake Telegram."""
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": "123:ABC",
            "TELEGRAM_API_URL": self.fake.base_url,
            "DATABASE_URL": self.database_url,
            "PSEUDONYM_KEY": KEY,
            "DIALOGS_DIR": str(DIALOGS),
            "DEFAULT_STUDY": STUDY,
            "LOG_LEVEL": "INFO",
            "PYTHONPATH": str(ROOT),
        }
        if self.webhook_port is not None:
            env |= {"WEBHOOK_URL": f"http://127.0.0.1:{self.webhook_port}/telegram",
                    "WEBHOOK_SECRET": SECRET, "WEBHOOK_PORT": str(self.webhook_port)}
        return env

    async def start(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Launch the bot and wait until it asks Telegram for updates (or registers its webhook)."""
        if self.starts:
            self.fake.handed.append(set())
        self.starts += 1
        ready = len(self.fake.calls("setWebhook")) if self.webhook_port else 0
        polls = self.fake.get_updates_count
        args = [sys.executable, "-m", "bot", "run"] + (["--webhook"] if self.webhook_port else [])
        with self.log.open("a") as log:
            # cwd is the test's directory: no .env of the developer is read.
            self._process = await asyncio.create_subprocess_exec(
                *args, cwd=self.workdir, env=self.environment(), stdout=log, stderr=log)
        if self.webhook_port:
            await self._until(lambda: len(self.fake.calls("setWebhook")) > ready, timeout)
        else:
            await self._until(lambda: self.fake.get_updates_count > polls, timeout)

    async def _until(self, ready: object, timeout: float) -> None:  # noqa: ASYNC109
        try:
            await self.fake.wait_for(ready, timeout)  # type: ignore[arg-type]
        except TimeoutError:
            raise AssertionError(f"the bot did not start:\n{self.log.read_text()}") from None

    def kill(self) -> None:
        """SIGKILL: no cleanup, no last confirmation, like a power cut or the OOM killer."""
        if self._process is not None and self._process.returncode is None:
            self._process.send_signal(signal.SIGKILL)

    async def wait(self) -> int:
        """Wait for the process to end; its exit code."""
        assert self._process is not None
        return await self._process.wait()

    async def stop(self, timeout: float = 20.0) -> int:  # noqa: ASYNC109
        """SIGTERM, the clean shutdown; the exit code."""
        assert self._process is not None
        if self._process.returncode is None:
            self._process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self._process.wait(), timeout)
