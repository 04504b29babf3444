"""Bulk reads of a SQLite file with the plain `sqlite3` driver, run in worker threads.

Exports read every answer of a study. Through aiosqlite and SQLAlchemy each row pays for a
thread hop or a greenlet switch, a `Row`, a JSON decode and a datetime; here a whole batch is
fetched in one hop and its values are decoded in bulk, which makes the read several times faster.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bot.vocabulary import Group, InterviewStatus
from storage.engine import BUSY_TIMEOUT_MS
from storage.errors import translated_sync
from storage.records import AnswerColumnBatch, AnswerRow, InterviewHeader, LongAnswerBatch

T = TypeVar("T")
R = TypeVar("R", bound="_Reader")

# SQLAlchemy's SQLite DATETIME text: "2024-05-01 09:30:00.000000", always UTC here.
_STORED_LENGTH = 26


def iso_utc(stored: str) -> str:
    """A stored SQLite timestamp as ISO 8601 UTC text with microseconds."""
    if len(stored) == _STORED_LENGTH and stored[10] == " ":
        return f"{stored[:10]}T{stored[11:]}+00:00"
    # Written by other means (no fraction, an offset): parse, as SQLAlchemy would.
    when = datetime.fromisoformat(stored)
    aware = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return aware.isoformat(timespec="microseconds")


def stored_utc(stored: str) -> str:
    """A stored SQLite timestamp as UTC text in SQLAlchemy's form, "YYYY-MM-DD HH:MM:SS.ffffff"."""
    return iso_utc(stored)[:26].replace("T", " ")


Query = tuple[str, Sequence[Any]]
"""SQL text with its positional parameters."""

# The long export's answers, shaped in SQL so that Python touches each value once (see
# `LongAnswerRow`). A value that is its raw text as JSON (most open answers) comes back as NULL:
# the export then writes the raw text's cell twice instead of decoding the JSON. json_quote
# escapes less than Python's json.dumps (non-ASCII), which only sends such values the slow way.
# Timestamps in SQLAlchemy's own form pass through; any other form is converted by Python.
LONG_ANSWERS = """
SELECT a.interview_id, a.question_id, a.probe, a.raw_text,
    CASE WHEN a.value IS NULL THEN 'null'
        WHEN a.raw_text IS NOT NULL AND a.value = json_quote(a.raw_text) THEN NULL
        ELSE a.value END,
    CASE WHEN a.answered_at GLOB '????-??-?? ??:??:??.[0-9][0-9][0-9][0-9][0-9][0-9]'
        THEN a.answered_at ELSE stored_utc(a.answered_at) END,
    a.probe_asked
FROM answer AS a JOIN interview AS i ON i.id = a.interview_id
WHERE i.study_id = ?
ORDER BY i.id, a.id
"""
def _aware_text(column: str) -> str:
    """SQL for a stored timestamp as UTC text with "+00:00", whatever form it was written in."""
    return (
        f"CASE WHEN {column} IS NULL THEN NULL "
        f"WHEN length({column}) = 26 AND substr({column}, 11, 1) = ' ' THEN {column} "
        f"ELSE stored_utc({column}) END || '+00:00'"
    )


# The report's answers for a range of interviews, one text per column built by SQLite in a single
# step: the sqlite3 module releases the GIL for the whole step, so the read runs beside the
# analysis instead of taking the GIL back at every row, and Python splits each text in C instead
# of building seven objects a row. The subquery's ORDER BY stays (SQLite drops one only under an
# outer ORDER BY or a join), so the aggregates see the rows in order; the contract test checks it.
# Integers and fixed-format times cannot hold a comma; texts travel as JSON arrays; the stored
# JSON values, joined by commas, are a JSON array already, which Python decodes in one call.
# A REAL is written with 17 digits (so it reads back as the same number); SQL NULL as null.
COLUMN_ANSWERS = """
SELECT count(*), group_concat(interview_id), group_concat(probe), json_group_array(question_id),
    json_group_array(raw_text), group_concat(value), group_concat(answered_at)
FROM (
    SELECT a.interview_id, a.probe, a.question_id, a.raw_text,
        CASE typeof(a.value) WHEN 'real' THEN printf('%!.17g', a.value)
            WHEN 'null' THEN 'null' ELSE a.value END AS value,
        CASE WHEN length(a.answered_at) = 26 AND substr(a.answered_at, 11, 1) = ' '
            THEN a.answered_at ELSE stored_utc(a.answered_at) END AS answered_at
    FROM interview AS i JOIN answer AS a ON a.interview_id = i.id
    WHERE i.study_id = ? AND i.id BETWEEN ? AND ?
    ORDER BY i.id, a.id
)
"""
STUDY_INTERVIEW_IDS = "SELECT id FROM interview WHERE study_id = ? ORDER BY id"
# Times as ISO text with the offset, which datetime.fromisoformat turns into an aware datetime
# in one call.
INTERVIEW_HEADERS = f"""
SELECT id, status, "group", source, language, {_aware_text("started_at")},
    {_aware_text("completed_at")}, script_version_id
FROM interview WHERE study_id = ? ORDER BY id
"""
LONG_INTERVIEWS = """
SELECT id, pseudonym, "group", status FROM interview WHERE study_id = ? ORDER BY id
"""


