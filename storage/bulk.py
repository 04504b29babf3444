"""Writing many finished interviews at once (imports from paper or other tools), streamed.

The interviews come from an iterable consumed inside the caller's one write transaction, a batch
at a time: memory stays flat for a file of any length, and an error raised by the iterable (a
bad row found late) rolls everything back. Values go through the columns' own SQLAlchemy types,
so rows written here read back exactly as rows written one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from storage.records import Group, ImportedInterview, InterviewStatus
from storage.rows import ANSWER, INTERVIEW, RESPONDENT

BATCH = 1000  # interviews per round of statements


def check_importable(item: ImportedInterview) -> None:
    """Refuse, with a sentence a researcher can act on, what the database would reject."""
    keys = [(a.question_id, a.probe) for a in item.answers]
    if len(keys) != len(set(keys)):
        raise ValueError(
            f"Respondent {item.pseudonym!r} answers the same question twice; "
            "keep one answer per question and probe."
        )


def batches(interviews: Iterable[ImportedInterview]) -> Iterator[list[ImportedInterview]]:
    """The interviews in lists of `BATCH`, each one checked."""
    items = iter(interviews)
    while batch := list(islice(items, BATCH)):
        for item in batch:
            check_importable(item)
        yield batch


def write_interviews(
    conn: Connection,
    *,
    insert: Callable[[Any], Any],
    study_id: str,
    script_version_id: int,
    interviews: Iterable[ImportedInterview],
    now: datetime,
) -> list[int]:
    """Insert respondents (if new), interviews and answers inside the caller's transaction."""
    ids: list[int] = []
    sqlite = conn.dialect.name == "sqlite"
    for batch in batches(interviews):
        conn.execute(
            insert(RESPONDENT).on_conflict_do_nothing(index_elements=[RESPONDENT.c.pseudonym]),
            [{"pseudonym": i.pseudonym, "language": i.language, "source": i.source,
              "created_at": now} for i in batch],
        )
        values = [_interview(i, study_id, script_version_id) for i in batch]
        if sqlite:
            # We hold SQLite's write lock (BEGIN IMMEDIATE): nobody else can take the next ids.
            first = (conn.scalar(select(func.max(INTERVIEW.c.id))) or 0) + 1
            batch_ids = list(range(first, first + len(batch)))
            conn.execute(INTERVIEW.insert(), [v | {"id": n} for v, n in zip(values, batch_ids,
                                                                           strict=True)])
        else:
            stmt = INTERVIEW.insert().returning(INTERVIEW.c.id, sort_by_parameter_order=True)
            batch_ids = list(conn.execute(stmt, values).scalars())
        answers = [
            {"interview_id": interview_id, "question_id": a.question_id, "probe": a.probe,
             "raw_text": a.raw_text, "value": a.value, "answered_at": finished, "update_id": None}
            for item, interview_id in zip(batch, batch_ids, strict=True)
            for finished in (item.completed_at or item.started_at,)
            for a in item.answers
        ]
        if answers:
            conn.execute(ANSWER.insert(), answers)
        ids += batch_ids
    return ids


def _interview(item: ImportedInterview, study_id: str, script_version_id: int) -> dict[str, Any]:
    return {
        "pseudonym": item.pseudonym, "study_id": study_id, "script_version_id": script_version_id,
        "state": item.state, "step": 0, "status": InterviewStatus(item.status).value,
        "group": None if item.group is None else Group(item.group).value,
        "source": item.source, "language": item.language, "started_at": item.started_at,
        "updated_at": item.completed_at or item.started_at, "completed_at": item.completed_at,
        "reminded_at": None, "own_id": item.own_id,
    }
