"""Latency of `Repository.advance` with one answer, on SQLite and PostgreSQL.

Targets on SQLite: p50 ≤ 1 ms, p99 ≤ 5 ms. Usage:
    .venv/bin/python bench/record_answer.py [--count 2000] [--postgres URL | --no-postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.vocabulary import InterviewStatus
from storage import (
    AnswerRecord,
    StorageUnavailable,
    create_repository,
    pseudonymise,
    scratch_database,
    upgrade,
)

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
WARMUP = 50


async def measure(database_url: str, count: int) -> list[float]:
    """Milliseconds per `advance` call, `count` sequential calls on one interview each."""
    await upgrade(database_url)
    repo = create_repository(database_url)
    try:
        now = datetime.now(UTC)
        version = await repo.register_script(study_id="bench", title="Bench", text="x", now=now)
        pseudonym = pseudonymise(1, "bench")
        await repo.get_or_create_respondent(pseudonym=pseudonym, language=None, source=None, now=now)
        interview = await repo.start_interview(
            pseudonym=pseudonym, study_id="bench", script_version_id=version.id,
            state={"step": 0}, now=now,
        )
        timings: list[float] = []
        for step in range(WARMUP + count):
            state = {"step": step + 1, "path": ["intro", f"q{step}"], "lang": "en"}
            answer = AnswerRecord(f"q{step}", "yes", "Yes, with soap")
            started = time.perf_counter()
            applied = await repo.advance(
                interview_id=interview.id, expected_step=step, new_state=state,
                status=InterviewStatus.active, group=None, now=datetime.now(UTC),
                answers=[answer], update_id=step,
            )
            elapsed = (time.perf_counter() - started) * 1000
            assert applied
            if step >= WARMUP:
                timings.append(elapsed)
        return timings
    finally:
        await repo.close()


def report(name: str, timings: list[float]) -> None:
    """Print p50/p99 in milliseconds."""
    cuts = statistics.quantiles(timings, n=100)
    print(
        f"{name:<11} advance+1 answer  n={len(timings)}  "
        f"p50={cuts[49]:.2f} ms  p99={cuts[98]:.2f} ms  max={max(timings):.2f} ms"
    )


async def main() -> None:
    """Run the benchmark on each backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--quick", action="store_true", help="50 answers: checks it still runs")
    args = parser.parse_args()
    if args.quick:
        args.count = 50

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        report("sqlite", await measure(url, args.count))

    if args.no_postgres:
        return
    try:
        async with scratch_database(args.postgres, "perceptions_bench") as url:
            report("postgresql", await measure(url, args.count))
    except StorageUnavailable as error:  # no server to measure on
        print(f"postgresql  skipped: {error}")


if __name__ == "__main__":
    asyncio.run(main())
