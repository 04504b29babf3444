"""Which database a URL names: two spellings of one database are one database."""

from __future__ import annotations

import contextlib
import ipaddress
import os
from pathlib import Path

from sqlalchemy.engine import URL

from storage.engine import is_sqlite, normalise_url


def same_database(first: str, second: str) -> bool:
    """Whether two URLs name one database, however they are spelled (parsed, not compared
    as text: `localhost` is `127.0.0.1`, 5432 is the default port, drivers and query
    strings don't matter, a file is the same file under any path)."""
    a, b = normalise_url(first), normalise_url(second)
    if is_sqlite(a) != is_sqlite(b):
        return False
    if is_sqlite(a):
        return _same_file(a.database, b.database)
    return _server_database(a) == _server_database(b)


def _same_file(first: str | None, second: str | None) -> bool:
    if not first or not second or ":memory:" in (first, second):
        return False
    one, other = Path(first).resolve(), Path(second).resolve()
    if one == other:
        return True
    with contextlib.suppress(OSError):  # a hard link, or one folder mounted twice
        return os.path.samefile(one, other)
    return False


def _server_database(url: URL) -> tuple[str, int, str]:
    """(host, port, database) as the server sees it; every loopback spelling is one host."""
    query_host = url.query.get("host")
    host = (url.host or (query_host if isinstance(query_host, str) else None)
            or "localhost").strip("[]").lower()
    if host.startswith("/") or host == "localhost" or _is_loopback_address(host):
        host = "localhost"  # a Unix socket is this machine too
    port = url.port or 5432
    return host, port, url.database or url.username or ""


def _is_loopback_address(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
