"""The interview bot under load next to the bare echo bot, in the same run.

2,000 updates from 200 chats (10 typed answers each) against FakeBotApi with 50 ms sendMessage;
prints throughput and p50/p99 latency (update pushed → its last reply reaching the fake) for both,
then checks that every chat's replies came in order and every answer is in the database.
The fake runs in a process of its own for both bots (Telegram is a remote server too), unless
`--same-process`; the bot under test, its database driver and PTB share this process.
Both bots fetch updates as production does, through the at-least-once `Poller` (confirming an
update only once processed), unless `--updater` (PTB's Updater, for comparison).

Run: `.venv/bin/python -m bench.interview_bot [--postgres] [--rounds N] [--same-process] [--updater]`
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bench.echo_bot import EchoBenchResult, delivering, percentile, run_echo_benchmark
from bench.remote_fake import Call, FakeServer
from bot.interviews import InterviewService, ScriptCatalog
from bot.interviews.service import utc_now
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.processor import PerChatUpdateProcessor
from storage import create_repository, scratch_database, upgrade

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
TARGET = 0.8  # the interview bot's throughput over the echo bot's


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
    async with scratch_database(f"{POSTGRES}/postgres", "bench") as url:
        yield url


async def run_interview_benchmark(*, chats: int = 200, send_latency: float = 0.05,
                                  postgres: bool = False, remote: bool = True,
                                  updater: bool = False, limit: float = 300.0) -> dict[str, Any]:
    """Push every chat's ten messages at once; time, then verify order and storage."""
    async with database(postgres) as url:
        await upgrade(url)
        repository = create_repository(url)
        catalog = await ScriptCatalog.load(repository, DIALOGS, default_study=STUDY, now=utc_now())
        service = InterviewService(repository, catalog, "bench-key")
        settings = Settings(_env_file=None, telegram_bot_token=SecretStr("123:ABC"),
                            database_url=url, dialogs_dir=DIALOGS)
        async with FakeServer(remote=remote) as fake:
            await fake.set_latency("sendMessage", send_latency)
            # No global 30 msg/s cap: the fake is local, and the echo baseline has none either.
            processor = TimedProcessor(256)
            application = build_application(settings, service, base_url=fake.base_url,
                                            overall_max_rate=0, processor=processor,
                                            updater=updater)
            async with application:
                await application.start()
                async with delivering(application, updater=updater):
                    messages = [(chat, turn) for turn in TURNS for chat in range(1, chats + 1)]
                    start, cpu = time.perf_counter(), time.process_time()
                    pushed = {update_id: (chat, at) for (chat, _), (update_id, at)
                              in zip(messages, await fake.push(messages), strict=True)}
                    await _all_done(processor, len(pushed), limit)
                    cpu = time.process_time() - cpu
                    polling = await fake.polling()
                await application.stop()
            replies = await fake.calls("sendMessage")
            typing = len(await fake.calls("sendChatAction"))
            seconds = max(c.at for c in replies) - start
            latencies = _latencies(pushed, processor.done, replies)
            in_order = _same_conversation(await fake.texts(), chats)
        stored = [a async for a in repository.stream_answers(study_id=STUDY)]
        await repository.close()
    per_chat: defaultdict[str, int] = defaultdict(int)
    for answer in stored:
        per_chat[answer.pseudonym] += 1
    return {
        "updates": len(pushed), "seconds": seconds, "throughput": len(pushed) / seconds,
        "p50": statistics.median(latencies), "p99": percentile(latencies, 0.99),
        "in_order": in_order, "answers": len(stored), "expected": chats * ANSWERS_PER_CHAT,
        "complete_chats": sum(1 for n in per_chat.values() if n == ANSWERS_PER_CHAT),
        "typing": typing, "cpu_ms": cpu * 1000 / len(pushed), "polling": polling,
    }


async def _all_done(processor: TimedProcessor, count: int, limit: float) -> None:
    """Wait until the processor finished `count` updates (at most `limit` seconds)."""
    loop = asyncio.get_running_loop()
    waited = loop.time()
    while len(processor.done) < count:
        if loop.time() - waited > limit:
            raise TimeoutError(f"{len(processor.done)} of {count} updates done")
        await asyncio.sleep(0.05)


