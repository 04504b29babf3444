"""Bringing a database schema up to date with the Alembic migrations shipped in `storage`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

from storage.engine import WRITE_OPTION, build_engine
from storage.errors import translated

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


@dataclass(frozen=True)
class SchemaState:
    """Where a database's schema stands: its revision (None: no tables of ours) and the newest."""

    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        """Whether the schema is the one this version of the code expects."""
        return self.current == self.head


def head_revision() -> str:
    """The newest migration shipped with the code."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations folder has no revision"
    return head


def _current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


async def schema_state(database_url: str) -> SchemaState:
    """The database's revision and the newest one (reads only; creates nothing)."""
    engine = build_engine(database_url)
    try:
        async with translated(), engine.connect() as conn:
            current = await conn.run_sync(_current)
    finally:
        await engine.dispose()
    return SchemaState(current, head_revision())


async def upgrade(database_url: str, *, revision: str = "head") -> SchemaState:
    """Migrate the database at `database_url` to `revision`, in one transaction.

    Returns the state before the upgrade (`current` was the revision it started from).
    """
    engine = build_engine(database_url)
    try:
        # The write option makes SQLite take its write lock up front, like every writer.
        async with translated(), engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
            before = await conn.run_sync(_upgrade, revision)
    finally:
        await engine.dispose()
    return SchemaState(before, head_revision())


def _upgrade(connection: Connection, revision: str) -> str | None:
    """Run Alembic on a connection we already opened (see migrations/env.py)."""
    from alembic import command

    before = _current(connection)
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
    return before


async def downgrade(database_url: str, *, revision: str) -> None:
    """Take the database at `database_url` back to `revision`, in one transaction."""
    engine = build_engine(database_url)
    try:
        async with translated(), engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
            await conn.run_sync(_downgrade, revision)
    finally:
        await engine.dispose()


def _downgrade(connection: Connection, revision: str) -> None:
    """Run Alembic's downgrade on a connection we already opened."""
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)
