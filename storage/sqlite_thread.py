"""Transactions on one SQLite file, each in one hop to a thread of its own (writes; reads)."""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from storage.engine import BUSY_TIMEOUT_MS, WRITE_OPTION, normalise_url, tune_sqlite

T = TypeVar("T")

# Transactions committed together at most: bounds the work lost to one failed COMMIT.
MAX_GROUP = 256
# How long a checkpoint may wait for readers of an older snapshot (writers queue meanwhile).
CHECKPOINT_WAIT_MS = 2_000


@dataclass
class _Job:
    """One caller's transaction body, and where its result goes."""

    work: Callable[[Connection], Any]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    result: Any = None
    error: BaseException | None = None
    bare: bool = False  # runs on the raw connection, outside any transaction (a checkpoint)


class SqliteThread:
    """Runs each transaction body in one hop to a thread that owns one SQLite connection.

    One hop per transaction instead of one per statement through aiosqlite (and no wait for a
    pooled connection), which makes a transaction several times cheaper from async code.
    Writes (`write=True`) queue here, so writers of this process never wait in SQLite's busy
    loop; writes that queued up while the thread was busy run in one BEGIN IMMEDIATE … COMMIT,
    each inside a SAVEPOINT of its own (group commit): one failing rolls back only itself, and a
    burst of answers costs one fsync instead of one each. Every caller is told only after the
    COMMIT, so an acknowledged write is durable. Reads queued together share one snapshot,
    taken after they were queued, so a read always sees the writes acknowledged before it.
    """

    def __init__(self, database_url: str, *, write: bool) -> None:
        """Open (lazily) a synchronous engine on the same file, for writing or for reading."""
        url = normalise_url(database_url).set(drivername="sqlite+pysqlite")
        self._write = write
        self._engine = create_engine(url, hide_parameters=True,
                                     execution_options={WRITE_OPTION: write})
        tune_sqlite(self._engine)
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    async def run(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in a transaction (BEGIN IMMEDIATE for writes); rolled back if it raises."""
        loop = asyncio.get_running_loop()
        job = _Job(work, loop, loop.create_future())
        self._start()
        self._jobs.put(job)
        result: T = await job.future
        return result

    async def checkpoint(self) -> bool:
        """Copy the WAL into the database file and truncate it to zero bytes; False if readers
        of an older snapshot kept it from finishing within CHECKPOINT_WAIT_MS.

        Until a checkpoint, deleted rows stay readable in the WAL file (after an erasure, too).
        """
        loop = asyncio.get_running_loop()
        job = _Job(_truncate_wal, loop, loop.create_future(), bare=True)
        self._start()
        self._jobs.put(job)
        done: bool = await job.future
        return done

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                # A daemon: a process that exits without close() must not hang; an unfinished
                # transaction is rolled back by SQLite, and nobody was told it succeeded.
                name = "sqlite-writer" if self._write else "sqlite-reader"
                self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
                self._thread.start()

    def _serve(self) -> None:
        """The thread: take what is queued, run and commit it, tell the callers; until None."""
        while True:
            job = self._jobs.get()
            if job is None:
                return
            group = [job]
            stop = False
            while len(group) < MAX_GROUP:
                try:
                    more = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                group.append(more)
            self._commit(group)
            if stop:
                return

    def _commit(self, group: list[_Job]) -> None:
        """One transaction for the group, then every caller's result."""
        bare = [job for job in group if job.bare]
        if bare:  # queued after the transactions of their callers were acknowledged
            group = [job for job in group if not job.bare]
            if group:
                self._commit(group)
            for job in bare:
                self._run_bare(job)
            _settle(bare)
            return
        try:
            with self._engine.begin() as conn:
                if len(group) == 1:
                    group[0].result = group[0].work(conn)
                else:
                    for job in group:
                        (_run_in_savepoint if self._write else _run_read)(conn, job)
        except BaseException as error:  # BEGIN, COMMIT, or a lone job failed: nothing stored
            for job in group:
                job.error = job.error or error
        _settle(group)

    def _run_bare(self, job: _Job) -> None:
        """Run a job on a connection with no BEGIN around it (no statement of SQLAlchemy's)."""
        try:
            with self._engine.connect() as conn:
                job.result = job.work(conn)
        except BaseException as error:
            job.error = error

    def close(self) -> None:
        """Finish queued writes and close the connection."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._jobs.put(None)
            thread.join()
        self._engine.dispose()


def _run_in_savepoint(conn: Connection, job: _Job) -> None:
    """Run one job of a group; if it raises, only its own changes are undone."""
    savepoint = conn.begin_nested()
    try:
        job.result = job.work(conn)
    except Exception as error:
        savepoint.rollback()
        job.error = error
        return
    savepoint.commit()


def _truncate_wal(conn: Connection) -> bool:
    """PRAGMA wal_checkpoint(TRUNCATE), waiting at most CHECKPOINT_WAIT_MS for readers."""
    # On the DB-API connection itself: SQLAlchemy would BEGIN first, and a checkpoint can't
    # run inside a transaction.
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"PRAGMA busy_timeout={CHECKPOINT_WAIT_MS}")
        busy, _log_frames, _copied = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return bool(busy == 0)
    finally:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()


def _run_read(conn: Connection, job: _Job) -> None:
    """Run one read of a group; its error is its own (a read changes nothing to undo)."""
    try:
        job.result = job.work(conn)
    except Exception as error:
        job.error = error


def _settle(group: list[_Job]) -> None:
    """Hand each result to its event loop: one wake-up per loop, not one per job."""
    by_loop: dict[asyncio.AbstractEventLoop, list[_Job]] = {}
    for job in group:
        by_loop.setdefault(job.loop, []).append(job)
    for loop, jobs in by_loop.items():
        # A closed loop raises RuntimeError: nobody is waiting any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_deliver, jobs)


def _deliver(jobs: list[_Job]) -> None:
    """On the event loop: complete each future that is still awaited."""
    for job in jobs:
        if job.future.done():  # the caller was cancelled
            continue
        if job.error is None:
            job.future.set_result(job.result)
        else:
            job.future.set_exception(job.error)
