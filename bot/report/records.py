"""The one adapter from storage's rows to the analysis's input records."""

from __future__ import annotations

from collections.abc import Mapping

from bot.analysis import records as analysis
from storage import (
    AnswerColumnBatch,
    CodingOverrideRecord,
    InterviewHeader,
    InterviewRecord,
    StoredAnswer,
)


def interview_record(
    interview: InterviewRecord | InterviewHeader, default_language: str
) -> analysis.InterviewRecord:
    """A stored interview as the analysis sees it (its pseudonym stays behind)."""
    return analysis.InterviewRecord(
        interview_id=interview.id,
        status=interview.status,
        group=interview.group,
        source=interview.source,
        language=interview.language or default_language,
        started_at=interview.started_at,
        completed_at=interview.completed_at,
    )


def answer_record(answer: StoredAnswer, language: str) -> analysis.AnswerRecord:
    """A stored answer as the analysis sees it, in its interview's language."""
    return analysis.AnswerRecord(
        interview_id=answer.interview_id,
        question_id=answer.question_id,
        probe=answer.probe,
        raw=answer.raw_text or "",
        value=answer.value,
        language=language,
        answered_at=answer.answered_at,
    )


def answer_columns(batch: AnswerColumnBatch) -> analysis.AnswerColumns:
    """A batch of stored answer columns as the analysis's columns."""
    # Once per answer of the study, so in C: no record, no datetime (the analysis only compares
    # the stored UTC text, which sorts like the time), no language (it reads the interview's).
    return analysis.AnswerColumns(
        batch.interview_ids, batch.question_ids, batch.probes, batch.raw_texts,
        batch.values, batch.answered_at,
    )  # fmt: skip


def override_record(
    override: CodingOverrideRecord, key: analysis.AnswerKey
) -> analysis.CodingOverride:
    """A researcher's coding of the answer with this (interview, question, probe) key."""
    interview_id, question_id, probe = key
    return analysis.CodingOverride(
        interview_id, question_id, probe, override.themes, override.coder, override.created_at
    )


def override_records(
    overrides: Mapping[int, CodingOverrideRecord], keys: Mapping[int, analysis.AnswerKey]
) -> list[analysis.CodingOverride]:
    """Overrides (by answer id) whose answer is still stored, keyed the analysis's way."""
    return [override_record(o, keys[i]) for i, o in overrides.items() if i in keys]
