"""Right to erasure: after `erase_respondent` no table holds anything about the person, and
on SQLite no byte of theirs is left in the database file or its WAL."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, String, Table, select

from bot.interviews.chat_ref import ChatRefKey, seal
from bot.vocabulary import Group, InterviewStatus
from storage import (
    AnswerRecord,
    Audience,
    Repository,
    Segment,
    create_repository,
    pseudonymise,
    upgrade,
)
from storage.engine import build_engine
from storage.models import metadata
from storage.sql import SqlRepository

KEY = "erasure-key"

MESSAGE: dict[str, Any] = {"texts": {"en": "We built lanes."}, "fallback": "en"}


async def interview_with_everything(repo: Repository, user_id: int, now: datetime) -> str:
    """A respondent with a chat reference, answers, probes, a coding override and applied updates.

    The pseudonym is also written into every free-text field they fill, so a leftover row of
    theirs anywhere shows up in a text scan.
    """
    pseudonym = pseudonymise(user_id, KEY)
    version = await repo.register_script(study_id="s", title="S", text="s", now=now)
    await repo.get_or_create_respondent(pseudonym=pseudonym, language="en", source="qr", now=now)
    await repo.update_respondent(pseudonym=pseudonym, consent_at=now,
                                 chat_ref=seal(user_id, ChatRefKey(KEY)))
    interview = await repo.start_interview(
        pseudonym=pseudonym, study_id="s", script_version_id=version.id,
        state={"step": 0, "note": pseudonym}, now=now,
    )
    await repo.advance(
        interview_id=interview.id, expected_step=0, new_state={"step": 1, "note": pseudonym},
        status=InterviewStatus.completed, group=Group.doer, now=now, update_id=user_id,
        answers=[
            AnswerRecord("why", [pseudonym], f"I am {pseudonym}"),
            AnswerRecord("why", pseudonym, f"probe {pseudonym}", probe=1),
        ],
    )
    await repo.set_contact_consent(pseudonym=pseudonym, results=True, follow_up=True, now=now)
    broadcast = await repo.open_broadcast(
        study_id="s", name="results", sha256="x", **MESSAGE, now=now
    )
    await repo.enrol_recipients(broadcast_id=broadcast.id, study_id="s",
                                audience=Audience.RESULTS, segment=Segment())
    async for answer in repo.stream_answers(study_id="s"):
        if answer.pseudonym == pseudonym:
            await repo.set_coding_override(
                answer_id=answer.id, themes=[pseudonym], coder="ana", now=now
            )
    return pseudonym


def _is_textual(column_type: Any) -> bool:
    """Whether a column holds text or JSON (sqlmodel wraps VARCHAR in a TypeDecorator)."""
    kinds = (String, JSON)
    return isinstance(column_type, kinds) or isinstance(getattr(column_type, "impl", None), kinds)


async def rows_mentioning(database_url: str, needle: str) -> list[tuple[str, Any]]:
    """(table, row) of every row whose text or JSON columns contain `needle`."""
    found: list[tuple[str, Any]] = []
    engine = build_engine(database_url)
    try:
        async with engine.connect() as conn:
            for table in metadata.sorted_tables:
                textual = [column.name for column in table.columns if _is_textual(column.type)]
                for row in await conn.execute(select(table)):
                    if any(needle in str(row._mapping[name]) for name in textual):
                        found.append((table.name, tuple(row)))
    finally:
        await engine.dispose()
    return found


async def orphans(database_url: str) -> list[tuple[str, str]]:
    """(table, column) pairs whose foreign key points at a row that no longer exists."""
    missing: list[tuple[str, str]] = []
    engine = build_engine(database_url)
    try:
        async with engine.connect() as conn:
            for table in metadata.sorted_tables:
                for fk in table.foreign_keys:
                    target: Table = fk.column.table
                    dangling = select(fk.parent).where(
                        fk.parent.not_in(select(fk.column).select_from(target))
                    )
                    if (await conn.execute(dangling)).first() is not None:
                        missing.append((table.name, fk.parent.name))
    finally:
        await engine.dispose()
    return missing


async def test_erasure_leaves_no_row_about_the_respondent(
    repo: Repository, database_url: str, now: datetime
) -> None:
    erased = await interview_with_everything(repo, 111, now)
    kept = await interview_with_everything(repo, 222, now)
    [chat_ref] = (await repo.respondent_chat_refs(pseudonyms=[erased])).values()
    assert await rows_mentioning(database_url, erased)  # the scan does see their data
    assert await rows_mentioning(database_url, chat_ref)

    assert await repo.erase_respondent(pseudonym=erased)

    assert await rows_mentioning(database_url, erased) == []
    assert await rows_mentioning(database_url, chat_ref) == []  # the respondent row went with it
    assert list(await repo.respondent_chat_refs(pseudonyms=[erased, kept])) == [kept]
    assert await orphans(database_url) == []
    assert await repo.get_respondent(pseudonym=erased) is None
    assert {a.pseudonym async for a in repo.stream_answers(study_id="s")} == {kept}
    assert len(await repo.coding_overrides(study_id="s")) == 2
    assert not await repo.erase_respondent(pseudonym=erased)


def bytes_on_disk(path: Path) -> bytes:
    """The raw bytes of a SQLite database file and of its WAL (as a thief with the disk would)."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def interview_with_long_words(repo: Repository, user_id: int, now: datetime) -> list[str]:
    """A respondent whose answers include one long enough to spill onto overflow pages;
    returns the strings of theirs that must not survive erasure."""
    pseudonym = await interview_with_everything(repo, user_id, now)
    words = f"My bakery {user_id} on Quince Street is my reason " * 100  # ~5 KB
    interview = await repo.latest_interview(pseudonym=pseudonym, study_id="s")
    assert interview is not None
    await repo.advance(interview_id=interview.id, expected_step=1, new_state={"step": 2},
                       status=InterviewStatus.completed, group=Group.doer, now=now,
                       answers=[AnswerRecord("story", words, words)])
    [chat_ref] = (await repo.respondent_chat_refs(pseudonyms=[pseudonym])).values()
    return [pseudonym, chat_ref, f"My bakery {user_id} on Quince"]


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    """Where the SQLite database of a byte-level test lives."""
    return tmp_path / "erasure.db"


