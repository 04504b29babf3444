"""Read-only queries over a whole study: counts, streamed exports, idle interviews."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, String, Text, cast, func, or_, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.vocabulary import Group, InterviewStatus
from storage import rows, sqlite_read
from storage.engine import is_sqlite
from storage.errors import translated
from storage.records import (
    AnswerColumnBatch,
    AnswerRow,
    AnswerValue,
    CodingOverrideRecord,
    InterviewHeader,
    InterviewRecord,
    LongAnswerBatch,
    StoredAnswer,
    StudyCounts,
)
from storage.rows import ANSWER, CODING_OVERRIDE, INTERVIEW, RESPONDENT, STORED_ANSWER_COLUMNS

# Rows fetched per round trip when streaming; memory stays flat however large the study.
_STREAM_BATCH = 1000


class StudyQueries:
    """Reads that span a study; mixed into `SqlRepository`."""

    _engine: AsyncEngine

    @asynccontextmanager
    async def _connect(self) -> AsyncIterator[AsyncConnection]:
        """A read connection; an outage inside raises `StorageUnavailable`."""
        async with translated(), self._engine.connect() as conn:
            yield conn

    async def idle_interviews(
        self, *, idle_since: datetime, study_id: str | None = None, limit: int = 100
    ) -> list[InterviewRecord]:
        """Active interviews untouched since `idle_since`, not yet reminded since, oldest first."""
        stmt = idle_statement(idle_since=idle_since, study_id=study_id, limit=limit)
        async with self._connect() as conn:
            return [rows.interview(row) for row in await conn.execute(stmt)]

    async def undelivered_interviews(self, *, limit: int = 100) -> list[InterviewRecord]:
        """Interviews whose current question could not be delivered, longest waiting first."""
        stmt = (
            select(INTERVIEW)
            .join(RESPONDENT, RESPONDENT.c.pseudonym == INTERVIEW.c.pseudonym)
            .where(
                INTERVIEW.c.undelivered_step.is_not(None),  # the index finds the few
                INTERVIEW.c.undelivered_step == INTERVIEW.c.step,
                RESPONDENT.c.opted_out_at.is_(None),
                RESPONDENT.c.blocked_at.is_(None),
            )
            .order_by(INTERVIEW.c.updated_at, INTERVIEW.c.id)
            .limit(limit)
        )
        async with self._connect() as conn:
            return [rows.interview(row) for row in await conn.execute(stmt)]

    async def study_counts(self, *, study_id: str) -> StudyCounts:
        """How many interviews of the study started and how they ended."""
        stmt = (
            select(INTERVIEW.c.status, INTERVIEW.c.group, func.count())
            .where(INTERVIEW.c.study_id == study_id)
            .group_by(INTERVIEW.c.status, INTERVIEW.c.group)
        )
        by_status: dict[str, int] = {}
        by_group: dict[str | None, int] = {}
        async with self._connect() as conn:
            for status, group, count in await conn.execute(stmt):
                by_status[status] = by_status.get(status, 0) + count
                if status == InterviewStatus.completed.value:
                    by_group[group] = by_group.get(group, 0) + count
        return StudyCounts(
            starts=sum(by_status.values()),
            **{status.name.lower(): by_status.get(status.value, 0) for status in InterviewStatus},
            doers=by_group.get(Group.doer.value, 0),
            non_doers=by_group.get(Group.non_doer.value, 0),
        )

    async def stream_answers(self, *, study_id: str) -> AsyncIterator[StoredAnswer]:
        """Every answer of the study by interview, then in the order first recorded; streamed."""
        stmt = _answers(study_id).execution_options(yield_per=_STREAM_BATCH)
        async with self._connect() as conn:
            # A batch per await: row by row, the async driver's context switch dominated the time.
            async for batch in (await conn.stream(stmt)).partitions():
                for row in batch:
                    yield rows.stored_answer(row)

    async def stream_answer_batches(
        self, *, study_id: str, batch_size: int = 5000
    ) -> AsyncIterator[list[AnswerRow]]:
        """`stream_answers` in lists of up to `batch_size` plain rows: the fast path for exports."""
        database = self._engine.url.database
        if is_sqlite(self._engine.url) and database and database != ":memory:":
            answers = _answers(study_id, with_interview=False)
            interviews = (
                select(INTERVIEW.c.id, INTERVIEW.c.pseudonym, INTERVIEW.c.group, INTERVIEW.c.status)
                .where(INTERVIEW.c.study_id == study_id)
                .order_by(INTERVIEW.c.id)
            )
            async for plain in sqlite_read.stream_answer_rows(
                database, self._sql(answers), self._sql(interviews), batch_size
            ):
                yield plain
            return
        stmt = _answers(study_id).execution_options(yield_per=batch_size)
        async with self._connect() as conn:
            result = await conn.stream(stmt)
            async for batch in result.partitions():
                yield [rows.plain_answer(row) for row in batch]

    async def stream_long_batches(
        self, *, study_id: str, batch_size: int = 5000
    ) -> AsyncIterator[LongAnswerBatch]:
        """`stream_answers` as `LongAnswerRow` batches of up to `batch_size`: the long export's read."""
        database = self._engine.url.database
        if is_sqlite(self._engine.url) and database and database != ":memory:":
            async for batch in sqlite_read.stream_long_batches(database, study_id, batch_size):
                yield batch
            return
        async for plain in self.stream_answer_batches(study_id=study_id, batch_size=batch_size):
            yield _long_batch(plain)

    async def stream_answer_columns(
        self, *, study_id: str, batch_size: int = 50_000
    ) -> AsyncIterator[AnswerColumnBatch]:
        """`stream_answers`' order in column batches of about `batch_size` answers: the report's read."""
        database = self._engine.url.database
        if is_sqlite(self._engine.url) and database and database != ":memory:":
            async for columns in sqlite_read.stream_answer_columns(database, study_id, batch_size):
                yield columns
            return
        on_sqlite = is_sqlite(self._engine.url)
        stmt = (
            select(
                ANSWER.c.interview_id, ANSWER.c.question_id, ANSWER.c.probe, ANSWER.c.raw_text,
                # The JSON as stored, decoded below a batch at a time.
                type_coerce(ANSWER.c.value, String) if on_sqlite else cast(ANSWER.c.value, Text),
                _stored_text(ANSWER.c.answered_at, on_sqlite=on_sqlite),
            )
            .join(INTERVIEW, INTERVIEW.c.id == ANSWER.c.interview_id)
            .where(INTERVIEW.c.study_id == study_id)
            .order_by(INTERVIEW.c.id, ANSWER.c.id)
            .execution_options(yield_per=batch_size)
        )
        async with self._connect() as conn:
            async for batch in (await conn.stream(stmt)).partitions():
                ids, questions, probes, raws, values, times = map(list, zip(*batch, strict=True))
                if on_sqlite:  # in memory, for tests: written by other means is possible
                    times = [sqlite_read.stored_utc(t) for t in times]
                yield AnswerColumnBatch(ids, questions, probes, raws, _decoded(values), times)

    async def stream_interview_headers(
        self, *, study_id: str, batch_size: int = 50_000
    ) -> AsyncIterator[list[InterviewHeader]]:
        """Every interview of the study in start order, without its state, in lists."""
        database = self._engine.url.database
        if is_sqlite(self._engine.url) and database and database != ":memory:":
            async for headers in sqlite_read.stream_interview_headers(
                database, study_id, batch_size
            ):
                yield headers
            return
        stmt = (
            select(
                INTERVIEW.c.id, INTERVIEW.c.status, INTERVIEW.c.group, INTERVIEW.c.source,
                INTERVIEW.c.language, INTERVIEW.c.started_at, INTERVIEW.c.completed_at,
                INTERVIEW.c.script_version_id,
            )
            .where(INTERVIEW.c.study_id == study_id)
            .order_by(INTERVIEW.c.id)
            .execution_options(yield_per=batch_size)
        )
        async with self._connect() as conn:
            async for batch in (await conn.stream(stmt)).partitions():
                yield [
                    InterviewHeader(
                        id, InterviewStatus(status), rows.group_or_none(group), source, language,
                        started, completed, version,
                    )
                    for id, status, group, source, language, started, completed, version in batch
                ]

    def _sql(self, stmt: Select[Any]) -> sqlite_read.Query:
        """A statement as SQL text and positional parameters for the plain driver."""
        compiled = stmt.compile(dialect=self._engine.dialect)
        return str(compiled), [compiled.params[name] for name in compiled.positiontup or ()]

    async def stream_interviews(self, *, study_id: str) -> AsyncIterator[InterviewRecord]:
        """Every interview of the study in start order; streamed."""
        stmt = (
            select(INTERVIEW)
            .where(INTERVIEW.c.study_id == study_id)
            .order_by(INTERVIEW.c.id)
            .execution_options(yield_per=_STREAM_BATCH)
        )
        async with self._connect() as conn:
            async for batch in (await conn.stream(stmt)).partitions():
                for row in batch:
                    yield rows.interview(row)

    async def coding_overrides(
        self, *, study_id: str, independent: bool = False
    ) -> dict[int, CodingOverrideRecord]:
        """The latest override of each overridden answer in the study, by answer id."""
        stmt = (
            select(CODING_OVERRIDE)
            .join(ANSWER, ANSWER.c.id == CODING_OVERRIDE.c.answer_id)
            .join(INTERVIEW, INTERVIEW.c.id == ANSWER.c.interview_id)
            .where(INTERVIEW.c.study_id == study_id,
                   CODING_OVERRIDE.c.independent == independent)
            .order_by(CODING_OVERRIDE.c.created_at, CODING_OVERRIDE.c.id)
        )
        latest: dict[int, CodingOverrideRecord] = {}
        async with self._connect() as conn:
            for row in await conn.execute(stmt):
                latest[row.answer_id] = CodingOverrideRecord(
                    answer_id=row.answer_id, themes=tuple(row.themes), coder=row.coder,
                    created_at=row.created_at,
                )
        return latest


