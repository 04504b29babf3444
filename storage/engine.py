"""Async engines for SQLite (default) and PostgreSQL, tuned for many short writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

# Execution option marking a connection whose transactions will write.
WRITE_OPTION = "perceptions_write"
BUSY_TIMEOUT_MS = 30_000


def normalise_url(database_url: str) -> URL:
    """Pick the async driver for a URL (`postgresql://` → asyncpg, `sqlite://` → aiosqlite)."""
    url = make_url(database_url)
    if url.drivername in {"postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"}:
        return url.set(drivername="postgresql+asyncpg")
    if url.drivername in {"sqlite", "sqlite+pysqlite"}:
        return url.set(drivername="sqlite+aiosqlite")
    if url.drivername not in {"postgresql+asyncpg", "sqlite+aiosqlite"}:
        raise ValueError(
            f"Unsupported database URL scheme {url.drivername!r}: "
            "use sqlite+aiosqlite:///path/to/file.db or postgresql://user@host/dbname."
        )
    return url


def describe_url(database_url: str) -> str:
    """A database for people: the SQLite file's path, or PostgreSQL's name, host and user (never
    the password)."""
    url = normalise_url(database_url)
    if is_sqlite(url):
        return f"SQLite file {url.database or ':memory:'}"
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    user = f" as {url.username}" if url.username else ""
    return f"PostgreSQL database `{url.database or url.username or '?'}` on {where}{user}"


def is_sqlite(url: URL) -> bool:
    """Whether the URL names a SQLite database."""
    return url.get_backend_name() == "sqlite"


def build_engine(database_url: str, **engine_options: Any) -> AsyncEngine:
    """Create the async engine; for SQLite also create the file's directory and set pragmas.

    `hide_parameters`: a failed statement's error message would otherwise carry its parameters
    (a respondent's answers and interview state) into the log, where /delete cannot reach.
    """
    url = normalise_url(database_url)
    if not is_sqlite(url):
        # A pool about as large as the bot's concurrency would be (256 updates at once) keeps
        # answers from queueing for a connection; PostgreSQL allows 100 connections by default.
        options = {"pool_size": 20, "max_overflow": 30, **engine_options}
        return create_async_engine(url, pool_pre_ping=True, hide_parameters=True, **options)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, hide_parameters=True, **engine_options)
    tune_sqlite(engine.sync_engine)
    return engine


def tune_sqlite(engine: Engine) -> None:
    """WAL, durable commits, waiting on locks, foreign keys, zeroed deletes, BEGIN IMMEDIATE.

    `secure_delete` overwrites deleted rows (and freed pages) with zeros, so an erased
    respondent's answers can't be read back from the file's free space.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN away from the driver so the "begin" hook below decides how to start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=FULL",
            f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
            "PRAGMA foreign_keys=ON",
            "PRAGMA secure_delete=ON",
        ):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A deferred transaction that reads and then writes fails with "database is locked"
        # without waiting; IMMEDIATE takes the write lock up front and honours busy_timeout.
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")