def answer_rows(
    batch: Sequence[tuple[Any, ...]], interviews: dict[int, tuple[Any, ...]]
) -> list[AnswerRow]:
    """Raw answers (id, interview_id, question_id, probe, raw_text, value as JSON, answered_at,
    probe_asked)
    joined with their interview's (id, pseudonym, group, status) as `AnswerRow`s."""
    # One json.loads for the batch instead of one per row. The column's NUMERIC affinity turns
    # JSON numbers into SQLite numbers, which need no decoding; SQL NULL reads as None.
    texts = ",".join([r[5] if r[5].__class__ is str else "null" for r in batch])
    values = json.loads(f"[{texts}]")
    return [
        (
            r[0], r[1], i[1], i[2], i[3], r[2], r[3], r[4],
            value if r[5].__class__ is str else r[5], iso_utc(r[6]), r[7],
        )
        for r, value in zip(batch, values, strict=True)
        for i in [interviews[r[1]]]
    ]


def _connect(path: str) -> sqlite3.Connection:
    """The file read-only (a bug here can never write), in one read transaction."""
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    # check_same_thread=False: successive batches may run on different pool threads, never two
    # at once. isolation_level=None, then BEGIN: every query of the reader reads one snapshot.
    conn = sqlite3.connect(
        uri, uri=True, check_same_thread=False, isolation_level=None,
        timeout=BUSY_TIMEOUT_MS / 1000,
    )
    conn.create_function("stored_utc", 1, stored_utc, deterministic=True)
    conn.execute("BEGIN")
    return conn


class _Reader(Protocol):
    def close(self) -> None: ...


class _AnswerReader:
    """Two cursors of one read transaction: the answers, and their interviews alongside."""

    # The interview's fields are read once an interview rather than once an answer: at fifty
    # answers an interview that is a third of the values the driver has to build.

    def __init__(self, path: str, answers: Query, interviews: Query, batch_size: int) -> None:
        """Open the file and start both queries."""
        self._conn = _connect(path)
        self._answers = self._conn.execute(answers[0], tuple(answers[1]))
        self._interviews = self._conn.execute(interviews[0], tuple(interviews[1]))
        self._ahead: tuple[Any, ...] | None = None  # read, but past the current batch
        self._latest: tuple[Any, ...] | None = None  # the last one taken into a batch
        self._size = batch_size

    def batch(self) -> list[AnswerRow]:
        """The next batch; empty at the end."""
        raw, interviews = self._fetch(1)
        return answer_rows(raw, interviews) if raw else []

    def long_batch(self) -> LongAnswerBatch | None:
        """The next batch of `LONG_ANSWERS` rows with their interviews; None at the end."""
        raw, interviews = self._fetch(0)
        if not raw:
            return None
        return {i: (p, g, s) for i, (_, p, g, s) in interviews.items()}, raw

    def _fetch(self, at: int) -> tuple[list[Any], dict[int, tuple[Any, ...]]]:
        """The next answers (their interview id in column `at`) and the interviews they need."""
        raw = self._answers.fetchmany(self._size)
        if not raw:
            return [], {}
        last = raw[-1][at]
        # Interviews come in id order like the answers: take those up to the batch's last one,
        # keeping the previous batch's last one, whose answers may continue here.
        interviews = {} if self._latest is None else {self._latest[0]: self._latest}
        row = self._ahead
        while True:
            if row is None and (row := self._interviews.fetchone()) is None:
                break
            if row[0] > last:
                break
            interviews[row[0]] = self._latest = row
            row = None
        self._ahead = row
        return raw, interviews

    def close(self) -> None:
        """End the read transaction and close the file."""
        self._conn.close()


