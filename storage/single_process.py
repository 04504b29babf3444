"""SQLite serves one bot process: a lock file beside the database says which one holds it.

Two bots on one SQLite file would each answer the same respondents from their own in-memory
ordering (SQLite has no lock another process can wait on per respondent), so the second is
refused with a clear message instead. The lock is an OS file lock: it goes with the process,
even one killed with SIGKILL, so a crash never leaves the database locked.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from storage.engine import is_sqlite, normalise_url

try:
    import fcntl
except ImportError:  # Windows: no advisory file locks; the check is skipped there
    fcntl = None  # type: ignore[assignment]


class AlreadyServed(RuntimeError):
    """Another bot process already serves this SQLite database."""


def lock_path(database_url: str) -> Path | None:
    """The lock file of a SQLite database (None: not a SQLite file)."""
    url = normalise_url(database_url)
    if not is_sqlite(url) or not url.database or url.database == ":memory:":
        return None
    database = Path(url.database)
    return database.with_name(database.name + ".lock")


@contextlib.contextmanager
def single_process(database_url: str) -> Iterator[None]:
    """Hold the SQLite database for this process; raises AlreadyServed if another holds it."""
    path = lock_path(database_url)
    if path is None or fcntl is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle: IO[str] = path.open("a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise AlreadyServed(
                f"Another bot process (pid {holder}) already serves the SQLite database "
                f"{path.with_name(path.name.removesuffix('.lock'))}. SQLite serves one bot "
                "process: stop the other one, or, to run several workers, use PostgreSQL "
                "(DATABASE_URL=postgresql://user@host/dbname; see README, \"Running several "
                "workers\")."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()  # closing the file releases the lock
