"""Writing many finished interviews at once (imports from paper or other tools)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from storage import rows
from storage.records import Group, ImportedInterview, InterviewStatus
from storage.rows import ANSWER, INTERVIEW, RESPONDENT


def check_importable(interviews: Sequence[ImportedInterview]) -> None:
    """Refuse, with a sentence a researcher can act on, what the database would reject."""
    for item in interviews:
        keys = [(a.question_id, a.probe) for a in item.answers]
        if len(keys) != len(set(keys)):
            raise ValueError(
                f"Respondent {item.pseudonym!r} answers the same question twice; "
                "keep one answer per question and probe."
            )


def write_interviews(
    conn: Connection,
    *,
    insert: Callable[[Any], Any],
    study_id: str,
    script_version_id: int,
    interviews: Sequence[ImportedInterview],
    now: datetime,
) -> list[int]:
    """Insert respondents (if new), interviews and answers inside the caller's transaction."""
    ids: list[int] = []
    for item in interviews:
        conn.execute(
            insert(RESPONDENT)
            .values(
                pseudonym=item.pseudonym, language=item.language, source=item.source,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=[RESPONDENT.c.pseudonym])
        )
        finished = item.completed_at or item.started_at
        interview_id = conn.scalar(
            INTERVIEW.insert()
            .values(
                pseudonym=item.pseudonym, study_id=study_id, script_version_id=script_version_id,
                state=item.state, step=0, status=InterviewStatus(item.status).value,
                group=None if item.group is None else Group(item.group).value,
                source=item.source, language=item.language, started_at=item.started_at,
                updated_at=finished, completed_at=item.completed_at,
            )
            .returning(INTERVIEW.c.id)
        )
        assert interview_id is not None
        if item.answers:
            conn.execute(
                ANSWER.insert(),
                [rows.answer_row(interview_id, a, finished, None) for a in item.answers],
            )
        ids.append(interview_id)
    return ids
