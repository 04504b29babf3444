"""Time `perceptions report --format json` end to end on a large SQLite study, and its peak memory.

Builds (once, with --db) a database of N interviews (~30 answers each) through the storage layer's
bulk import, then runs the real command in a child process: storage stream → analyse → render.
Target: at most 10 s for 100k interviews. Usage:
    .venv/bin/python bench/report.py [--interviews 100000] [--db PATH] [--stages]

--stages also times each stage in this process (whole lists in memory, so more memory than the
streamed command): where the time goes, for whoever optimises next.

Measured on a shared 2-core machine under load (load average 1.7-2.6; wall time inflated), database
built by this file: 9.4-11.3 s wall, 11.0-12.2 s CPU (user + sys), 516-524 MiB peak. Before the
read cut stored times in SQL (a database whose times the bulk import had written in Python's sqlite3
adapter form, each converted by a Python call), back to back: 20-25 s wall, 20-23 s CPU, 519-532 MiB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.script import QuestionType, Script, load_script  # noqa: E402
from bot.vocabulary import Group, InterviewStatus  # noqa: E402
from storage import AnswerRecord, AnswerValue, ImportedInterview, create_repository, upgrade  # noqa: E402

DIALOGS = ROOT / "dialogs"
SCRIPT = DIALOGS / "cycling-to-work.yaml"
BATCH = 2000
TARGET_S = 10.0  # for 100k interviews
T0 = datetime(2025, 1, 1, tzinfo=UTC)
FILLER = ["not sure", "it depends on the day", "nothing comes to mind", "my neighbour says so"]


def _value(script: Script, question_id: str, rng: random.Random) -> AnswerValue:
    question = script.by_id[question_id]
    match question.type:
        case QuestionType.text:
            keywords = [k for t in question.spec.codebook or () for k in t.keywords.get("en", [])]
            words = [k.rstrip("*") for k in rng.sample(keywords, min(2, len(keywords)))]
            return " and ".join(words) if words and rng.random() < 0.8 else rng.choice(FILLER)
        case QuestionType.number:
            return rng.randint(18, 60) if question_id == "age" else rng.randint(0, 5)
        case QuestionType.multiple_choice:
            return rng.sample([o.value for o in question.options], 2)
        case QuestionType.scale:
            return int(rng.choice(question.options).value)
        case _:
            return rng.choice(question.options).value


def interviews(
    script: Script, start: int, count: int, rng: random.Random
) -> list[ImportedInterview]:
    """`count` generated interviews: mostly completed doers and non-doers, some unfinished."""
    asked = [q.id for q in script.questions if q.type != QuestionType.info]
    out = []
    for n in range(start, start + count):
        roll = rng.random()
        status = InterviewStatus.completed if roll < 0.9 else InterviewStatus.abandoned
        group = (Group.doer if rng.random() < 0.4 else Group.non_doer) if roll < 0.9 else None
        upto = len(asked) if status == InterviewStatus.completed else rng.randint(1, len(asked))
        answers = [AnswerRecord(q, v, v if isinstance(v, str) else None)
                   for q in asked[:upto] for v in [_value(script, q, rng)]]  # fmt: skip
        if status == InterviewStatus.completed:  # a probe or two, as the bot asks
            answers.append(AnswerRecord("makes_difficult", "the traffic", "the traffic", 1))
            answers.append(AnswerRecord("advantages", "keeps me fit", "keeps me fit", 1))
        started = T0 + timedelta(minutes=n)
        out.append(ImportedInterview(
            pseudonym=f"{n:064x}", status=status, group=group, started_at=started,
            completed_at=started + timedelta(minutes=9) if status == InterviewStatus.completed else None,
            answers=answers, language="en", source=rng.choice(["poster", "radio", None]),
        ))  # fmt: skip
    return out


async def build(db: Path, total: int) -> None:
    """A migrated database holding `total` generated interviews."""
    url = f"sqlite+aiosqlite:///{db}"
    await upgrade(url)
    repository = create_repository(url)
    script = load_script(SCRIPT)
    rng = random.Random(1)
    try:
        version = await repository.register_script(
            study_id=script.study_id, title="Cycling", text=script.source, now=T0
        )
        for start in range(0, total, BATCH):
            batch = interviews(script, start, min(BATCH, total - start), rng)
            await repository.import_interviews(
                study_id=script.study_id, script_version_id=version.id, interviews=batch, now=T0
            )
            print(f"\r  built {start + len(batch):,} interviews", end="", file=sys.stderr)
        print(file=sys.stderr)
    finally:
        await repository.close()


async def stages(db: Path) -> None:
    """Each stage of the report on its own: read, adapt, analyse, render; then read and analyse
    overlapped, as the command does."""
    from bot.analysis import analyse
    from bot.report.build import ANSWER_BATCH, load_summary
    from bot.report.records import answer_columns, interview_record
    from bot.report.render_json import render_json

    script = load_script(SCRIPT)
    repository = create_repository(f"sqlite+aiosqlite:///{db}")
    clock, cpu = time.perf_counter(), time.process_time()

    def lap(name: str) -> None:
        # CPU time (every thread of this process) beside wall time: steadier on a shared machine.
        nonlocal clock, cpu
        now, used = time.perf_counter(), time.process_time()
        print(f"  {name:<36} {now - clock:6.2f} s  CPU {used - cpu:6.2f} s")
        clock, cpu = now, used

    try:
        found = [
            interview_record(i, "en")
            async for headers in repository.stream_interview_headers(study_id=script.study_id)
            for i in headers
        ]
        lap("read interviews (no state)")
        batches = [
            b
            async for b in repository.stream_answer_columns(
                study_id=script.study_id, batch_size=ANSWER_BATCH
            )
        ]
        lap("read answers (column batches)")
        columns = [answer_columns(b) for b in batches]
        lap("adapt to analysis columns")
        analyse(script, found, columns=columns, with_segments=False, with_emerging=False)
        lap("analyse, bare tabulation")
        analyse(script, found, columns=columns, with_emerging=False)
        lap("analyse, with segments")
        summary = analyse(script, found, columns=columns)
        lap("analyse, full")
        render_json(summary)
        lap("render json")
        del batches, columns
        clock, cpu = time.perf_counter(), time.process_time()
        await load_summary(repository, script)
        lap("load_summary (read beside analysis)")
    finally:
        await repository.close()


def main() -> None:
    """Build (or reuse) the database, then time the report command."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="Reuse or keep the database here.")
    parser.add_argument("--stages", action="store_true", help="Also time each stage in-process.")
    parser.add_argument("--quick", action="store_true",
                        help="300 interviews: checks it still runs")
    args = parser.parse_args()
    if args.quick:
        args.interviews = 300
    workdir = Path(tempfile.mkdtemp(prefix="bench-report-"))
    db = args.db or workdir / "report.db"
    if not db.exists():
        began = time.perf_counter()
        asyncio.run(build(db, args.interviews))
        print(f"built {db} in {time.perf_counter() - began:.1f} s")
    answers = int(subprocess.check_output(["sqlite3", str(db), "SELECT count(*) FROM answer"]))
    interviews_n = int(
        subprocess.check_output(["sqlite3", str(db), "SELECT count(*) FROM interview"])
    )
    out = workdir / "report.json"
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{db}", "DIALOGS_DIR": str(DIALOGS)}
    command = [str(ROOT / ".venv" / "bin" / "perceptions"), "report", "cycling_to_work",
               "--format", "json", "-o", str(out)]  # fmt: skip
    began = time.perf_counter()
    subprocess.run(command, env=env, check=True, cwd=workdir, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - began
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = child.ru_maxrss / 1024  # KiB on Linux
    cpu = child.ru_utime + child.ru_stime  # steadier than wall time on a shared machine
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"report --format json: {interviews_n:,} interviews, {answers:,} answers")
    print(
        f"  time {seconds:.2f} s (target ≤ {TARGET_S:.0f} s), CPU {cpu:.2f} s (user + sys), "
        f"peak memory {peak:.0f} MiB, output {out.stat().st_size / 1024:.0f} KiB"
    )
    # A loaded machine is slower: the load says how far to trust the time.
    print(f"  load average (1, 5, 15 min): {load} on {os.cpu_count()} cores")
    if interviews_n >= 100_000:
        print(f"{'PASS' if seconds <= TARGET_S else 'MISS'}: {seconds:.2f} s for "
              f"{interviews_n:,} interviews (target ≤ {TARGET_S:.0f} s)")  # fmt: skip
    if args.stages:
        print("stages (in-process):")
        asyncio.run(stages(db))


if __name__ == "__main__":
    main()
