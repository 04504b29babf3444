"""Known failures said in a sentence or two: what is wrong and what to do (never a traceback).

`explain` walks an exception and what caused it, and recognises the failures a person can fix:
a database that is down, missing, not migrated or refusing the user; Telegram refusing the token
or out of reach; a port in use; a missing file; a bad setting. Messages never include the text of
a Telegram error, which can carry the bot token.
"""

from __future__ import annotations

import errno
import socket
import sqlite3
from collections.abc import Iterator
from contextvars import ContextVar

from bot.settings import SettingsError
from storage import StorageUnavailable

# Which database the running command uses, for messages about it ("SQLite file ./data/x.db").
DATABASE: ContextVar[str] = ContextVar("database", default="the database in DATABASE_URL")
ENV_FIX = "Fix it in .env or in the environment, then run the command again."


def causes(error: BaseException) -> Iterator[BaseException]:
    """The error, then what caused it (`orig` of SQLAlchemy errors, `__cause__`, `__context__`)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup) and current.exceptions:
            current = current.exceptions[0]
            continue
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else (
            current.__cause__ or current.__context__
        )


def explain(error: BaseException) -> str | None:
    """A message a person can act on, or None when the error is not one we know (a bug)."""
    for cause in causes(error):
        message = _one(cause)
        if message:
            return message
    if any(isinstance(cause, StorageUnavailable) for cause in causes(error)):
        return (f"{DATABASE.get()} is unavailable right now (storage could not reach it): try "
                "again in a moment, and check DATABASE_URL if it lasts.")
    return None


def _one(error: BaseException) -> str | None:
    if isinstance(error, SettingsError):
        return "\n".join([*error.problems[:4], ENV_FIX])
    return _telegram(error) or _database(error) or _os(error)


def _telegram(error: BaseException) -> str | None:
    module = type(error).__module__
    if not module.startswith("telegram"):
        return None
    name = type(error).__name__
    if name == "InvalidToken":
        return ("Telegram refused the bot token (TELEGRAM_BOT_TOKEN). Copy it again from "
                "@BotFather (/mybots → your bot → API Token) into .env.")
    if name in ("NetworkError", "TimedOut"):
        return ("Cannot reach Telegram's Bot API. Check this machine's internet connection or "
                "proxy (or TELEGRAM_API_URL, if you use your own Bot API server).")
    if name == "Forbidden" or name == "Conflict":
        return ("Telegram refused the request: another process may be running this bot "
                "(stop it), or a webhook is set for it. Only one bot process may poll.")
    return None


_DATABASE_KINDS = {
    "InvalidCatalogNameError": "{db} does not exist on that server. Create it (`createdb "
    "{name}`) or fix the name at the end of DATABASE_URL.",
    "InvalidAuthorizationSpecificationError": "The database server refused the user of {db} "
    "({reason}). Fix the user name in DATABASE_URL.",
    "InvalidPasswordError": "The database server refused the password for {db}. Fix it in "
    "DATABASE_URL.",
    "UndefinedTableError": "{db} has no perceptions tables yet (or older ones): run "
    "`perceptions db upgrade` first.",
    "CannotConnectNowError": "The database server of {db} is starting or shutting down; "
    "try again in a moment.",
}


def _database(error: BaseException) -> str | None:
    db = DATABASE.get()
    template = _DATABASE_KINDS.get(type(error).__name__)
    if template and type(error).__module__.startswith("asyncpg"):
        reason = str(error).splitlines()[0]
        name = reason.split('"')[1] if reason.count('"') >= 2 else "NAME"
        return template.format(db=db, reason=reason, name=name)
    if isinstance(error, sqlite3.OperationalError):
        reason = str(error)
        if reason.startswith("no such table") or reason.startswith("no such column"):
            return f"{db} is not set up for perceptions ({reason}): run `perceptions db upgrade`."
        if "unable to open database file" in reason:
            return (f"Cannot open {db}: check that its folder exists and is writable, or set "
                    "DATABASE_URL to another file.")
        if "locked" in reason:
            return f"{db} is busy (another program holds it): try again in a moment."
        return f"{db} refused the work ({reason})."
    if isinstance(error, sqlite3.DatabaseError) and "not a database" in str(error):
        return f"{db} is not an SQLite database file: point DATABASE_URL at another file."
    if isinstance(error, socket.gaierror):
        return (f"Cannot find the database server of {db} (unknown host name). Check the host "
                "in DATABASE_URL.")
    if isinstance(error, ConnectionRefusedError | TimeoutError) or (
        isinstance(error, OSError) and error.errno in (errno.ECONNREFUSED, errno.EHOSTUNREACH)
    ):
        return (f"Cannot reach the database server of {db} (connection refused). Is PostgreSQL "
                "running there? Check the host and port in DATABASE_URL.")
    return None


def _os(error: BaseException) -> str | None:
    if not isinstance(error, OSError):
        return None
    if error.errno == errno.EADDRINUSE:
        return ("A port this command needs is already in use: stop the other program or choose "
                "another port (WEBHOOK_PORT, SANDBOX_PORT, RESEARCH_PORT or --port).")
    if isinstance(error, FileNotFoundError):
        return f"No such file or folder: {error.filename}."
    if isinstance(error, PermissionError):
        return f"Not allowed to open {error.filename}: check its permissions."
    if isinstance(error, IsADirectoryError):
        return f"{error.filename} is a folder; give a file name."
    return None
