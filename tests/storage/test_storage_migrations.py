"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from bot.engine import State
from bot.vocabulary import InterviewStatus
from storage import upgrade
from storage.engine import build_engine
from storage.migrate import downgrade
from storage.models import metadata


def schema_differences(connection: Connection) -> list[Any]:
    """What Alembic autogenerate would change to make the database match the models."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def upgraded_differences(database_url: str) -> tuple[list[Any], set[str]]:
    """Upgrade an empty database, then compare it with the models; also list its tables."""
    await upgrade(database_url)
    await upgrade(database_url)  # a second run finds nothing to do
    engine = build_engine(database_url)
    try:
        async with engine.connect() as conn:
            differences = await conn.run_sync(schema_differences)
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await engine.dispose()
    return differences, tables


async def test_upgrading_an_empty_database_matches_the_models(empty_database_url: str) -> None:
    differences, tables = await upgraded_differences(empty_database_url)

    assert differences == []
    assert tables == set(metadata.tables) | {"alembic_version"}


async def respondent_columns_and_interviews(database_url: str) -> tuple[set[str], int]:
    """The respondent table's columns, and how many interviews are stored."""
    engine = build_engine(database_url)
    try:
        async with engine.connect() as conn:
            columns = await conn.run_sync(
                lambda c: {column["name"] for column in inspect(c).get_columns("respondent")}
            )
            count = (await conn.execute(text("SELECT count(*) FROM interview"))).scalar_one()
    finally:
        await engine.dispose()
    return columns, count


async def test_the_chat_reference_column_comes_and_goes_without_losing_interviews(
    empty_database_url: str,
) -> None:
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    await upgrade(empty_database_url, revision="0001")
    # Plain SQL: the repository already speaks the newest schema.
    engine = build_engine(empty_database_url)
    try:
        async with engine.begin() as conn:
            for statement in (
                "INSERT INTO study (id, title) VALUES ('s', 'S')",
                "INSERT INTO script_version (id, study_id, sha256, text, created_at)"
                " VALUES (1, 's', 'x', 's', :now)",
                "INSERT INTO respondent (pseudonym, created_at) VALUES ('p', :now)",
                "INSERT INTO interview (pseudonym, study_id, script_version_id, state, step,"
                " status, started_at, updated_at) VALUES ('p', 's', 1, '{}', 0, 'active', :now, :now)",
            ):
                await conn.execute(text(statement), {"now": now})
    finally:
        await engine.dispose()

    await upgrade(empty_database_url)
    assert await respondent_columns_and_interviews(empty_database_url) == (
        {"pseudonym", "language", "source", "consent_at", "opted_out_at", "blocked_at",
         "created_at", "chat_ref"}, 1)

    # Going back must not rebuild `respondent`: on SQLite that would cascade into interviews.
    await downgrade(empty_database_url, revision="0001")
    columns, interviews = await respondent_columns_and_interviews(empty_database_url)
    assert "chat_ref" not in columns
    assert interviews == 1


async def interview_states(database_url: str) -> dict[str, dict[str, Any]]:
    """Each interview's engine state, by its pseudonym."""
    engine = build_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT pseudonym, state FROM interview"))).all()
    finally:
        await engine.dispose()
    return {row[0]: row[1] if isinstance(row[1], dict) else json.loads(row[1]) for row in rows}


async def test_a_paused_interview_s_state_learns_it_is_paused(empty_database_url: str) -> None:
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    await upgrade(empty_database_url, revision="0003_firstday")
    before = {  # pseudonym → (status column, the engine state as the older code stored it)
        "paused": ("paused", {"status": "active", "language": "en", "step": 4, "current": "age"}),
        "paused_at_consent": ("paused", {"status": "consent", "language": "en", "step": 1}),
        "answering": ("active", {"status": "active", "language": "en", "step": 2}),
        "done": ("completed", {"status": "completed", "language": "en", "step": 9}),
    }
    engine = build_engine(empty_database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO study (id, title) VALUES ('s', 'S')"))
            await conn.execute(text("INSERT INTO script_version (id, study_id, sha256, text, "
                                    "created_at) VALUES (1, 's', 'x', 's', :now)"), {"now": now})
            for pseudonym, (status, state) in before.items():
                await conn.execute(text("INSERT INTO respondent (pseudonym, created_at) "
                                        "VALUES (:p, :now)"), {"p": pseudonym, "now": now})
                await conn.execute(
                    text("INSERT INTO interview (pseudonym, study_id, script_version_id, state, "
                         "step, status, started_at, updated_at) VALUES (:p, 's', 1, :state, 0, "
                         ":status, :now, :now)"),
                    {"p": pseudonym, "state": json.dumps(state), "status": status, "now": now},
                )
    finally:
        await engine.dispose()

    await upgrade(empty_database_url)
    after = await interview_states(empty_database_url)
    assert after["paused"] == {**before["paused"][1], "status": "paused"}
    assert after["paused_at_consent"] == {**before["paused_at_consent"][1], "status": "paused",
                                          "consented": False}
    assert after["answering"] == before["answering"][1]  # nothing else is touched
    assert after["done"] == before["done"][1]
    paused = State.from_dict(after["paused_at_consent"])
    assert paused.status == InterviewStatus.paused
    assert not paused.consented

    await downgrade(empty_database_url, revision="0003_firstday")
    assert await interview_states(empty_database_url) == {
        pseudonym: state for pseudonym, (_, state) in before.items()
    }
