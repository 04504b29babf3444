"""Bulk reads of a SQLite file with the plain `sqlite3` driver, run in worker threads.

Exports read every answer of a study. Through aiosqlite and SQLAlchemy each row pays for a
thread hop or a greenlet switch, a `Row`, a JSON decode and a datetime; here a whole batch is
fetched in one hop and its values are decoded in bulk, which makes the read several times faster.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storage.engine import BUSY_TIMEOUT_MS
from storage.records import AnswerRow

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


Query = tuple[str, Sequence[Any]]
"""SQL text with its positional parameters."""


def answer_rows(
    batch: Sequence[tuple[Any, ...]], interviews: dict[int, tuple[Any, ...]]
) -> list[AnswerRow]:
    """Raw answers (id, interview_id, question_id, probe, raw_text, value as JSON, answered_at)
    joined with their interview's (id, pseudonym, group, status) as `AnswerRow`s."""
    # One json.loads for the batch instead of one per row. The column's NUMERIC affinity turns
    # JSON numbers into SQLite numbers, which need no decoding; SQL NULL reads as None.
    texts = ",".join([r[5] if r[5].__class__ is str else "null" for r in batch])
    values = json.loads(f"[{texts}]")
    return [
        (
            r[0], r[1], i[1], i[2], i[3], r[2], r[3], r[4],
            value if r[5].__class__ is str else r[5], iso_utc(r[6]),
        )
        for r, value in zip(batch, values, strict=True)
        for i in [interviews[r[1]]]
    ]


class _AnswerReader:
    """Two cursors of one read transaction: the answers, and their interviews alongside."""

    # The interview's fields are read once an interview rather than once an answer: at fifty
    # answers an interview that is a third of the values the driver has to build.

    def __init__(self, path: str, answers: Query, interviews: Query, batch_size: int) -> None:
        """Open the file read-only (a bug here can never write) and start both queries."""
        uri = f"{Path(path).resolve().as_uri()}?mode=ro"
        # check_same_thread=False: successive batches may run on different pool threads,
        # never two at once. isolation_level=None, then BEGIN: both queries read one snapshot.
        self._conn = sqlite3.connect(
            uri, uri=True, check_same_thread=False, isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
        self._conn.execute("BEGIN")
        self._answers = self._conn.execute(answers[0], tuple(answers[1]))
        self._interviews = self._conn.execute(interviews[0], tuple(interviews[1]))
        self._ahead: tuple[Any, ...] | None = None  # read, but past the current batch
        self._latest: tuple[Any, ...] | None = None  # the last one taken into a batch
        self._size = batch_size

    def batch(self) -> list[AnswerRow]:
        """The next batch; empty at the end."""
        raw = self._answers.fetchmany(self._size)
        if not raw:
            return []
        last = raw[-1][1]
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
        return answer_rows(raw, interviews)

    def close(self) -> None:
        """End the read transaction and close the file."""
        self._conn.close()


async def stream_answer_rows(
    path: str, answers: Query, interviews: Query, batch_size: int
) -> AsyncIterator[list[AnswerRow]]:
    """Merge the answer and interview queries on the file at `path`, a batch a worker hop."""
    reader = await asyncio.to_thread(_AnswerReader, path, answers, interviews, batch_size)
    # The next batch is read while the caller works on this one: SQLite releases the GIL while
    # it steps, and the caller's writes release it too.
    ahead = asyncio.ensure_future(asyncio.to_thread(reader.batch))
    try:
        while batch := await ahead:
            ahead = asyncio.ensure_future(asyncio.to_thread(reader.batch))
            yield batch
    finally:
        if not ahead.done():  # the caller stopped early: let the read finish before closing
            await asyncio.wait({ahead})
        reader.close()
