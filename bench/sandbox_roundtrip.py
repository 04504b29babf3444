"""How long a sandbox researcher waits: answer typed on the page → the bot's next question shown.

Run: `.venv/bin/python -m bench.sandbox_roundtrip [--quick]` (prints latency figures; the real bot,
the fake Telegram and a temporary SQLite file, driven through the page's JSON API). `--quick` runs
three interviews (the test suite runs it, so the benchmark can't rot).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.settings import Settings
from bot.web.sandbox import create_sandbox_app

MINI = Path(__file__).parents[1] / "tests" / "scripts" / "mini.yaml"
RESPONDENTS = 30
WAIT_SECONDS = 30.0  # a bot message that never comes fails the run instead of hanging it


async def bot_messages(client: TestClient, chat: int, at_least: int) -> list[Any]:  # type: ignore[type-arg]
    """Long-poll like the page until the bot has sent `at_least` messages (or fail)."""
    revision = -1
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_SECONDS
    while True:
        if loop.time() > deadline:
            raise TimeoutError(f"the bot sent fewer than {at_least} messages in {WAIT_SECONDS} s")
        response = await client.get(f"/api/messages?chat={chat}&since={revision}&wait=5")
        data = await response.json()
        bot = [m for m in data["messages"] if m["from"] == "bot"]
        if len(bot) >= at_least:
            return bot
        revision = data["revision"]


async def one_interview(client: TestClient, latencies: list[float]) -> None:  # type: ignore[type-arg]
    """Consent by button, then three typed answers; time each answer's round trip."""
    person = await (await client.post("/api/respondents", json={"study_id": "mini"})).json()
    chat = person["chat_id"]
    # The welcome and the consent question come as one message (fewer, fuller messages).
    bot = await bot_messages(client, chat, 1)
    consent = bot[-1]
    data = consent["buttons"][0][0]["data"]
    await client.post("/api/press", json={"chat": chat, "message_id": consent["id"], "data": data})
    bot = await bot_messages(client, chat, len(bot) + 1)
    for answer in ("Ada", "34", "5"):
        started = time.perf_counter()
        await client.post("/api/send", json={"chat": chat, "text": answer})
        bot = await bot_messages(client, chat, len(bot) + 1)
        latencies.append((time.perf_counter() - started) * 1000)


async def main(respondents: int = RESPONDENTS) -> None:
    """Run `respondents` interviews one after another and print the round-trip figures."""
    logging.basicConfig(level=logging.WARNING)
    workdir = Path(tempfile.mkdtemp(prefix="sandbox-bench-"))
    try:
        (workdir / "dialogs").mkdir()
        shutil.copy(MINI, workdir / "dialogs" / "mini.yaml")
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            dialogs_dir=workdir / "dialogs",
            database_url=f"sqlite+aiosqlite:///{workdir}/fieldwork.db",
            sandbox_database_url=f"sqlite+aiosqlite:///{workdir}/sandbox.db",
            pseudonym_key=SecretStr("bench"),
        )
        started = time.perf_counter()
        async with TestClient(TestServer(create_sandbox_app(settings))) as client:
            ready = time.perf_counter() - started
            latencies: list[float] = []
            for _ in range(respondents):
                await one_interview(client, latencies)
        quantiles = statistics.quantiles(latencies, n=20, method="inclusive")
        print(f"sandbox start (migrate, register scripts, bot up): {ready * 1000:.0f} ms")
        print(f"answer → next question on the page, {len(latencies)} answers: "
              f"median {statistics.median(latencies):.1f} ms, p95 {quantiles[18]:.1f} ms, "
              f"max {max(latencies):.1f} ms")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="three interviews")
    asyncio.run(main(3 if parser.parse_args().quick else RESPONDENTS))
