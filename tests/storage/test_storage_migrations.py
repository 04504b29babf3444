"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage import upgrade
from storage.engine import build_engine
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