@pytest.fixture
async def sqlite_repo(sqlite_file: Path) -> AsyncIterator[Repository]:
    """A repository on a fresh, migrated SQLite file (kept open while the test reads bytes)."""
    url = f"sqlite+aiosqlite:///{sqlite_file}"
    await upgrade(url)
    repository = create_repository(url)
    yield repository
    await repository.close()


async def test_erasure_leaves_no_bytes_in_the_sqlite_file_or_its_wal(
    sqlite_repo: Repository, sqlite_file: Path, now: datetime
) -> None:
    erased = await interview_with_long_words(sqlite_repo, 31337, now)
    kept = await interview_with_long_words(sqlite_repo, 42424, now)
    before = bytes_on_disk(sqlite_file)
    assert all(s.encode() in before for s in erased + kept)  # the scan does see their data

    assert await sqlite_repo.erase_respondent(pseudonym=erased[0])

    after = bytes_on_disk(sqlite_file)
    assert [s for s in erased if s.encode() in after] == []
    assert all(s.encode() in after for s in kept)  # nobody else's data was harmed
    wal = sqlite_file.with_name(sqlite_file.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "the WAL was checkpointed and truncated"


async def test_without_the_wal_checkpoint_erased_answers_would_stay_on_disk(
    sqlite_repo: Repository, sqlite_file: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control for the test above: it can fail, and fails for the reason the issue found."""

    async def no_checkpoint(_writer: object) -> None:
        return None

    monkeypatch.setattr(SqlRepository, "_scrub_wal", staticmethod(no_checkpoint))
    erased = await interview_with_long_words(sqlite_repo, 31337, now)

    assert await sqlite_repo.erase_respondent(pseudonym=erased[0])

    left = [s for s in erased if s.encode() in bytes_on_disk(sqlite_file)]
    assert left == erased, "the WAL still holds every erased string"


async def test_a_reader_holding_an_old_snapshot_delays_the_checkpoint_but_not_the_erasure(
    sqlite_repo: Repository, sqlite_file: Path, now: datetime
) -> None:
    """An export streaming from before the erasure keeps the WAL alive; once it ends, the
    erasure's retries scrub it. Meanwhile answers are still stored (each checkpoint attempt
    holds writers back for at most CHECKPOINT_WAIT_MS)."""
    erased = await interview_with_long_words(sqlite_repo, 31337, now)
    reader = sqlite3.connect(sqlite_file)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM answer").fetchone()  # a snapshot from before
    erasing = asyncio.ensure_future(sqlite_repo.erase_respondent(pseudonym=erased[0]))
    await asyncio.sleep(0.2)
    await interview_with_long_words(sqlite_repo, 42424, now)  # writers are not stuck for good
    reader.rollback()
    reader.close()

    assert await erasing
    assert [s for s in erased if s.encode() in bytes_on_disk(sqlite_file)] == []
