"""Several real `perceptions run --webhook` processes on one database, for tests and benchmarks.

Each worker is the command a team would run, in a process of its own, with its own port; the
fake Bot API (`FakeBotApi.spread_webhook`) plays Telegram and the load balancer in front of them.
Workers can be killed (SIGKILL, as a crash or an OOM kill would) and started again.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123:ABC"
SECRET = "fleet-webhook-secret"
# Long and random-looking: `perceptions run` refuses the published default key.
PSEUDONYM_KEY = "fleet-3f9c1e7a5b2d4c6e8f0a1b3c5d7e9f1a"
READY_SECONDS = 90.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Worker:
    """One bot process and where it listens."""

    index: int
    port: int
    log: Path
    process: asyncio.subprocess.Process | None = None
    cpu_before_restarts: float = 0.0  # CPU of earlier processes of this worker (killed ones)

    @property
    def url(self) -> str:
        """Where the load balancer sends updates."""
        return f"http://127.0.0.1:{self.port}/telegram"

    @property
    def base(self) -> str:
        """The worker's own address (health, readiness)."""
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Fleet:
    """`count` workers on `database_url`, talking to the Bot API at `api_url`."""

    count: int
    database_url: str
    api_url: str
    dialogs_dir: Path
    workdir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    # False: `perceptions run` polling, its probes on HEALTH_PORT (one poller per bot token).
    webhook: bool = True
    workers: list[Worker] = field(default_factory=list)

    async def __aenter__(self) -> Self:
        """Start every worker and wait until each says it is ready."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.workers = [Worker(n, free_port(), self.workdir / f"worker-{n}.log")
                        for n in range(self.count)]
        await asyncio.gather(*(self._spawn(w) for w in self.workers))
        await asyncio.gather(*(self.wait_ready(w) for w in self.workers))
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        """Stop every worker gracefully (SIGTERM), killing any that hangs."""
        await asyncio.gather(*(self.stop(w) for w in self.workers))

    @property
    def targets(self) -> list[str]:
        """The workers' webhook addresses, for `FakeBotApi.spread_webhook`."""
        return [w.url for w in self.workers]

    def env(self, worker: Worker) -> dict[str, str]:
        """The environment of one worker: everything `perceptions run --webhook` needs."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PERCEPTIONS", "TELEGRAM"))}
        env.update({
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": self.api_url,
            "DATABASE_URL": self.database_url,
            "PSEUDONYM_KEY": PSEUDONYM_KEY,
            "DIALOGS_DIR": str(self.dialogs_dir),
            # The public address Telegram is told; the load balancer behind it is the fake.
            "WEBHOOK_URL": "https://bot.example.org/telegram",
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_HOST": "127.0.0.1",
            "WEBHOOK_PORT": str(worker.port),
            "HEALTH_PORT": str(worker.port),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        })
        env.update(self.extra_env)
        return env

    async def _spawn(self, worker: Worker) -> None:
        log = worker.log.open("ab")
        try:
            worker.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", *(["--webhook"] if self.webhook else []),
                cwd=self.workdir,
                env=self.env(worker), stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
            )
        finally:
            log.close()

    async def wait_ready(self, worker: Worker, seconds: float = READY_SECONDS) -> None:
        """Wait until GET /ready answers 200 (the worker serves updates)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
            while True:
                if worker.process is not None and worker.process.returncode is not None:
                    raise RuntimeError(f"worker {worker.index} exited "
                                       f"({worker.process.returncode}): {self.tail(worker)}")
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with session.get(f"{worker.base}/ready") as response:
                        if response.status == 200:
                            return
                if loop.time() > deadline:
                    raise TimeoutError(f"worker {worker.index} not ready: {self.tail(worker)}")
                await asyncio.sleep(0.1)

    def tail(self, worker: Worker, lines: int = 20) -> str:
        """The end of a worker's log (for failure messages)."""
        if not worker.log.exists():
            return "(no log)"
        return "\n".join(worker.log.read_text(errors="replace").splitlines()[-lines:])

    async def kill(self, worker: Worker) -> None:
        """SIGKILL: no drain, no goodbye, as a crash would."""
        process = worker.process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            worker.cpu_before_restarts += cpu_seconds(process.pid)
        process.send_signal(signal.SIGKILL)
        await process.wait()

    async def restart(self, worker: Worker) -> None:
        """Start a fresh process for a killed worker, on the same port, and wait until ready."""
        await self._spawn(worker)
        await self.wait_ready(worker)

    async def stop(self, worker: Worker, seconds: float = 30.0) -> int | None:
        """SIGTERM, then wait for the graceful shutdown (SIGKILL after `seconds`)."""
        process = worker.process
        if process is None or process.returncode is not None:
            return None if process is None else process.returncode
        process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(process.wait(), seconds)
        except TimeoutError:
            process.kill()
            return await process.wait()

    def cpu(self) -> float:
        """CPU seconds used by every worker process so far (killed ones included)."""
        total = 0.0
        for worker in self.workers:
            total += worker.cpu_before_restarts
            if worker.process is not None and worker.process.returncode is None:
                with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                    total += cpu_seconds(worker.process.pid)
        return total