def _decoded(values: list[Any]) -> list[AnswerValue]:
    """Stored JSON texts (SQLite may give a number as such, or SQL NULL) decoded in one call."""
    texts = [v if v.__class__ is str else "null" if v is None else repr(v) for v in values]
    decoded: list[AnswerValue] = json.loads(f"[{','.join(texts)}]")
    return decoded


def _stored_text(column: Any, *, on_sqlite: bool) -> ColumnElement[str]:
    """A timestamp column as UTC text "YYYY-MM-DD HH:MM:SS.ffffff", which sorts like the time."""
    if on_sqlite:
        return type_coerce(column, String)  # stored as such by the ORM
    return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD HH24:MI:SS.US")


def _long_batch(plain: list[AnswerRow]) -> LongAnswerBatch:
    """Plain rows (values decoded) as the long export's rows, for backends without a fast path."""
    interviews = {r[1]: (r[2], r[3], r[4]) for r in plain}
    return interviews, [
        (iid, qid, probe, raw, _json_or_same(value, raw), f"{at[:10]} {at[11:26]}", asked)
        for _, iid, _, _, _, qid, probe, raw, value, at, asked in plain
    ]


def _json_or_same(value: AnswerValue, raw: str | None) -> str | int | float | None:
    """A decoded value as `LongAnswerRow` holds it: None for raw_text itself, else JSON text."""
    if value.__class__ is str and value == raw:
        return None
    if value.__class__ in (int, float):
        return value
    return json.dumps(value)


