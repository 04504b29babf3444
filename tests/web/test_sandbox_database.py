"""The sandbox writes only into a SQLite file of its own: URLs are compared parsed, a server
database is refused, and so is any existing file with answers the sandbox did not make."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import create_repository, upgrade
from storage.sandbox_file import (
    SANDBOX_APPLICATION_ID,
    NotASandboxDatabase,
    check_sandbox_database,
    mark_as_sandbox,
)
from storage.urls import same_database
from tests.web.test_sandbox_cli import MINI, sandbox

PG = "postgresql://perceptions@localhost/perceptions"


@pytest.mark.parametrize("other", [
    "postgresql://perceptions@127.0.0.1/perceptions",
    "postgresql+asyncpg://perceptions@localhost:5432/perceptions",
    "postgresql://someone:secret@[::1]:5432/perceptions?ssl=disable",
    "postgres://perceptions@localhost/perceptions?application_name=x",
    "postgresql://perceptions@/perceptions?host=/var/run/postgresql",
    "postgresql://perceptions@localhost",  # the database defaults to the user's name
], ids=["127.0.0.1", "driver-and-port", "ipv6-user-password-query", "postgres-scheme",
        "unix-socket", "default-database"])
def test_spellings_of_one_postgresql_database_are_the_same_database(other: str) -> None:
    assert same_database(PG, other)


@pytest.mark.parametrize("other", [
    "postgresql://perceptions@localhost/perceptions_sandbox",
    "postgresql://perceptions@localhost:5433/perceptions",
    "postgresql://perceptions@db.example.org/perceptions",
    "sqlite+aiosqlite:///perceptions",
], ids=["other-database", "other-port", "other-host", "sqlite"])
def test_other_databases_are_other_databases(other: str) -> None:
    assert not same_database(PG, other)


def test_one_sqlite_file_under_any_path_is_the_same_database(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "fieldwork.db").write_bytes(b"")
    (tmp_path / "link.db").hardlink_to(tmp_path / "data" / "fieldwork.db")
    here = f"sqlite+aiosqlite:///{tmp_path}/data/fieldwork.db"
    assert same_database(here, f"sqlite:///{tmp_path}/data/../data/./fieldwork.db")
    assert same_database(here, f"sqlite:///{tmp_path}/link.db")
    assert not same_database(here, f"sqlite:///{tmp_path}/data/sandbox.db")
    assert not same_database("sqlite:///:memory:", "sqlite:///:memory:")


def test_the_sandbox_refuses_a_postgresql_database_even_when_it_is_not_the_fieldwork_one(
) -> None:
    with pytest.raises(NotASandboxDatabase) as refused:
        check_sandbox_database("postgresql://postgres@127.0.0.1/sandbox",
                               "sqlite+aiosqlite:///data/perceptions.db")
    assert str(refused.value) == (
        "The sandbox keeps its test answers in a SQLite file of its own, but "
        "SANDBOX_DATABASE_URL names the PostgreSQL database `sandbox` on 127.0.0.1:5432 as "
        "postgres, which may hold fieldwork: set it to a file, e.g. "
        "sqlite+aiosqlite:///./data/sandbox.db.")


def test_the_fieldwork_database_spelled_another_way_is_refused() -> None:
    with pytest.raises(NotASandboxDatabase, match="The sandbox database is the fieldwork"):
        check_sandbox_database("postgresql://postgres@127.0.0.1:5432/perceptions?ssl=prefer",
                               "postgresql+asyncpg://postgres@localhost/perceptions")


async def test_a_copy_of_fieldwork_is_refused_and_the_sandbox_own_file_accepted(
    tmp_path: Path,
) -> None:
    copy = f"sqlite+aiosqlite:///{tmp_path}/copy-of-fieldwork.db"
    fieldwork = f"sqlite+aiosqlite:///{tmp_path}/fieldwork.db"
    await upgrade(copy)
    repository = create_repository(copy)
    now = datetime(2025, 3, 1, tzinfo=UTC)
    for n in range(3):
        await repository.get_or_create_respondent(pseudonym=f"p{n}", language="en",
                                                  source=None, now=now)
    await repository.close()

    with pytest.raises(NotASandboxDatabase) as refused:
        check_sandbox_database(copy, fieldwork)
    assert "holds the answers of 3 respondents and was not made by the sandbox" in str(
        refused.value)

    own = f"sqlite+aiosqlite:///{tmp_path}/new/sandbox.db"
    check_sandbox_database(own, fieldwork)  # a new file: fine
    mark_as_sandbox(own)
    await upgrade(own)
    repository = create_repository(own)
    await repository.get_or_create_respondent(pseudonym="tester", language="en", source=None,
                                              now=now)
    await repository.close()
    check_sandbox_database(own, fieldwork)  # its own file, with its testers' answers: fine
    header = (tmp_path / "new" / "sandbox.db").read_bytes()[68:72]
    assert int.from_bytes(header, "big") == SANDBOX_APPLICATION_ID


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("shopping list: milk, eggs\n" * 100)
    with pytest.raises(NotASandboxDatabase, match="is not a SQLite database"):
        check_sandbox_database(f"sqlite:///{tmp_path}/notes.db", "sqlite:///x.db")


def test_the_command_refuses_a_postgresql_sandbox_in_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "dialogs").mkdir()
    (tmp_path / "dialogs" / "mini.yaml").write_bytes(MINI.read_bytes())
    code, output = sandbox(tmp_path, SANDBOX_DATABASE_URL="postgresql://postgres@localhost/x")
    assert code == 1
    assert "The sandbox keeps its test answers in a SQLite file of its own" in output
    assert "Traceback" not in output
