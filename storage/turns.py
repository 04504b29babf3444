"""One respondent at a time across every task and process: the respondent's turn.

PostgreSQL: a transaction that holds `pg_advisory_xact_lock` on a key derived from the
pseudonym; every read and write of the turn runs on that transaction's connection and is
committed when the turn ends, so the lock, the state read, the engine's decision and the
compare-and-set write are one visible sequence. A worker that dies mid-turn drops its connection,
which rolls the transaction back and releases the lock: nothing is left half-done or locked.

SQLite serves one bot process only (see `storage.single_process`), so an asyncio lock per
respondent is enough there, and each call keeps committing on its own.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.errors import translated

# Namespaces of advisory lock keys, so a respondent's key never equals a job's.
RESPONDENT_NAMESPACE = b"perceptions/respondent/"
_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def lock_key(namespace: bytes, name: str) -> int:
    """A signed 64-bit advisory lock key for a name (a collision only makes two wait)."""
    digest = hashlib.sha256(namespace + name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@dataclass
class _LocalLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    holders: int = 0  # turns holding or awaiting it; the entry goes when this reaches 0


class LocalTurns:
    """Per-respondent asyncio locks: the turn within one process (SQLite's single worker)."""

    def __init__(self) -> None:
        self._locks: dict[str, _LocalLock] = {}

    @asynccontextmanager
    async def turn(self, pseudonym: str) -> AsyncIterator[None]:
        """Wait for the respondent's earlier turns in this process, then hold theirs."""
        entry = self._locks.setdefault(pseudonym, _LocalLock())
        entry.holders += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.holders -= 1
            if entry.holders == 0:
                del self._locks[pseudonym]


class PostgresTurns:
    """Per-respondent transactions under an advisory lock, shared by every worker process."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        # The connection of the turn the current task is in (None outside a turn).
        self.current: ContextVar[AsyncConnection | None] = ContextVar(
            f"perceptions_turn_{id(self)}", default=None
        )
        self._local = LocalTurns()

    @asynccontextmanager
    async def turn(self, pseudonym: str) -> AsyncIterator[None]:
        """Lock the respondent in PostgreSQL and make this task's storage calls one transaction."""
        if self.current.get() is not None:
            raise RuntimeError("a respondent's turn cannot be nested in another turn")
        # Updates of one respondent queued in this process wait here, not holding a connection.
        # Translated: an outage (connecting, locking, committing) raises storage's own error.
        async with (
            self._local.turn(pseudonym),
            translated(),
            self._engine.connect() as conn,
            conn.begin(),
        ):
            await conn.execute(_LOCK, {"key": lock_key(RESPONDENT_NAMESPACE, pseudonym)})
            token = self.current.set(conn)
            try:
                yield
            finally:
                self.current.reset(token)
