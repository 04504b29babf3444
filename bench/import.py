"""Speed and memory of `perceptions import` on a large wide CSV of the Barrier Analysis example.

Writes N rows as our wide export lays them out (54 columns of the cycling-to-work script: doers,
non-doers, screened-out and excluded people, probes, split multiple choices), then runs the real
command in a child process on a fresh SQLite database: read → check → replay → store, all or
nothing. Targets for 100k rows: at most 20 s and at most 200 MiB of peak memory. Usage:
    .venv/bin/python -m bench.import [--rows 100000] [--keep DIR] [--quick]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine import CONSENT, DONE, Pick, TextInput, begin, handle  # noqa: E402
from bot.report.csv_cells import SEPARATOR, wide_header  # noqa: E402
from bot.script import QuestionType, Script, load_script  # noqa: E402
from bot.vocabulary import InterviewStatus  # noqa: E402

SCRIPT = ROOT / "dialogs" / "cycling-to-work.yaml"
STUDY = "cycling_to_work"
TARGET_S, TARGET_MIB = 20.0, 200.0  # for 100k rows
DISTINCT = 2000  # different interviews walked through the engine; the file repeats them
WORDS = ("traffic danger cars rain sweat shower time tired hills bike lanes cheap healthy fresh "
         "air parking stolen helmet colleagues kids school dark winter").split()


def interview(script: Script, rng: random.Random) -> dict[str, str]:
    """One respondent's cells, answered the way the bot would accept them."""
    state = handle(script, begin(script, language="en").state, Pick(CONSENT, "yes")).state
    cells: dict[str, str] = {"language": rng.choice(["en", "en", "fr"])}
    while state.status == InterviewStatus.active and state.current:
        question = script.by_id[state.current]
        if state.probes:
            text = " ".join(rng.sample(WORDS, 5))
            cells[f"{question.id}{SEPARATOR}probe{state.probes}"] = text
            state = handle(script, state, TextInput(text)).state
            continue
        if question.type == QuestionType.text:
            text = " ".join(rng.sample(WORDS, rng.choice([2, 4, 6])))
            cells[question.id] = text
            state = handle(script, state, TextInput(text)).state
        elif question.type == QuestionType.number:
            low, high = int(question.spec.min or 0), int(min(question.spec.max or 7, 60))
            adult = question.id == "age" and high >= 16
            number = str(rng.randint(max(low, 16), high) if adult else
                         rng.randint(low, max(low, min(high, 7))))
            cells[question.id] = number
            state = handle(script, state, TextInput(number)).state
        elif question.type == QuestionType.multiple_choice:
            picks = rng.sample([o.value for o in question.options], 2)
            for option in question.options:
                cells[f"{question.id}{SEPARATOR}{option.value}"] = str(int(option.value in picks))
            for pick in picks:
                state = handle(script, state, Pick(question.id, pick)).state
            state = handle(script, state, Pick(question.id, DONE)).state
        else:
            weights = [4] + [1] * (len(question.options) - 1)  # most people fit the study
            option = rng.choices(question.options, weights=weights)[0]
            cells[question.id] = option.value
            state = handle(script, state, Pick(question.id, option.value)).state
    return cells


def write_csv(path: Path, rows: int, *, script_path: Path = SCRIPT, seed: int = 7) -> None:
    """`rows` respondents: DISTINCT walks through the engine, each reused with fresh open answers
    (1 to 9 words, some vague, some probes left unanswered) so that no two rows are alike."""
    script = load_script(script_path)
    rng = random.Random(seed)
    walks = [interview(script, rng) for _ in range(min(rows, DISTINCT))]
    texts = {q.id for q in script.questions if q.type == QuestionType.text}
    header = wide_header(script)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for n in range(rows):
            cells = walks[n % len(walks)] | {"respondent": f"R-{n:07d}"}
            for name in list(cells):
                question = name.split(SEPARATOR)[0]
                if question in texts and cells[name]:
                    probe = name != question
                    cells[name] = "" if probe and rng.random() < 0.2 else _open_answer(rng)
            writer.writerow([cells.get(name, "") for name in header])


def _open_answer(rng: random.Random) -> str:
    if rng.random() < 0.05:
        return rng.choice(["don't know", "nothing", "not really"])
    return " ".join(rng.sample(WORDS, rng.randint(1, 9)))


def run(rows: int, workdir: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak MiB of `perceptions import` on `rows` rows."""
    data = workdir / "answers.csv"
    write_csv(data, rows)
    db = workdir / "import.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{db}", "PSEUDONYM_KEY": "b" * 43,
           "DIALOGS_DIR": str(ROOT / "dialogs")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bot", "import", STUDY, str(data)], env=env,
                          cwd=workdir, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"perceptions import failed:\n{done.stdout}{done.stderr}")
    if f"Imported {rows:,} interview" not in done.stdout:
        raise SystemExit(f"unexpected output:\n{done.stdout}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="1,000 rows: checks it still runs")
    parser.add_argument("--keep", type=Path, help="Keep the CSV and database in this folder.")
    args = parser.parse_args()
    rows = 1000 if args.quick else args.rows
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="bench-import-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        wall, cpu, peak = run(rows, workdir)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    size = f"{rows:,} rows of {len(wide_header(load_script(SCRIPT)))} columns"
    print(f"perceptions import, {size}: {wall:.1f} s wall ({rows / wall:,.0f} rows/s), "
          f"{cpu:.1f} s CPU ({rows / cpu:,.0f} rows/s), peak memory {peak:.0f} MiB")
    if rows < 100_000:
        print("(targets are for 100,000 rows: run without --quick to check them)")
        return
    print(f"{'PASS' if wall <= TARGET_S else 'MISS'} time: {wall:.1f} s (target ≤ {TARGET_S:.0f} s)")
    print(f"{'PASS' if peak <= TARGET_MIB else 'MISS'} memory: {peak:.0f} MiB "
          f"(target ≤ {TARGET_MIB:.0f} MiB)")


if __name__ == "__main__":
    main()
