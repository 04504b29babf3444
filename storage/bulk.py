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

from bot.vocabulary import Group, InterviewStatus
from storage.records import ImportedInterview
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
    if conn.dialect.name == "sqlite":
        return _write_sqlite(conn, study_id, script_version_id, interviews, now)
    ids: list[int] = []
    for batch in batches(interviews):
        conn.execute(
            insert(RESPONDENT).on_conflict_do_nothing(index_elements=[RESPONDENT.c.pseudonym]),
            [{"pseudonym": i.pseudonym, "language": i.language, "source": i.source,
              "created_at": now} for i in batch],
        )
        values = [_interview(i, study_id, script_version_id) for i in batch]
        stmt = INTERVIEW.insert().returning(INTERVIEW.c.id, sort_by_parameter_order=True)
        batch_ids = list(conn.execute(stmt, values).scalars())
        answers = [
            {"interview_id": interview_id, "question_id": a.question_id, "probe": a.probe,
             "raw_text": a.raw_text, "value": a.value, "answered_at": finished, "update_id": None,
             "probe_asked": a.asked}
            for item, interview_id in zip(batch, batch_ids, strict=True)
            for finished in (item.completed_at or item.started_at,)
            for a in item.answers
        ]
        if answers:
            conn.execute(ANSWER.insert(), answers)
        ids += batch_ids
    return ids


_SQLITE_RESPONDENT = (
    "INSERT OR IGNORE INTO respondent (pseudonym, language, source, created_at) VALUES (?, ?, ?, ?)"
)
_SQLITE_INTERVIEW = (
    'INSERT INTO interview (id, pseudonym, study_id, script_version_id, state, step, status, "group",'
    " source, language, started_at, updated_at, completed_at, reminded_at, own_id)"
    " VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, NULL, ?)"
)
_SQLITE_ANSWER = (
    "INSERT INTO answer (interview_id, question_id, probe, raw_text, value, answered_at, update_id,"
    " probe_asked) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)"
)


def _write_sqlite(
    conn: Connection,
    study_id: str,
    script_version_id: int,
    interviews: Iterable[ImportedInterview],
    now: datetime,
) -> list[int]:
    """The same rows through the driver's executemany: SQLAlchemy's per-row work is the import's
    largest cost otherwise. Values still go through each column's SQLAlchemy type."""
    dialect = conn.dialect

    def processor(column: Any) -> Callable[[Any], Any]:
        found = column.type.bind_processor(dialect)
        return found if found is not None else (lambda value: value)

    as_json, when = processor(ANSWER.c.value), processor(ANSWER.c.answered_at)
    state_json = processor(INTERVIEW.c.state)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    # We hold SQLite's write lock (BEGIN IMMEDIATE): nobody else can take the next ids.
    next_id = (conn.scalar(select(func.max(INTERVIEW.c.id))) or 0) + 1
    created = when(now)
    ids: list[int] = []
    for batch in batches(interviews):
        cursor.executemany(_SQLITE_RESPONDENT, [(i.pseudonym, i.language, i.source, created)
                                                for i in batch])
        rows, answers = [], []
        for item in batch:
            started, completed = when(item.started_at), when(item.completed_at)
            finished = completed or started
            rows.append((next_id, item.pseudonym, study_id, script_version_id,
                         state_json(item.state), InterviewStatus(item.status).value,
                         None if item.group is None else Group(item.group).value, item.source,
                         item.language, started, finished, completed, item.own_id))
            answers += [(next_id, a.question_id, a.probe, a.raw_text, as_json(a.value), finished,
                         a.asked) for a in item.answers]
            ids.append(next_id)
            next_id += 1
        cursor.executemany(_SQLITE_INTERVIEW, rows)
        cursor.executemany(_SQLITE_ANSWER, answers)
    cursor.close()
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
