"""Turning result rows into the frozen records of `storage.records`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table

from bot.vocabulary import Group, InterviewStatus
from storage.models import (
    Answer,
    AppliedUpdate,
    CodebookKeyword,
    CodingOverride,
    Interview,
    RepliedUpdate,
    Respondent,
    ScriptVersion,
    Study,
)
from storage.records import (
    AnswerRecord,
    AnswerRow,
    InterviewRecord,
    RespondentRecord,
    ScriptVersionRecord,
    StoredAnswer,
)


def table(model: type[Any]) -> Table:
    """The Core table behind a SQLModel class (Core keeps the hot path fast)."""
    result = model.__table__
    assert isinstance(result, Table)
    return result


STUDY = table(Study)
SCRIPT_VERSION = table(ScriptVersion)
RESPONDENT = table(Respondent)
INTERVIEW = table(Interview)
ANSWER = table(Answer)
APPLIED_UPDATE = table(AppliedUpdate)
REPLIED_UPDATE = table(RepliedUpdate)
CODING_OVERRIDE = table(CodingOverride)
CODEBOOK_KEYWORD = table(CodebookKeyword)


def group_or_none(value: str | None) -> Group | None:
    """The stored group as an enum."""
    return None if value is None else Group(value)


def script_version(row: Any) -> ScriptVersionRecord:
    """A `script_version` row as a record."""
    return ScriptVersionRecord(
        id=row.id, study_id=row.study_id, sha256=row.sha256, text=row.text,
        created_at=row.created_at,
    )


def respondent(row: Any) -> RespondentRecord:
    """A `respondent` row as a record."""
    return RespondentRecord(
        pseudonym=row.pseudonym, language=row.language, source=row.source,
        consent_at=row.consent_at, opted_out_at=row.opted_out_at, blocked_at=row.blocked_at,
        created_at=row.created_at,
    )


def interview(row: Any) -> InterviewRecord:
    """An `interview` row as a record."""
    return InterviewRecord(
        id=row.id, pseudonym=row.pseudonym, study_id=row.study_id,
        script_version_id=row.script_version_id, state=row.state, step=row.step,
        status=InterviewStatus(row.status), group=group_or_none(row.group), source=row.source,
        language=row.language, started_at=row.started_at, updated_at=row.updated_at,
        completed_at=row.completed_at, reminded_at=row.reminded_at, own_id=row.own_id,
        undelivered_step=row.undelivered_step,
    )


# Columns selected for `stored_answer`, in one place so the query and the reader agree.
STORED_ANSWER_COLUMNS = (
    ANSWER.c.id, ANSWER.c.interview_id, INTERVIEW.c.pseudonym, INTERVIEW.c.group,
    INTERVIEW.c.status, ANSWER.c.question_id, ANSWER.c.probe, ANSWER.c.raw_text,
    ANSWER.c.value, ANSWER.c.answered_at, ANSWER.c.probe_asked,
)


def stored_answer(row: Any) -> StoredAnswer:
    """A row of `STORED_ANSWER_COLUMNS` as a record."""
    return StoredAnswer(
        id=row.id, interview_id=row.interview_id, pseudonym=row.pseudonym,
        group=group_or_none(row.group), status=InterviewStatus(row.status),
        question_id=row.question_id, probe=row.probe, raw_text=row.raw_text, value=row.value,
        answered_at=row.answered_at, asked=row.probe_asked,
    )


def plain_answer(row: Any) -> AnswerRow:
    """A row of `STORED_ANSWER_COLUMNS` (values already decoded) as plain values."""
    return (
        row.id, row.interview_id, row.pseudonym, row.group, row.status, row.question_id,
        row.probe, row.raw_text, row.value,
        row.answered_at.astimezone(UTC).isoformat(timespec="microseconds"), row.probe_asked,
    )


def answer_row(
    interview_id: int, answer: AnswerRecord, now: datetime, update_id: int | None
) -> dict[str, Any]:
    """Column values of one answer."""
    return {
        "interview_id": interview_id,
        "question_id": answer.question_id,
        "probe": answer.probe,
        "raw_text": answer.raw_text,
        "value": answer.value,
        "answered_at": now,
        "update_id": update_id,
        "probe_asked": answer.asked,
    }
