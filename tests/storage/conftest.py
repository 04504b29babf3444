"""Fixtures for the storage contract: one repository per backend (SQLite file, PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage import Repository, create_repository, upgrade
from storage.engine import build_engine
from storage.models import metadata

# The server every PostgreSQL test talks to; each test session works in its own scratch database.
POSTGRES_URL = os.environ.get(
    "PERCEPTIONS_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def _asyncpg_dsn(url: str) -> str:
    """The plain DSN asyncpg understands."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(sql: str) -> None:
    """Run one statement on the server's `test` database (CREATE/DROP DATABASE)."""
    conn = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def postgres_or_skip() -> None:
    """Skip when PostgreSQL is unreachable, unless REQUIRE_POSTGRES=1 demands it."""
    try:
        asyncio.run(_admin("SELECT 1"))
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        reason = f"PostgreSQL at {make_url(POSTGRES_URL).render_as_string()} is unreachable: {error}"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


class ScratchDatabase:
    """A PostgreSQL database created for this run and dropped afterwards."""

    def __init__(self) -> None:
        """Pick a unique name."""
        self.name = f"perceptions_storage_{uuid.uuid4().hex[:12]}"
        self.url = make_url(POSTGRES_URL).set(database=self.name).render_as_string(False)

    def __enter__(self) -> str:
        """Create the database; returns its URL."""
        asyncio.run(_admin(f'CREATE DATABASE "{self.name}"'))
        return self.url

    def __exit__(self, *_exc: object) -> None:
        """Drop the database."""
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A migrated scratch PostgreSQL database shared by this session's tests."""
    postgres_or_skip()
    with ScratchDatabase() as url:
        asyncio.run(upgrade(url))
        yield url


async def _empty_tables(url: str) -> None:
    """Delete every row, so each test starts from an empty database."""
    engine = build_engine(url)
    try:
        async with engine.begin() as conn:
            names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL of each backend (SQLite: a fresh file; PostgreSQL: the scratch database)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'perceptions.db'}"
    return str(request.getfixturevalue("postgres_database"))


async def prepare(url: str) -> None:
    """Bring the database to an empty, migrated state."""
    if make_url(url).get_backend_name() == "sqlite":
        await upgrade(url)
    else:
        await _empty_tables(url)


@pytest.fixture
async def repo(database_url: str) -> AsyncIterator[Repository]:
    """The repository under test, on an empty migrated database."""
    await prepare(database_url)
    repository = create_repository(database_url)
    yield repository
    await repository.close()


@pytest.fixture
def now() -> datetime:
    """A fixed, timezone-aware moment."""
    return datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of each backend with no tables at all (PostgreSQL: created for this test)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'not-yet' / 'fresh.db'}"
        return
    postgres_or_skip()
    with ScratchDatabase() as url:
        yield url
