"""Several bot workers on one PostgreSQL database: throughput, latency and CPU with 1, 2 and 4.

Each worker is a real `perceptions run --webhook` process. The fake Bot API runs in a process of
its own and plays Telegram plus a round-robin load balancer: up to `--connections` webhook calls
at once (Telegram's max_connections, 40 by default), one per chat at a time, each chat's updates
handed to one worker after another; sendMessage takes 50 ms. Every chat sends ten typed messages
(consent and eight answers), all queued at once. Printed per worker count: throughput (updates
per second between the first delivery and the last answer), p50/p99 latency (a webhook call's
duration: the worker read the interview, decided, committed and sent its reply), the workers' CPU
per update, and the checks: every answer stored once, every interview the same (in order).

Run: `.venv/bin/python -m bench.workers [--workers 1,2,4] [--chats 200] [--quick]`
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.echo_bot import percentile
from bench.interview_bot import ANSWERS_PER_CHAT, DIALOGS, STUDY, TURNS, database
from bench.remote_fake import FakeServer
from bot.interviews.service import utc_now
from bot.testing.fleet import Fleet
from bot.vocabulary import InterviewStatus
from storage import Repository, create_repository, pseudonymise, upgrade

TARGET = 1.6  # two workers' throughput over one's, on this 2-core machine


@dataclass(frozen=True)
class Figures:
    """One worker count's run."""

    workers: int
    updates: int
    seconds: float
    p50: float
    p99: float
    cpu_ms: float
    answers: int
    expected: int
    in_order: bool
    retries: int

    @property
    def throughput(self) -> float:
        """Updates per second."""
        return self.updates / self.seconds

    def report(self) -> str:
        """One line of figures."""
        return (f"{self.workers} worker{'s' if self.workers > 1 else ' '}: "
                f"{self.throughput:6.0f} updates/s, latency p50 {self.p50:4.0f} ms, "
                f"p99 {self.p99:5.0f} ms, worker CPU {self.cpu_ms:5.1f} ms/update; "
                f"answers {self.answers}/{self.expected}, "
                f"in order: {'yes' if self.in_order else 'NO'}, {self.retries} retried calls")


async def check_storage(url: str) -> tuple[int, bool]:
    """How many answers are stored, and whether every interview stored the same answers.

    Every chat sends the same messages: an answer handled out of order (say "1" taken as the
    age) or by a worker with a stale interview would make that interview differ from the rest.
    """
    repository = create_repository(url)
    by_interview: dict[int, list[tuple[str, int, object]]] = {}
    try:
        async for answer in repository.stream_answers(study_id=STUDY):
            by_interview.setdefault(answer.interview_id, []).append(
                (answer.question_id, answer.probe, answer.value))
    finally:
        await repository.close()
    interviews = list(by_interview.values())
    same = bool(interviews) and all(answers == interviews[0] for answers in interviews)
    return sum(len(answers) for answers in interviews), same


async def _advance_once(repository: Repository, interview_id: int) -> None:
    """Read the interview and move it one step on (an update's storage work, no engine)."""
    record = await repository.get_interview(interview_id=interview_id)
    assert record is not None
    applied = await repository.advance(
        interview_id=interview_id, expected_step=record.step, new_state={"step": record.step + 1},
        status=InterviewStatus.active, group=None, now=utc_now())
    assert applied


async def measure_turn(count: int) -> tuple[float, float]:
    """Median ms of an update's storage work without and with the respondent's turn (the lock)."""
    async with database(postgres=True) as url:
        await upgrade(url)
        repository = create_repository(url)
        try:
            version = await repository.register_script(study_id="turns", title="Turns", text="x",
                                                       now=utc_now())
            pseudonym = pseudonymise(1, "bench")
            await repository.get_or_create_respondent(pseudonym=pseudonym, language=None,
                                                      source=None, now=utc_now())
            interview = await repository.start_interview(
                pseudonym=pseudonym, study_id="turns", script_version_id=version.id, state={},
                now=utc_now())
            plain, locked = [], []
            for _ in range(count):  # interleaved: a busy neighbour slows both alike
                started = time.perf_counter()
                await _advance_once(repository, interview.id)
                plain.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                async with repository.respondent_turn(pseudonym=pseudonym):
                    await _advance_once(repository, interview.id)
                locked.append((time.perf_counter() - started) * 1000)
        finally:
            await repository.close()
    return statistics.median(plain), statistics.median(locked)


