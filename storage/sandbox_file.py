"""The sandbox writes into a SQLite file of its own, never into a database that may hold fieldwork.

Its file is marked as the sandbox's (SQLite's `application_id` header field), so a mistyped
SANDBOX_DATABASE_URL pointing at another copy of the fieldwork database, or at a PostgreSQL
server, is refused before a single test answer is written.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import URL

from storage.engine import describe_url, is_sqlite, normalise_url

# "pcsb" (perceptions sandbox) in SQLite's application_id header field.
SANDBOX_APPLICATION_ID = 0x70637362
DEFAULT_HINT = "sqlite+aiosqlite:///./data/sandbox.db"


class NotASandboxDatabase(ValueError):
    """The sandbox may not write into this database; the message says what to do."""


def same_database(first: str, second: str) -> bool:
    """Whether two URLs name one database, however they are spelled (parsed, not compared
    as text: `localhost` is `127.0.0.1`, 5432 is the default port, drivers and query
    strings don't matter, a file is the same file under any path)."""
    a, b = normalise_url(first), normalise_url(second)
    if is_sqlite(a) != is_sqlite(b):
        return False
    if is_sqlite(a):
        return _same_file(a.database, b.database)
    return _server_database(a) == _server_database(b)


def _same_file(first: str | None, second: str | None) -> bool:
    if not first or not second or ":memory:" in (first, second):
        return False
    one, other = Path(first).resolve(), Path(second).resolve()
    if one == other:
        return True
    with contextlib.suppress(OSError):  # a hard link, or one folder mounted twice
        return os.path.samefile(one, other)
    return False


def _server_database(url: URL) -> tuple[str, int, str]:
    """(host, port, database) as the server sees it; every loopback spelling is one host."""
    query_host = url.query.get("host")
    host = (url.host or (query_host if isinstance(query_host, str) else None)
            or "localhost").strip("[]").lower()
    if host.startswith("/") or host == "localhost" or _is_loopback_address(host):
        host = "localhost"  # a Unix socket is this machine too
    port = url.port or 5432
    return host, port, url.database or url.username or ""


def _is_loopback_address(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