def _latencies(pushed: dict[int, tuple[int, float]], done: dict[int, float],
               replies: list[Call]) -> list[float]:
    """Per update: from its push to the arrival of the last reply sent while it was handled."""
    arrivals: dict[int | None, list[float]] = defaultdict(list)
    for call in replies:
        arrivals[call.chat_id].append(call.at)
    result = []
    for update_id, (chat, at) in pushed.items():
        mine = [t for t in arrivals[chat] if at <= t <= done[update_id]]
        result.append((max(mine) - at) * 1000 if mine else 0.0)
    return result


def _same_conversation(texts: dict[int, list[str | None]], chats: int) -> bool:
    """Every chat got the same replies in the same order (one out of order would differ)."""
    reference = texts.get(1, [])
    return len(reference) >= len(TURNS) and all(texts.get(c) == reference
                                                for c in range(2, chats + 1))


def _load() -> str:
    """The machine's load averages (1, 5, 15 min): the bench shares the machine."""
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


async def one_round(postgres: bool, remote: bool, updater: bool,
                    chats: int = 200) -> tuple[EchoBenchResult, dict[str, Any]]:
    """Echo first, then the interview bot, with the same settings; prints both."""
    print(f"load average  : {_load()} (2 cores; before the round)")
    echo = await run_echo_benchmark(updates=chats * len(TURNS), chats=chats, send_latency=0.05,
                                    remote=remote, updater=updater)
    bot = await run_interview_benchmark(chats=chats, send_latency=0.05, postgres=postgres,
                                        remote=remote, updater=updater)
    ratio = bot["throughput"] / echo.throughput
    print(f"echo bot      : {echo.report()}")
    print(f"interview bot : {bot['updates']} updates from {chats} chats, sendMessage 50 ms: "
          f"{bot['throughput']:.0f} updates/s, latency p50 {bot['p50']:.0f} ms, "
          f"p99 {bot['p99']:.0f} ms ({bot['seconds']:.2f} s; CPU {bot['cpu_ms']:.1f} ms/update; "
          f"{bot['typing']} typing actions; {bot['polling'].report()})")
    print(f"ratio         : {ratio:.2f}× the echo bot's throughput (target ≥ {TARGET:.2f}): "
          f"{'PASS' if ratio >= TARGET else 'MISS'}")
    print(f"bot CPU       : {bot['cpu_ms'] / echo.cpu_ms:.2f}× the echo bot's per update "
          "(this process's CPU time; noisy too on a shared machine)")
    print(f"order kept    : {'yes' if bot['in_order'] else 'NO'} (every chat saw the same replies "
          "in the same order)")
    print(f"answers in database: {bot['answers']}/{bot['expected']} "
          f"({bot['complete_chats']} of {chats} chats complete)")
    return echo, bot


async def main_async(postgres: bool, remote: bool, rounds: int, updater: bool,
                     chats: int = 200) -> None:
    """`rounds` rounds of echo then interview bot, in one process; then the median ratio."""
    print(f"database      : {'PostgreSQL' if postgres else 'SQLite (WAL)'}; fake Bot API "
          f"{'in its own process' if remote else 'in this process'}; updates fetched by "
          f"{'PTB Updater (confirms before processing)' if updater else 'Poller (production)'}")
    ratios = []
    for n in range(1, rounds + 1):
        if rounds > 1:
            print(f"--- round {n} of {rounds}")
        echo, bot = await one_round(postgres, remote, updater, chats)
        ratios.append(bot["throughput"] / echo.throughput)
    if rounds > 1:
        median = statistics.median(ratios)
        print(f"median ratio  : {median:.2f} of {', '.join(f'{r:.2f}' for r in ratios)}: "
              f"{'PASS' if median >= TARGET else 'MISS'}")
    print(f"load average  : {_load()} (after)")


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--postgres", action="store_true",
                        help="store answers in a throwaway database on 127.0.0.1:5432")
    parser.add_argument("--rounds", type=int, default=1, help="echo + interview rounds to run")
    parser.add_argument("--same-process", action="store_true",
                        help="run the fake Bot API in the bot's process (the old design)")
    parser.add_argument("--updater", action="store_true",
                        help="fetch with PTB's Updater instead of our at-least-once Poller")
    parser.add_argument("--quick", action="store_true",
                        help="10 chats: checks that it still runs (the figures mean little)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(main_async(args.postgres, not args.same_process, args.rounds, args.updater,
                           10 if args.quick else 200))


if __name__ == "__main__":
    main()