async def run_workers(workers: int, *, chats: int, connections: int, latency: float,
                      limit: float = 600.0) -> Figures:
    """Start `workers` processes on a fresh database, push every message, measure, check."""
    async with database(postgres=True) as url:
        await upgrade(url)
        with tempfile.TemporaryDirectory(prefix="bench-workers-") as folder:
            async with FakeServer(remote=True) as fake:
                await fake.set_latency("sendMessage", latency)
                # No 30 msg/s cap per worker: the bot's own throughput is measured, not the
                # limiter's (in production each worker gets its share of Telegram's 30/s).
                async with Fleet(workers, url, fake.base_url, DIALOGS, Path(folder),
                                 extra_env={"SEND_RATE": "0"}) as fleet:
                    await fake.spread_webhook(fleet.targets, connections)
                    messages = [(chat, turn) for turn in TURNS for chat in range(1, chats + 1)]
                    cpu = fleet.cpu()
                    await fake.push(messages)
                    loop = asyncio.get_running_loop()
                    started = loop.time()
                    while await fake.pending():
                        if loop.time() - started > limit:
                            raise TimeoutError(f"updates still pending after {limit} s")
                        await asyncio.sleep(0.1)
                    cpu = fleet.cpu() - cpu
                    deliveries = await fake.deliveries()
        answers, in_order = await check_storage(url)
    served = [d for d in deliveries if d.status is not None and 200 <= d.status < 300]
    latencies = [(d.ended - d.started) * 1000 for d in served]
    seconds = max(d.ended for d in served) - min(d.started for d in deliveries)
    return Figures(workers, len(served), seconds, statistics.median(latencies),
                   percentile(latencies, 0.99), cpu * 1000 / len(served), answers,
                   chats * ANSWERS_PER_CHAT, in_order, len(deliveries) - len(served))


async def main_async(counts: list[int], chats: int, connections: int, latency: float) -> None:
    """Each worker count in turn, then the scaling."""
    print(f"PostgreSQL; fake Bot API in its own process, sendMessage {latency * 1000:.0f} ms; "
          f"{chats} chats × {len(TURNS)} messages; {connections} webhook connections; "
          f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} before")
    plain, locked = await measure_turn(50 if chats <= 10 else 500)
    print(f"an update's storage work (read, compare-and-set write): {plain:.2f} ms alone, "
          f"{locked:.2f} ms in the respondent's turn (advisory lock, one transaction): "
          f"{locked - plain:+.2f} ms")
    figures = []
    for count in counts:
        started = time.perf_counter()
        result = await run_workers(count, chats=chats, connections=connections, latency=latency)
        figures.append(result)
        print(f"{result.report()}  ({time.perf_counter() - started:.0f} s with start-up)")
    base = figures[0]
    for result in figures[1:]:
        ratio = result.throughput / base.throughput
        target = f" (target ≥ {TARGET:.1f}×)" if result.workers == 2 * base.workers else ""
        print(f"{result.workers} workers / {base.workers}: {ratio:.2f}× the throughput{target}")
    print(f"load average {os.getloadavg()[0]:.2f} after")


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workers", default="1,2,4", help="worker counts to run, e.g. 1,2,4")
    parser.add_argument("--chats", type=int, default=200, help="respondents (10 messages each)")
    parser.add_argument("--connections", type=int, default=40,
                        help="webhook calls at once (Telegram's max_connections)")
    parser.add_argument("--latency", type=float, default=0.05, help="sendMessage seconds")
    parser.add_argument("--quick", action="store_true",
                        help="1 and 2 workers, 10 chats: checks that it still runs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    counts = [1, 2] if args.quick else [int(n) for n in args.workers.split(",")]
    chats = 10 if args.quick else args.chats
    asyncio.run(main_async(counts, chats, min(args.connections, chats), args.latency))


if __name__ == "__main__":
    main()
