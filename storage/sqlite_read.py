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


def answer_rows(batch: Sequence[tuple[Any, ...]]) -> list[AnswerRow]:
    """Raw rows of the answer query (value as JSON text) as `AnswerRow`s."""
    # One json.loads for the batch instead of one per row. The column's NUMERIC affinity turns
    # JSON numbers into SQLite numbers, which need no decoding; SQL NULL reads as None.
    texts = ",".join([r[8] if r[8].__class__ is str else "null" for r in batch])
    values = json.loads(f"[{texts}]")
    return [
        (
            r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
            value if r[8].__class__ is str else r[8], iso_utc(r[9]),
        )
        for r, value in zip(batch, values, strict=True)
    ]


def _connect(path: str) -> sqlite3.Connection:
    """A read-only connection to the file (so a bug here can never write)."""
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    # check_same_thread=False: successive batches may run on different pool threads, never two
    # at once.
    return sqlite3.connect(
        uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
    )


async def stream_answer_rows(
    path: str, sql: str, params: Sequence[Any], batch_size: int
) -> AsyncIterator[list[AnswerRow]]:
    """Run the answer query on the file at `path`; batches are fetched in a worker thread."""
    # One statement reads one WAL snapshot, however long the export takes.
    conn = await asyncio.to_thread(_connect, path)
    try:
        cursor = await asyncio.to_thread(conn.execute, sql, tuple(params))

        def fetch() -> list[AnswerRow]:
            return answer_rows(cursor.fetchmany(batch_size))

        while batch := await asyncio.to_thread(fetch):
            yield batch
    finally:
        conn.close()
