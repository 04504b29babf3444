"""Throwaway PostgreSQL databases for benchmarks and trials: created, used, then dropped."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.engine import make_url

from storage.errors import StorageUnavailable


async def _on_server(server_url: str, sql: str) -> None:
    """One statement on the server's maintenance database (the one `server_url` names)."""
    import asyncpg  # only benchmarks and trials make scratch databases; the bot never does

    dsn = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@asynccontextmanager
async def scratch_database(server_url: str, prefix: str = "perceptions_scratch") -> AsyncIterator[str]:
    """The URL of a new, empty database on `server_url`'s server, dropped when the block ends.

    Raises `StorageUnavailable` when the server cannot be reached or refuses to create it.
    """
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        await _on_server(server_url, f'CREATE DATABASE "{name}"')
    except Exception as error:  # unreachable, or the user may not create databases
        raise StorageUnavailable(f"cannot create a scratch database ({error})") from error
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        await _on_server(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
