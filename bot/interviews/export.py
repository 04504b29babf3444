"""A long-format CSV of a study's answers, used until `bot.report.exports` is available."""

from __future__ import annotations

import csv
import json
from typing import IO

from storage import AnswerValue, Repository

HEADER = (
    "interview_id", "pseudonym", "group", "status", "question_id", "probe", "raw_text", "value",
    "answered_at",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def safe_cell(text: str) -> str:
    """Defuse spreadsheet formulas (CWE-1236): a leading = + - @ tab CR NUL gets a quote."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _value(value: AnswerValue) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


async def long_csv(repository: Repository, study_id: str, out: IO[str]) -> int:
    """Write one row per stored answer (pseudonyms only); returns the number of rows."""
    writer = csv.writer(out)
    writer.writerow(HEADER)
    count = 0
    async for answer in repository.stream_answers(study_id=study_id):
        writer.writerow([
            answer.interview_id, answer.pseudonym, answer.group or "", answer.status.value,
            answer.question_id, answer.probe, safe_cell(answer.raw_text or ""),
            safe_cell(_value(answer.value)), answer.answered_at.isoformat(),
        ])
        count += 1
    return count
