"""Storage speaks in its own errors: an outage is `StorageUnavailable`, whatever the backend.

Callers (the Telegram adapter deciding to let an update come again, the CLI explaining a failure)
recognise an outage without importing the database library; the original error stays attached.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import (
    Repository,
    StorageError,
    StorageUnavailable,
    create_repository,
    is_unavailable,
    schema_state,
    upgrade,
)

NOW = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


async def test_an_unreachable_postgresql_server_is_unavailable() -> None:
    # Port 9 (discard) has no PostgreSQL listening: the connection is refused at once.
    repository = create_repository("postgresql://postgres@127.0.0.1:9/test")
    try:
        with pytest.raises(StorageUnavailable) as raised:
            await repository.get_respondent(pseudonym="p1")
        with pytest.raises(StorageUnavailable):
            await repository.get_or_create_respondent(pseudonym="p1", language="en", source=None,
                                                      now=NOW)
        with pytest.raises(StorageUnavailable):
            await repository.study_counts(study_id="s")
    finally:
        await repository.close()
    assert raised.value.__cause__ is not None  # what the driver said, for the log and the CLI
    assert "127.0.0.1" not in str(raised.value)  # the message names no server, user or SQL


async def test_checking_or_upgrading_an_unreachable_schema_is_unavailable() -> None:
    with pytest.raises(StorageUnavailable):
        await schema_state("postgresql://postgres@127.0.0.1:9/test")
    with pytest.raises(StorageUnavailable):
        await upgrade("postgresql://postgres@127.0.0.1:9/test")


async def test_a_sqlite_file_that_cannot_be_opened_is_unavailable(tmp_path: Path) -> None:
    (tmp_path / "data.db").mkdir()  # a folder where the database file should be
    repository = create_repository(f"sqlite+aiosqlite:///{tmp_path / 'data.db'}")
    try:
        with pytest.raises(StorageUnavailable):
            await repository.get_respondent(pseudonym="p1")
        with pytest.raises(StorageUnavailable):
            async for _ in repository.stream_answer_batches(study_id="s"):
                pass
    finally:
        await repository.close()


async def test_a_bug_is_not_mistaken_for_an_outage(repo: Repository) -> None:
    with pytest.raises(Exception, match=r"(?i)foreign key") as raised:  # no such respondent
        await repo.start_interview(pseudonym="nobody", study_id="s", script_version_id=1,
                                   state={}, now=NOW)
    assert not isinstance(raised.value, StorageError)
    assert not is_unavailable(raised.value)
    assert not is_unavailable(KeyError("current"))
    assert is_unavailable(StorageUnavailable("the database is unavailable (OSError)"))
