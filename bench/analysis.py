"""Benchmark: `analyse` on a large generated study (default 100k interviews, ~3.2M answers; target: a few seconds).

Answers are streamed from a generator, as storage would; the time to generate them is measured
separately and subtracted. Usage: python bench/analysis.py [interviews]
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from bot.analysis import AnswerRecord, InterviewRecord, analyse
from bot.analysis.collect import collect
from bot.analysis.emerging import emerging_by_question
from bot.analysis.tabulate import tabulate
from bot.script import Script, check_source

OPEN, CLOSED = 10, 14
THEMES = ["traffic", "rain", "price", "time", "health", "money", "kids", "work", "fun", "bike"]
FILLER = "it is mostly about the way things are here and how I feel each day".split()
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def script_yaml() -> bytes:
    """A study with many open (coded) and closed determinant questions."""
    lines = [
        "version: 1",
        "study: {id: big, title: Big, behaviour: cycle, languages: [en], introduction: Hi,",
        "  consent: Start, closing: Thanks, contact: a@b.org}",
        "classification: {doer: {any: [{all: ['days >= 3']}]}, non_doer: {any: [{all: ['days == 0']}]}}",
        "questions:",
        "  - {id: days, type: number, min: 0, max: 7, text: Days}",
        "  - {id: stage, type: single_choice, segment: true, text: Stage,",
        "     choices: [{value: pre, label: Pre}, {value: con, label: Con}, {value: act, label: Act}]}",
        "  - {id: instead, type: multiple_choice, competing: alternative, text: Instead,",
        "     choices: [{value: car, label: Car}, {value: bus, label: Bus}, {value: walk, label: Walk}]}",
    ]
    for i in range(OPEN):
        themes = ", ".join(
            f"{{id: t{j}, label: T{j}, keywords: {{en: [{w}*, {w} stuff, very {w}]}}}}"
            for j, w in enumerate(THEMES[:5] if i % 2 else THEMES[5:])
        )
        lines.append(f"  - {{id: open{i}, type: text, determinant: perceived_self_efficacy,"
                     f" text: Q{i}, codebook: [{themes}]}}")  # fmt: skip
    for i in range(CLOSED):
        kind = ("yes_no", "scale, min: 1, max: 5", "single_choice, choices: [{value: a, label: A},"
                " {value: b, label: B}, {value: c, label: C}]")[i % 3]  # fmt: skip
        lines.append(
            f"  - {{id: closed{i}, type: {kind}, determinant: perceived_access, text: C{i}}}"
        )
    return ("\n".join(lines) + "\n").encode()


def interviews(n: int, rng: random.Random) -> list[InterviewRecord]:
    """Mostly completed doers and non-doers, some screened out or abandoned."""
    out = []
    for i in range(n):
        status = rng.choices(["completed", "abandoned", "screened_out"], [90, 7, 3])[0]
        group = ("doer" if i % 2 else "non_doer") if status == "completed" else None
        start = T0 + timedelta(minutes=i)
        done = start + timedelta(minutes=12) if status == "completed" else None
        out.append(InterviewRecord(i, status, group, rng.choice(["qr", None]), "en", start, done))
    return out


def answers(script: Script, people: list[InterviewRecord], seed: int) -> Iterator[AnswerRecord]:
    """About 32 answers per interview, streamed."""
    rng = random.Random(seed)
    texts = [
        " ".join(rng.sample(FILLER, 5) + rng.sample(THEMES, rng.randint(0, 2))) for _ in range(997)
    ]
    closed = [
        (q.id, [o.value for o in q.options]) for q in script.questions if q.id.startswith("closed")
    ]
    for person in people:
        iid, at = person.interview_id, person.started_at
        yield AnswerRecord(iid, "days", 0, "4", 4 if iid % 2 else 0, "en", at)
        yield AnswerRecord(iid, "stage", 0, "pre", rng.choice(("pre", "con", "act")), "en", at)
        if not iid % 2:
            yield AnswerRecord(iid, "instead", 0, "car", ["car"], "en", at)
        for i in range(OPEN):
            text = texts[(iid * 31 + i) % 997]
            yield AnswerRecord(iid, f"open{i}", 0, text, text, "en", at)
            if (iid + i) % 3 == 0:
                probe = texts[(iid * 7 + i) % 997]
                yield AnswerRecord(iid, f"open{i}", 1, probe, probe, "en", at)
        for question_id, values in closed:
            value = values[(iid + len(question_id)) % len(values)]
            yield AnswerRecord(
                iid, question_id, 0, value, int(value) if value.isdigit() else value, "en", at
            )


def main() -> None:
    """Print the figures."""
    # `--quick`: 500 interviews (the test suite runs it, so the benchmark can't rot).
    args = [a for a in sys.argv[1:] if a != "--quick"]
    quick = len(args) < len(sys.argv) - 1
    n = 500 if quick else int(args[0]) if args else 100_000
    script, problems = check_source(script_yaml())
    assert script is not None, problems
    people = interviews(n, random.Random(1))

    start = time.perf_counter()
    count = sum(1 for _ in answers(script, people, 2))
    generate = time.perf_counter() - start

    start = time.perf_counter()
    found = collect(script, people, answers(script, people, 2))
    one_pass = time.perf_counter() - start - generate
    start = time.perf_counter()
    rows = tabulate(script, found.tally)
    tab = time.perf_counter() - start

    start = time.perf_counter()
    emerging = emerging_by_question({q: list(kept) for q, kept in found.uncoded.items()})
    clustering = time.perf_counter() - start

    start = time.perf_counter()
    summary = analyse(script, people, answers(script, people, 2))
    total = time.perf_counter() - start - generate

    print(
        f"interviews {n:,}  answers {count:,}  rows {len(rows)}  segments {len(summary.segments)}"
    )
    print(f"generating the answer stream (not analysis): {generate:.2f} s")
    print(
        f"single pass (coding + tally): {one_pass:.2f} s = {1e6 * one_pass / count:.2f} µs/answer"
    )
    print(f"tabulate all rows: {1000 * tab:.1f} ms")
    print(
        f"emerging themes ({len(emerging)} from {len(found.uncoded)} questions): {clustering:.2f} s"
    )
    print(f"analyse() end to end, generation subtracted: {total:.2f} s")


if __name__ == "__main__":
    main()
