"""The SQLite writer thread commits queued transactions together, yet each succeeds or fails alone."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.sqlite_thread import SqliteThread


class Refused(Exception):
    """A transaction body that gives up after writing."""


def insert(value: int, *, fail: bool = False, hold: float = 0.0,
           grouped: list[bool] | None = None) -> Callable[[Connection], int]:
    """A transaction body writing one row; it may hold the writer, or fail after its insert."""
    def work(conn: Connection) -> int:
        if grouped is not None:
            grouped.append(conn.in_nested_transaction())  # a savepoint: sharing a commit
        time.sleep(hold)  # keeps the writer busy so the next transactions queue up
        conn.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": value})
        if fail:
            raise Refused(value)
        return value

    return work


async def test_queued_transactions_commit_together_and_fail_alone(tmp_path: Path) -> None:
    writer = SqliteThread(f"sqlite:///{tmp_path / 'w.db'}", write=True)
    await writer.run(lambda conn: conn.execute(text("CREATE TABLE t (v INTEGER)")))
    try:
        first = asyncio.create_task(writer.run(insert(0, hold=0.2)))
        await asyncio.sleep(0.05)  # the writer is now inside the first transaction
        grouped: list[bool] = []
        queued = [writer.run(insert(n, fail=n == 3, grouped=grouped)) for n in range(1, 6)]
        results = await asyncio.gather(first, *queued, return_exceptions=True)
        stored = await writer.run(
            lambda conn: [r[0] for r in conn.execute(text("SELECT v FROM t ORDER BY v"))]
        )
    finally:
        writer.close()

    assert grouped == [True] * 5  # the five queued behind the first shared one transaction
    assert results[:3] == [0, 1, 2]
    assert isinstance(results[3], Refused)
    assert results[4:] == [4, 5]
    assert stored == [0, 1, 2, 4, 5]  # the refused one's insert was rolled back, only it


async def test_a_lone_failing_transaction_stores_nothing(tmp_path: Path) -> None:
    writer = SqliteThread(f"sqlite:///{tmp_path / 'w.db'}", write=True)
    await writer.run(lambda conn: conn.execute(text("CREATE TABLE t (v INTEGER)")))
    try:
        with pytest.raises(Refused):
            await writer.run(insert(7, fail=True))
        count = await writer.run(lambda conn: conn.execute(text("SELECT count(*) FROM t")).scalar())
    finally:
        writer.close()

    assert count == 0
