"""The coding CSV: open answers out to a spreadsheet for coders, their `themes` column back in.

One row per group of the same answer to a question (main answer and probe follow-ups in one
cell; "no time", "No time." and "no time!" are one row): `count` says how many answers the row
stands for, `same_answers` lists the ids of the others, and the row's themes code them all.
The `themes` column starts as the themes in force; coders edit it, and applying the file stores
an override for each answer whose themes now differ. A file is checked whole before anything is
stored.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from bot.imports.problems import NOT_UTF8, CsvImportError, CsvProblem
from bot.report.csv_cells import safe_text, timestamp, unsafe_text
from bot.review.open_answers import (
    OpenAnswer,
    find_open_answers,
    open_answers,
    open_questions,
    question_text,
    save_coding,
    theme_ids,
)
from bot.review.queue import group_open_answers
from bot.script import Script
from storage import Repository

HEADER = (
    "answer_id", "question", "question_text", "answer", "count", "automatic", "override",
    "override_by", "override_at", "themes", "same_answers",
)
REQUIRED = ("answer_id", "themes")
THEME_JOIN = "; "
PROBE_MARK = "\n↳ "  # each probe follow-up on its own line of the answer cell
_THEME_SPLIT = re.compile(r"[;,\s]+")
_ID_SPLIT = re.compile(r"[;,\s]+")
MAX_CODER = 100  # the database keeps a coder's name in at most this many characters

CodingCsvError = CsvImportError  # the same problems, said the same way as the answers import


async def write_coding_csv(
    repository: Repository, script: Script, out: IO[str], *, uncoded_only: bool = False
) -> int:
    """Write the study's open answers as a coding sheet; returns the number of rows written."""
    questions = {q.id: question_text(script, q) for q in open_questions(script)}
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    by_question: dict[str, list[OpenAnswer]] = {q: [] for q in questions}
    async for answer in open_answers(repository, script):
        by_question[answer.question_id].append(answer)
    rows = 0
    for answers in by_question.values():
        for group in group_open_answers(answers):
            if uncoded_only and not any(a.uncoded for a in group):
                continue
            answer = group[0]
            override = answer.override
            writer.writerow((
                answer.answer_id, answer.question_id, safe_text(questions[answer.question_id]),
                safe_text(said(answer)), len(group), _themes(answer.automatic),
                _themes(override.themes) if override else "",
                safe_text(override.coder) if override else "",
                timestamp(override.created_at) if override else "",
                _themes(answer.themes), " ".join(str(a.answer_id) for a in group[1:]),
            ))
            rows += 1
    return rows


def said(answer: OpenAnswer) -> str:
    """The answer cell: the main answer, then each probe follow-up on its own line after what
    the bot asked, e.g. "sun\n↳ [Could you give me an example…?] when it is dry"."""
    probes = [f"{PROBE_MARK}[{asked}] {text}" if asked else f"{PROBE_MARK}{text}"
              for asked, text in answer.probe_lines]
    return answer.text + "".join(probes)


def _themes(themes: Sequence[str] | frozenset[str]) -> str:
    return THEME_JOIN.join(sorted(themes))


@dataclass(frozen=True)
class CodingRow:
    """One row of a coding sheet as read back: which answer, and the themes the coder chose."""

    row: int
    answer_id: int
    themes: tuple[str, ...]
    same: tuple[int, ...] = ()  # the other answers of the row's group, coded alike

    @property
    def answer_ids(self) -> tuple[int, ...]:
        """Every answer the row codes."""
        return (self.answer_id, *self.same)


