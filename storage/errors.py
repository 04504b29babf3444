"""Storage's own errors: callers recognise an outage without importing the database library.

Every read and write of `SqlRepository` runs inside `translated()`, which turns the driver's and
SQLAlchemy's "cannot reach the database" errors into `StorageUnavailable`. The original error
stays attached as `__cause__`, so a log or the CLI's explanation can still say what happened.
Any other error (a bug, a constraint broken by a bug) passes through unchanged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from sqlalchemy import exc as sa_exc


class StorageError(Exception):
    """Storage could not do what was asked."""


class QuotaFull(StorageError):
    """`advance` changed nothing: the group's quota was already full (see `QuotaPlace`)."""


class StorageUnavailable(StorageError):
    """The database is down, unreachable or busy: nothing was changed; try again later."""


# The database is down or unreachable: worth trying again later, unlike a bug.
_OUTAGES: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
    sqlite3.OperationalError,
    ConnectionError,
)


def is_unavailable(error: BaseException) -> bool:
    """Whether `error` (or what caused it) means the database is unavailable."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, (StorageUnavailable, *_OUTAGES)):
            return True
        if isinstance(seen, sa_exc.DBAPIError) and seen.connection_invalidated:
            return True
        seen = seen.__cause__
    return False


def unavailable(error: BaseException) -> StorageUnavailable:
    """The `StorageUnavailable` to raise from a driver error (its text without SQL parameters)."""
    reason = getattr(error, "orig", None) or error
    return StorageUnavailable(f"the database is unavailable ({type(reason).__name__})")


@contextmanager
def translated_sync() -> Iterator[None]:
    """Raise an outage inside the block as `StorageUnavailable` (for code in worker threads)."""
    try:
        yield
    except StorageError:
        raise
    except Exception as error:
        if is_unavailable(error):
            raise unavailable(error) from error
        raise


@asynccontextmanager
async def translated() -> AsyncIterator[None]:
    """Raise an outage inside the block as `StorageUnavailable`; other errors pass unchanged."""
    try:
        yield
    except StorageError:
        raise
    except Exception as error:
        if is_unavailable(error):
            raise unavailable(error) from error
        raise
