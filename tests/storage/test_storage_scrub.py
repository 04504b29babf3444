"""`scrub` rewrites a database so rows deleted before `secure_delete` was on (or, on
PostgreSQL, rows DELETE and plain VACUUM leave in the table files) are gone from its files."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli
from storage import Repository, create_repository, upgrade
from storage.scrub import scrub

GONE = "pseudonym-deleted-long-ago-4f1c"
KEPT = "pseudonym-still-here-9d2e"


async def test_scrub_removes_what_old_deletes_left_in_a_sqlite_file(
    tmp_path: Path, now: datetime
) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)
    repository = create_repository(url)
    for pseudonym in (GONE, KEPT):
        await repository.get_or_create_respondent(pseudonym=pseudonym, language="en",
                                                  source="poster", now=now)
    await repository.close()
    # As a version without secure_delete deleted it: the row's bytes stay in a free cell.
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA secure_delete=OFF")
        conn.execute("DELETE FROM respondent WHERE pseudonym = ?", (GONE,))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert GONE.encode() in path.read_bytes()

    await scrub(url)

    assert GONE.encode() not in path.read_bytes()
    assert KEPT.encode() in path.read_bytes()
    repository = create_repository(url)
    try:
        assert await repository.get_respondent(pseudonym=KEPT) is not None
    finally:
        await repository.close()


async def test_scrub_keeps_every_row_on_each_backend(
    repo: Repository, database_url: str, now: datetime
) -> None:
    await repo.get_or_create_respondent(pseudonym=KEPT, language="en", source=None, now=now)

    await scrub(database_url)

    assert await repo.get_respondent(pseudonym=KEPT) is not None


def test_the_command_says_what_it_rewrote(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/perceptions.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"], env={"DATABASE_URL": url}).exit_code == 0
    result = runner.invoke(cli, ["db", "scrub"], env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert f"Rewrote SQLite file {tmp_path}/perceptions.db" in result.output