def read_coding_csv(data: bytes) -> list[CodingRow]:
    """The rows of a coding sheet; raises `CodingCsvError` listing every problem of its shape."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CodingCsvError([CsvProblem(0, "", NOT_UTF8.format(line=line))]) from None
    if not text.strip():
        raise CodingCsvError([CsvProblem(0, "", "the file is empty; it needs a header row.")])
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","  # Excel in many locales
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = [name.strip().lower() for name in records[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        names = ", ".join(f"`{m}`" for m in missing)
        raise CodingCsvError([CsvProblem(1, "", (
            f"the column{'s' if len(missing) > 1 else ''} {names} "
            f"{'are' if len(missing) > 1 else 'is'} missing; keep the header row of the file "
            "`perceptions code STUDY --out` wrote."
        ))])
    at = {name: header.index(name) for name in REQUIRED}
    same_at = header.index("same_answers") if "same_answers" in header else None
    problems: list[CsvProblem] = []
    rows: list[CodingRow] = []
    seen: dict[int, int] = {}
    for number, cells in enumerate(records[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        raw_id = unsafe_text(cells[at["answer_id"]].strip())
        if not raw_id.isdigit():
            problems.append(CsvProblem(number, "answer_id", f"'{raw_id}' is not an answer id "
                                       "(a whole number from the exported file)."))
            continue
        answer_id = int(raw_id)
        raw_same = cells[same_at].strip() if same_at is not None else ""
        same_ids = [t for t in _ID_SPLIT.split(unsafe_text(raw_same)) if t]
        bad = [t for t in same_ids if not t.isdigit()]
        if bad:
            problems.append(CsvProblem(number, "same_answers", f"'{bad[0]}' is not an answer id; "
                                       "keep the ids the exported file listed."))  # fmt: skip
            continue
        ids = [answer_id, *map(int, same_ids)]
        again = [i for i in ids if i in seen]
        if again:
            problems.append(CsvProblem(number, "answer_id", f"answer {again[0]} is already in "
                                       f"row {seen[again[0]]}; keep one row per answer."))
            continue
        seen.update((i, number) for i in ids)
        themes = unsafe_text(cells[at["themes"]].strip())
        chosen = tuple(dict.fromkeys(t.lower() for t in _THEME_SPLIT.split(themes) if t))
        rows.append(CodingRow(number, answer_id, chosen, tuple(ids[1:])))
    if problems:
        raise CodingCsvError(problems)
    return rows


def check_rows(
    script: Script, rows: Sequence[CodingRow], answers: dict[int, OpenAnswer]
) -> list[CsvProblem]:
    """What is wrong with the rows given the study: unknown answers, themes not in the codebook."""
    valid = {q.id: theme_ids(q) for q in open_questions(script)}
    problems: list[CsvProblem] = []
    for row in rows:
        missing = [i for i in row.answer_ids if i not in answers]
        if missing:
            problems.append(CsvProblem(row.row, "answer_id", (
                f"there is no open answer {missing[0]} in study {script.study_id}; "
                "export a fresh sheet with `perceptions code STUDY --out`."
            )))
            continue
        answer = answers[row.answer_id]
        if any(answers[i].question_id != answer.question_id for i in row.same):
            problems.append(CsvProblem(row.row, "same_answers", (
                "these answers answer different questions; keep the ids the exported file listed."
            )))
            continue
        themes = valid[answer.question_id]
        unknown = [t for t in row.themes if t not in themes]
        if unknown:
            problems.append(CsvProblem(row.row, "themes", (
                f"{', '.join(repr(t) for t in unknown)} "
                f"{'are not themes' if len(unknown) > 1 else 'is not a theme'} of question "
                f"`{answer.question_id}`; "
                + (f"its themes are: {', '.join(themes)}." if themes
                   else "it has no codebook themes, so leave the cell empty.")
            )))
    return problems


async def apply_coding_csv(
    repository: Repository, script: Script, data: bytes, *, coder: str, now: datetime,
    independent: bool = False,
) -> int:  # fmt: skip
    """Store the sheet's themes as overrides where they changed, all or none; returns how many.

    `independent`: the sheet is a second coder's, kept apart to measure agreement (never in force).
    """
    coder = coder.strip()
    if not coder or len(coder) > MAX_CODER:
        raise CodingCsvError([CsvProblem(0, "", (
            f"give the coder's name (1-{MAX_CODER} characters), e.g. --coder \"Ana\"."
        ))])
    rows = read_coding_csv(data)
    answers = await find_open_answers(repository, script, (i for r in rows for i in r.answer_ids))
    problems = check_rows(script, rows, answers)
    if problems:
        raise CodingCsvError(problems)
    # Every row is checked before the first is stored, so a bad file stores nothing.
    changed = 0
    for row in rows:
        for answer_id in row.answer_ids:
            if await save_coding(repository, answers[answer_id], row.themes, coder=coder,
                                 now=now, independent=independent):  # fmt: skip
                changed += 1
    return changed
