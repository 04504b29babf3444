"""Bringing a database schema up to date with the Alembic migrations shipped in `storage`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

from storage.engine import WRITE_OPTION, build_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    """An Alembic configuration pointing at our migrations (no alembic.ini needed)."""
    # Imported here: Alembic costs every `perceptions` command a quarter second at start-up.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


async def upgrade(database_url: str, *, revision: str = "head") -> None:
    """Migrate the database at `database_url` to `revision`, in one transaction."""
    engine = build_engine(database_url)
    try:
        # The write option makes SQLite take its write lock up front, like every writer.
        async with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
            await conn.run_sync(_upgrade, revision)
    finally:
        await engine.dispose()


def _upgrade(connection: Connection, revision: str) -> None:
    """Run Alembic on a connection we already opened (see migrations/env.py)."""
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def downgrade(database_url: str, *, revision: str) -> None:
    """Take the database at `database_url` back to `revision`, in one transaction."""
    engine = build_engine(database_url)
    try:
        async with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
            await conn.run_sync(_downgrade, revision)
    finally:
        await engine.dispose()


def _downgrade(connection: Connection, revision: str) -> None:
    """Run Alembic's downgrade on a connection we already opened."""
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)
