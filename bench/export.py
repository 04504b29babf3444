"""Speed and memory of `perceptions export --format long` against `sqlite3 -csv` on 1M answers.

Targets: at least 0.5× the sqlite3 CLI's speed (wall clock; CPU seconds are shown too, being
steadier on a shared machine), at most 50 MiB memory growth. Usage:
    .venv/bin/python bench/export.py [--answers 1000000] [--repeat 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from math import inf
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "exports" / "study.yaml"
STUDY = "commute"
PER_INTERVIEW = 50
WHEN = "2024-05-01 09:00:00.000000"
SQL = (
    "SELECT i.pseudonym, a.interview_id, i.status, i.\"group\", a.question_id, a.probe, "
    "a.raw_text, a.value, a.answered_at FROM answer a JOIN interview i ON i.id = a.interview_id "
    f"WHERE i.study_id = '{STUDY}' ORDER BY a.interview_id, a.id"
)


def build(db: Path, answers: int) -> None:
    """A migrated database holding `answers` answers, written by bulk inserts."""
    sys.path.insert(0, str(ROOT))
    from storage import upgrade

    asyncio.run(upgrade(f"sqlite+aiosqlite:///{db}"))
    interviews = answers // PER_INTERVIEW
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO study (id, title) VALUES (?, 'Commute')", (STUDY,))
        conn.execute(
            "INSERT INTO script_version (study_id, sha256, text, created_at) VALUES (?, ?, ?, ?)",
            (STUDY, "0" * 64, SCRIPT.read_text(), WHEN),
        )
        conn.executemany(
            "INSERT INTO respondent (pseudonym, language, created_at) VALUES (?, 'en', ?)",
            ((f"{n:064x}", WHEN) for n in range(interviews)),
        )
        conn.executemany(
            "INSERT INTO interview (id, pseudonym, study_id, script_version_id, state, step, "
            "status, \"group\", language, started_at, updated_at, completed_at) "
            "VALUES (?, ?, ?, 1, '{}', 0, 'completed', ?, 'en', ?, ?, ?)",
            (
                (n + 1, f"{n:064x}", STUDY, "doer" if n % 2 else "non_doer", WHEN, WHEN, WHEN)
                for n in range(interviews)
            ),
        )
        conn.executemany(
            "INSERT INTO answer (interview_id, question_id, probe, raw_text, value, answered_at) "
            "VALUES (?, ?, 0, ?, ?, ?)",
            (
                (n // PER_INTERVIEW + 1, f"q{n % PER_INTERVIEW:02d}", text, json.dumps(text), WHEN)
                for n in range(interviews * PER_INTERVIEW)
                for text in (f"answer number {n} with a few words",)
            ),
        )
    conn.close()


def timed(command: list[str], env: dict[str, str], stdout: Path) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one command, its output sent to a file."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with stdout.open("wb") as out:
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=out, stderr=subprocess.DEVNULL, check=True)
        wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def verdict(ok: bool) -> str:
    """PASS or MISS."""
    return "PASS" if ok else "MISS"


def growth_child(database_url: str) -> None:
    """(Run in a subprocess.) Peak RSS growth of `export_csv` once everything is imported."""
    sys.path.insert(0, str(ROOT))
    from bot.report.exports import export_csv
    from bot.script import load_script
    from storage import create_repository

    script = load_script(SCRIPT)

    async def run(out: IO[str]) -> int:
        repository = create_repository(database_url)
        await repository.study_counts(study_id=STUDY)  # open the pool before the baseline
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        await export_csv(repository, script, "long", out)
        await repository.close()
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before

    with open(os.devnull, "w", newline="") as devnull:
        print(asyncio.run(run(devnull)))  # KiB on Linux


def main() -> None:
    """Build, run both exports, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="Build in this folder and keep it.")
    parser.add_argument("--repeat", type=int, default=2, help="Timed runs of each side.")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true",
                        help="5,000 answers, one run: checks it still runs")
    args = parser.parse_args()
    if args.quick:
        args.answers, args.repeat = 5000, 1
    if args.child:
        growth_child(args.child)
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="perceptions-export-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "bench.db"
    dialogs = work / "dialogs"
    dialogs.mkdir(exist_ok=True)
    shutil.copy(SCRIPT, dialogs / "study.yaml")
    try:
        if not db.exists():
            start = time.perf_counter()
            build(db, args.answers)
            print(f"built {args.answers:,} answers in {time.perf_counter() - start:.1f} s")
        url = f"sqlite+aiosqlite:///{db}"
        env = {**os.environ, "DATABASE_URL": url, "DIALOGS_DIR": str(dialogs)}
        cli = [str(Path(sys.executable).parent / "perceptions"), "export", STUDY,
               "--format", "long", "--codes"]
        sqlite_cli = shutil.which("sqlite3")
        if sqlite_cli:
            baseline_cmd = [sqlite_cli, "-csv", "-header", str(db), SQL]
            baseline = "sqlite3 -csv"
        else:  # Python's sqlite3 module and csv writer as a fallback baseline
            code = (
                "import csv,sqlite3,sys; w=csv.writer(sys.stdout); "
                f"w.writerows(sqlite3.connect({str(db)!r}).execute({SQL!r}))"
            )
            baseline_cmd = [sys.executable, "-c", code]
            baseline = "python sqlite3 + csv"
        # Interleaved and best of N: the machine may be shared, and a busy neighbour should
        # slow both sides of the comparison alike.
        ours, theirs = (inf, inf), (inf, inf)
        for _ in range(args.repeat):
            ours = min(ours, timed(cli, env, work / "ours.csv"))
            theirs = min(theirs, timed(baseline_cmd, env, work / "sqlite.csv"))
        grown = subprocess.run(
            [sys.executable, __file__, "--child", url], capture_output=True, text=True, check=True
        )
        growth_mib = int(grown.stdout.strip()) / 1024
        lines = sum(1 for _ in (work / "ours.csv").open(encoding="utf-8")) - 1
        ratio, cpu_ratio = theirs[0] / ours[0], theirs[1] / ours[1]
        print(f"perceptions export --format long: {ours[0]:.2f} s wall, {ours[1]:.2f} s CPU "
              f"({lines:,} rows, {lines / ours[0]:,.0f} rows/s; best of {args.repeat})")
        print(f"{baseline}: {theirs[0]:.2f} s wall, {theirs[1]:.2f} s CPU")
        print(f"speed ratio (wall, {baseline} / ours): {ratio:.2f}× (CPU: {cpu_ratio:.2f}×)")
        print(f"peak memory growth during export: {growth_mib:.1f} MiB")
        print(f"{verdict(ratio >= 0.5)} speed ≥ 0.5× {baseline}: {ratio:.2f}×")
        print(f"{verdict(growth_mib <= 50)} memory growth ≤ 50 MiB: {growth_mib:.1f} MiB")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