def _answers(study_id: str, *, with_interview: bool = True) -> Select[Any]:
    """The study's answers (with their interview's fields), by interview then recording order."""
    columns = STORED_ANSWER_COLUMNS if with_interview else (
        ANSWER.c.id, ANSWER.c.interview_id, ANSWER.c.question_id, ANSWER.c.probe,
        ANSWER.c.raw_text, ANSWER.c.value, ANSWER.c.answered_at, ANSWER.c.probe_asked,
    )
    return (
        select(*columns)
        .join(INTERVIEW, INTERVIEW.c.id == ANSWER.c.interview_id)
        .where(INTERVIEW.c.study_id == study_id)
        # By the interview's id (equal to the answer's interview_id), which lets SQLite walk the
        # interviews in index order and sort each one's few answers, not the whole study at once.
        .order_by(INTERVIEW.c.id, ANSWER.c.id)
    )


def idle_statement(*, idle_since: datetime, study_id: str | None, limit: int) -> Select[Any]:
    """Active interviews untouched since `idle_since`, not reminded since, reachable; oldest first."""
    stmt = (
        select(INTERVIEW)
        .join(RESPONDENT, RESPONDENT.c.pseudonym == INTERVIEW.c.pseudonym)
        .where(
            INTERVIEW.c.status == InterviewStatus.active.value,
            INTERVIEW.c.updated_at < idle_since,
            or_(
                INTERVIEW.c.reminded_at.is_(None),
                INTERVIEW.c.reminded_at < INTERVIEW.c.updated_at,
            ),
            RESPONDENT.c.opted_out_at.is_(None),
            RESPONDENT.c.blocked_at.is_(None),
        )
        .order_by(INTERVIEW.c.updated_at, INTERVIEW.c.id)
        .limit(limit)
    )
    if study_id is not None:
        stmt = stmt.where(INTERVIEW.c.study_id == study_id)
    return stmt
