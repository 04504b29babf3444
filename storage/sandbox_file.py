"""The sandbox writes into a SQLite file of its own, never into a database that may hold fieldwork.

Its file is marked as the sandbox's (SQLite's `application_id` header field), so a mistyped
SANDBOX_DATABASE_URL pointing at another copy of the fieldwork database, or at a PostgreSQL
server, is refused before a single test answer is written.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from storage.engine import describe_url, is_sqlite, normalise_url
from storage.urls import same_database

# "pcsb" (perceptions sandbox) in SQLite's application_id header field.
SANDBOX_APPLICATION_ID = 0x70637362
DEFAULT_HINT = "sqlite+aiosqlite:///./data/sandbox.db"


class NotASandboxDatabase(ValueError):
    """The sandbox may not write into this database; the message says what to do."""


def check_sandbox_database(sandbox_url: str, fieldwork_url: str) -> None:
    """Refuse, with a sentence, any sandbox database but a SQLite file of the sandbox's own."""
    url = normalise_url(sandbox_url)
    if same_database(sandbox_url, fieldwork_url):
        raise NotASandboxDatabase(
            "The sandbox database is the fieldwork database: set SANDBOX_DATABASE_URL to "
            f"another file (default {DEFAULT_HINT})."
        )
    if not is_sqlite(url) or not url.database or url.database == ":memory:":
        raise NotASandboxDatabase(
            f"The sandbox keeps its test answers in a SQLite file of its own, but "
            f"SANDBOX_DATABASE_URL names the {describe_url(sandbox_url)}, which may hold "
            f"fieldwork: set it to a file, e.g. {DEFAULT_HINT}."
        )
    path = Path(url.database)
    if not path.exists() or path.stat().st_size == 0:
        return
    marked, respondents = _inspect(path)
    if not marked and respondents:
        raise NotASandboxDatabase(
            f"{path} holds the answers of {respondents} respondent"
            f"{'' if respondents == 1 else 's'} and was not made by the sandbox, so it may be "
            "fieldwork: set SANDBOX_DATABASE_URL to a new file (or delete this one if it is "
            "an old sandbox file you no longer need)."
        )


def _inspect(path: Path) -> tuple[bool, int]:
    """(marked as the sandbox's, how many respondents) of an existing SQLite file, read-only."""
    try:
        with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro",
                                                uri=True)) as conn:
            (application_id,) = conn.execute("PRAGMA application_id").fetchone()
            if application_id == SANDBOX_APPLICATION_ID:
                return True, 0
            has_table = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                     "AND name = 'respondent'").fetchone()
            if has_table is None:
                return False, 0
            (count,) = conn.execute("SELECT count(*) FROM respondent").fetchone()
            return False, int(count)
    except sqlite3.DatabaseError:
        raise NotASandboxDatabase(
            f"{path} is not a SQLite database: set SANDBOX_DATABASE_URL to a new file "
            f"(default {DEFAULT_HINT})."
        ) from None


def mark_as_sandbox(sandbox_url: str) -> None:
    """Write the sandbox's mark into its SQLite file (created if need be)."""
    database = normalise_url(sandbox_url).database
    assert database, "checked by check_sandbox_database"
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA application_id = {SANDBOX_APPLICATION_ID}")
        conn.commit()
