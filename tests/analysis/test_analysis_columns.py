"""Bulk input: answers as batches of columns give the very same analysis as answer records."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

from analysis_fakes import StudyBuilder, planted_study

from bot.analysis import CodingOverride, Summary, analyse
from bot.analysis.records import AnswerColumns, AnswerRecord, answer_columns
from bot.script import Script


def _json(summary: Summary) -> str:
    return json.dumps(summary.to_jsonable())


def _shuffled_between_interviews(answers: list[AnswerRecord]) -> list[AnswerRecord]:
    """Interviews in a random order, each one's answers still together (as storage streams them)."""
    by_interview: dict[int, list[AnswerRecord]] = {}
    for answer in answers:
        by_interview.setdefault(answer.interview_id, []).append(answer)
    groups = list(by_interview.values())
    random.Random(3).shuffle(groups)
    return [a for group in groups for a in group]


def test_columns_in_small_batches_match_records(cycling: Script, planted: StudyBuilder) -> None:
    """Tiny batches cut interviews apart: quotes, uncoded answers and drop-off still come out alike."""
    planted.interview("abandoned", None, {"days": 0, "hard": "no idea", "good": "fresh air"})
    answers = _shuffled_between_interviews(planted.answers)
    expected = analyse(cycling, planted.interviews, answers)
    batches = list(answer_columns(answers, batch=7))
    assert len(batches) > 50
    assert _json(analyse(cycling, planted.interviews, columns=batches)) == _json(expected)


def test_iso_text_times_work_like_datetimes(cycling: Script) -> None:
    """Storage hands over answer times as ISO text: only their order matters (where people stopped)."""
    study = StudyBuilder()
    study.interview("abandoned", None, {"days": 0, "stage": "pre", "hard": "no idea"})
    latest_first = study.answers[::-1]  # so the stream's order cannot stand in for the times
    columns = AnswerColumns(
        [a.interview_id for a in latest_first],
        [a.question_id for a in latest_first],
        [a.probe for a in latest_first],
        [a.raw for a in latest_first],
        [a.value for a in latest_first],
        [a.answered_at.astimezone(UTC).isoformat(timespec="microseconds") for a in latest_first],
    )
    [stopped] = analyse(cycling, study.interviews, columns=[columns]).fieldwork.dropoff
    assert (stopped.question, stopped.count) == ("hard", 1)


def test_overrides_apply_to_column_batches(cycling: Script) -> None:
    study = planted_study()
    hard = next(a for a in study.answers if a.question_id == "hard")
    override = CodingOverride(hard.interview_id, "hard", 0, ("cost",), "ana", datetime.now(UTC))
    expected = analyse(cycling, study.interviews, study.answers, [override])
    bulk = analyse(cycling, study.interviews, (), [override], columns=answer_columns(study.answers))
    assert _json(bulk) == _json(expected)
    assert any(r.theme == "cost" and r.doers_n + r.nondoers_n == 1 for r in bulk.rows)
