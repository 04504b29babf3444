"""Alembic environment: runs on the connection `storage.migrate` hands over, or on its own."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import sqlalchemy as sa
from alembic import context
from sqlalchemy.engine import Connection

from storage.engine import WRITE_OPTION, build_engine
from storage.models import UTCDateTime, metadata


def _render_item(kind: str, obj: Any, _autogen: Any) -> str | bool:
    """Write plain SQLAlchemy types into revisions, so they never import our models."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if kind == "type" and isinstance(obj, sa.TypeDecorator) and isinstance(obj.impl, sa.String):
        # sqlmodel's AutoString is a plain VARCHAR underneath.
        length = obj.impl.length
        return f"sa.String(length={length})" if length else "sa.String()"
    return False


def _run(connection: Connection) -> None:
    """Configure Alembic on a connection and run the migrations."""
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_item=_render_item,
        # SQLite can't ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_standalone(database_url: str) -> None:
    """Open our own engine, for `alembic` run from the command line."""
    engine = build_engine(database_url)
    try:
        async with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
            await conn.run_sync(_run)
    finally:
        await engine.dispose()


given = context.config.attributes.get("connection")
if given is not None:
    _run(given)
else:
    url = context.config.get_main_option("sqlalchemy.url") or os.environ.get(
        "DATABASE_URL", "sqlite+aiosqlite:///./data/perceptions.db"
    )
    asyncio.run(_run_standalone(url))
