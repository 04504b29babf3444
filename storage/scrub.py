"""Rewriting a database so that rows deleted in the past leave no bytes in its files.

New deletes leave nothing on SQLite (`secure_delete`, and a WAL checkpoint after an erasure);
this is for what older deletes left in free pages, and for PostgreSQL, whose DELETE and plain
VACUUM keep the bytes in the table files until VACUUM FULL writes the tables anew.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3

from sqlalchemy import text

from storage.engine import BUSY_TIMEOUT_MS, build_engine, is_sqlite, normalise_url
from storage.models import metadata


async def scrub(database_url: str) -> None:
    """Rewrite every table of ours (SQLite: VACUUM the file; PostgreSQL: VACUUM FULL, which
    locks each table while it is rewritten)."""
    url = normalise_url(database_url)
    if is_sqlite(url):
        if url.database and url.database != ":memory:":
            await asyncio.to_thread(_vacuum_sqlite, url.database)
        return
    engine = build_engine(database_url, isolation_level="AUTOCOMMIT")
    tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f"VACUUM FULL {tables}"))
    finally:
        await engine.dispose()


def _vacuum_sqlite(path: str) -> None:
    # A plain connection: VACUUM can't run inside the transaction our engines always begin.
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
