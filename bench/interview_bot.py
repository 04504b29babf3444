"""The interview bot under load next to the bare echo bot, in the same run.

2,000 updates from 200 chats (10 typed answers each) against FakeBotApi with 50 ms sendMessage;
prints throughput and p50/p99 latency (update pushed → its last reply reaching the fake) for both,
then checks that every chat's replies came in order and every answer is in the database.

Run: `.venv/bin/python -m bench.interview_bot [--postgres]`
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.echo_bot import percentile, run_echo_benchmark
from bot.interviews import InterviewService, ScriptCatalog
from bot.interviews.service import utc_now
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.processor import PerChatUpdateProcessor
from bot.testing.fake_bot_api import FakeBotApi
from storage import create_repository, upgrade

DIALOGS = Path(__file__).resolve().parents[1] / "dialogs"
STUDY = "cycling_to_work"
# Ten typed messages that walk a respondent through consent and the first eight answers.
TURNS = [
    "/start", "yes", "34", "1", "2", "0", "no", "1",
    "Safe separate bike lanes along the main road would really help me",
    "The heavy traffic near the school in the morning makes it hard",
]
ANSWERS_PER_CHAT = len(TURNS) - 2
POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432"


class TimedProcessor(PerChatUpdateProcessor):
    """The production processor, noting when each update's handling finished."""

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self.done: dict[int, float] = {}

    async def do_process_update(self, update: object, coroutine: Any) -> None:
        """Process as usual, then note the time."""
        await super().do_process_update(update, coroutine)
        update_id = getattr(update, "update_id", None)
        if update_id is not None:
            self.done[update_id] = time.perf_counter()


@contextlib.asynccontextmanager
async def database(postgres: bool) -> AsyncIterator[str]:
    """A fresh SQLite file, or a throwaway database on the local PostgreSQL server."""
    if not postgres:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite+aiosqlite:///{folder}/bench.db"
        return
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def run_interview_benchmark(*, chats: int = 200, send_latency: float = 0.05,
                                  postgres: bool = False, limit: float = 300.0) -> dict[str, Any]:
    """Push every chat's ten messages at once; time, then verify order and storage."""
    async with database(postgres) as url:
        await upgrade(url)
        repository = create_repository(url)
        catalog = await ScriptCatalog.load(repository, DIALOGS, default_study=STUDY, now=utc_now())
        service = InterviewService(repository, catalog, "bench-key")
        settings = Settings(_env_file=None, telegram_bot_token=SecretStr("123:ABC"),  # type: ignore[call-arg]
                            database_url=url, dialogs_dir=DIALOGS)
        async with FakeBotApi() as fake:
            fake.set_latency("sendMessage", send_latency)
            # No global 30 msg/s cap: the fake is local, and the echo baseline has none either.
            processor = TimedProcessor(256)
            application = build_application(settings, service, base_url=fake.base_url,
                                            overall_max_rate=0, processor=processor)
            async with application:
                await application.start()
                assert application.updater is not None
                await application.updater.start_polling(poll_interval=0)
                pushed: dict[int, tuple[int, float]] = {}
                start = time.perf_counter()
                for turn in TURNS:
                    for chat in range(1, chats + 1):
                        update = fake.user_sends_text(chat, turn)
                        pushed[update["update_id"]] = (chat, time.perf_counter())
                await fake.wait_for(lambda: len(processor.done) >= len(pushed), limit)
                await application.updater.stop()
                await application.stop()
            replies = fake.calls("sendMessage")
            seconds = max(c.at for c in replies) - start
            latencies = _latencies(pushed, processor.done, replies)
            in_order = _same_conversation(fake, chats)
        stored = [a async for a in repository.stream_answers(study_id=STUDY)]
        await repository.close()
    per_chat = defaultdict(int)
    for answer in stored:
        per_chat[answer.pseudonym] += 1
    return {
        "updates": len(pushed), "seconds": seconds, "throughput": len(pushed) / seconds,
        "p50": statistics.median(latencies), "p99": percentile(latencies, 0.99),
        "in_order": in_order, "answers": len(stored), "expected": chats * ANSWERS_PER_CHAT,
        "complete_chats": sum(1 for n in per_chat.values() if n == ANSWERS_PER_CHAT),
    }


def _latencies(pushed: dict[int, tuple[int, float]], done: dict[int, float],
               replies: list[Any]) -> list[float]:
    """Per update: from its push to the arrival of the last reply sent while it was handled."""
    arrivals: dict[int, list[float]] = defaultdict(list)
    for call in replies:
        arrivals[call.chat_id].append(call.at)
    result = []
    for update_id, (chat, at) in pushed.items():
        mine = [t for t in arrivals[chat] if at <= t <= done[update_id]]
        result.append((max(mine) - at) * 1000 if mine else 0.0)
    return result


def _same_conversation(fake: FakeBotApi, chats: int) -> bool:
    """Every chat got the same replies in the same order (one out of order would differ)."""
    reference = fake.texts(1)
    return len(reference) >= len(TURNS) and all(fake.texts(c) == reference
                                                for c in range(2, chats + 1))


async def main_async(postgres: bool) -> None:
    """Echo first, then the interview bot, in one process and one run."""
    echo = await run_echo_benchmark(updates=2000, chats=200, send_latency=0.05)
    bot = await run_interview_benchmark(chats=200, send_latency=0.05, postgres=postgres)
    print(f"database      : {'PostgreSQL' if postgres else 'SQLite (WAL)'}")
    print(f"echo bot      : {echo.report()}")
    print(f"interview bot : {bot['updates']} updates from 200 chats, sendMessage 50 ms: "
          f"{bot['throughput']:.0f} updates/s, latency p50 {bot['p50']:.0f} ms, "
          f"p99 {bot['p99']:.0f} ms ({bot['seconds']:.2f} s)")
    print(f"ratio         : {bot['throughput'] / echo.throughput:.2f}× the echo bot's throughput "
          "(target ≥ 0.80)")
    print(f"order kept    : {'yes' if bot['in_order'] else 'NO'} (every chat saw the same replies "
          "in the same order)")
    print(f"answers stored: {bot['answers']} of {bot['expected']} "
          f"({bot['complete_chats']} of 200 chats complete)")


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--postgres", action="store_true",
                        help="store answers in a throwaway database on 127.0.0.1:5432")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(main_async(args.postgres))


if __name__ == "__main__":
    main()