class _ColumnReader:
    """The study's answers as column batches, a range of whole interviews a statement."""

    def __init__(self, path: str, study_id: str, batch_size: int) -> None:
        """Open the file and list the study's interviews."""
        self._conn = _connect(path)
        self._study_id, self._size = study_id, batch_size
        self._ids = [row[0] for row in self._conn.execute(STUDY_INTERVIEW_IDS, (study_id,))]
        self._next = 0
        # Interviews a statement: a guess at first, then what gave about `batch_size` answers.
        self._take = max(1, batch_size // 32)

    def batch(self) -> AnswerColumnBatch | None:
        """The next batch; None at the end."""
        while self._next < len(self._ids):
            first, end = self._next, min(self._next + self._take, len(self._ids))
            self._next = end
            count, ids, probes, question_ids, raw_texts, values, times = self._conn.execute(
                COLUMN_ANSWERS, (self._study_id, self._ids[first], self._ids[end - 1])
            ).fetchone()
            taken = end - first
            self._take = max(1, min(taken * 4, taken * self._size // max(count, 1)))
            if count:
                return AnswerColumnBatch(
                    # Integers as a JSON array: json.loads parses them faster than int() can.
                    json.loads(f"[{ids}]"), json.loads(question_ids), json.loads(f"[{probes}]"),
                    json.loads(raw_texts), json.loads(f"[{values}]"),
                    times.split(","),
                )  # fmt: skip
        return None

    def close(self) -> None:
        """End the read transaction and close the file."""
        self._conn.close()


class _HeaderReader:
    """The study's interviews without their state, in lists."""

    def __init__(self, path: str, study_id: str, batch_size: int) -> None:
        """Open the file and start the query."""
        self._conn = _connect(path)
        self._rows = self._conn.execute(INTERVIEW_HEADERS, (study_id,))
        self._size = batch_size

    def batch(self) -> list[InterviewHeader]:
        """The next list; empty at the end."""
        statuses = {s.value: s for s in InterviewStatus}
        groups: dict[str | None, Group | None] = {g.value: g for g in Group}
        groups[None] = None
        parse = datetime.fromisoformat
        return [
            InterviewHeader(
                id, statuses[status], groups[group], source, language,
                parse(started), None if completed is None else parse(completed), version,
            )
            for id, status, group, source, language, started, completed, version
            in self._rows.fetchmany(self._size)
        ]

    def close(self) -> None:
        """End the read transaction and close the file."""
        self._conn.close()


def stream_answer_columns(
    path: str, study_id: str, batch_size: int
) -> AsyncIterator[AnswerColumnBatch]:
    """The study's answers as column batches of whole interviews, a batch a worker hop."""
    return _read_ahead(lambda: _ColumnReader(path, study_id, batch_size), _ColumnReader.batch)


def stream_interview_headers(
    path: str, study_id: str, batch_size: int
) -> AsyncIterator[list[InterviewHeader]]:
    """The study's interviews without their state, a list a worker hop."""
    return _read_ahead(lambda: _HeaderReader(path, study_id, batch_size), _HeaderReader.batch)


def stream_answer_rows(
    path: str, answers: Query, interviews: Query, batch_size: int
) -> AsyncIterator[list[AnswerRow]]:
    """Merge the answer and interview queries on the file at `path`, a batch a worker hop."""
    return _read_ahead(
        lambda: _AnswerReader(path, answers, interviews, batch_size), _AnswerReader.batch
    )


def stream_long_batches(path: str, study_id: str, batch_size: int) -> AsyncIterator[LongAnswerBatch]:
    """The study's answers as `LongAnswerRow`s with their interviews, a batch a worker hop."""
    answers, interviews = (LONG_ANSWERS, [study_id]), (LONG_INTERVIEWS, [study_id])
    return _read_ahead(
        lambda: _AnswerReader(path, answers, interviews, batch_size), _AnswerReader.long_batch
    )


def _as_storage(call: Callable[[], T]) -> T:
    """`call()`, an outage raised as `StorageUnavailable`, as from every other read of `storage`."""
    with translated_sync():
        return call()


async def _read_ahead(open_reader: Callable[[], R], read: Callable[[R], T | None]) -> AsyncIterator[T]:
    """Open a reader in a worker thread and `read` it until it gives nothing ([] or None)."""
    reader = await asyncio.to_thread(_as_storage, open_reader)
    # The next batch is read while the caller works on this one: SQLite releases the GIL while
    # it steps, and the caller's writes release it too.
    ahead = asyncio.ensure_future(asyncio.to_thread(_as_storage, lambda: read(reader)))
    try:
        while batch := await ahead:
            ahead = asyncio.ensure_future(asyncio.to_thread(_as_storage, lambda: read(reader)))
            yield batch
    finally:
        if not ahead.done():  # the caller stopped early: let the read finish before closing
            await asyncio.wait({ahead})
        reader.close()
